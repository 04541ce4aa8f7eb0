"""Read models kept between requests while the store is unchanged.

Dashboards and scripts ask the same questions over and over (stocks, days of cover, alerts, the
bar register) between rare writes. A result is kept under its question (route and parameters)
with the store's version token read before it was computed (`nafolo.store.version`):

- the token has changed (anything was committed since): the answer is computed afresh, once for
  all the requests asking the same question at that moment;
- the token is the same and the answer is fresh (younger than a random 50–100 % of
  `Settings.read_cache_s`, so that answers computed together do not all age at once): served;
- the token is the same but the answer has aged (an answer about "now", such as overdue convoys,
  may be out of date): it is served once more while one background thread computes it afresh,
  so a time-dependent answer is at most `read_cache_s` plus one computation old, and no request
  waits for the refresh.

Kept values are shared between requests and must not be changed by whoever receives them.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from nafolo.store.version import VersionSource, VersionToken

T = TypeVar("T")


@dataclass(frozen=True)
class _Kept:
    token: VersionToken
    fresh_until: float
    value: Any


class ReadCache:
    """At most `size` results, least recently used dropped first; `max_age_s` 0 keeps none."""

    def __init__(self, version: VersionSource, max_age_s: float, size: int = 256) -> None:
        self._version = version
        self._max_age_s = max_age_s
        self._size = size
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._computing: dict[tuple[Hashable, VersionToken], Future[Any]] = {}
        self._refreshing: set[Hashable] = set()
        self._refresher: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = self.refreshes = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer kept under `key` if the store is unchanged, else `compute()` (then kept)."""
        if self._max_age_s <= 0:
            return compute()
        token = self._version.current()
        if token is None:
            return compute()
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept.token == token:
                self._kept.move_to_end(key)
                self.hits += 1
                if now >= kept.fresh_until and key not in self._refreshing:
                    self._refreshing.add(key)
                    self.refreshes += 1
                    self._background().submit(self._refresh, key, compute)
                value: T = kept.value
                return value
            self.misses += 1
            running = self._computing.get((key, token))
            if running is None:
                mine: Future[Any] = Future()
                self._computing[(key, token)] = mine
        if running is not None:  # another request is computing this very answer
            shared: T = running.result()
            return shared
        try:
            value = compute()
        except BaseException as error:
            mine.set_exception(error)
            raise
        finally:
            with self._lock:
                del self._computing[(key, token)]
        self._keep(key, token, now, value)
        mine.set_result(value)
        return value

    def _refresh(self, key: Hashable, compute: Callable[[], Any]) -> None:
        """Compute an aged answer afresh; if that fails, drop it (the next request computes it
        and meets the error itself)."""
        try:
            token = self._version.current()
            started = time.monotonic()
            value = compute()
            if token is not None:
                self._keep(key, token, started, value)
        except Exception:
            with self._lock:
                self._kept.pop(key, None)
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _keep(self, key: Hashable, token: VersionToken, at: float, value: Any) -> None:
        """Keep `value`, fresh for a random 50–100 % of the maximum age: answers computed
        together (a dashboard's first load) then age apart, and their refreshes do not queue
        up behind each other."""
        fresh_until = at + self._max_age_s * random.uniform(0.5, 1.0)
        with self._lock:
            self._kept[key] = _Kept(token, fresh_until, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def _background(self) -> ThreadPoolExecutor:
        if self._refresher is None:
            self._refresher = ThreadPoolExecutor(1, thread_name_prefix="nafolo-read-refresh")
        return self._refresher
