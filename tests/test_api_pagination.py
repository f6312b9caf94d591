"""Limit/offset paging: stops on a short or empty page; pages in parallel give the same rows."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from relay_analytics.api import RelayClient
from relay_analytics.api.pagination import fetch_all_pages, iter_pages, unique_by_id
from relay_analytics.sandbox import SandboxServer

Record = dict[str, Any]


class FakeCollection:
    """A server-side collection of ``size`` records; records every (limit, offset) asked."""

    def __init__(self, size: int) -> None:
        self.records = [{"id": i} for i in range(1, size + 1)]
        self.asked: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def __call__(self, limit: int, offset: int) -> list[Record]:
        with self._lock:
            self.asked.append((limit, offset))
        return self.records[offset : offset + limit]


@pytest.mark.parametrize(
    ("size", "page_size", "requests"),
    [
        (0, 10, 1),  # empty: one empty page
        (7, 10, 1),  # one short page
        (10, 10, 2),  # exact multiple: a full page, then an empty one
        (25, 10, 3),  # short last page
        (30, 10, 4),
        (1, 1, 2),
    ],
)
def test_sequential_paging(size: int, page_size: int, requests: int) -> None:
    collection = FakeCollection(size)
    pages = list(iter_pages(collection, page_size))
    assert [r for page in pages for r in page] == collection.records
    assert all(pages)  # no empty page is yielded
    assert collection.asked == [(page_size, i * page_size) for i in range(requests)]


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 40, 41, 99, 100])
@pytest.mark.parametrize("concurrency", [1, 2, 4])
def test_parallel_windows_give_the_same_rows_as_sequential(size: int, concurrency: int) -> None:
    collection = FakeCollection(size)
    assert fetch_all_pages(collection, 10, concurrency) == collection.records
    # Bounded: never more than one window past the end.
    assert len(collection.asked) <= size // 10 + concurrency


def test_a_slow_page_does_not_hold_back_the_pages_after_it() -> None:
    # Two pages in flight: the first page answers only once offset 30 has been asked for,
    # which a sliding window reaches through the other slot (10, 20, 30) while the first
    # page is still in flight; windows of two pages would wait for it first.
    collection = FakeCollection(45)
    later_page_asked = threading.Event()

    def first_page_slow(limit: int, offset: int) -> list[Record]:
        if offset == 30:
            later_page_asked.set()
        if offset == 0 and not later_page_asked.wait(timeout=10):
            raise AssertionError("the pages after a slow page waited for it")
        return collection(limit, offset)

    assert fetch_all_pages(first_page_slow, 10, 2) == collection.records


def test_records_repeated_across_pages_are_kept_once_in_order() -> None:
    pages = {0: [{"id": 1}, {"id": 2}], 2: [{"id": 2}, {"id": 3}], 4: [], 6: []}
    assert fetch_all_pages(lambda limit, offset: pages[offset], 2, 2) == [
        {"id": 1},
        {"id": 2},
        {"id": 3},
    ]
    assert unique_by_id([{"id": 1}, {"x": 1}, {"x": 1}, {"id": 1}]) == [
        {"id": 1},
        {"x": 1},
        {"x": 1},
    ]


def test_an_error_on_one_page_propagates() -> None:
    def failing(limit: int, offset: int) -> list[Record]:
        if offset == 20:
            raise RuntimeError("page 3 failed")
        return [{"id": offset + i} for i in range(limit)]

    with pytest.raises(RuntimeError, match="page 3 failed"):
        fetch_all_pages(failing, 10, 4)


@pytest.mark.parametrize(
    ("page_size", "concurrency", "message"),
    [(0, 1, "page_size"), (101, 1, "page_size"), (10, 0, "concurrency")],
)
def test_paging_arguments_are_checked(page_size: int, concurrency: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fetch_all_pages(FakeCollection(3), page_size, concurrency)


# --- against the sandbox -------------------------------------------------------------


def test_fetch_all_against_the_sandbox(empty_sandbox: SandboxServer) -> None:
    address = {"streetAddress": "A 1", "postalCode": "1", "locality": "B", "country": "DE"}
    with RelayClient(empty_sandbox.url, empty_sandbox.api_key) as client:
        assert client.fetch_all("get_properties") == []
        body = [{"name": f"H{i}", "externalId": i, "address": address} for i in range(30)]
        client.create_properties({"properties": body})
        sequential = client.fetch_all("get_properties", page_size=10, concurrency=1)
        for page_size, concurrency in [(10, 3), (10, 4), (7, 2), (100, 4), (30, 2)]:
            got = client.fetch_all("get_properties", page_size=page_size, concurrency=concurrency)
            assert got == sequential
    assert [p["name"] for p in sequential] == [f"H{i}" for i in range(30)]


def test_fetch_all_refuses_an_operation_without_pages() -> None:
    client = RelayClient("https://relay.example", "k")
    with client, pytest.raises(ValueError, match="get_customers is not paginated"):
        client.fetch_all("get_customers")
