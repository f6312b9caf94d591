"""The sandbox's order, appointment and document operations, over real HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest

from relay_analytics.api.endpoints import OPERATIONS
from relay_analytics.sandbox import SandboxServer


def path(name: str, **params: int | str) -> str:
    """The path of an operation, from the endpoint table."""
    return OPERATIONS[name].render_path(**params)


@pytest.fixture
def api(empty_sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """An authenticated client of a fresh, empty sandbox."""
    headers = {"Authorization": f"Bearer {empty_sandbox.api_key}"}
    with httpx.Client(base_url=empty_sandbox.url, headers=headers, verify=False) as client:
        yield client


def status_and_field(response: httpx.Response) -> tuple[int, str]:
    """The status and the error message (empty for a success)."""
    message = response.json().get("message", "") if response.status_code >= 400 else ""
    return response.status_code, message


def create_order(api: httpx.Client, files: int = 0) -> int:
    """Create an order with ``files`` small attachments; return its id."""
    order = {"title": "Rauchmelder prüfen", "propertyId": 101, "dueDate": "2026-12-01T10:00:00Z"}
    uploads = [("files", (f"f{i}.pdf", b"%PDF-1.4", "application/pdf")) for i in range(files)]
    response = api.post(
        path("create_order"), data={"order": json.dumps(order)}, files=uploads or None
    )
    assert response.status_code == 201, response.text
    order_id: int = response.json()["id"]
    return order_id


def test_order_life_cycle(api: httpx.Client) -> None:
    order_id = create_order(api, files=2)
    assert (
        api.patch(path("patch_order", orderId=order_id), json={"status": "IN_PROGRESS"}).json()
        == order_id
    )
    field = {"name": "Etage", "content": "2. OG", "position": 1, "orderId": order_id}
    assert api.post(path("create_order_field"), json=field).status_code == 201
    person = {
        "name": "Frau Roth",
        "type": "TENANT",
        "email": "roth@example.de",
        "orderId": order_id,
    }
    assert api.post(path("create_order_contact_person"), json=person).status_code == 201
    comment = api.post(
        path("create_order_comment", orderId=order_id),
        data={"text": "Termin vereinbart", "authorName": "HV"},
        files=[("files", ("a.txt", b"hi", "text/plain"))],
    )
    assert comment.status_code == 201
    comment_id = comment.json()["id"]

    order = api.get(path("get_order_by_id", orderId=order_id)).json()
    assert order["status"] == "IN_PROGRESS"
    assert [f["content"] for f in order["fields"]] == ["2. OG"]
    assert [p["name"] for p in order["contactPersons"]] == ["Frau Roth"]
    assert len(order["attachments"]) == 3
    assert [o["id"] for o in api.get(path("get_all_orders")).json()] == [order_id]
    comments = api.get(path("get_order_comments_by_order_id", orderId=order_id)).json()
    assert [c["text"] for c in comments] == ["Termin vereinbart"]
    assert len(api.get(path("get_attachments_for_order", orderId=order_id)).json()) == 1
    links = api.get(
        path("get_attachments_for_order_comment", orderId=order_id, commentId=comment_id)
    ).json()
    assert len(links) == 1


def test_order_errors(api: httpx.Client) -> None:
    assert status_and_field(api.get(path("get_order_by_id", orderId=5))) == (
        404,
        "order 5 not found",
    )
    assert api.patch(path("patch_order", orderId=5), json={}).status_code == 404
    assert api.get(path("get_order_comments_by_order_id", orderId=5)).status_code == 404
    assert api.get(path("get_attachments_for_order", orderId=5)).status_code == 404
    order_id = create_order(api)
    bad_status = api.patch(path("patch_order", orderId=order_id), json={"status": "DONE"})
    assert bad_status.status_code == 400
    assert "status" in bad_status.json()["message"]
    comment_404 = api.get(path("get_attachments_for_order_comment", orderId=order_id, commentId=9))
    assert comment_404.status_code == 404
    field = {"name": "x", "content": "y", "position": 1, "orderId": 999}
    assert api.post(path("create_order_field"), json=field).status_code == 404
    person = {"name": "x", "type": "y", "email": "z", "orderId": 999}
    assert api.post(path("create_order_contact_person"), json=person).status_code == 404
    no_text = api.post(path("create_order_comment", orderId=order_id), data={"authorName": "HV"})
    assert status_and_field(no_text) == (400, "form.text is required")


@pytest.mark.parametrize(
    ("data", "files", "field"),
    [
        ({}, [("files", ("a.pdf", b"x", "application/pdf"))], "form field order is required"),
        ({"order": "{not json"}, None, "order"),
        ({"order": json.dumps({"type": "x"})}, None, "order.title"),
        ({"order": json.dumps({"title": "x", "dueDate": "soon"})}, None, "order.dueDate"),
        (
            {"order": json.dumps({"title": "x"})},
            [("files", (f"{i}.pdf", b"x", "application/pdf")) for i in range(11)],
            "files",
        ),
    ],
)
def test_create_order_refuses_bad_forms(
    api: httpx.Client, data: dict[str, str], files: list[object] | None, field: str
) -> None:
    response = api.post(path("create_order"), data=data, files=files)
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_create_order_accepts_ten_files_or_none(api: httpx.Client) -> None:
    # Without files httpx sends a URL-encoded form, which the sandbox reads too.
    assert create_order(api, files=10) != create_order(api, files=0)


def test_create_order_needs_multipart(api: httpx.Client) -> None:
    response = api.post(path("create_order"), json={"title": "x"})
    assert status_and_field(response) == (400, "request body must be multipart/form-data")


def test_appointments(api: httpx.Client) -> None:
    appointment = {
        "title": "Ablesung",
        "dateStart": "2026-12-07 09:00:00",
        "dateEnd": "2026-12-07 10:00:00",
        "location": "Keller",
        "customerId": 11,
    }
    created = api.post(path("create_appointment"), json=appointment)
    assert created.status_code == 201
    appointment_id = created.json()["id"]
    patched = api.patch(
        path("update_appointment", appointmentId=appointment_id), json={"location": "Hof"}
    )
    assert patched.json() == {"id": appointment_id}
    assert [a["location"] for a in api.get(path("get_all_appointments")).json()] == ["Hof"]
    assert api.patch(path("update_appointment", appointmentId=99), json={}).status_code == 404
    bad = api.post(path("create_appointment"), json=appointment | {"dateStart": "2026-12-07T09:00"})
    assert status_and_field(bad)[0] == 400
    assert "dateStart" in status_and_field(bad)[1]


def test_documents(api: httpx.Client) -> None:
    old = {"title": "Abrechnung 2025", "propertyId": "101", "customerId": "11"}
    assert api.post(path("create_document_deprecated"), json=old).status_code == 201
    created = api.post(
        path("create_document"),
        json={"title": "UVI", "internalPropertyId": "HV-1", "customerId": "11"},
    )
    assert created.status_code == 201
    document_id = created.json()["id"]
    no_customer = api.post(path("create_document"), json={"title": "UVI", "propertyId": "101"})
    assert status_and_field(no_customer) == (400, "customerId or internalCustomerId is required")
    patch = path("patch_document", documentId=document_id)
    assert api.patch(patch, json={"status": "PUBLISHED"}).status_code == 200
    assert api.patch(patch, json={"status": "DONE"}).status_code == 400
    assert (
        api.patch(
            path("patch_document", documentId="nope"), json={"status": "PUBLISHED"}
        ).status_code
        == 404
    )
    pdf = {
        "name": "uvi.pdf",
        "fileType": "application/pdf",
        "content": base64.b64encode(b"%PDF").decode(),
    }
    attach = path("post_attachment", documentId=document_id)
    assert api.post(attach, json=pdf).status_code == 201
    assert api.post(attach, json=pdf | {"content": "not base64!"}).status_code == 400
    assert api.post(attach, json=pdf | {"fileType": "image/png"}).status_code == 400
