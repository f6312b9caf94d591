"""Typed errors of the Relay client, keyed by HTTP status in one table.

Every error names the HTTP method and path and quotes the server's message; none of them
holds the API key or the ``httpx.Request`` (whose headers carry it).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, ClassVar

from relay_analytics.api import endpoints
from relay_analytics.api._constants import MAX_QUOTED_BODY


class RelayError(Exception):
    """Base of every error raised by the Relay client."""

    #: What a person can do about it, appended to the message.
    hint: ClassVar[str] = ""

    def __init__(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
        server_message: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status_code = status_code
        self.server_message = server_message
        super().__init__(self._describe())

    def _outcome(self) -> str:
        if self.status_code is None:
            return "failed"
        try:
            return f"{self.status_code} {HTTPStatus(self.status_code).phrase}"
        except ValueError:
            return str(self.status_code)

    def _describe(self) -> str:
        text = f"{self.method} {self.path} -> {self._outcome()}"
        if self.server_message:
            text += f": {self.server_message}"
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
        return text


class AuthError(RelayError):
    """401 or 403: the API key is missing, wrong or lacks the permission."""

    hint = "Check the API key (--api-key or RELAY_API_KEY) and its permissions."


class NotFoundError(RelayError):
    """404: the id does not exist (or is not visible to this key)."""

    hint = "Check the id; the object may have been deleted."


class BadRequestError(RelayError):
    """400 (and other client errors of the body): the server refused the request as sent."""


class RateLimitedError(RelayError):
    """429 after every retry: the server kept asking the client to slow down."""

    hint = "Retry later or lower the concurrency."

    def __init__(
        self,
        *,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
        status_code: int | None = None,
        server_message: str | None = None,
    ) -> None:
        #: Seconds the server last asked to wait (capped), if it said.
        self.retry_after = retry_after
        super().__init__(
            method=method, path=path, status_code=status_code, server_message=server_message
        )


class ServerError(RelayError):
    """5xx after every allowed retry: the server failed."""

    hint = "The Relay server failed; retry later."


class RelayConnectionError(RelayError):
    """The request got no HTTP answer: connect error, timeout or a dropped connection."""

    hint = "Check the base URL and that the server is reachable."

    def _outcome(self) -> str:
        return "no response"


class ConfigurationError(RelayError):
    """The client is missing its base URL or API key, or one of them is malformed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__()

    def _describe(self) -> str:
        return self.message


#: Status codes with their own error type; other 5xx are ServerError, other 4xx RelayError.
STATUS_ERRORS: dict[int, type[RelayError]] = {
    400: BadRequestError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: BadRequestError,
    422: BadRequestError,
    429: RateLimitedError,
}


def error_type_for(status_code: int) -> type[RelayError]:
    """Return the error type for an HTTP status code that is not a success."""
    if status_code in STATUS_ERRORS:
        return STATUS_ERRORS[status_code]
    return ServerError if status_code >= 500 else RelayError


def server_message(body: Any, text: str) -> str | None:
    """The message of an error body ``{statusCode, message, error}``; a list is joined."""
    if isinstance(body, dict):
        message = body.get(endpoints.ERROR_MESSAGE_KEY)
        if isinstance(message, list):
            return "; ".join(str(m) for m in message) or None
        if message is not None:
            return str(message)
        error = body.get(endpoints.ERROR_ERROR_KEY)
        if error is not None:
            return str(error)
    text = text.strip()
    if not text:
        return None
    return text if len(text) <= MAX_QUOTED_BODY else text[:MAX_QUOTED_BODY] + "..."
