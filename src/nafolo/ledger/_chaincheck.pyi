"""Types of the compiled ledger verifier (`_chaincheck.c`); see nafolo.ledger.chain.verify."""

from collections.abc import Callable
from typing import Any

SQLITE_VERSION: str

class UnsupportedError(Exception):
    """The store holds something the compiled verifier does not handle: use the Python one."""

class Checker:
    def __init__(
        self,
        scales: dict[str, int],
        progress: Callable[[int, int], None] | None,
        total: int,
        batch: int,
    ) -> None: ...
    def feed(self, block: bytes | bytearray | memoryview) -> None: ...
    def finish(self) -> dict[str, Any]: ...

def verify_sqlite(
    path: str, progress: Callable[[int, int], None] | None, batch: int
) -> dict[str, Any]: ...
