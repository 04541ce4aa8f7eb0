"""What operations need to read back from the ledger, seen through entries not yet written.

An import checks thousands of rows before writing any: a receipt may refer to a convoy
dispatched earlier in the same file, a dip needs the book stock including the file's receipts.
`Journal` answers from the ledger's tables plus the drafts added so far (`pending`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.convoys import (
    DISPATCH,
    DispatchedCompartment,
    dispatch_key,
    truck_lost_key,
)
from nafolo.fuel.operations.receipts import receipt_key
from nafolo.fuel.operations.tables import convoy_events
from nafolo.ledger import EntryDraft
from nafolo.ledger.canonical import format_timestamp, parse_timestamp
from nafolo.store import commodities, ledger_entries

_LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RecordedMovement:
    """The parts of a recorded (or pending) entry operations compare and read."""

    seq: int | None
    commodity: str
    quantity: Decimal
    from_account: str
    to_account: str
    kind: str
    effective_at: datetime
    attributes: Mapping[str, object]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


class Journal:
    """Ledger reads for fuel operations, overlaid with `pending` drafts (in order)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pending: dict[str, EntryDraft] = {}
        self.pending_events: set[str] = set()
        self._scales: dict[str, int] | None = None

    def add(self, drafts: Iterable[EntryDraft]) -> None:
        for draft in drafts:
            assert draft.idempotency_key is not None
            self.pending[draft.idempotency_key] = draft

    # ---- look-ups ---------------------------------------------------------------------------

    def movements(self, keys: Iterable[str]) -> dict[str, RecordedMovement]:
        """Recorded or pending movements by idempotency key."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, RecordedMovement] = {}
        missing = []
        for key in wanted:
            draft = self.pending.get(key)
            if draft is not None:
                found[key] = _from_draft(draft)
            else:
                missing.append(key)
        for start in range(0, len(missing), _LOOKUP_CHUNK):
            chunk = missing[start : start + _LOOKUP_CHUNK]
            query = sa.select(ledger_entries).where(ledger_entries.c.idempotency_key.in_(chunk))
            found.update(self._read(query))
        return found

    def with_prefix(self, prefix: str) -> dict[str, RecordedMovement]:
        """Recorded or pending movements whose idempotency key starts with `prefix` (exactly:
        SQLite's LIKE ignores case)."""
        query = sa.select(ledger_entries).where(
            ledger_entries.c.idempotency_key.like(_like_prefix(prefix), escape="\\")
        )
        found = {k: m for k, m in self._read(query).items() if k.startswith(prefix)}
        for key, draft in self.pending.items():
            if key.startswith(prefix):
                found[key] = _from_draft(draft)
        return found

    def dispatched(self, convoy: str, truck: str, compartment: int) -> DispatchedCompartment | None:
        key = dispatch_key(convoy, truck, compartment)
        movement = self.movements([key]).get(key)
        return None if movement is None else _compartment(movement)

    def convoy_compartments(self, convoy: str) -> list[DispatchedCompartment]:
        """Every compartment dispatched in `convoy`, in truck and compartment order."""
        found = self.with_prefix(f"fuel:dispatch:{convoy}:")
        compartments = [_compartment(m) for m in found.values() if m.kind == DISPATCH]
        return sorted(compartments, key=lambda c: (c.truck, c.compartment))

    def on_board(self, convoy: str) -> list[DispatchedCompartment]:
        """Compartments of `convoy` neither received nor lost."""
        loaded = self.convoy_compartments(convoy)
        done = self.movements(
            key(c.convoy, c.truck, c.compartment)
            for c in loaded
            for key in (receipt_key, truck_lost_key)
        )
        return [
            c
            for c in loaded
            if receipt_key(c.convoy, c.truck, c.compartment) not in done
            and truck_lost_key(c.convoy, c.truck, c.compartment) not in done
        ]

    def book_t(self, depot: str, product: str, as_of: datetime) -> Decimal:
        """The depot's book stock of `product` at `as_of` (entries effective at or before it)."""
        account = accounts.depot(depot)
        cutoff = format_timestamp(as_of)
        table = ledger_entries
        signed = sa.case(
            (table.c.to_account == account, table.c.quantity_minor), else_=-table.c.quantity_minor
        )
        query = sa.select(sa.func.coalesce(sa.func.sum(signed), 0)).where(
            table.c.commodity == product,
            table.c.effective_at <= cutoff,
            sa.or_(table.c.to_account == account, table.c.from_account == account),
        )
        with self.engine.connect() as connection:
            minor = int(connection.execute(query).scalar() or 0)
        book = Decimal(minor).scaleb(-self._scale(product))
        for draft in self.pending.values():
            if draft.commodity != product or draft.effective_at > as_of:
                continue
            if draft.to_account == account:
                book += draft.quantity
            elif draft.from_account == account:
                book -= draft.quantity
        return book

    def event_recorded(self, key: str) -> dict[str, object] | None:
        """The stored convoy event with idempotency key `key`, or None."""
        query = sa.select(convoy_events).where(convoy_events.c.idempotency_key == key)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else dict(row._mapping)

    # ---- plumbing ---------------------------------------------------------------------------

    def _scale(self, commodity: str) -> int:
        if self._scales is None:
            with self.engine.connect() as connection:
                rows = connection.execute(sa.select(commodities.c.code, commodities.c.scale))
                self._scales = {r.code: r.scale for r in rows}
        return self._scales.get(commodity, accounts.LEDGER_SCALE)

    def _read(self, query: sa.Select[tuple[object, ...]]) -> dict[str, RecordedMovement]:
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {
            row.idempotency_key: RecordedMovement(
                seq=row.seq,
                commodity=row.commodity,
                quantity=Decimal(row.quantity_minor).scaleb(-self._scale(row.commodity)),
                from_account=row.from_account,
                to_account=row.to_account,
                kind=row.kind,
                effective_at=parse_timestamp(row.effective_at),
                attributes=json.loads(row.attributes),
            )
            for row in rows
        }


def _from_draft(draft: EntryDraft) -> RecordedMovement:
    return RecordedMovement(
        seq=None,
        commodity=draft.commodity,
        quantity=draft.quantity,
        from_account=draft.from_account,
        to_account=draft.to_account,
        kind=draft.kind,
        effective_at=draft.effective_at,
        attributes=draft.attributes,
    )


def _compartment(movement: RecordedMovement) -> DispatchedCompartment:
    return DispatchedCompartment.from_entry(
        movement.commodity, movement.quantity, movement.effective_at, movement.attributes
    )
