"""Errors the sandbox answers in the contract's shape ``{statusCode, message, error}``."""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import JSONResponse

from relay_analytics.api.endpoints import ERROR_ERROR_KEY, ERROR_MESSAGE_KEY, ERROR_STATUS_KEY


class ApiError(Exception):
    """An error answer of the sandbox: an HTTP status and a message naming what is wrong."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class BadRequestError(ApiError):
    """400: the request breaks the contract; the message names the field."""

    def __init__(self, message: str) -> None:
        super().__init__(HTTPStatus.BAD_REQUEST, message)


class NotFoundError(ApiError):
    """404: an id in the path is unknown."""

    def __init__(self, kind: str, record_id: object) -> None:
        super().__init__(HTTPStatus.NOT_FOUND, f"{kind} {record_id} not found")


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON error response in the contract's shape."""
    body = {
        ERROR_STATUS_KEY: status,
        ERROR_MESSAGE_KEY: message,
        ERROR_ERROR_KEY: HTTPStatus(status).phrase,
    }
    return JSONResponse(body, status_code=status, headers=headers)
