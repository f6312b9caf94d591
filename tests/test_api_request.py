"""Request building: every operation's method, path, query, headers and body, without a network."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from relay_analytics.api import RelayClient, Secret
from relay_analytics.api._request import build_request, render_path
from relay_analytics.api.endpoints import MAX_UPLOAD_FILES, OPERATIONS

BASE = "https://relay.example/"
KEY = "test-key-123"
BODY = {"name": "x"}
PDF = ("plan.pdf", b"%PDF-1.4 tiny", "application/pdf")

#: Each method called with sample arguments, and the path it must hit.
CALLS: dict[str, tuple[Callable[[RelayClient], Any], str]] = {
    "create_address": (lambda c: c.create_address(BODY), "/api/v1/addresses"),
    "create_customer": (lambda c: c.create_customer(BODY), "/api/v1/customers"),
    "get_customers": (lambda c: c.get_customers(), "/api/v1/customers"),
    "create_properties": (lambda c: c.create_properties(BODY), "/api/v1/properties"),
    "get_properties": (lambda c: c.get_properties(limit=5, offset=10), "/api/v1/properties"),
    "get_property": (lambda c: c.get_property(3), "/api/v1/properties/3"),
    "delete_property": (lambda c: c.delete_property(3), "/api/v1/properties/3"),
    "get_units": (lambda c: c.get_units(limit=5, offset=10), "/api/v1/units"),
    "get_msc_units": (lambda c: c.get_msc_units(limit=5, offset=10), "/api/v1/units/msc"),
    "eed": (lambda c: c.eed(BODY), "/api/v1/consumptions/eed"),
    "get_all_orders": (lambda c: c.get_all_orders(), "/api/v1/orders"),
    "create_order": (lambda c: c.create_order({"title": "T"}, [PDF]), "/api/v1/orders"),
    "get_order_by_id": (lambda c: c.get_order_by_id(7), "/api/v1/orders/7"),
    "patch_order": (lambda c: c.patch_order(7, BODY), "/api/v1/orders/7"),
    "get_order_comments_by_order_id": (
        lambda c: c.get_order_comments_by_order_id(7),
        "/api/v1/orders/7/comments",
    ),
    "create_order_comment": (
        lambda c: c.create_order_comment(7, text="hi", author_name="Ana", files=[PDF]),
        "/api/v1/orders/7/comments",
    ),
    "get_attachments_for_order": (
        lambda c: c.get_attachments_for_order(7),
        "/api/v1/orders/7/attachments",
    ),
    "get_attachments_for_order_comment": (
        lambda c: c.get_attachments_for_order_comment(7, 9),
        "/api/v1/orders/7/comments/9/attachments",
    ),
    "create_order_field": (lambda c: c.create_order_field(BODY), "/api/v1/order-fields"),
    "create_order_contact_person": (
        lambda c: c.create_order_contact_person(BODY),
        "/api/v1/order-contact-persons",
    ),
    "get_all_appointments": (lambda c: c.get_all_appointments(), "/api/v1/appointments"),
    "create_appointment": (lambda c: c.create_appointment(BODY), "/api/v1/appointments"),
    "update_appointment": (
        lambda c: c.update_appointment(4, BODY),
        "/api/v1/appointments/4",
    ),
    "create_document_deprecated": (
        lambda c: c.create_document_deprecated(BODY),
        "/api/v1/documents",
    ),
    "create_document": (lambda c: c.create_document(BODY), "/api/v2/documents"),
    "patch_document": (lambda c: c.patch_document("d-1", BODY), "/api/v1/documents/d-1"),
    "post_attachment": (
        lambda c: c.post_attachment("d-1", BODY),
        "/api/v1/documents/d-1/attachments",
    ),
}


def recording_client(seen: list[httpx.Request]) -> RelayClient:
    """A client whose transport records each request and answers 200 with an empty object."""

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={})

    return RelayClient(BASE, KEY, transport=httpx.MockTransport(handler))


def multipart_parts(request: httpx.Request) -> dict[str, list[bytes]]:
    """Split a multipart body into its parts' (headers + content) keyed by field name."""
    boundary = request.headers["Content-Type"].split("boundary=")[1].encode()
    parts: dict[str, list[bytes]] = {}
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, content = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        parts.setdefault(name, []).append(head + b"\n" + content)
    return parts


def test_every_operation_has_a_method_with_its_name() -> None:
    assert set(CALLS) == set(OPERATIONS)
    for name in OPERATIONS:
        assert callable(getattr(RelayClient, name))


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_method_sends_the_contracts_request(name: str) -> None:
    seen: list[httpx.Request] = []
    call, path = CALLS[name]
    with recording_client(seen) as client:
        call(client)
    [request] = seen
    operation = OPERATIONS[name]
    assert request.method == operation.method
    assert request.url.path == path
    assert request.url.host == "relay.example"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Accept"] == "application/json"
    if operation.paginated:
        assert dict(request.url.params) == {"limit": "5", "offset": "10"}
    else:
        assert not request.url.params
    if operation.body == "json":
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == BODY
    elif operation.body == "multipart":
        assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
        assert b"%PDF-1.4 tiny" in request.content
    else:
        assert request.content == b""


def test_create_order_sends_the_order_as_a_json_form_field_and_the_files() -> None:
    seen: list[httpx.Request] = []
    with recording_client(seen) as client:
        client.create_order(
            {"title": "Zähler tauschen", "propertyId": 1},
            [PDF, ("photo.jpg", io.BytesIO(b"JPEGDATA"), "image/jpeg")],
        )
    parts = multipart_parts(seen[0])
    [order] = parts["order"]
    assert b"filename" not in order.split(b"\n")[0]
    assert json.loads(order.split(b"\n", 1)[1]) == {"title": "Zähler tauschen", "propertyId": 1}
    files = parts["files"]
    assert len(files) == 2
    assert b'filename="plan.pdf"' in files[0]
    assert b"Content-Type: application/pdf" in files[0]
    assert files[1].endswith(b"JPEGDATA")


def test_multipart_without_files_is_still_multipart() -> None:
    seen: list[httpx.Request] = []
    with recording_client(seen) as client:
        client.create_order_comment(7, text="Termin bestätigt", author_name="Ana")
    assert seen[0].headers["Content-Type"].startswith("multipart/form-data")
    parts = multipart_parts(seen[0])
    assert parts["text"][0].endswith("Termin bestätigt".encode())
    assert parts["authorName"][0].endswith(b"Ana")
    assert "files" not in parts


def test_too_many_files_are_refused_before_any_request() -> None:
    seen: list[httpx.Request] = []
    files = [PDF] * (MAX_UPLOAD_FILES + 1)
    with recording_client(seen) as client, pytest.raises(ValueError, match="at most 10 files"):
        client.create_order({"title": "T"}, files)
    assert seen == []


def test_path_parameters_are_quoted_so_they_stay_in_their_segment() -> None:
    operation = OPERATIONS["patch_document"]
    assert render_path(operation, {"document_id": "a/../b c"}) == "/api/v1/documents/a%2F..%2Fb%20c"
    assert render_path(operation, {"documentId": "x"}) == "/api/v1/documents/x"
    with pytest.raises(ValueError, match="unknown path parameter 'order_id'"):
        render_path(operation, {"order_id": 1})


def test_base_url_with_a_path_prefix_is_kept() -> None:
    request = build_request(OPERATIONS["get_customers"], "https://h.example/relay/", Secret(KEY))
    assert str(request.url) == "https://h.example/relay/api/v1/customers"


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("eed", {}, "needs a JSON body"),
        ("create_order", {}, "needs form fields"),
        ("get_units", {"json": {"a": 1}}, "takes no request body"),
    ],
)
def test_body_must_match_the_operation(name: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_request(OPERATIONS[name], BASE, Secret(KEY), **kwargs)
