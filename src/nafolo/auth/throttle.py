"""Login rate limiting: after too many failed logins for one username (or from one address) the
login is locked for a while, even with the right password.

In-process and in memory: counts are lost on restart and not shared between worker processes
(run one worker, or put a rate-limiting proxy in front when running several).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20
"""Higher: an office behind one NAT address shares it."""
LOCKOUT_S = 60.0
MAX_TRACKED = 10_000


@dataclass
class _Count:
    failures: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    """Failed-login counts per username (case-folded) and per client address."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES_PER_USERNAME,
        max_address_failures: int = MAX_FAILURES_PER_ADDRESS,
        lockout_s: float = LOCKOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.max_address_failures = max_address_failures
        self.lockout_s = lockout_s
        self.clock = clock
        self._counts: dict[tuple[str, str], _Count] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, address: str) -> list[tuple[tuple[str, str], int]]:
        return [
            (("user", username.casefold()), self.max_failures),
            (("address", address), self.max_address_failures),
        ]

    def locked_for_s(self, username: str, address: str) -> float:
        """Seconds until a login for `username` from `address` may be tried again (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [
                count.locked_until - now
                for key, _ in self._keys(username, address)
                if (count := self._counts.get(key)) is not None
            ]
        return max([0.0, *waits])

    def failed(self, username: str, address: str) -> bool:
        """Count a failed login; True when it locks the username or the address."""
        now = self.clock()
        locked = False
        with self._lock:
            if len(self._counts) >= MAX_TRACKED:
                self._prune(now)
            for key, limit in self._keys(username, address):
                count = self._counts.setdefault(key, _Count())
                count.failures += 1
                if count.failures >= limit:
                    count.failures = 0
                    count.locked_until = now + self.lockout_s
                    locked = True
        return locked

    def succeeded(self, username: str) -> None:
        """A successful login clears the username's failures (not the address's)."""
        with self._lock:
            self._counts.pop(("user", username.casefold()), None)

    def _prune(self, now: float) -> None:
        stale = [k for k, c in self._counts.items() if c.locked_until < now]
        for key in stale:
            del self._counts[key]
