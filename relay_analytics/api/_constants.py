"""Defaults of the Relay client: timeouts, connection pool, environment variable names."""

from __future__ import annotations

from typing import Final

import httpx

#: Connecting should be quick; a page of 100 records or an EED upsert may take a while.
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
#: Enough connections for the loaders' and the submitter's thread pools to share one client.
DEFAULT_MAX_CONNECTIONS: Final = 32

BASE_URL_ENV: Final = "RELAY_BASE_URL"
API_KEY_ENV: Final = "RELAY_API_KEY"

#: Page size and number of pages fetched at once by ``RelayClient.fetch_all``.
DEFAULT_PAGE_SIZE: Final = 100
DEFAULT_CONCURRENCY: Final = 4

#: Longest server text quoted in an error when the body is not the contract's error shape.
MAX_QUOTED_BODY: Final = 200

#: Retry defaults (see ``RetryPolicy``).
DEFAULT_MAX_ATTEMPTS: Final = 5
DEFAULT_BASE_DELAY: Final = 0.25
DEFAULT_MAX_DELAY: Final = 8.0
DEFAULT_MAX_RETRY_AFTER: Final = 60.0
DEFAULT_TOTAL_TIMEOUT: Final = 120.0
