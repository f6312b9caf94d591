"""The sandbox serves the contract over real HTTP: auth, master data, pagination, EED upsert."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from relay_analytics.api.endpoints import OPERATIONS
from relay_analytics.samples import sample_path
from relay_analytics.sandbox import DEFAULT_API_KEY, SandboxServer


def path(name: str, **params: int | str) -> str:
    """The path of an operation, from the endpoint table."""
    return OPERATIONS[name].render_path(**params)


def client_of(server: SandboxServer) -> httpx.Client:
    """An authenticated client of ``server``."""
    # Plain HTTP on loopback: skip loading the CA bundle (a tenth of a second per client).
    headers = {"Authorization": f"Bearer {server.api_key}"}
    return httpx.Client(base_url=server.url, headers=headers, verify=False)


@pytest.fixture(scope="module")
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """An authenticated client of the shared sample sandbox."""
    with client_of(sandbox) as client:
        yield client


@pytest.fixture
def empty_api(empty_sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """An authenticated client of a fresh, empty sandbox."""
    with client_of(empty_sandbox) as client:
        yield client


@pytest.fixture(scope="module")
def eed_sandbox() -> Iterator[SandboxServer]:
    """An empty sandbox shared by this module's EED tests (each starts with no records)."""
    with SandboxServer(sample_data=False) as server:
        yield server


@pytest.fixture
def eed_api(eed_sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A client of ``eed_sandbox``, whose received records are cleared first."""
    eed_sandbox.reset()
    with client_of(eed_sandbox) as client:
        yield client


def assert_error(response: httpx.Response, status: int, *mentions: str) -> None:
    """The response is a contract-shaped error whose message names ``mentions``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["statusCode"] == status
    assert isinstance(body["error"], str)
    for word in mentions:
        assert word in body["message"]


def eed_body(**overrides: Any) -> dict[str, Any]:
    """A valid EED request for one unit and month."""
    body: dict[str, Any] = {
        "propertyId": 101,
        "unitId": 1001,
        "customerId": 11,
        "period": "2026-10",
        "mscName": "ista",
        "consumptions": [
            {
                "service": "HEATING",
                "unitOfMeasure": "KWH",
                "amount": 612.5,
                "converted": False,
                "estimated": False,
                "errors": False,
            },
            {
                "service": "HOT_WATER",
                "unitOfMeasure": "M3",
                "converted": False,
                "estimated": False,
                "errors": True,
                "remarkCodes": ["NO_RADIO_EQUIPMENT"],
            },
        ],
        "benchmarks": [{"service": "HEATING", "unitOfMeasure": "KWH", "amount": 540.0}],
    }
    return body | overrides


# --- auth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": DEFAULT_API_KEY}],
    ids=["missing", "wrong key", "no scheme"],
)
def test_api_routes_refuse_requests_without_the_key(
    sandbox: SandboxServer, headers: dict[str, str]
) -> None:
    with httpx.Client(base_url=sandbox.url, verify=False) as anonymous:
        response = anonymous.get(path("get_customers"), headers=headers)
    assert_error(response, 401, "API key")


def test_inspection_and_openapi_routes_need_no_key(sandbox: SandboxServer) -> None:
    with httpx.Client(base_url=sandbox.url, verify=False) as anonymous:
        assert anonymous.get("/sandbox/eed").status_code == 200
        assert anonymous.get("/openapi.json").status_code == 200


def test_unknown_path_and_wrong_method_answer_contract_errors(api: httpx.Client) -> None:
    assert_error(api.get("/api/v1/nothing"), 404)
    assert_error(api.put(path("get_customers")), 405)


def test_repr_never_shows_the_key() -> None:
    with SandboxServer(api_key="s3cret-key", sample_data=False) as server:
        assert "s3cret" not in repr(server)


# --- master data ---------------------------------------------------------------------------


def test_serves_the_sample_master_data(api: httpx.Client) -> None:
    units = api.get(path("get_units"), params={"limit": 100, "offset": 0}).json()["units"]
    msc_units = api.get(path("get_msc_units"), params={"limit": 100, "offset": 0}).json()["units"]
    properties = api.get(path("get_properties"), params={"limit": 100, "offset": 0}).json()
    customers = api.get(path("get_customers")).json()["customers"]
    assert len(units) == 40
    assert [u for u in units if u["mscNumber"]] == msc_units
    assert 0 < len(units) - len(msc_units) < 5
    assert {u["propertyId"] for u in units} == {p["id"] for p in properties["properties"]}
    assert {u["customerId"] for u in units} <= {c["id"] for c in customers}
    assert all(1 <= len(p["mscNumber"]) <= 9 for p in properties["properties"])


def test_get_property_and_404(api: httpx.Client) -> None:
    assert api.get(path("get_property", propertyId=101)).json()["address"]["country"] == "DE"
    assert_error(api.get(path("get_property", propertyId=999)), 404, "999")
    assert_error(api.get(path("get_property", propertyId="abc")), 404, "abc")


def test_create_properties_upserts_by_external_id_and_delete_removes_units(
    empty_api: httpx.Client,
) -> None:
    address = {"streetAddress": "Hauptstr. 1", "postalCode": "50667", "locality": "Köln"}
    new = {"name": "Hauptstr. 1", "externalId": 7, "address": address | {"country": "DE"}}
    first = empty_api.post(path("create_properties"), json={"properties": [new]})
    assert first.status_code == 201
    (created,) = first.json()["properties"]
    again = empty_api.post(
        path("create_properties"), json={"properties": [new | {"mscNumber": "12345"}]}
    )
    (updated,) = again.json()["properties"]
    assert updated["id"] == created["id"]
    assert updated["mscNumber"] == "12345"
    deleted = empty_api.delete(path("delete_property", propertyId=created["id"]))
    assert deleted.status_code == 200
    assert_error(empty_api.delete(path("delete_property", propertyId=created["id"])), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "properties"),
        ({"properties": []}, "properties"),
        ({"properties": [{"name": "x", "externalId": 1}]}, "properties[0].address"),
        (
            {
                "properties": [
                    {
                        "name": "x",
                        "externalId": 1,
                        "mscNumber": "1234567890",
                        "address": {
                            "streetAddress": "a",
                            "postalCode": "1",
                            "locality": "b",
                            "country": "DE",
                        },
                    }
                ]
            },
            "properties[0].mscNumber",
        ),
    ],
)
def test_create_properties_names_the_bad_field(
    empty_api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    assert_error(empty_api.post(path("create_properties"), json=body), 400, field)


def test_create_customer_echoes_and_lists(empty_api: httpx.Client) -> None:
    body = {"customer": {"name": "WEG Testweg 1", "emailAddress": "a@example.de"}}
    response = empty_api.post(path("create_customer"), json=body)
    assert (response.status_code, response.json()) == (201, body)
    (customer,) = empty_api.get(path("get_customers")).json()["customers"]
    assert customer["name"] == "WEG Testweg 1"
    assert_error(empty_api.post(path("create_customer"), json={"customer": {}}), 400, "name")


def test_create_address_answers_its_id(empty_api: httpx.Client) -> None:
    address = {"streetAddress": "a 1", "postalCode": "10115", "locality": "Berlin", "country": "DE"}
    assert empty_api.post(path("create_address"), json=address).status_code == 201
    assert_error(
        empty_api.post(path("create_address"), json=address | {"country": "Deutschland"}),
        400,
        "country",
    )


def test_malformed_json_is_a_400(empty_api: httpx.Client) -> None:
    response = empty_api.post(
        path("create_address"), content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, "JSON")
    assert_error(empty_api.post(path("create_address"), json=[1, 2]), 400, "JSON object")


# --- pagination ----------------------------------------------------------------------------


def test_pages_are_ordered_by_id_and_cover_every_unit_once(api: httpx.Client) -> None:
    # 40 units in pages of 10: an exact multiple, so the fifth page is empty.
    pages = [
        api.get(path("get_units"), params={"limit": 10, "offset": offset}).json()["units"]
        for offset in range(0, 50, 10)
    ]
    assert [len(page) for page in pages] == [10, 10, 10, 10, 0]
    ids = [unit["id"] for page in pages for unit in page]
    assert ids == sorted(set(ids))


def test_offset_past_the_end_is_an_empty_page(api: httpx.Client) -> None:
    response = api.get(path("get_properties"), params={"limit": 5, "offset": 1000})
    assert response.json() == {"properties": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0, "offset": 0}, "limit"),
        ({"limit": 101, "offset": 0}, "limit"),
        ({"limit": 10, "offset": -1}, "offset"),
        ({"limit": "ten", "offset": 0}, "limit"),
        ({"offset": 0}, "limit"),
        ({"limit": 10}, "offset"),
    ],
)
def test_bad_pagination_is_a_400(api: httpx.Client, params: dict[str, Any], field: str) -> None:
    assert_error(api.get(path("get_msc_units"), params=params), 400, field)


# --- EED upsert ----------------------------------------------------------------------------


def test_eed_upserts_by_submission_key_and_counts_revisions(
    eed_sandbox: SandboxServer, eed_api: httpx.Client
) -> None:
    first = eed_api.post(path("eed"), json=eed_body())
    second = eed_api.post(path("eed"), json=eed_body(benchmarks=[]))
    other = eed_api.post(path("eed"), json=eed_body(period="2026-09"))
    assert [r.status_code for r in (first, second, other)] == [201, 201, 201]
    assert first.json()["id"] == second.json()["id"] != other.json()["id"]
    records = {r["key"]["period"]: r for r in eed_sandbox.received_eed()}
    assert records["2026-10"]["revision"] == 2
    assert records["2026-10"]["payload"]["benchmarks"] == []
    assert records["2026-09"]["revision"] == 1
    assert records["2026-10"]["key"] == {
        "propertyId": 101,
        "unitId": 1001,
        "customerId": 11,
        "period": "2026-10",
        "mscName": "ista",
    }
    assert eed_api.get("/sandbox/eed").json() == eed_sandbox.received_eed()
    eed_sandbox.reset()
    assert eed_sandbox.received_eed() == []


def _consumption(index: int, **changes: Any) -> dict[str, Any]:
    body = eed_body()
    body["consumptions"][index] |= changes
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (eed_body(period="2026-13"), "period"),
        (eed_body(period="26-10"), "period"),
        (eed_body(mscName=""), "mscName"),
        (eed_body(propertyId="101"), "propertyId"),
        ({k: v for k, v in eed_body().items() if k != "benchmarks"}, "benchmarks"),
        (_consumption(0, service="GAS"), "consumptions[0].service"),
        (_consumption(0, unitOfMeasure="L"), "consumptions[0].unitOfMeasure"),
        (_consumption(0, amount=-1), "consumptions[0].amount"),
        (_consumption(0, amount=None), "consumptions[0].amount"),
        (_consumption(1, amount=2.0), "consumptions[1].amount"),
        (_consumption(0, estimated="no"), "consumptions[0].estimated"),
        (_consumption(0, converted=True, unitOfMeasure="HCU"), "consumptions[0].unitOfMeasure"),
        (_consumption(1, remarkCodes=["OOPS"]), "consumptions[1].remarkCodes[0]"),
        (_consumption(1, service="HEATING", unitOfMeasure="KWH"), "consumptions[1]"),
        (eed_body(benchmarks=[{"service": "HEATING", "unitOfMeasure": "KWH"}]), "amount"),
    ],
)
def test_eed_refuses_bodies_that_break_the_contract(
    eed_sandbox: SandboxServer, eed_api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    assert_error(eed_api.post(path("eed"), json=body), 400, field)
    assert eed_sandbox.received_eed() == []


def test_sample_files_resolve_from_the_checkout() -> None:
    assert sample_path("units.json").parent.name == "data"
    with pytest.raises(FileNotFoundError, match=r"nope\.csv"):
        sample_path("nope.csv")
