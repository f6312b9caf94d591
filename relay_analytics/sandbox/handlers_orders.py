"""Handlers of the order, appointment and document operations.

Ids in a path must exist (404 otherwise), and so must the order named by ``orderId`` in the
body of an order field or contact person; other ids in bodies are stored as given.
"""

from __future__ import annotations

import json
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from relay_analytics.api.endpoints import (
    ADDRESS_KEY,
    COMMENT_AUTHOR_FIELD,
    COMMENT_TEXT_FIELD,
    FILES_FORM_FIELD,
    MAX_UPLOAD_FILES,
    ORDER_FIELDS,
    ORDER_FORM_FIELD,
)
from relay_analytics.sandbox import contract
from relay_analytics.sandbox.errors import BadRequestError, NotFoundError
from relay_analytics.sandbox.handlers_records import Handler, now_iso, store_address
from relay_analytics.sandbox.parsing import Form, form_body, json_body, path_id
from relay_analytics.sandbox.store import Store
from relay_analytics.sandbox.validators import Validator

#: Collections nested in an order, by the order's wire field.
_ORDER_CHILDREN: Final = {
    "fields": "order_fields",
    "attachments": "order_attachments",
    "comments": "order_comments",
    "contactPersons": "order_contact_persons",
}


def _order(store: Store, order_id: int) -> dict[str, Any]:
    record = store.get("orders", order_id)
    if record is None:
        raise NotFoundError("order", order_id)
    return record


def _full_order(store: Store, record: dict[str, Any]) -> dict[str, Any]:
    children = {
        name: store.all(kind, parent_id=record["id"]) for name, kind in _ORDER_CHILDREN.items()
    }
    return record | children


def _uploads(form: Form) -> list[dict[str, Any]]:
    uploads = form.files.get(FILES_FORM_FIELD, [])
    if len(uploads) > MAX_UPLOAD_FILES:
        raise BadRequestError(
            f"{FILES_FORM_FIELD}: at most {MAX_UPLOAD_FILES} files, got {len(uploads)}"
        )
    return [{"name": f.name, "mimeType": f.content_type, "size": f.size} for f in uploads]


def _form_json(form: Form, field: str, schema: Validator) -> dict[str, Any]:
    raw = form.fields.get(field)
    if raw is None:
        raise BadRequestError(f"form field {field} is required")
    try:
        value = json.loads(raw)
    except ValueError:
        raise BadRequestError(f"form field {field} must be a JSON string") from None
    schema(value, field)
    return dict(value)


async def get_all_orders(store: Store, request: Request) -> Response:
    """GetAllOrders: every order with its nested records."""
    return JSONResponse([_full_order(store, order) for order in store.all("orders")])


async def create_order(store: Store, request: Request) -> Response:
    """CreateOrder: multipart ``order`` (JSON string) plus up to 10 ``files``."""
    form = await form_body(request)
    given = _form_json(form, ORDER_FORM_FIELD, contract.ORDER_INPUT)
    uploads = _uploads(form)
    now = now_iso()
    record: dict[str, Any] = dict.fromkeys(ORDER_FIELDS.values())
    record.update(
        {key: given[key] for key in ("title", "type", "dueDate", "internalId") if key in given},
        propertyId=given.get("propertyId"),
        customerId=given.get("customerId"),
        status="OPEN",
        isInternal=False,
        createdAt=now,
        updatedAt=now,
    )
    record[ADDRESS_KEY] = store_address(store, given.get(ADDRESS_KEY))
    order = store.insert("orders", record)
    for upload in uploads:
        store.insert("order_attachments", upload, parent_id=order["id"])
    return JSONResponse({"id": order["id"]}, status_code=201)


async def get_order_by_id(store: Store, request: Request) -> Response:
    """GetOrderById: the order with its nested records, 404 when unknown."""
    order = _order(store, path_id(request, "orderId", "order"))
    return JSONResponse(_full_order(store, order))


async def patch_order(store: Store, request: Request) -> Response:
    """PatchOrder: change status, due date, internal id or address; answer the id."""
    order = _order(store, path_id(request, "orderId", "order"))
    body = await json_body(request, contract.PATCH_ORDER)
    order.update({key: body[key] for key in ("status", "dueDate", "internalId") if key in body})
    if ADDRESS_KEY in body:
        order[ADDRESS_KEY] = store_address(store, body[ADDRESS_KEY])
    order["updatedAt"] = now_iso()
    store.replace("orders", order)
    return JSONResponse(order["id"])


async def get_order_comments_by_order_id(store: Store, request: Request) -> Response:
    """GetOrderCommentsByOrderId: the order's comments."""
    order = _order(store, path_id(request, "orderId", "order"))
    return JSONResponse(store.all("order_comments", parent_id=order["id"]))


async def create_order_comment(store: Store, request: Request) -> Response:
    """CreateOrderComment: multipart ``text``, ``authorName`` and up to 10 ``files``."""
    order = _order(store, path_id(request, "orderId", "order"))
    form = await form_body(request)
    contract.ORDER_COMMENT_INPUT(form.fields, "form")
    uploads = _uploads(form)
    comment = store.insert(
        "order_comments",
        {
            COMMENT_TEXT_FIELD: form.fields[COMMENT_TEXT_FIELD],
            COMMENT_AUTHOR_FIELD: form.fields[COMMENT_AUTHOR_FIELD],
            "createdAt": now_iso(),
        },
        parent_id=order["id"],
    )
    for upload in uploads:
        store.insert(
            "order_attachments", upload | {"commentId": comment["id"]}, parent_id=order["id"]
        )
    return JSONResponse({"id": comment["id"]}, status_code=201)


def _zip_link(request: Request, *parts: object) -> list[dict[str, str]]:
    # A placeholder link in the contract's shape; the sandbox serves no zip files.
    name = "-".join(str(part) for part in parts)
    return [{"url": f"{request.base_url}sandbox/attachments/{name}.zip"}]


async def get_attachments_for_order(store: Store, request: Request) -> Response:
    """GetAttachmentsForOrder: one zip link when the order has attachments, else none."""
    order = _order(store, path_id(request, "orderId", "order"))
    has_any = bool(store.all("order_attachments", parent_id=order["id"]))
    return JSONResponse(_zip_link(request, "order", order["id"]) if has_any else [])


async def get_attachments_for_order_comment(store: Store, request: Request) -> Response:
    """GetAttachmentsForOrderComment: one zip link when the comment has attachments."""
    order = _order(store, path_id(request, "orderId", "order"))
    comment_id = path_id(request, "commentId", "comment")
    comments = {c["id"] for c in store.all("order_comments", parent_id=order["id"])}
    if comment_id not in comments:
        raise NotFoundError(f"comment of order {order['id']}", comment_id)
    attachments = store.all("order_attachments", parent_id=order["id"])
    has_any = any(a.get("commentId") == comment_id for a in attachments)
    return JSONResponse(_zip_link(request, "comment", comment_id) if has_any else [])


async def _create_order_child(
    store: Store, request: Request, kind: str, schema: Validator
) -> Response:
    body = await json_body(request, schema)
    order_id = body["orderId"]
    # The contract types orderId as a number; a fraction names no order. number() has
    # bounded integers to 64 bits, so the lookup cannot overflow.
    if not isinstance(order_id, int) or store.get("orders", order_id) is None:
        raise NotFoundError("order", order_id)
    record = store.insert(
        kind, {k: v for k, v in body.items() if k != "orderId"}, parent_id=order_id
    )
    return JSONResponse(record["id"], status_code=201)


async def create_order_field(store: Store, request: Request) -> Response:
    """CreateOrderField: add a field to an existing order; answer its id."""
    return await _create_order_child(store, request, "order_fields", contract.CREATE_ORDER_FIELD)


async def create_order_contact_person(store: Store, request: Request) -> Response:
    """CreateOrderContactPerson: add a contact person to an existing order; answer its id."""
    return await _create_order_child(
        store, request, "order_contact_persons", contract.CREATE_ORDER_CONTACT_PERSON
    )


async def get_all_appointments(store: Store, request: Request) -> Response:
    """GetAllAppointments: every appointment."""
    return JSONResponse(store.all("appointments"))


async def create_appointment(store: Store, request: Request) -> Response:
    """CreateAppointment: store it; answer its id."""
    body = await json_body(request, contract.APPOINTMENT_INPUT)
    return JSONResponse({"id": store.insert("appointments", body)["id"]}, status_code=201)


async def update_appointment(store: Store, request: Request) -> Response:
    """UpdateAppointment: change the given fields; answer the id."""
    appointment_id = path_id(request, "appointmentId", "appointment")
    record = store.get("appointments", appointment_id)
    if record is None:
        raise NotFoundError("appointment", appointment_id)
    body = await json_body(request, contract.APPOINTMENT_PATCH)
    store.replace("appointments", record | body | {"id": appointment_id})
    return JSONResponse({"id": appointment_id})


async def create_document_deprecated(store: Store, request: Request) -> Response:
    """CreateDocumentDeprecated: store the document; answer its id."""
    body = await json_body(request, contract.CREATE_DOCUMENT_DEPRECATED)
    record = store.insert("documents", body | {"status": "PREPARING"})
    return JSONResponse({"id": record["id"]}, status_code=201)


async def create_document(store: Store, request: Request) -> Response:
    """CreateDocument: needs a property and a customer reference, by id or internal id."""
    body = await json_body(request, contract.CREATE_DOCUMENT)
    for what in ("property", "customer"):
        internal = f"internal{what.capitalize()}Id"
        if f"{what}Id" not in body and internal not in body:
            raise BadRequestError(f"{what}Id or {internal} is required")
    record = store.insert("documents", body | {"status": "PREPARING"})
    return JSONResponse({"id": record["id"]}, status_code=201)


def _document(store: Store, request: Request) -> dict[str, Any]:
    document_id = path_id(request, "documentId", "document")
    record = store.get("documents", document_id)
    if record is None:
        raise NotFoundError("document", document_id)
    return record


async def patch_document(store: Store, request: Request) -> Response:
    """DocumentApiController_patchDocument: set the status."""
    record = _document(store, request)
    body = await json_body(request, contract.PATCH_DOCUMENT)
    store.replace("documents", record | {"status": body["status"]})
    return JSONResponse({"id": record["id"]})


async def post_attachment(store: Store, request: Request) -> Response:
    """DocumentApiController_postAttachment: attach a base64 PDF to a document."""
    record = _document(store, request)
    body = await json_body(request, contract.POST_ATTACHMENT)
    attachment = store.insert(
        "document_attachments",
        {"name": body["name"], "fileType": body["fileType"], "metadata": body.get("metadata")},
        parent_id=record["id"],
    )
    return JSONResponse({"id": attachment["id"]}, status_code=201)


HANDLERS: Final[dict[str, Handler]] = {
    "get_all_orders": get_all_orders,
    "create_order": create_order,
    "get_order_by_id": get_order_by_id,
    "patch_order": patch_order,
    "get_order_comments_by_order_id": get_order_comments_by_order_id,
    "create_order_comment": create_order_comment,
    "get_attachments_for_order": get_attachments_for_order,
    "get_attachments_for_order_comment": get_attachments_for_order_comment,
    "create_order_field": create_order_field,
    "create_order_contact_person": create_order_contact_person,
    "get_all_appointments": get_all_appointments,
    "create_appointment": create_appointment,
    "update_appointment": update_appointment,
    "create_document_deprecated": create_document_deprecated,
    "create_document": create_document,
    "patch_document": patch_document,
    "post_attachment": post_attachment,
}
