"""Limit/offset pagination: sequential, or with a sliding window of pages in flight.

The contract orders every paginated collection by id and ends it with a page shorter than
``limit`` (possibly empty, when the size is an exact multiple of the page size).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from relay_analytics.api import endpoints

Record = dict[str, Any]
#: Fetches one page: ``(limit, offset) -> records``.
PageFetcher = Callable[[int, int], list[Record]]


def check_paging(page_size: int, concurrency: int = 1) -> None:
    """Refuse a page size outside 1..MAX_PAGE_SIZE or a concurrency below 1."""
    if not 1 <= page_size <= endpoints.MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be within 1..{endpoints.MAX_PAGE_SIZE}, got {page_size}")
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")


def iter_pages(fetch_page: PageFetcher, page_size: int) -> Iterator[list[Record]]:
    """Yield pages one after another until a short or empty page."""
    check_paging(page_size)
    offset = 0
    while True:
        page = fetch_page(page_size, offset)
        if page:
            yield page
        if len(page) < page_size:
            return
        offset += page_size


def fetch_all_pages(fetch_page: PageFetcher, page_size: int, concurrency: int = 1) -> list[Record]:
    """Fetch every record with ``concurrency`` pages in flight, de-duplicated by id in order."""
    check_paging(page_size, concurrency)
    if concurrency == 1:
        return unique_by_id(record for page in iter_pages(fetch_page, page_size) for record in page)
    pages: dict[int, list[Record]] = {}
    #: Offset of the first short page seen: the end of the collection.
    end: int | None = None
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="relay-page") as pool:
        in_flight: dict[Future[list[Record]], int] = {}
        next_offset = 0
        # A sliding window: each finished page starts the next offset at once, so one slow
        # page holds back only its own slot, not a whole window of pages.
        while True:
            while end is None and len(in_flight) < concurrency:
                in_flight[pool.submit(fetch_page, page_size, next_offset)] = next_offset
                next_offset += page_size
            if not in_flight:
                break
            done, _pending = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                offset = in_flight.pop(future)
                pages[offset] = future.result()
                if len(pages[offset]) < page_size and (end is None or offset < end):
                    end = offset
    # Pages after the first short one belong past the end (normally empty); a record that
    # appeared there meanwhile is left for the next load rather than half-read. Offsets are
    # started in order and every started page is awaited, so none before the end is missing.
    assert end is not None
    kept = (pages[offset] for offset in sorted(pages) if offset <= end)
    return unique_by_id(record for page in kept for record in page)


def unique_by_id(records: Iterable[Record]) -> list[Record]:
    """Keep the first record of each id, in order; records inserted while paging shift pages."""
    seen: set[Any] = set()
    unique: list[Record] = []
    for record in records:
        key = record.get(endpoints.ID_FIELD)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        unique.append(record)
    return unique
