"""The contract's request bodies as validators (from ``openapi.yaml``, components and paths)."""

from __future__ import annotations

from typing import Final

from relay_analytics.api.endpoints import (
    COMMENT_AUTHOR_FIELD,
    COMMENT_TEXT_FIELD,
    EED_BENCHMARK_FIELDS,
    EED_BENCHMARKS,
    EED_CONSUMPTION_FIELDS,
    EED_CONSUMPTIONS,
    EED_KEY_FIELDS,
    EED_REMARK_CODES,
    EED_SERVICES,
    EED_UNITS_OF_MEASURE,
)
from relay_analytics.sandbox.validators import (
    any_object,
    array,
    base64_bytes,
    boolean,
    date_time,
    integer,
    number,
    obj,
    string,
)

ORDER_STATUSES: Final = ("OPEN", "IN_PROGRESS", "FINISHED", "DECLINED", "NULL", "PREPARE")
DOCUMENT_STATUSES: Final = ("PUBLISHED", "PREPARING")
PERIOD_PATTERN: Final = r"^\d{4}-(0[1-9]|1[0-2])$"
APPOINTMENT_TIME_PATTERN: Final = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"

ADDRESS_INPUT: Final = obj(
    {
        "streetAddress": string(),
        "postalCode": string(),
        "locality": string(),
        "country": string(pattern=r"^[A-Z]{2}$"),
        "additionalInfo": string(),
    },
    required=("streetAddress", "postalCode", "locality", "country"),
)

CREATE_CUSTOMER: Final = obj(
    {
        "casaviAccountId": integer(),
        "customer": obj(
            {
                "internalId": string(),
                "id": string(),
                "name": string(),
                "telephone": string(),
                "emailAddress": string(),
                "address": ADDRESS_INPUT,
            },
            required=("name",),
        ),
    },
    required=("customer",),
)

CREATE_PROPERTIES: Final = obj(
    {
        "casaviAccountId": number(),
        "properties": array(
            obj(
                {
                    "name": string(),
                    "externalId": integer(),
                    "customerId": integer(),
                    "mscNumber": string(min_length=1, max_length=9),
                    "address": ADDRESS_INPUT,
                },
                required=("name", "externalId", "address"),
            ),
            min_items=1,
        ),
    },
    required=("properties",),
)

_SERVICE = string(enum=EED_SERVICES)
_UNIT_OF_MEASURE = string(enum=EED_UNITS_OF_MEASURE)

EED_CONSUMPTION: Final = obj(
    {
        EED_CONSUMPTION_FIELDS["service"]: _SERVICE,
        EED_CONSUMPTION_FIELDS["unit_of_measure"]: _UNIT_OF_MEASURE,
        EED_CONSUMPTION_FIELDS["converted"]: boolean(),
        EED_CONSUMPTION_FIELDS["estimated"]: boolean(),
        EED_CONSUMPTION_FIELDS["errors"]: boolean(),
        EED_CONSUMPTION_FIELDS["remark_codes"]: array(string(enum=EED_REMARK_CODES)),
    },
    required=tuple(
        EED_CONSUMPTION_FIELDS[name]
        for name in ("service", "unit_of_measure", "converted", "estimated", "errors")
    ),
)

EED_BENCHMARK: Final = obj(
    {
        EED_BENCHMARK_FIELDS["service"]: _SERVICE,
        EED_BENCHMARK_FIELDS["unit_of_measure"]: _UNIT_OF_MEASURE,
        EED_BENCHMARK_FIELDS["amount"]: number(minimum=0),
    },
    required=tuple(EED_BENCHMARK_FIELDS.values()),
)

EED_REQUEST: Final = obj(
    {
        EED_KEY_FIELDS["property_id"]: integer(),
        EED_KEY_FIELDS["unit_id"]: number(),
        EED_KEY_FIELDS["customer_id"]: number(),
        EED_KEY_FIELDS["period"]: string(pattern=PERIOD_PATTERN),
        EED_KEY_FIELDS["msc_name"]: string(min_length=1),
        EED_CONSUMPTIONS: array(EED_CONSUMPTION),
        EED_BENCHMARKS: array(EED_BENCHMARK),
    },
    required=(*EED_KEY_FIELDS.values(), EED_CONSUMPTIONS, EED_BENCHMARKS),
)

ORDER_INPUT: Final = obj(
    {
        "title": string(),
        "type": string(),
        "dueDate": date_time(),
        "internalId": string(),
        "propertyId": integer(),
        "customerId": integer(),
        "address": ADDRESS_INPUT,
    },
    required=("title",),
)

PATCH_ORDER: Final = obj(
    {
        "status": string(enum=ORDER_STATUSES),
        "dueDate": date_time(),
        "internalId": string(),
        "address": ADDRESS_INPUT,
    }
)

ORDER_COMMENT_INPUT: Final = obj(
    {COMMENT_TEXT_FIELD: string(), COMMENT_AUTHOR_FIELD: string()},
    required=(COMMENT_TEXT_FIELD, COMMENT_AUTHOR_FIELD),
)

CREATE_ORDER_FIELD: Final = obj(
    {"name": string(), "content": string(), "position": number(), "orderId": number()},
    required=("name", "content", "position", "orderId"),
)

CREATE_ORDER_CONTACT_PERSON: Final = obj(
    {
        "name": string(),
        "type": string(),
        "telephone": string(),
        "mobile": string(),
        "email": string(),
        "orderId": number(),
    },
    required=("name", "type", "email", "orderId"),
)

_APPOINTMENT_FIELDS: Final = {
    "title": string(),
    "description": string(),
    "dateStart": string(pattern=APPOINTMENT_TIME_PATTERN),
    "dateEnd": string(pattern=APPOINTMENT_TIME_PATTERN),
    "location": string(),
    "customerId": number(),
}
APPOINTMENT_INPUT: Final = obj(
    _APPOINTMENT_FIELDS, required=("title", "dateStart", "dateEnd", "location", "customerId")
)
APPOINTMENT_PATCH: Final = obj(_APPOINTMENT_FIELDS)

CREATE_DOCUMENT_DEPRECATED: Final = obj(
    {"title": string(), "propertyId": string(), "customerId": string()},
    required=("title", "propertyId", "customerId"),
)

CREATE_DOCUMENT: Final = obj(
    {
        "title": string(),
        "propertyId": string(),
        "internalPropertyId": string(),
        "customerId": string(),
        "internalCustomerId": string(),
    },
    required=("title",),
)

PATCH_DOCUMENT: Final = obj({"status": string(enum=DOCUMENT_STATUSES)}, required=("status",))

POST_ATTACHMENT: Final = obj(
    {
        "name": string(),
        "fileType": string(enum=("application/pdf",)),
        "content": base64_bytes(),
        "metadata": any_object(),
    },
    required=("name", "fileType", "content"),
)
