"""The Relay API client: typed errors, retries and pagination over httpx.

Every path and wire name lives in ``endpoints``; this package never imports polars.
"""

from relay_analytics.api._request import UploadFile
from relay_analytics.api._secret import Secret
from relay_analytics.api.client import RelayClient
from relay_analytics.api.errors import (
    AuthError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    RateLimitedError,
    RelayConnectionError,
    RelayError,
    ServerError,
)
from relay_analytics.api.retry import RetryPolicy

__all__ = [
    "AuthError",
    "BadRequestError",
    "ConfigurationError",
    "NotFoundError",
    "RateLimitedError",
    "RelayClient",
    "RelayConnectionError",
    "RelayError",
    "RetryPolicy",
    "Secret",
    "ServerError",
    "UploadFile",
]
