"""Small explicit validators for request bodies: each checks one value and names its field.

A validator is called with the value and its dotted path (``consumptions[0].amount``) and
returns the value or raises :class:`BadRequestError`. They mirror the contract's JSON Schema
keywords that the contract uses (type, required, enum, pattern, minimum, min/max length,
max items) and nothing more; unknown fields are ignored, as the contract allows them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from relay_analytics.sandbox.errors import BadRequestError

Validator = Callable[[Any, str], Any]

#: Integers are stored in SQLite, whose INTEGER is signed 64-bit.
MAX_INTEGER = 2**63 - 1


def string(
    *,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: str | None = None,
    enum: tuple[str, ...] | None = None,
) -> Validator:
    """A string, optionally bounded in length, matching a pattern or one of ``enum``."""
    # ASCII: the contract's \d means 0-9, not every Unicode digit.
    regex = re.compile(pattern, re.ASCII) if pattern else None

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise BadRequestError(f"{path} must be a string")
        if len(value) < min_length:
            raise BadRequestError(f"{path} must have at least {min_length} character(s)")
        if max_length is not None and len(value) > max_length:
            raise BadRequestError(f"{path} must have at most {max_length} characters")
        if regex is not None and not regex.search(value):
            raise BadRequestError(f"{path} must match {pattern}, got {value!r}")
        if enum is not None and value not in enum:
            raise BadRequestError(f"{path} must be one of {', '.join(enum)}, got {value!r}")
        return value

    return check


def integer(*, minimum: int | None = None) -> Validator:
    """A JSON integer (booleans and fractions refused)."""

    def check(value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequestError(f"{path} must be an integer")
        if abs(value) > MAX_INTEGER:
            raise BadRequestError(f"{path} must be at most {MAX_INTEGER} in magnitude")
        if minimum is not None and value < minimum:
            raise BadRequestError(f"{path} must be >= {minimum}, got {value}")
        return value

    return check


def number(*, minimum: float | None = None) -> Validator:
    """A finite JSON number (booleans refused)."""

    def check(value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRequestError(f"{path} must be a number")
        if not math.isfinite(value) or (isinstance(value, int) and abs(value) > MAX_INTEGER):
            raise BadRequestError(f"{path} must be a finite number of at most 64 bits")
        if minimum is not None and value < minimum:
            raise BadRequestError(f"{path} must be >= {minimum}, got {value}")
        return value

    return check


def boolean() -> Validator:
    """A JSON boolean."""

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, bool):
            raise BadRequestError(f"{path} must be a boolean (true or false)")
        return value

    return check


def date_time() -> Validator:
    """An ISO 8601 date-time string (``format: date-time``)."""

    def check(value: Any, path: str) -> Any:
        string()(value, path)
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            raise BadRequestError(f"{path} must be an ISO 8601 date-time, got {value!r}") from None
        return value

    return check


def base64_bytes() -> Validator:
    """A base64 string (``format: byte``)."""

    def check(value: Any, path: str) -> Any:
        string()(value, path)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequestError(f"{path} must be base64") from None
        return value

    return check


def any_object() -> Validator:
    """Any JSON object."""

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise BadRequestError(f"{path} must be an object")
        return value

    return check


def array(items: Validator, *, min_items: int = 0, max_items: int | None = None) -> Validator:
    """A JSON array whose every item passes ``items``."""

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise BadRequestError(f"{path} must be an array")
        if len(value) < min_items:
            raise BadRequestError(f"{path} must have at least {min_items} item(s)")
        if max_items is not None and len(value) > max_items:
            raise BadRequestError(f"{path} must have at most {max_items} items")
        for index, item in enumerate(value):
            items(item, f"{path}[{index}]")
        return value

    return check


def obj(fields: Mapping[str, Validator], required: tuple[str, ...] = ()) -> Validator:
    """A JSON object: ``required`` fields present (and not null), known fields valid."""

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise BadRequestError(f"{path or 'request body'} must be a JSON object")
        prefix = f"{path}." if path else ""
        for name in required:
            if value.get(name) is None:
                raise BadRequestError(f"{prefix}{name} is required")
        for name, validate in fields.items():
            if name in value:
                validate(value[name], f"{prefix}{name}")
        return value

    return check


def validate_body(schema: Validator, body: Any) -> dict[str, Any]:
    """Check a whole request body against ``schema``; return it as a dict."""
    schema(body, "")
    if not isinstance(body, dict):
        raise BadRequestError("request body must be a JSON object")
    return body
