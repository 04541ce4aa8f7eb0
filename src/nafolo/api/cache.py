"""Read models kept between requests while the store is unchanged.

Dashboards and scripts ask the same questions over and over (stocks, days of cover, alerts, the
bar register) between rare writes. A result is kept under its question (route and parameters)
with the store's version token read before it was computed (`nafolo.store.version`), and served
again only while the token is the same and for at most `Settings.read_cache_s` seconds: "now"
in a time-dependent answer (overdue convoys) is at most that old. Kept values are shared
between requests and must not be changed by whoever receives them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from nafolo.store.version import StoreVersion, VersionToken

T = TypeVar("T")


@dataclass(frozen=True)
class _Kept:
    token: VersionToken
    at: float
    value: Any


class ReadCache:
    """At most `size` results, least recently used dropped first; `max_age_s` 0 keeps none."""

    def __init__(self, version: StoreVersion, max_age_s: float, size: int = 256) -> None:
        self._version = version
        self._max_age_s = max_age_s
        self._size = size
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result kept under `key` if still valid, else `compute()` (then kept)."""
        if self._max_age_s <= 0:
            return compute()
        token = self._version.current()
        if token is None:
            return compute()
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept.token == token and now - kept.at < self._max_age_s:
                self._kept.move_to_end(key)
                self.hits += 1
                value: T = kept.value
                return value
            self.misses += 1
        value = compute()
        with self._lock:
            self._kept[key] = _Kept(token, now, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return value
