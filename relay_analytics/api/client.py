"""``RelayClient``: one method per operation of the contract over one shared ``httpx.Client``."""

from __future__ import annotations

import json as jsonlib
import logging
import os
import random
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeAlias

import httpx

from relay_analytics.api import endpoints
from relay_analytics.api._constants import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PAGE_SIZE,
    DEFAULT_TIMEOUT,
)
from relay_analytics.api._request import PathValue, QueryValue, UploadFile, build_request
from relay_analytics.api._secret import Secret
from relay_analytics.api.errors import (
    ConfigurationError,
    RateLimitedError,
    RelayConnectionError,
    RelayError,
    error_type_for,
    server_message,
)
from relay_analytics.api.pagination import Record, fetch_all_pages
from relay_analytics.api.retry import (
    RandomSource,
    RetryPolicy,
    TransportFailure,
    backoff_delay,
    parse_retry_after,
    should_retry,
)

#: Decoded JSON as the server sent it.
JSON: TypeAlias = Any

logger = logging.getLogger(__name__)


def _transport_failure(exc: httpx.TransportError) -> TransportFailure:
    """Classify a transport error for the retry decision."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return "connect"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    return "dropped"  # ReadError, WriteError, RemoteProtocolError: closed or reset mid-exchange


def _check_base_url(base_url: str) -> str:
    """Return the base URL without a trailing slash, or raise ConfigurationError."""
    url = httpx.URL(base_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"the Relay base URL must be an http(s) URL such as https://app.relay.immo, "
            f"got {base_url!r}; set {BASE_URL_ENV} or pass --base-url"
        )
    return base_url.rstrip("/")


class RelayClient:
    """A client of the Relay API; share one instance between threads."""

    def __init__(
        self,
        base_url: str,
        api_key: str | Secret,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        verify: ssl.SSLContext | str | bool = True,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: RandomSource | None = None,
    ) -> None:
        if not base_url:
            raise ConfigurationError(
                f"no Relay base URL: set {BASE_URL_ENV} or pass base_url (--base-url)"
            )
        key = api_key if isinstance(api_key, Secret) else Secret(api_key)
        if not key:
            raise ConfigurationError(
                f"no Relay API key: set {API_KEY_ENV} or pass api_key (--api-key)"
            )
        self._base_url = _check_base_url(base_url)
        self._api_key = key
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        # An injected client belongs to the caller, who closes it.
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            timeout=timeout,
            verify=verify,
            transport=transport,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> RelayClient:
        """Make a client from RELAY_BASE_URL and RELAY_API_KEY; ``options`` go to __init__."""
        env = os.environ if environ is None else environ
        missing = [name for name in (BASE_URL_ENV, API_KEY_ENV) if not env.get(name)]
        if missing:
            raise ConfigurationError(
                f"{' and '.join(missing)} not set: export {' and '.join(missing)} "
                "or make the client with RelayClient(base_url=..., api_key=...)"
            )
        return cls(env[BASE_URL_ENV], env[API_KEY_ENV], **options)

    @property
    def base_url(self) -> str:
        """The API base URL that operation paths are appended to."""
        return self._base_url

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy applied to every request."""
        return self._retry

    def __repr__(self) -> str:
        return f"RelayClient(base_url={self._base_url!r}, api_key={self._api_key!r})"

    def close(self) -> None:
        """Close the connection pool (unless the httpx client was injected)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- the generic call ---------------------------------------------------------------

    def call(
        self,
        name: str,
        *,
        path_params: Mapping[str, PathValue] | None = None,
        query: Mapping[str, QueryValue] | None = None,
        json: JSON = None,
        form: Mapping[str, str] | None = None,
        files: Sequence[UploadFile] = (),
    ) -> JSON:
        """Send operation ``name`` (a key of endpoints.OPERATIONS) and return the decoded JSON."""
        operation = endpoints.OPERATIONS[name]
        request = build_request(
            operation,
            self._base_url,
            self._api_key,
            path_params=path_params,
            query=query,
            json=json,
            form=form,
            files=files,
        )
        response = self._send(operation, request)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise RelayError(
                method=request.method,
                path=request.url.path,
                status_code=response.status_code,
                server_message=f"the response is not JSON: {server_message(None, response.text)}",
            ) from None

    def _send(self, operation: endpoints.Operation, request: httpx.Request) -> httpx.Response:
        """Send with retries per the policy; return a 2xx response or raise a RelayError."""
        method, path = request.method, request.url.path
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                failure = _transport_failure(exc)
                detail = f"{type(exc).__name__}: {exc}".rstrip(": ")
                response = None
            if response is None:
                # Raised outside the ``except`` block, so the httpx exception (which holds the
                # request and its Authorization header) is neither cause nor context.
                logger.debug("%s %s -> %s (attempt %d)", method, path, failure, attempt)
                if self._wait_before_retry(operation, failure, attempt, started, None):
                    continue
                raise RelayConnectionError(method=method, path=path, server_message=detail)
            status = response.status_code
            logger.debug("%s %s -> %d (attempt %d)", method, path, status, attempt)
            if response.is_success:
                return response
            retry_after = parse_retry_after(
                response.headers.get(endpoints.RETRY_AFTER_HEADER),
                datetime.now(UTC),
                cap=self._retry.max_retry_after,
            )
            if self._wait_before_retry(operation, status, attempt, started, retry_after):
                continue
            raise _error_for(response, method, path, retry_after)

    def _wait_before_retry(
        self,
        operation: endpoints.Operation,
        outcome: int | TransportFailure,
        attempt: int,
        started: float,
        retry_after: float | None,
    ) -> bool:
        """Sleep and return True when the policy allows another attempt."""
        if not should_retry(operation.retry_safe, outcome, attempt, self._retry):
            return False
        delay = (
            backoff_delay(attempt, self._retry, self._rng) if retry_after is None else retry_after
        )
        if self._clock() - started + delay > self._retry.total_timeout:
            return False
        logger.info(
            "%s %s -> %s; retry %d of %d in %.2f s",
            operation.method,
            operation.path,
            outcome,
            attempt,
            self._retry.max_attempts - 1,
            delay,
        )
        self._sleep(delay)
        return True

    # --- pagination ---------------------------------------------------------------------

    def fetch_all(
        self,
        name: str,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> list[Record]:
        """Every record of paginated operation ``name``, ``concurrency`` pages at a time."""
        operation = endpoints.OPERATIONS[name]
        if not operation.paginated:
            paginated = sorted(n for n, op in endpoints.OPERATIONS.items() if op.paginated)
            raise ValueError(f"{name} is not paginated; fetch_all takes one of {paginated}")

        def fetch_page(limit: int, offset: int) -> list[Record]:
            return self._records(name, self.call(name, query=_page(limit, offset)))

        return fetch_all_pages(fetch_page, page_size, concurrency)

    def _records(self, name: str, body: JSON) -> list[Record]:
        """The list of records in a collection response, checked for shape."""
        key = endpoints.COLLECTION_KEYS.get(name)
        records = body.get(key) if key is not None and isinstance(body, dict) else body
        if not isinstance(records, list):
            operation = endpoints.OPERATIONS[name]
            raise RelayError(
                method=operation.method,
                path=operation.path,
                status_code=200,
                server_message=f"expected a list of records under {key!r}, "
                f"got {type(body).__name__}",
            )
        return records

    def records(self, name: str) -> list[Record]:
        """Every record of operation ``name``: all pages if paginated, else the one response."""
        if endpoints.OPERATIONS[name].paginated:
            return self.fetch_all(name)
        return self._records(name, self.call(name))

    # --- one method per operation (names are the keys of endpoints.OPERATIONS) --------

    def create_address(self, json: Mapping[str, Any]) -> JSON:
        """POST an address (CreateAddress); returns its id."""
        return self.call("create_address", json=json)

    def create_customer(self, json: Mapping[str, Any]) -> JSON:
        """Create a customer (CreateCustomer); returns the customer as echoed."""
        return self.call("create_customer", json=json)

    def get_customers(self) -> JSON:
        """All customers of the account (GetCustomers)."""
        return self.call("get_customers")

    def create_properties(self, json: Mapping[str, Any]) -> JSON:
        """Create or update properties by externalId (CreateProperties)."""
        return self.call("create_properties", json=json)

    def get_properties(self, *, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0) -> JSON:
        """One page of properties (GetProperties)."""
        return self.call("get_properties", query=_page(limit, offset))

    def get_property(self, property_id: int) -> JSON:
        """One property (GetProperty)."""
        return self.call("get_property", path_params={"property_id": property_id})

    def delete_property(self, property_id: int) -> JSON:
        """Delete a property (DeleteProperty)."""
        return self.call("delete_property", path_params={"property_id": property_id})

    def get_units(self, *, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0) -> JSON:
        """One page of units (GetUnits)."""
        return self.call("get_units", query=_page(limit, offset))

    def get_msc_units(self, *, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0) -> JSON:
        """One page of units that have an MSC number (GetMscUnits)."""
        return self.call("get_msc_units", query=_page(limit, offset))

    def eed(self, json: Mapping[str, Any]) -> JSON:
        """Upsert the EED data of one submission key (Eed); safe to retry."""
        return self.call("eed", json=json)

    def get_all_orders(self) -> JSON:
        """All orders of the account (GetAllOrders)."""
        return self.call("get_all_orders")

    def create_order(self, order: Mapping[str, Any], files: Sequence[UploadFile] = ()) -> JSON:
        """Create an order with up to MAX_UPLOAD_FILES files (CreateOrder, multipart)."""
        form = {endpoints.ORDER_FORM_FIELD: jsonlib.dumps(order, ensure_ascii=False)}
        return self.call("create_order", form=form, files=files)

    def get_order_by_id(self, order_id: int) -> JSON:
        """One order (GetOrderById)."""
        return self.call("get_order_by_id", path_params={"order_id": order_id})

    def patch_order(self, order_id: int, json: Mapping[str, Any]) -> JSON:
        """Change an order's status, due date, internal id or address (PatchOrder)."""
        return self.call("patch_order", path_params={"order_id": order_id}, json=json)

    def get_order_comments_by_order_id(self, order_id: int) -> JSON:
        """The comments of an order (GetOrderCommentsByOrderId)."""
        return self.call("get_order_comments_by_order_id", path_params={"order_id": order_id})

    def create_order_comment(
        self, order_id: int, *, text: str, author_name: str, files: Sequence[UploadFile] = ()
    ) -> JSON:
        """Comment on an order with up to MAX_UPLOAD_FILES files (CreateOrderComment, multipart)."""
        form = {endpoints.COMMENT_TEXT_FIELD: text, endpoints.COMMENT_AUTHOR_FIELD: author_name}
        return self.call(
            "create_order_comment", path_params={"order_id": order_id}, form=form, files=files
        )

    def get_attachments_for_order(self, order_id: int) -> JSON:
        """Links to the attachments of an order (GetAttachmentsForOrder)."""
        return self.call("get_attachments_for_order", path_params={"order_id": order_id})

    def get_attachments_for_order_comment(self, order_id: int, comment_id: int) -> JSON:
        """Links to the attachments of a comment (GetAttachmentsForOrderComment)."""
        return self.call(
            "get_attachments_for_order_comment",
            path_params={"order_id": order_id, "comment_id": comment_id},
        )

    def create_order_field(self, json: Mapping[str, Any]) -> JSON:
        """Add a field to an order (CreateOrderField)."""
        return self.call("create_order_field", json=json)

    def create_order_contact_person(self, json: Mapping[str, Any]) -> JSON:
        """Add a contact person to an order (CreateOrderContactPerson)."""
        return self.call("create_order_contact_person", json=json)

    def get_all_appointments(self) -> JSON:
        """All appointments (GetAllAppointments)."""
        return self.call("get_all_appointments")

    def create_appointment(self, json: Mapping[str, Any]) -> JSON:
        """Create an appointment (CreateAppointment)."""
        return self.call("create_appointment", json=json)

    def update_appointment(self, appointment_id: int, json: Mapping[str, Any]) -> JSON:
        """Change an appointment (UpdateAppointment)."""
        return self.call(
            "update_appointment", path_params={"appointment_id": appointment_id}, json=json
        )

    def create_document_deprecated(self, json: Mapping[str, Any]) -> JSON:
        """Create a document the old way (CreateDocumentDeprecated; prefer create_document)."""
        return self.call("create_document_deprecated", json=json)

    def create_document(self, json: Mapping[str, Any]) -> JSON:
        """Create a document for a property and a customer (CreateDocument)."""
        return self.call("create_document", json=json)

    def patch_document(self, document_id: str, json: Mapping[str, Any]) -> JSON:
        """Publish a document or set it back to preparing (patchDocument)."""
        return self.call("patch_document", path_params={"document_id": document_id}, json=json)

    def post_attachment(self, document_id: str, json: Mapping[str, Any]) -> JSON:
        """Attach a base64 PDF to a document (postAttachment)."""
        return self.call("post_attachment", path_params={"document_id": document_id}, json=json)


def _page(limit: int, offset: int) -> dict[str, QueryValue]:
    """The query of one page."""
    return {endpoints.LIMIT_PARAM: limit, endpoints.OFFSET_PARAM: offset}


def _error_for(
    response: httpx.Response, method: str, path: str, retry_after: float | None
) -> RelayError:
    """The typed error for a final non-2xx response."""
    try:
        body = response.json()
    except ValueError:
        body = None
    where: dict[str, Any] = {
        "method": method,
        "path": path,
        "status_code": response.status_code,
        "server_message": server_message(body, response.text),
    }
    error_type = error_type_for(response.status_code)
    if error_type is RateLimitedError:
        return RateLimitedError(retry_after=retry_after, **where)
    return error_type(**where)
