"""Reading requests at the edge: JSON bodies, path ids, pagination and multipart forms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from relay_analytics.api.endpoints import LIMIT_PARAM, MAX_PAGE_SIZE, OFFSET_PARAM
from relay_analytics.sandbox.errors import BadRequestError, NotFoundError
from relay_analytics.sandbox.validators import MAX_INTEGER, Validator, validate_body


def _refuse_constant(name: str) -> float:
    raise BadRequestError(f"request body must be valid JSON: {name} is not a JSON number")


async def json_body(request: Request, schema: Validator) -> dict[str, Any]:
    """The request's JSON object, checked against ``schema``."""
    raw = await request.body()
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise BadRequestError("request body must be valid JSON (UTF-8)") from None
    return validate_body(schema, body)


def path_id(request: Request, name: str, kind: str) -> int:
    """An integer id from the path; an id that is not a number cannot exist (404)."""
    raw = request.path_params[name]
    try:
        record_id = int(raw)
    except ValueError:
        raise NotFoundError(kind, raw) from None
    if abs(record_id) > MAX_INTEGER:
        raise NotFoundError(kind, raw)
    return record_id


def pagination(request: Request) -> tuple[int, int]:
    """``(limit, offset)`` from the query: both required, 1 <= limit <= 100, offset >= 0."""
    limit = _query_int(request, LIMIT_PARAM)
    offset = _query_int(request, OFFSET_PARAM)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadRequestError(f"{LIMIT_PARAM} must be between 1 and {MAX_PAGE_SIZE}, got {limit}")
    if not 0 <= offset <= MAX_INTEGER:
        raise BadRequestError(f"{OFFSET_PARAM} must be between 0 and {MAX_INTEGER}, got {offset}")
    return limit, offset


def _query_int(request: Request, name: str) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        raise BadRequestError(f"query parameter {name} is required")
    try:
        return int(raw.strip())
    except ValueError:
        raise BadRequestError(f"query parameter {name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file part of a multipart form."""

    name: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Form:
    """A parsed ``multipart/form-data`` body: text fields and file parts by field name."""

    fields: dict[str, str]
    files: dict[str, list[UploadedFile]]


async def form_body(request: Request) -> Form:
    """Parse a ``multipart/form-data`` body with the stdlib's MIME parser.

    A URL-encoded form is accepted too (fields only): HTTP clients send one when a
    multipart operation is called without files, and the real API's framework reads both.
    """
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if content_type.lower().startswith("application/x-www-form-urlencoded"):
        return Form(dict(parse_qsl(raw.decode("utf-8", errors="replace"))), {})
    if not content_type.lower().startswith("multipart/form-data"):
        raise BadRequestError("request body must be multipart/form-data")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        raise BadRequestError("request body must be multipart/form-data with a boundary")
    fields: dict[str, str] = {}
    files: dict[str, list[UploadedFile]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise BadRequestError("every multipart part needs a Content-Disposition name")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode("utf-8", errors="replace")
        else:
            upload = UploadedFile(filename, part.get_content_type(), len(data))
            files.setdefault(name, []).append(upload)
    return Form(fields, files)
