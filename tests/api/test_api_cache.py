"""The read cache on its own: kept while the version token holds, recomputed when it changes,
aged answers refreshed in the background, one computation for simultaneous misses."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from nafolo.api.cache import ReadCache
from nafolo.store.version import VersionToken


class Token:
    """A version source whose token the test sets."""

    def __init__(self) -> None:
        self.value: VersionToken | None = 1

    def current(self) -> VersionToken | None:
        return self.value


def counting(results: list[int]) -> Callable[[], int]:
    def compute() -> int:
        results.append(len(results) + 1)
        return results[-1]

    return compute


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_an_answer_is_kept_while_the_token_holds() -> None:
    calls: list[int] = []
    cache = ReadCache(Token(), max_age_s=60)
    assert [cache.get("q", counting(calls)) for _ in range(3)] == [1, 1, 1]


def test_a_new_token_means_a_new_answer() -> None:
    calls: list[int] = []
    token = Token()
    cache = ReadCache(token, max_age_s=60)
    cache.get("q", counting(calls))
    token.value = 2
    assert cache.get("q", counting(calls)) == 2


def test_nothing_is_kept_without_a_token_or_a_max_age() -> None:
    calls: list[int] = []
    unknown = Token()
    unknown.value = None
    for cache in (ReadCache(unknown, max_age_s=60), ReadCache(Token(), max_age_s=0)):
        cache.get("q", counting(calls))
        cache.get("q", counting(calls))
    assert calls == [1, 2, 3, 4]


def test_an_aged_answer_is_served_once_more_then_refreshed_in_the_background() -> None:
    calls: list[int] = []
    cache = ReadCache(Token(), max_age_s=0.01)
    cache.get("q", counting(calls))
    time.sleep(0.02)
    assert cache.get("q", counting(calls)) == 1
    wait_for(lambda: calls == [1, 2])
    wait_for(lambda: cache.get("q", counting(calls)) == 2)


def test_a_failed_refresh_drops_the_answer() -> None:
    cache = ReadCache(Token(), max_age_s=0.01)
    cache.get("q", lambda: 1)
    time.sleep(0.02)

    def broken() -> int:
        raise RuntimeError("store unreachable")

    cache.get("q", broken)
    wait_for(lambda: cache.refreshes == 1 and "q" not in cache._kept)
    with pytest.raises(RuntimeError, match="unreachable"):
        cache.get("q", broken)


def test_simultaneous_misses_compute_once() -> None:
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> int:
        gate.wait(5)
        return counting(calls)()

    cache = ReadCache(Token(), max_age_s=60)
    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(cache.get("q", slow))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    wait_for(lambda: cache.misses == 4)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert answers == [1, 1, 1, 1] and calls == [1]
