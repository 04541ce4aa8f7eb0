"""What every refinery service shares: the store, the ledger, the chart and small conversions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy.engine import Connection, Engine

from nafolo.gold.service.accounts import Chart
from nafolo.gold.service.config import RefineryConfig
from nafolo.gold.service.errors import FieldProblem, GoldRefusedError, Rule
from nafolo.ledger import EntriesRefusedError, Entry, EntryDraft, Ledger
from nafolo.ledger.canonical import format_timestamp, parse_timestamp
from nafolo.store.gold_tables import custody_events

Code = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
]
"""An identifier usable in ledger account codes: letters, digits, `_ . -`, at most 40."""
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
MOZ = Decimal("0.001")


class Input(BaseModel):
    """Base of service inputs: frozen, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Output(BaseModel):
    """Base of service outputs."""

    model_config = ConfigDict(frozen=True)


class CustodyEvent(StrEnum):
    REGISTERED = "registered"
    QUARANTINED = "quarantined"
    RELEASED = "released"
    RECEIVED = "received"
    SAMPLED = "sampled"
    ASSAYED = "assayed"
    SETTLED = "settled"
    INTO_BATCH = "into_batch"
    REFINED = "refined"
    BAR_CAST = "bar_cast"
    VAULTED = "vaulted"
    SHIPPED = "shipped"


class RecordedEntry(Output):
    """A ledger entry an operation wrote: fine troy oz of AU or AG between two accounts."""

    seq: int
    kind: str
    commodity: str
    quantity_oz: Decimal
    from_account: str
    to_account: str
    effective_at: datetime
    document_ref: str | None
    hash: str


def recorded(entry: Entry) -> RecordedEntry:
    return RecordedEntry(
        seq=entry.seq,
        kind=entry.kind,
        commodity=entry.commodity,
        quantity_oz=entry.quantity,
        from_account=entry.from_account,
        to_account=entry.to_account,
        effective_at=entry.effective_at,
        document_ref=entry.document_ref,
        hash=entry.hash,
    )


def to_moz(oz: Decimal) -> int:
    """Fine oz (at most 3 decimals) as integer 0.001 oz."""
    return int(oz.scaleb(3).to_integral_value())


def from_moz(moz: int | None) -> Decimal:
    return Decimal(moz or 0).scaleb(-3)


def stamp() -> str:
    return format_timestamp(datetime.now(UTC))


def ts(moment: datetime) -> str:
    return format_timestamp(moment)


CLOCK_SKEW = timedelta(minutes=5)
"""How far past the server clock a business time may lie (clocks of tablets and scales drift)."""


def event_time(at: datetime | None, field: str = "at") -> datetime:
    """The business time of an event as aware UTC: when it happened, not when it was typed in.

    `None` means "now" and is meant for interactive callers (API, CLI, web forms); a naive or
    future time (beyond `CLOCK_SKEW`) is refused naming `field`.
    """
    now = datetime.now(UTC)
    if at is None:
        return now
    if at.tzinfo is None or at.utcoffset() is None:
        raise GoldRefusedError(
            [FieldProblem(field, f"{at.isoformat()} has no time zone; give UTC", Rule.VALUE)]
        )
    moment = at.astimezone(UTC)
    if moment > now + CLOCK_SKEW:
        raise GoldRefusedError(
            [
                FieldProblem(
                    field,
                    f"{ts(moment)} is in the future (server clock {ts(now)})",
                    Rule.CHRONOLOGY,
                )
            ]
        )
    return moment


def too_early(field: str, at: datetime, earlier: datetime | None, what: str) -> FieldProblem | None:
    """A problem when `at` lies before `earlier` (the time of the step `what` it must follow)."""
    if earlier is None or at >= earlier:
        return None
    return FieldProblem(field, f"{ts(at)} is before the {what} ({ts(earlier)})", Rule.CHRONOLOGY)


def last_events(
    connection: Connection, lot_ids: Iterable[str], events: Iterable[CustodyEvent]
) -> dict[str, datetime]:
    """Per lot, the latest business time of any of `events` in its custody chain."""
    ids = list(dict.fromkeys(lot_ids))
    kinds = [e.value for e in events]
    found: dict[str, datetime] = {}
    for start in range(0, len(ids), 900):
        rows = connection.execute(
            sa.select(custody_events.c.lot_id, sa.func.max(custody_events.c.at))
            .where(
                custody_events.c.lot_id.in_(ids[start : start + 900]),
                custody_events.c.event.in_(kinds),
            )
            .group_by(custody_events.c.lot_id)
        )
        found.update({lot: parse_timestamp(at) for lot, at in rows if at is not None})
    return found


def latest(times: Mapping[str, datetime], keys: Iterable[str]) -> datetime | None:
    """The latest of `times` over `keys`, None when none is known."""
    return max((times[k] for k in keys if k in times), default=None)


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def draft(
    commodity: str,
    oz: Decimal,
    source: str,
    target: str,
    kind: str,
    at: datetime,
    actor: str,
    ref: str,
    key: str | None,
    **attributes: object,
) -> EntryDraft | None:
    """A ledger draft, or None for a zero quantity (the ledger records only movements)."""
    if oz == 0:
        return None
    if oz < 0:
        source, target, oz = target, source, -oz
    return EntryDraft(commodity, oz, source, target, kind, at, actor, ref, key, dict(attributes))


class Context:
    """The engine, ledger, chart and configuration every service of one refinery shares."""

    def __init__(self, engine: Engine, ledger: Ledger, config: RefineryConfig) -> None:
        self.engine = engine
        self.ledger = ledger
        self.config = config
        self.chart = Chart(ledger)

    def append(self, drafts: Sequence[EntryDraft | None], chunk: int = 5_000) -> list[Entry]:
        """Record the drafts on the ledger (in chunks, each all or nothing); None are skipped."""
        real = [d for d in drafts if d is not None]
        if not real:
            return []
        self.chart.ensure({c for d in real for c in (d.from_account, d.to_account)})
        entries: list[Entry] = []
        try:
            for start in range(0, len(real), chunk):
                entries += self.ledger.append(real[start : start + chunk])
        except EntriesRefusedError as error:
            raise GoldRefusedError(
                [FieldProblem(p.field, str(p), Rule.VALUE) for p in error.problems]
            ) from error
        return entries

    def custody(
        self,
        connection: Connection,
        rows: Sequence[tuple[str, CustodyEvent, str, int | None, str]],
        actor: str,
    ) -> None:
        """Custody rows (lot, event, at, ledger seq, detail)."""
        if not rows:
            return
        now = stamp()
        connection.execute(
            custody_events.insert(),
            [
                {
                    "lot_id": lot,
                    "event": event.value,
                    "at": at,
                    "ledger_seq": seq,
                    "detail": detail[:200],
                    "recorded_at": now,
                    "actor": actor,
                }
                for lot, event, at, seq, detail in rows
            ],
        )


def exists(connection: Connection, table: sa.Table, column: str, value: str) -> bool:
    return (
        connection.execute(sa.select(table.c[column]).where(table.c[column] == value)).first()
        is not None
    )


def first_entries(entries: Sequence[Entry], key_prefix: str) -> int | None:
    """Seq of the first entry whose idempotency key starts with `key_prefix`."""
    return next(
        (e.seq for e in entries if e.idempotency_key and e.idempotency_key.startswith(key_prefix)),
        None,
    )
