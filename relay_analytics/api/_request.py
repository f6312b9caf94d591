"""Build the ``httpx.Request`` of one operation, apart from sending it (testable offline)."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping, Sequence
from typing import IO, Any, TypeAlias
from urllib.parse import quote

import httpx

from relay_analytics.api import endpoints
from relay_analytics.api._secret import Secret

#: One uploaded file: (file name, content, MIME type).
UploadFile: TypeAlias = tuple[str, bytes | IO[bytes], str]
PathValue: TypeAlias = int | str
QueryValue: TypeAlias = int | str

USER_AGENT = "relay-analytics"


def _placeholder_names(operation: endpoints.Operation) -> dict[str, str]:
    """Map both ``order_id`` and ``orderId`` spellings to the path's placeholder ``orderId``."""
    return {p.lower(): p for p in operation.path_params}


def render_path(operation: endpoints.Operation, path_params: Mapping[str, PathValue]) -> str:
    """Fill the operation's path; parameter names may be snake_case, values are URL-quoted."""
    names = _placeholder_names(operation)
    filled: dict[str, PathValue] = {}
    for name, value in path_params.items():
        placeholder = names.get(name.replace("_", "").lower())
        if placeholder is None:
            raise ValueError(
                f"{operation.operation_id}: unknown path parameter {name!r}; "
                f"expected {sorted(operation.path_params)}"
            )
        # safe="" also quotes "/", so a document id cannot reach another path.
        filled[placeholder] = quote(str(value), safe="")
    return operation.render_path(**filled)


def multipart_files(
    fields: Mapping[str, str], files: Sequence[UploadFile]
) -> list[tuple[str, tuple[str | None, str | bytes | IO[bytes], str | None]]]:
    """Form fields and files as httpx multipart parts (always multipart, even without files)."""
    if len(files) > endpoints.MAX_UPLOAD_FILES:
        raise ValueError(
            f"at most {endpoints.MAX_UPLOAD_FILES} files per request, got {len(files)}; "
            "split them over several requests"
        )
    # A part without file name is a plain form field. Sending the fields this way keeps the
    # body multipart/form-data when there are no files (httpx would url-encode it otherwise).
    parts: list[tuple[str, tuple[str | None, str | bytes | IO[bytes], str | None]]] = [
        (name, (None, value, None)) for name, value in fields.items()
    ]
    parts += [(endpoints.FILES_FORM_FIELD, file) for file in files]
    return parts


def build_request(
    operation: endpoints.Operation,
    base_url: str,
    api_key: Secret,
    *,
    path_params: Mapping[str, PathValue] | None = None,
    query: Mapping[str, QueryValue] | None = None,
    json: Any = None,
    form: Mapping[str, str] | None = None,
    files: Sequence[UploadFile] = (),
) -> httpx.Request:
    """Build the request of ``operation``: URL, query, bearer header and JSON or multipart body."""
    url = base_url.rstrip("/") + render_path(operation, path_params or {})
    headers = {
        endpoints.AUTH_HEADER: f"{endpoints.AUTH_SCHEME} {api_key.reveal()}",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }
    where = f"{operation.method} {operation.path}"
    if operation.body == "json":
        if json is None:
            raise ValueError(f"{where} needs a JSON body")
        # Compact separators: the body is for the server, not for people.
        content = jsonlib.dumps(json, separators=(",", ":"), ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
        return httpx.Request(operation.method, url, params=query, headers=headers, content=content)
    if operation.body == "multipart":
        if form is None:
            raise ValueError(f"{where} needs form fields")
        return httpx.Request(
            operation.method,
            url,
            params=query,
            headers=headers,
            files=multipart_files(form, files),
        )
    if json is not None or form is not None or files:
        raise ValueError(f"{where} takes no request body")
    return httpx.Request(operation.method, url, params=query, headers=headers)
