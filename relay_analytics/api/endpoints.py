"""Every path and wire name of the Relay API, in one place.

Parts of the contract are assumed (``x-assumed`` in the OpenAPI document): the paths
under ``/api/v1``, the EED record fields and the unit fields. A correction to any of
them is one edit here; the client, the loaders, the submission code and the sandbox
all read from this module.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Final, Literal

BodyKind = Literal["none", "json", "multipart"]
HttpMethod = Literal["GET", "POST", "PATCH", "DELETE"]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the contract: its id, HTTP method, path template and body kind."""

    operation_id: str
    method: HttpMethod
    path: str
    body: BodyKind = "none"
    paginated: bool = False
    #: Safe to send again after a 5xx or a lost response (the contract: GET, PATCH,
    #: DELETE and the EED upsert). A 429 is always safe: the server did nothing.
    retry_safe: bool = False

    @property
    def path_params(self) -> tuple[str, ...]:
        """Names of the ``{placeholders}`` in the path, in order."""
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.path) if f)

    def render_path(self, **params: int | str) -> str:
        """Fill the path template; every placeholder must be given."""
        missing = set(self.path_params) - params.keys()
        if missing:
            raise ValueError(f"{self.operation_id}: missing path parameter(s) {sorted(missing)}")
        return self.path.format(**{k: str(v) for k, v in params.items()})


def _op(
    operation_id: str,
    method: HttpMethod,
    path: str,
    body: BodyKind = "none",
    *,
    paginated: bool = False,
    upsert: bool = False,
) -> Operation:
    retry_safe = method in ("GET", "PATCH", "DELETE") or upsert
    return Operation(operation_id, method, path, body, paginated, retry_safe)


#: All 27 operations, keyed by the client's method name (the operation id in snake_case;
#: the ``DocumentApiController_`` prefix of two ids is dropped).
OPERATIONS: Final[dict[str, Operation]] = {
    "create_address": _op("CreateAddress", "POST", "/api/v1/addresses", "json"),
    "create_customer": _op("CreateCustomer", "POST", "/api/v1/customers", "json"),
    "get_customers": _op("GetCustomers", "GET", "/api/v1/customers"),
    "create_properties": _op("CreateProperties", "POST", "/api/v1/properties", "json"),
    "get_properties": _op("GetProperties", "GET", "/api/v1/properties", paginated=True),
    "get_property": _op("GetProperty", "GET", "/api/v1/properties/{propertyId}"),
    "delete_property": _op("DeleteProperty", "DELETE", "/api/v1/properties/{propertyId}"),
    "get_units": _op("GetUnits", "GET", "/api/v1/units", paginated=True),
    "get_msc_units": _op("GetMscUnits", "GET", "/api/v1/units/msc", paginated=True),
    "eed": _op("Eed", "POST", "/api/v1/consumptions/eed", "json", upsert=True),
    "get_all_orders": _op("GetAllOrders", "GET", "/api/v1/orders"),
    "create_order": _op("CreateOrder", "POST", "/api/v1/orders", "multipart"),
    "get_order_by_id": _op("GetOrderById", "GET", "/api/v1/orders/{orderId}"),
    "patch_order": _op("PatchOrder", "PATCH", "/api/v1/orders/{orderId}", "json"),
    "get_order_comments_by_order_id": _op(
        "GetOrderCommentsByOrderId", "GET", "/api/v1/orders/{orderId}/comments"
    ),
    "create_order_comment": _op(
        "CreateOrderComment", "POST", "/api/v1/orders/{orderId}/comments", "multipart"
    ),
    "get_attachments_for_order": _op(
        "GetAttachmentsForOrder", "GET", "/api/v1/orders/{orderId}/attachments"
    ),
    "get_attachments_for_order_comment": _op(
        "GetAttachmentsForOrderComment",
        "GET",
        "/api/v1/orders/{orderId}/comments/{commentId}/attachments",
    ),
    "create_order_field": _op("CreateOrderField", "POST", "/api/v1/order-fields", "json"),
    "create_order_contact_person": _op(
        "CreateOrderContactPerson", "POST", "/api/v1/order-contact-persons", "json"
    ),
    "get_all_appointments": _op("GetAllAppointments", "GET", "/api/v1/appointments"),
    "create_appointment": _op("CreateAppointment", "POST", "/api/v1/appointments", "json"),
    "update_appointment": _op(
        "UpdateAppointment", "PATCH", "/api/v1/appointments/{appointmentId}", "json"
    ),
    "create_document_deprecated": _op(
        "CreateDocumentDeprecated", "POST", "/api/v1/documents", "json"
    ),
    "create_document": _op("CreateDocument", "POST", "/api/v2/documents", "json"),
    "patch_document": _op(
        "DocumentApiController_patchDocument", "PATCH", "/api/v1/documents/{documentId}", "json"
    ),
    "post_attachment": _op(
        "DocumentApiController_postAttachment",
        "POST",
        "/api/v1/documents/{documentId}/attachments",
        "json",
    ),
}

# --- Transport-level names -------------------------------------------------------------

AUTH_HEADER: Final = "Authorization"
AUTH_SCHEME: Final = "Bearer"
RETRY_AFTER_HEADER: Final = "Retry-After"
LIMIT_PARAM: Final = "limit"
OFFSET_PARAM: Final = "offset"
#: Largest page the server serves (``x-assumed: maximum 100``).
MAX_PAGE_SIZE: Final = 100
#: Multipart field names of CreateOrder and CreateOrderComment.
ORDER_FORM_FIELD: Final = "order"
FILES_FORM_FIELD: Final = "files"
#: Multipart text fields of CreateOrderComment.
COMMENT_TEXT_FIELD: Final = "text"
COMMENT_AUTHOR_FIELD: Final = "authorName"
MAX_UPLOAD_FILES: Final = 10
#: Keys of the error body ``{statusCode, message, error}``.
ERROR_STATUS_KEY: Final = "statusCode"
ERROR_MESSAGE_KEY: Final = "message"
ERROR_ERROR_KEY: Final = "error"

#: The id of every record; pagination de-duplicates on it.
ID_FIELD: Final = "id"

#: The key that wraps each collection in a list response.
COLLECTION_KEYS: Final[dict[str, str]] = {
    "get_units": "units",
    "get_msc_units": "units",
    "get_properties": "properties",
    "get_customers": "customers",
    "create_properties": "properties",
}

# --- Record wire names (snake_case column -> camelCase wire name) ----------------------

#: EED request: the submission key.
EED_KEY_FIELDS: Final[dict[str, str]] = {
    "property_id": "propertyId",
    "unit_id": "unitId",
    "customer_id": "customerId",
    "period": "period",
    "msc_name": "mscName",
}
EED_CONSUMPTIONS: Final = "consumptions"
EED_BENCHMARKS: Final = "benchmarks"
#: One consumption record of an EED request.
EED_CONSUMPTION_FIELDS: Final[dict[str, str]] = {
    "service": "service",
    "unit_of_measure": "unitOfMeasure",
    "amount": "amount",
    "converted": "converted",
    "estimated": "estimated",
    "errors": "errors",
    "remark_codes": "remarkCodes",
}
#: One benchmark record of an EED request.
EED_BENCHMARK_FIELDS: Final[dict[str, str]] = {
    "service": "service",
    "unit_of_measure": "unitOfMeasure",
    "amount": "amount",
}
#: The values of an EED record's ``service``, ``unitOfMeasure`` and ``remarkCodes`` (ARGE).
EED_SERVICES: Final = ("HEATING", "HOT_WATER", "COOLING", "COLD_WATER")
EED_UNITS_OF_MEASURE: Final = ("KWH", "HCU", "M3")
EED_REMARK_CODES: Final = (
    "PARTLY_ESTIMATED",
    "INCOMPLETE",
    "NO_RADIO_EQUIPMENT",
    "IMPLAUSIBLE_VALUES",
    "CALC_NOT_POSSIBLE",
    "ERROR",
)

ADDRESS_FIELDS: Final[dict[str, str]] = {
    "id": "id",
    "account_id": "accountId",
    "street_address": "streetAddress",
    "postal_code": "postalCode",
    "locality": "locality",
    "country": "country",
    "additional_info": "additionalInfo",
}
#: Key of the nested address object; its fields are flattened to ``address_*`` columns.
ADDRESS_KEY: Final = "address"

UNIT_FIELDS: Final[dict[str, str]] = {
    "id": "id",
    "property_id": "propertyId",
    "customer_id": "customerId",
    "name": "name",
    "external_id": "externalId",
    "msc_number": "mscNumber",
    "living_area": "livingArea",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
}

PROPERTY_FIELDS: Final[dict[str, str]] = {
    "id": "id",
    "name": "name",
    "external_id": "externalId",
    "customer_id": "customerId",
    "origin": "origin",
    "msc_number": "mscNumber",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
}

CUSTOMER_FIELDS: Final[dict[str, str]] = {
    "id": "id",
    "account_id": "accountId",
    "casavi_tenant_id": "casaviTenantId",
    "casavi_contact_id": "casaviContactId",
    "internal_id": "internalId",
    "external_id": "externalId",
    "name": "name",
    "status": "status",
    "status_updated_at": "statusUpdatedAt",
    "telephone": "telephone",
    "address_id": "addressId",
    "origin": "origin",
    "techem_id": "techemId",
    "oasis_id": "oasisId",
    "email_address": "emailAddress",
    "assfinet_id": "assfinetId",
    "auto_assign_user_id": "autoAssignUserId",
}

ORDER_FIELDS: Final[dict[str, str]] = {
    "id": "id",
    "title": "title",
    "status": "status",
    "due_date": "dueDate",
    "follow_up_date": "followUpDate",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "internal_id": "internalId",
    "is_internal": "isInternal",
    "type": "type",
    "task_id": "taskId",
    "property_id": "propertyId",
    "casavi_order_id": "casaviOrderId",
    "casavi_ticket_id": "casaviTicketId",
    "customer_id": "customerId",
}
