"""Recording fuel operations on the ledger: one method per operation, typed in and typed out.

Each method checks its input against the network and the ledger, then appends the operation's
entries in one transaction (all or nothing). Replaying an operation (same document reference,
same content) returns what was first recorded and writes nothing; the same reference with other
content is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.catalogue import Catalogue, FieldProblem, OperationRefusedError
from nafolo.fuel.operations.convoys import dispatch_entries, truck_lost_entries
from nafolo.fuel.operations.dips import dip_entries, dip_key
from nafolo.fuel.operations.inputs import (
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    Dip,
    Lifting,
    OpeningStock,
    Receipt,
    Withdrawal,
)
from nafolo.fuel.operations.journal import Journal
from nafolo.fuel.operations.liftings import lifting_entries
from nafolo.fuel.operations.loss_approvals import LossApproval, LossApprovals, LossWriteOff
from nafolo.fuel.operations.openings import opening_entries
from nafolo.fuel.operations.receipts import receipt_entries
from nafolo.fuel.operations.tables import convoy_events
from nafolo.fuel.operations.tolerance import Tolerances, Variance
from nafolo.fuel.operations.withdrawals import withdrawal_entries, withdrawal_key
from nafolo.ledger import EntriesRefusedError, Entry, EntryDraft, Ledger
from nafolo.ledger.canonical import format_timestamp


class RecordedEntry(BaseModel):
    """A ledger entry an operation wrote (or had written, on replay)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    kind: str
    product: str
    quantity_t: Decimal
    from_account: str
    to_account: str
    effective_at: datetime
    document_ref: str | None
    hash: str


class VarianceOut(BaseModel):
    """A measured quantity against its reference, in tonnes (weight in air) and percent."""

    model_config = ConfigDict(frozen=True)

    reference_t: Decimal
    measured_t: Decimal
    difference_t: Decimal
    variance_pct: Decimal
    tolerance_pct: Decimal
    above_tolerance: bool


class OperationResult(BaseModel):
    """What an operation recorded: its entries, whether it was a replay, and any variance."""

    model_config = ConfigDict(frozen=True)

    operation: str
    document_ref: str
    entries: list[RecordedEntry]
    replayed: bool
    variance: VarianceOut | None = None


def recorded_entry(entry: Entry) -> RecordedEntry:
    return RecordedEntry(
        seq=entry.seq,
        kind=entry.kind,
        product=entry.commodity,
        quantity_t=entry.quantity,
        from_account=entry.from_account,
        to_account=entry.to_account,
        effective_at=entry.effective_at,
        document_ref=entry.document_ref,
        hash=entry.hash,
    )


def variance_out(variance: Variance) -> VarianceOut:
    return VarianceOut(
        reference_t=variance.reference_t,
        measured_t=variance.measured_t,
        difference_t=variance.difference_t,
        variance_pct=variance.variance_pct,
        tolerance_pct=variance.tolerance_pct,
        above_tolerance=variance.above_tolerance,
    )


def event_key(document_ref: str) -> str:
    return f"fuel:event:{document_ref}"


class FuelOperations:
    """The fuel operations service over a ledger and the network it operates."""

    def __init__(
        self, ledger: Ledger, network: Network, tolerances: Tolerances | None = None
    ) -> None:
        self.ledger = ledger
        self.network = network
        self.catalogue = Catalogue(network)
        self.tolerances = tolerances or Tolerances()
        self._commodities_ready = False
        self._known_accounts: set[str] = set()

    def ensure_chart(self) -> None:
        """Every product's commodity and the network's fixed accounts in the ledger (optional:
        operations create the accounts they use)."""
        accounts.ensure_chart(self.ledger, self.network)
        self._commodities_ready = True

    def ensure_accounts(self, drafts: Sequence[EntryDraft]) -> None:
        """The commodities and the accounts `drafts` move between, created if absent."""
        if not self._commodities_ready:
            accounts.ensure_commodities(self.ledger, self.network)
            self._commodities_ready = True
        codes = {code for d in drafts for code in (d.from_account, d.to_account)}
        accounts.ensure_accounts(self.ledger, codes, self._known_accounts)

    # ---- operations ---------------------------------------------------------------------------

    def record_opening_stock(self, opening: OpeningStock) -> OperationResult:
        """OPENING → depot: a depot's stock when its operations start being recorded."""
        drafts = opening_entries(opening, self.catalogue)
        return self._append("opening_stock", opening.document_ref, drafts)

    def record_lifting(self, lifting: Lifting) -> OperationResult:
        """Supplier → port: product lifted against a contract."""
        return self._append(
            "lifting", lifting.document_ref, lifting_entries(lifting, self.catalogue)
        )

    def dispatch_convoy(self, dispatch: ConvoyDispatch) -> OperationResult:
        """Port → convoy in transit, one entry per compartment at its standard weight."""
        drafts = dispatch_entries(dispatch, self.catalogue)
        return self._append("dispatch", dispatch.document_ref, drafts)

    def record_convoy_event(self, event: ConvoyEvent) -> OperationResult:
        """Store the event; a lost truck also writes its load off to the corridor's attack loss."""
        journal = Journal(self.ledger.engine)
        drafts = self.convoy_event_entries(event, journal)
        result = self._append("convoy_event", event.document_ref, drafts)
        self.store_events([event])
        return result

    def record_receipt(self, receipt: Receipt) -> OperationResult:
        """Transit → depot, plus the explicit transit loss or gain against what left the port."""
        journal = Journal(self.ledger.engine)
        drafts, variance = self.receipt_entries(receipt, journal)
        result = self._append("receipt", receipt.document_ref, drafts)
        return result.model_copy(update={"variance": variance_out(variance)})

    def record_withdrawal(self, withdrawal: Withdrawal) -> OperationResult:
        """Depot → region."""
        drafts = self.withdrawal_entries(withdrawal, Journal(self.ledger.engine))
        return self._append("withdrawal", withdrawal.document_ref, drafts)

    def record_dip(self, dip: Dip) -> OperationResult:
        """Book against physical stock: the difference to the depot's dip loss or gain account."""
        journal = Journal(self.ledger.engine)
        replay = self.recorded_dip(dip, journal)
        if replay is not None:
            return replay
        drafts, variance = self.dip_entries(dip, journal)
        result = self._append("dip", dip.document_ref, drafts)
        return result.model_copy(update={"variance": variance_out(variance)})

    def approve_loss_write_off(self, document_ref: str, actor: str, note: str = "") -> LossApproval:
        """Approve writing off the transit loss above tolerance of receipt `document_ref`; refused
        when `actor` recorded that receipt (separation of duties)."""
        return LossApprovals(self.ledger.engine).approve(document_ref, actor, note)

    def loss_write_offs(self, *, pending_only: bool = False) -> list[LossWriteOff]:
        """Transit losses above tolerance and whether their write-off is approved."""
        return LossApprovals(self.ledger.engine).write_offs(pending_only=pending_only)

    # ---- checks shared with the importer -------------------------------------------------------

    def convoy_event_entries(self, event: ConvoyEvent, journal: Journal) -> list[EntryDraft]:
        """The entries an event writes (only a lost truck writes any); unknown convoys refused."""
        loaded = journal.convoy_compartments(event.convoy)
        if not loaded:
            raise OperationRefusedError(
                [FieldProblem("convoy", f"convoy {event.convoy!r} has not been dispatched")]
            )
        stored = journal.event_recorded(event_key(event.document_ref))
        if stored is not None and not _same_event(stored, event):
            raise OperationRefusedError(
                [
                    FieldProblem(
                        "document_ref",
                        f"{event.document_ref!r} is already recorded as another convoy event",
                    )
                ]
            )
        if event.at < loaded[0].dispatched_at:
            raise OperationRefusedError(
                [FieldProblem("at", f"{event.at.isoformat()} is before the convoy's dispatch")]
            )
        if event.event is ConvoyEventKind.TRUCK_LOST:
            written = journal.with_prefix(f"fuel:truck-lost:{event.convoy}:{event.truck}:")
            if written:
                return []  # this loss is already on the ledger: the event only needs storing
            return truck_lost_entries(event, journal.on_board(event.convoy))
        if event.truck is not None:
            raise OperationRefusedError(
                [FieldProblem("truck", "only truck_lost events name a truck")]
            )
        return []

    def receipt_entries(
        self, receipt: Receipt, journal: Journal
    ) -> tuple[list[EntryDraft], Variance]:
        dispatched = journal.dispatched(receipt.convoy, receipt.truck, receipt.compartment)
        if dispatched is None:
            raise OperationRefusedError(
                [
                    FieldProblem(
                        "compartment",
                        f"convoy {receipt.convoy} truck {receipt.truck} compartment "
                        f"{receipt.compartment} was not dispatched",
                    )
                ]
            )
        lost = journal.movements(
            [f"fuel:truck-lost:{receipt.convoy}:{receipt.truck}:{receipt.compartment}"]
        )
        if lost:
            raise OperationRefusedError(
                [FieldProblem("truck", f"truck {receipt.truck} was reported lost")]
            )
        entries = receipt_entries(receipt, dispatched, self.catalogue, self.tolerances)
        return entries.drafts, entries.variance

    def withdrawal_entries(self, withdrawal: Withdrawal, journal: Journal) -> list[EntryDraft]:
        key = withdrawal_key(withdrawal.document_ref)
        book = Decimal(0)
        if self.catalogue.has_depot(withdrawal.depot):
            book = journal.book_t(withdrawal.depot, withdrawal.product, withdrawal.withdrawn_at)
            replayed = journal.movements([key]).get(key)
            if replayed is not None:
                book += replayed.quantity  # a replay: its own entry is already in the book
        return withdrawal_entries(withdrawal, self.catalogue, book)

    def recorded_dip(self, dip: Dip, journal: Journal) -> OperationResult | None:
        """The dip's first recording when `dip` replays it; refused if the content differs."""
        stored = journal.movements([dip_key(dip.document_ref)]).get(dip_key(dip.document_ref))
        if stored is None:
            return None
        measured = {
            "volume_l": str(dip.load.volume_l),
            "temperature_c": str(dip.load.temperature_c),
            "density_kg_m3": str(dip.load.density_kg_m3),
        }
        same = (
            stored.effective_at == dip.dipped_at
            and stored.commodity == dip.product
            and stored.attributes.get("depot") == dip.depot
            and all(stored.attributes.get(k) == v for k, v in measured.items())
        )
        if not same:
            raise OperationRefusedError(
                [
                    FieldProblem(
                        "document_ref", f"{dip.document_ref!r} is already recorded as another dip"
                    )
                ]
            )
        assert stored.seq is not None
        return OperationResult(
            operation="dip",
            document_ref=dip.document_ref,
            entries=[recorded_entry(self.ledger.entry(stored.seq))],
            replayed=True,
        )

    def dip_entries(self, dip: Dip, journal: Journal) -> tuple[list[EntryDraft], Variance]:
        if not self.catalogue.has_depot(dip.depot):
            book = Decimal(0)
        else:
            book = journal.book_t(dip.depot, dip.product, dip.dipped_at)
        entries = dip_entries(dip, book, self.catalogue, self.tolerances)
        return entries.drafts, entries.variance

    def store_events(self, events: Sequence[ConvoyEvent]) -> int:
        """Insert the events not stored yet (one transaction); returns how many were new."""
        if not events:
            return 0
        keys = [event_key(e.document_ref) for e in events]
        now = format_timestamp(datetime.now(UTC))
        with self.ledger.engine.begin() as connection:
            known = set(
                connection.execute(
                    sa.select(convoy_events.c.idempotency_key).where(
                        convoy_events.c.idempotency_key.in_(keys)
                    )
                ).scalars()
            )
            rows = [
                {
                    "convoy": e.convoy,
                    "event": e.event.value,
                    "at": format_timestamp(e.at),
                    "recorded_at": now,
                    "actor": e.actor,
                    "document_ref": e.document_ref,
                    "idempotency_key": key,
                    "truck": e.truck,
                    "delay_days": None if e.delay_days is None else str(e.delay_days),
                    "note": e.note,
                }
                for e, key in zip(events, keys, strict=True)
                if key not in known
            ]
            if rows:
                connection.execute(convoy_events.insert(), rows)
        return len(rows)

    # ---- plumbing -----------------------------------------------------------------------------

    def _append(
        self, operation: str, document_ref: str, drafts: list[EntryDraft]
    ) -> OperationResult:
        self.ensure_accounts(drafts)
        keys = [d.idempotency_key for d in drafts if d.idempotency_key]
        journal = Journal(self.ledger.engine)
        already = set(journal.movements(keys))
        try:
            entries = self.ledger.append(drafts)
        except EntriesRefusedError as error:
            raise OperationRefusedError(
                [FieldProblem(p.field, str(p)) for p in error.problems]
            ) from error
        return OperationResult(
            operation=operation,
            document_ref=document_ref,
            entries=[recorded_entry(e) for e in entries],
            replayed=bool(keys) and set(keys) <= already,
        )


def _same_event(stored: dict[str, object], event: ConvoyEvent) -> bool:
    delay = None if event.delay_days is None else str(event.delay_days)
    return (
        stored["convoy"] == event.convoy
        and stored["event"] == event.event.value
        and stored["at"] == format_timestamp(event.at)
        and stored["truck"] == event.truck
        and stored["delay_days"] == delay
    )
