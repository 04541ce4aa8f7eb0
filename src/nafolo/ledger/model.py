"""The ledger's value types: what a caller submits, what the journal holds, what verify finds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """A movement to record: `quantity` of `commodity` (ledger unit) from one account to another.

    `effective_at` is when it happened (timezone-aware); the ledger sets `recorded_at` itself.
    Replaying the same `idempotency_key` returns the entry first recorded with it.
    Attribute values must be exact: str, int, bool, None, Decimal (stored as its string), or
    lists/mappings of those.
    """

    commodity: str
    quantity: Decimal
    from_account: str
    to_account: str
    kind: str
    effective_at: datetime
    actor: str
    document_ref: str | None = None
    idempotency_key: str | None = None
    attributes: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entry:
    """A recorded, hash-chained journal entry."""

    seq: int
    entry_id: UUID
    commodity: str
    quantity: Decimal
    from_account: str
    to_account: str
    kind: str
    recorded_at: datetime
    effective_at: datetime
    actor: str
    document_ref: str | None
    idempotency_key: str | None
    attributes: Mapping[str, object]
    corrects: int | None
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Commodity:
    """A commodity and its one ledger unit; quantities carry exactly `scale` decimals."""

    code: str
    domain: str
    unit: str
    scale: int


@dataclass(frozen=True, slots=True)
class Account:
    """A place or party quantities move between (depot, convoy in transit, supplier, loss…)."""

    code: str
    kind: str
    domain: str
    name: str


@dataclass(frozen=True, slots=True)
class Balance:
    """Quantity held by `account` in `commodity` (received − sent), in the commodity's unit."""

    account: str
    account_kind: str
    commodity: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last entry of the chain (seq 0 and the genesis hash when the ledger is empty)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class EntryProblem:
    """Why a submitted entry was refused: its position in the batch (0-based), field, reason."""

    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = "" if self.row is None else f"entry {self.row}, "
        return f"{where}{self.field}: {self.message}"


class LedgerError(Exception):
    """Base of the ledger's refusals."""


class EntriesRefusedError(LedgerError, ValueError):
    """A batch refused as a whole (nothing written); lists every problem found."""

    def __init__(self, problems: list[EntryProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s), nothing recorded:\n{lines}")


class DefinitionConflictError(LedgerError, ValueError):
    """An account or commodity already exists with a different definition."""


class NotFoundError(LedgerError, LookupError):
    """No entry, account or commodity by that key."""


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """The first place where the stored chain differs from what its content implies."""

    seq: int
    message: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.message}"


@dataclass(frozen=True, slots=True)
class BalanceProblem:
    """A stored balance that differs from the one recomputed from the journal."""

    account: str
    commodity: str
    stored: Decimal
    recomputed: Decimal

    def __str__(self) -> str:
        return (
            f"balance of {self.account} in {self.commodity}: stored {self.stored}, "
            f"journal gives {self.recomputed}"
        )


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Outcome of `Ledger.verify`: the chain and the balances checked against the journal."""

    entries_checked: int
    recorded_head: ChainHead
    computed_head: ChainHead
    chain_problem: ChainProblem | None
    balance_problems: list[BalanceProblem]
    seconds: float

    @property
    def ok(self) -> bool:
        return self.chain_problem is None and not self.balance_problems

    @property
    def entries_per_second(self) -> float:
        return self.entries_checked / self.seconds if self.seconds > 0 else float("inf")
