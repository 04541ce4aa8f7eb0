"""The ledger's value types: what a caller submits, what the journal holds, what verify finds."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, overload
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
    """A recorded, hash-chained journal entry (fields in the order of `_EntryInTheMaking`)."""

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


@dataclass(slots=True, eq=False, repr=False)
class _EntryInTheMaking:
    """`Entry`'s slots, writable: built at plain-object speed, then made an `Entry`."""

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


def new_entry(
    seq: int,
    entry_id: UUID,
    commodity: str,
    quantity: Decimal,
    from_account: str,
    to_account: str,
    kind: str,
    recorded_at: datetime,
    effective_at: datetime,
    actor: str,
    document_ref: str | None,
    idempotency_key: str | None,
    attributes: Mapping[str, object],
    corrects: int | None,
    prev_hash: str,
    hash: str,
) -> Entry:
    """`Entry(seq, entry_id, …, hash)`, for the append hot loop: equal, frozen, of type Entry.

    A frozen dataclass sets each field through `object.__setattr__`, several times slower than
    a plain slotted object; the twin above has the same slots in the same order, so assigning
    its `__class__` (which Python allows between such layouts) yields the very same Entry.
    """
    entry: Any = _EntryInTheMaking(
        seq, entry_id, commodity, quantity, from_account, to_account, kind, recorded_at,
        effective_at, actor, document_ref, idempotency_key, attributes, corrects, prev_hash, hash,
    )  # fmt: skip
    entry.__class__ = Entry
    return entry  # type: ignore[no-any-return]


_set_uuid_int = uuid.UUID.__dict__["int"].__set__
_set_uuid_is_safe = uuid.UUID.__dict__["is_safe"].__set__
_SAFETY_UNKNOWN = uuid.SafeUUID.unknown


def _uuid_of(value: int) -> UUID:
    """`uuid.UUID(int=value)` for a value already a valid UUID, without re-checking it.

    Sets the two slots `UUID.__init__` sets, through their descriptors (UUIDs refuse
    `setattr`).
    """
    made = object.__new__(UUID)
    _set_uuid_int(made, value)
    _set_uuid_is_safe(made, _SAFETY_UNKNOWN)
    return made


class AppendedEntries(Sequence[Entry]):
    """The entries one append recorded, in draft order, each built when first read.

    Backed by the rows the append stored (journal column order): a caller that does not read
    the entries (an import) pays nothing for them. Reads like a list of `Entry` (index, slice,
    iterate, `len`, `==` with a list, `+` with a list); each `Entry` equals the one
    `Ledger.entry(seq)` reads back.
    """

    __slots__ = ("_effective", "_made", "_recorded_at", "_rows", "_scales")

    def __init__(
        self,
        rows: Sequence[tuple[Any, ...]],
        effective_at: Sequence[datetime],
        recorded_at: datetime,
        scales: Mapping[str, int],
    ) -> None:
        self._rows = rows
        self._effective = effective_at
        self._recorded_at = recorded_at
        self._scales = scales
        self._made: list[Entry | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._rows)))]
        made = self._made[index]
        if made is None:
            made = self._made[index] = self._entry(index)
        return made

    def __iter__(self) -> Iterator[Entry]:
        made = self._made
        if None in made:
            entry = self._entry
            made[:] = [e if e is not None else entry(i) for i, e in enumerate(made)]
        return iter(made)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AppendedEntries | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Sequence[Entry]) -> list[Entry]:
        return [*self, *other]

    def __radd__(self, other: Sequence[Entry]) -> list[Entry]:
        return [*other, *self]

    def __repr__(self) -> str:
        return repr(list(self))

    def _entry(self, index: int) -> Entry:
        row = self._rows[index]
        return new_entry(
            row[0], _uuid_of(int(row[1].replace("-", ""), 16)), row[2],
            Decimal(row[3]).scaleb(-self._scales[row[2]]), row[4], row[5], row[6],
            self._recorded_at, self._effective[index], row[9], row[10], row[11],
            {} if row[12] == "{}" else json.loads(row[12]), row[13], row[14], row[15],
        )  # fmt: skip


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
    verifier: str = "python"
    """Which verifier ran: "compiled" (the C extension) or "python" (the reference)."""

    @property
    def ok(self) -> bool:
        return self.chain_problem is None and not self.balance_problems

    @property
    def entries_per_second(self) -> float:
        return self.entries_checked / self.seconds if self.seconds > 0 else float("inf")


assert [f.name for f in fields(Entry)] == [f.name for f in fields(_EntryInTheMaking)]
