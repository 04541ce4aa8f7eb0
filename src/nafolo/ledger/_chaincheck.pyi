"""Types of the compiled ledger extension (`_chaincheck.c`): the verifier
(nafolo.ledger.chain.verify) and the append hot path (nafolo.ledger.journal, canonical, drafts)."""

from collections.abc import Callable, Sequence
from datetime import datetime
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

class WriteError(Exception):
    """A compiled append failed and was rolled back: args (sqlite_code, message)."""

class Writer:
    def __init__(self, path: str) -> None: ...
    def append(
        self,
        entry_ids: list[str],
        commodity: list[str],
        quantities: list[str],
        minors: list[int],
        from_account: list[str],
        to_account: list[str],
        kind: list[str],
        recorded_at: str,
        effective_at: list[str],
        actor: list[str],
        document_ref: list[str | None],
        idempotency_key: list[str | None],
        attributes: list[str],
        corrects: list[int | None],
    ) -> tuple[int, str, list[str]]: ...
    def append_one(
        self,
        draft: Any,
        commodities: dict[str, Any],
        accounts: dict[str, Any],
        known_commodities: set[str],
        known_codes: set[str],
        known_kinds: set[str],
        known_texts: set[str],
        decimal: type,
    ) -> tuple[tuple[Any, ...], datetime, int] | None: ...
    def pragma(self, name: str) -> int | str | None: ...
    def close(self) -> None: ...
    def abandon(self) -> None: ...

def chain_hashes(
    fields: tuple[str | Sequence[str], ...], count: int, previous: str
) -> list[str]: ...
def utc_texts(moments: list[datetime]) -> list[str]: ...
def attributes_texts(dicts: list[Any], decimal: type) -> list[str] | None: ...
