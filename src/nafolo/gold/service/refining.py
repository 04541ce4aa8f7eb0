"""Refining batches: planning within the day's capacity, inputs from lots (whole or parts by fine
oz), residues to recovery, and closing only on an exact fine-gold balance.

Ledger: INTAKE → PROCESS:<batch> for inputs (Au, and Ag pro rata), PROCESS:<batch> →
RESIDUE:<kind> for residues, PROCESS:<batch> → VAULT:<location> when bars are cast (`vault`),
PROCESS:<batch> → LOSS:REFINING for the loss recorded at closing. What stays in PROCESS:<batch>
after closing is the stock-taken in-process gold (e.g. Wohlwill electrolyte), stated at closing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from nafolo.gold.balance import BarOutput, BatchBalance, BatchInput, BatchResidue, check_balance
from nafolo.gold.balance import ResidueKind as _ResidueKind
from nafolo.gold.service import accounts
from nafolo.gold.service.common import (
    MOZ,
    Code,
    Context,
    CustodyEvent,
    Input,
    Output,
    RecordedEntry,
    draft,
    event_time,
    from_moz,
    last_events,
    recorded,
    stamp,
    to_moz,
    too_early,
    ts,
)
from nafolo.gold.service.errors import (
    FieldProblem,
    GoldNotFoundError,
    GoldRefusedError,
    Rule,
    refuse,
)
from nafolo.gold.service.lots import LotStatus, contained_oz, pairs, read_lots, set_status
from nafolo.ledger import NotFoundError
from nafolo.measurement.precious import round_down
from nafolo.store.gold_tables import bars, batch_inputs, batches, residues

BATCHABLE = {LotStatus.ASSAYED, LotStatus.SETTLED, LotStatus.IN_BATCH}


class Route(StrEnum):
    MILLER_WOHLWILL = "miller_wohlwill"
    MILLER = "miller"
    WOHLWILL = "wohlwill"
    AQUA_REGIA = "aqua_regia"


class OutputKind(StrEnum):
    SLAG = "slag"
    SLUDGE = "sludge"
    SWEEPS = "sweeps"
    FILTERS = "filters"
    OTHER = "other"
    SILVER = "silver"


class BatchInputIn(Input):
    lot_id: Code
    fine_au_oz: Decimal | None = Field(default=None, gt=0, decimal_places=3)


class BatchPlan(Input):
    batch_id: Code
    planned_on: date
    route: Route = Route.MILLER_WOHLWILL
    inputs: list[BatchInputIn] = Field(min_length=1)
    charged_at: datetime | None = None
    """When the inputs went into the furnace (aware); None: the call's `at`."""


class ResidueIn(Input):
    batch_id: Code
    residue_id: Code
    kind: OutputKind
    gross_g: Decimal = Field(gt=0, decimal_places=3)
    au_per_mille: Decimal = Field(ge=0, le=1000)
    ag_per_mille: Decimal = Field(ge=0, le=1000)
    recovered_at: datetime | None = None
    """When the residue was taken out of the batch (aware); None: the call's `at`."""


class CloseBatch(Input):
    batch_id: Code
    in_process_au_oz: Decimal = Field(default=Decimal(0), ge=0, decimal_places=3)
    loss_au_oz: Decimal = Field(default=Decimal(0), ge=0, decimal_places=3)
    note: str = Field(default="", max_length=200)
    closed_at: datetime | None = None
    """When the batch was closed (aware); None: the call's `at`."""


class BatchInputOut(Output):
    lot_id: str
    fine_au_oz: Decimal
    fine_ag_oz: Decimal


class ResidueOut(Output):
    residue_id: str
    batch_id: str
    kind: OutputKind
    gross_g: Decimal
    au_per_mille: Decimal
    ag_per_mille: Decimal
    fine_au_oz: Decimal
    fine_ag_oz: Decimal
    entries: list[RecordedEntry] = Field(default_factory=list)


class BalanceOut(Output):
    fine_in_oz: Decimal
    fine_in_bars_oz: Decimal
    in_process_oz: Decimal
    fine_in_residues_oz: Decimal
    recorded_loss_oz: Decimal
    unaccounted_oz: Decimal
    balanced: bool


class BatchOut(Output):
    batch_id: str
    planned_on: date
    route: Route
    status: str
    inputs: list[BatchInputOut]
    residues: list[ResidueOut]
    bar_ids: list[str]
    balance: BalanceOut
    planned_by: str
    closed_by: str | None
    note: str
    entries: list[RecordedEntry] = Field(default_factory=list)


class CapacityOut(Output):
    day: date
    capacity_fine_oz: Decimal
    planned_fine_oz: Decimal
    remaining_fine_oz: Decimal


def batch_balance(
    batch_id: str,
    inputs: Sequence[tuple[str, int]],
    bar_rows: Sequence[tuple[str, int]],
    residue_rows: Sequence[tuple[str, str, int]],
    in_process_moz: int | None,
    loss_moz: int | None,
) -> BatchBalance:
    """The pure core's record of a batch; an open batch's in-process is what is not out yet."""
    fine_in = sum(m for _, m in inputs)
    out = sum(m for _, m in bar_rows) + sum(m for _, _, m in residue_rows) + (loss_moz or 0)
    in_process = fine_in - out if in_process_moz is None else in_process_moz
    return BatchBalance(
        batch_id,
        tuple(BatchInput(lot, from_moz(m)) for lot, m in inputs),
        tuple(BarOutput(bar, from_moz(m)) for bar, m in bar_rows),
        from_moz(max(in_process, 0)),
        tuple(BatchResidue(r, _residue_kind(kind), from_moz(m)) for r, kind, m in residue_rows),
        from_moz(loss_moz),
    )


def _residue_kind(kind: str) -> _ResidueKind:
    try:
        return _ResidueKind(kind)
    except ValueError:
        return _ResidueKind.OTHER


def read_batch_balance(
    connection: Connection, batch_id: str
) -> tuple[sa.Row[tuple[object, ...]], BatchBalance]:
    row = connection.execute(sa.select(batches).where(batches.c.batch_id == batch_id)).first()
    if row is None:
        raise GoldNotFoundError("batch", batch_id)
    inputs = connection.execute(
        sa.select(batch_inputs.c.lot_id, batch_inputs.c.fine_au_moz)
        .where(batch_inputs.c.batch_id == batch_id)
        .order_by(batch_inputs.c.id)
    ).all()
    bar_rows = connection.execute(
        sa.select(bars.c.bar_id, bars.c.fine_moz)
        .where(bars.c.batch_id == batch_id, bars.c.metal == "AU")
        .order_by(bars.c.bar_id)
    ).all()
    residue_rows = connection.execute(
        sa.select(residues.c.residue_id, residues.c.kind, residues.c.fine_au_moz)
        .where(residues.c.batch_id == batch_id)
        .order_by(residues.c.residue_id)
    ).all()
    return row, batch_balance(
        batch_id,
        [(a, int(b)) for a, b in inputs],
        [(a, int(b)) for a, b in bar_rows],
        [(a, b, int(c)) for a, b, c in residue_rows],
        row.in_process_au_moz,
        row.loss_au_moz,
    )


def in_process_au(connection: Connection, batch_id: str) -> Decimal:
    """Fine Au of the batch not out yet (inputs − bars − residues − loss), from the store."""
    _, balance = read_batch_balance(connection, batch_id)
    return (
        balance.fine_in_oz
        - balance.fine_in_bars_oz
        - balance.fine_in_residues_oz
        - (balance.recorded_loss_au_oz)
    )


class Refining:
    """Planning, feeding, and closing refining batches."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def capacity(self, day: date) -> CapacityOut:
        with self.context.engine.connect() as connection:
            planned = self._planned_moz(connection, day)
        capacity = self.context.config.daily_capacity_fine_oz
        return CapacityOut(
            day=day,
            capacity_fine_oz=capacity,
            planned_fine_oz=from_moz(planned),
            remaining_fine_oz=capacity - from_moz(planned),
        )

    @staticmethod
    def _planned_moz(connection: Connection, day: date) -> int:
        return int(
            connection.execute(
                sa.select(sa.func.coalesce(sa.func.sum(batch_inputs.c.fine_au_moz), 0))
                .select_from(
                    batch_inputs.join(batches, batches.c.batch_id == batch_inputs.c.batch_id)
                )
                .where(batches.c.planned_on == day.isoformat())
            ).scalar_one()
        )

    def plan(self, plan: BatchPlan, *, actor: str, at: datetime | None = None) -> BatchOut:
        """Open a batch and move its inputs INTAKE → PROCESS:<batch>; refused over the day's
        capacity, over a lot's unallocated fine gold, or for a lot not assayed.

        `at` (`charged_at`) is when the inputs went into the furnace: it dates the input entries
        and custody events; None means now (interactive callers only). Not before a lot's
        assay exchange."""
        charged_at = event_time(plan.charged_at or at, "charged_at")
        problems: list[FieldProblem] = []
        rows: list[dict[str, object]] = []
        with self.context.engine.connect() as connection:
            if connection.execute(
                sa.select(batches.c.batch_id).where(batches.c.batch_id == plan.batch_id)
            ).first():
                raise refuse("batch_id", f"batch {plan.batch_id} already exists", Rule.DUPLICATE)
            lot_ids = [i.lot_id for i in plan.inputs]
            found = read_lots(connection, lot_ids)
            ag_taken = pairs(
                connection.execute(
                    sa.select(batch_inputs.c.lot_id, sa.func.sum(batch_inputs.c.fine_ag_moz))
                    .where(batch_inputs.c.lot_id.in_(lot_ids))
                    .group_by(batch_inputs.c.lot_id)
                )
            )
            planned = self._planned_moz(connection, plan.planned_on)
            assayed = last_events(connection, found, [CustodyEvent.ASSAYED])
        seen: set[str] = set()
        total = 0
        for index, item in enumerate(plan.inputs):
            where = f"inputs[{index}]."
            lot = found.get(item.lot_id)
            if lot is None:
                problems.append(
                    FieldProblem(where + "lot_id", f"unknown lot {item.lot_id!r}", Rule.REFERENCE)
                )
                continue
            if item.lot_id in seen:
                problems.append(
                    FieldProblem(where + "lot_id", f"lot {item.lot_id} given twice", Rule.DUPLICATE)
                )
                continue
            seen.add(item.lot_id)
            early = too_early(
                "charged_at",
                charged_at,
                assayed.get(item.lot_id),
                f"assay exchange of lot {item.lot_id}",
            )
            if early is not None:
                problems.append(early)
                continue
            if lot.status not in BATCHABLE or lot.fine_au_oz is None:
                problems.append(
                    FieldProblem(
                        where + "lot_id",
                        f"lot {item.lot_id} is {lot.status.value}: only assayed lots are refined",
                        Rule.NOT_ASSAYED,
                    )
                )
                continue
            free = lot.fine_au_oz - lot.allocated_au_oz
            part = free if item.fine_au_oz is None else item.fine_au_oz
            if part > free or part <= 0:
                problems.append(
                    FieldProblem(
                        where + "fine_au_oz",
                        f"lot {item.lot_id} has {free} fine oz Au not yet in a batch; "
                        f"{part} oz asked",
                        Rule.OVER_ALLOCATION,
                    )
                )
                continue
            fine_ag = lot.fine_ag_oz or Decimal(0)
            ag_free = fine_ag - from_moz(int(ag_taken.get(item.lot_id) or 0))
            ag_part = (
                ag_free
                if part == free
                else min(ag_free, round_down(fine_ag * part / lot.fine_au_oz, MOZ))
            )
            total += to_moz(part)
            rows.append(
                {
                    "batch_id": plan.batch_id,
                    "lot_id": item.lot_id,
                    "fine_au_moz": to_moz(part),
                    "fine_ag_moz": to_moz(ag_part),
                }
            )
        capacity = self.context.config.daily_capacity_fine_oz
        if not problems and planned + total > to_moz(capacity):
            problems.append(
                FieldProblem(
                    "inputs",
                    f"{from_moz(total)} fine oz Au on {plan.planned_on} with "
                    f"{from_moz(planned)} oz already planned exceeds the daily capacity of "
                    f"{capacity} oz (phase {self.context.config.phase})",
                    Rule.CAPACITY,
                )
            )
        if problems:
            raise GoldRefusedError(problems)
        process = accounts.process(plan.batch_id)
        drafts = [
            draft(
                commodity,
                from_moz(int(row[column])),  # type: ignore[call-overload]
                accounts.INTAKE,
                process,
                "batch_input",
                charged_at,
                actor,
                plan.batch_id,
                f"gold:batch:{plan.batch_id}:{row['lot_id']}:{commodity}",
                lot=str(row["lot_id"]),
            )
            for row in rows
            for commodity, column in ((accounts.AU, "fine_au_moz"), (accounts.AG, "fine_ag_moz"))
        ]
        entries = self.context.append(drafts)
        seq_of = {
            str(e.attributes.get("lot")): e.seq for e in reversed(entries) if e.commodity == "AU"
        }
        with self.context.engine.begin() as connection:
            connection.execute(
                batches.insert(),
                [
                    {
                        "batch_id": plan.batch_id,
                        "planned_on": plan.planned_on.isoformat(),
                        "route": plan.route.value,
                        "status": "open",
                        "in_process_au_moz": None,
                        "loss_au_moz": None,
                        "closed_by": None,
                        "closed_at": None,
                        "note": "",
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
            connection.execute(batch_inputs.insert(), rows)
            set_status(connection, [str(r["lot_id"]) for r in rows], LotStatus.IN_BATCH)
            self.context.custody(
                connection,
                [
                    (
                        str(r["lot_id"]),
                        CustodyEvent.INTO_BATCH,
                        ts(charged_at),
                        seq_of.get(str(r["lot_id"])),
                        f"{from_moz(int(r['fine_au_moz']))} fine oz Au into batch "  # type: ignore[call-overload]
                        f"{plan.batch_id} ({plan.route.value})",
                    )
                    for r in rows
                ],
                actor,
            )
        return self.get(plan.batch_id).model_copy(
            update={"entries": [recorded(e) for e in entries]}
        )

    def _last_movement(self, batch_id: str) -> datetime | None:
        """Business time of the batch's latest ledger movement (inputs, residues, bars)."""
        try:
            found = self.context.ledger.entries(account=accounts.process(batch_id), limit=10_000)
        except NotFoundError:
            return None
        return max((e.effective_at for e in found), default=None)

    def record_residue(
        self, residue: ResidueIn, *, actor: str, at: datetime | None = None
    ) -> ResidueOut:
        """A residue or the silver by-product out of the batch, fine content from its assay.

        `at` (`recovered_at`) dates the entries; None means now (interactive callers only).
        Not before the batch's latest movement."""
        recovered_at = event_time(residue.recovered_at or at, "recovered_at")
        fine_au = contained_oz(residue.gross_g, residue.au_per_mille)
        fine_ag = contained_oz(residue.gross_g, residue.ag_per_mille)
        with self.context.engine.connect() as connection:
            row, _ = read_batch_balance(connection, residue.batch_id)
            if row.status != "open":
                raise refuse("batch_id", f"batch {residue.batch_id} is closed", Rule.STATE)
            if connection.execute(
                sa.select(residues.c.residue_id).where(residues.c.residue_id == residue.residue_id)
            ).first():
                raise refuse(
                    "residue_id", f"{residue.residue_id!r} already recorded", Rule.DUPLICATE
                )
            left = in_process_au(connection, residue.batch_id)
        if fine_au > left:
            raise refuse(
                "au_per_mille",
                f"residue holds {fine_au} fine oz Au but batch {residue.batch_id} has only "
                f"{left} oz in process",
                Rule.BATCH_BALANCE,
            )
        early = too_early(
            "recovered_at",
            recovered_at,
            self._last_movement(residue.batch_id),
            f"last movement of batch {residue.batch_id}",
        )
        if early is not None:
            raise GoldRefusedError([early])
        target = accounts.residue(residue.kind.value)
        entries = self.context.append(
            [
                draft(
                    commodity,
                    oz,
                    accounts.process(residue.batch_id),
                    target,
                    "residue",
                    recovered_at,
                    actor,
                    residue.residue_id,
                    f"gold:residue:{residue.residue_id}:{commodity}",
                    batch=residue.batch_id,
                    gross_g=residue.gross_g,
                )
                for commodity, oz in ((accounts.AU, fine_au), (accounts.AG, fine_ag))
            ]
        )
        with self.context.engine.begin() as connection:
            connection.execute(
                residues.insert(),
                [
                    {
                        "residue_id": residue.residue_id,
                        "batch_id": residue.batch_id,
                        "kind": residue.kind.value,
                        "gross_g": str(residue.gross_g),
                        "au_per_mille": str(residue.au_per_mille),
                        "ag_per_mille": str(residue.ag_per_mille),
                        "fine_au_moz": to_moz(fine_au),
                        "fine_ag_moz": to_moz(fine_ag),
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
        return ResidueOut(
            residue_id=residue.residue_id,
            batch_id=residue.batch_id,
            kind=residue.kind,
            gross_g=residue.gross_g,
            au_per_mille=residue.au_per_mille,
            ag_per_mille=residue.ag_per_mille,
            fine_au_oz=fine_au,
            fine_ag_oz=fine_ag,
            entries=[recorded(e) for e in entries],
        )

    def close(self, close: CloseBatch, *, actor: str, at: datetime | None = None) -> BatchOut:
        """Close a batch when in = bars + in process (stock-taken) + residues + recorded loss,
        exactly; the loss goes PROCESS:<batch> → LOSS:REFINING. Otherwise refused with the gap.

        `at` (`closed_at`) dates the loss entry, the batch's closing and the custody events;
        None means now (interactive callers only). Not before the batch's latest movement."""
        closed_at = event_time(close.closed_at or at, "closed_at")
        with self.context.engine.connect() as connection:
            row, balance = read_batch_balance(connection, close.batch_id)
        if row.status != "open":
            raise refuse("batch_id", f"batch {close.batch_id} is already closed", Rule.STATE)
        early = too_early(
            "closed_at",
            closed_at,
            self._last_movement(close.batch_id),
            f"last movement of batch {close.batch_id}",
        )
        if early is not None:
            raise GoldRefusedError([early])
        stated = BatchBalance(
            balance.batch_id,
            balance.inputs,
            balance.bars,
            close.in_process_au_oz,
            balance.residues,
            close.loss_au_oz,
        )
        check = check_balance(stated)
        if not check.balanced:
            raise refuse(
                "in_process_au_oz",
                f"batch {close.batch_id}: fine gold in {check.fine_in_oz} oz ≠ bars "
                f"{check.fine_in_bars_oz} + in process {check.in_process_oz} + residues "
                f"{check.fine_in_residues_oz} + loss {check.recorded_loss_oz} oz: "
                f"{check.unaccounted_oz} oz unaccounted; record it as loss or find it",
                Rule.BATCH_BALANCE,
            )
        entries = self.context.append(
            [
                draft(
                    accounts.AU,
                    close.loss_au_oz,
                    accounts.process(close.batch_id),
                    accounts.LOSS,
                    "refining_loss",
                    closed_at,
                    actor,
                    close.batch_id,
                    f"gold:loss:{close.batch_id}:AU",
                    note=close.note,
                )
            ]
        )
        with self.context.engine.begin() as connection:
            connection.execute(
                batches.update()
                .where(batches.c.batch_id == close.batch_id)
                .values(
                    status="closed",
                    in_process_au_moz=to_moz(close.in_process_au_oz),
                    loss_au_moz=to_moz(close.loss_au_oz),
                    closed_by=actor,
                    closed_at=ts(closed_at),
                    note=close.note,
                )
            )
            lot_ids = [i.lot_id for i in balance.inputs]
            found = read_lots(connection, lot_ids)
            whole = [
                lot
                for lot in lot_ids
                if found[lot].fine_au_oz is not None
                and found[lot].allocated_au_oz >= (found[lot].fine_au_oz or 0)
            ]
            set_status(connection, whole, LotStatus.REFINED)
            self.context.custody(
                connection,
                [
                    (
                        lot,
                        CustodyEvent.REFINED,
                        ts(closed_at),
                        None,
                        f"batch {close.batch_id} closed",
                    )
                    for lot in lot_ids
                ],
                actor,
            )
        return self.get(close.batch_id).model_copy(
            update={"entries": [recorded(e) for e in entries]}
        )

    def get(self, batch_id: str) -> BatchOut:
        with self.context.engine.connect() as connection:
            row, balance = read_batch_balance(connection, batch_id)
            ins = connection.execute(
                sa.select(batch_inputs)
                .where(batch_inputs.c.batch_id == batch_id)
                .order_by(batch_inputs.c.id)
            ).all()
            res = connection.execute(
                sa.select(residues)
                .where(residues.c.batch_id == batch_id)
                .order_by(residues.c.residue_id)
            ).all()
        check = check_balance(balance)
        return BatchOut(
            batch_id=batch_id,
            planned_on=date.fromisoformat(row.planned_on),
            route=Route(row.route),
            status=row.status,
            inputs=[
                BatchInputOut(
                    lot_id=i.lot_id,
                    fine_au_oz=from_moz(i.fine_au_moz),
                    fine_ag_oz=from_moz(i.fine_ag_moz),
                )
                for i in ins
            ],
            residues=[
                ResidueOut(
                    residue_id=r.residue_id,
                    batch_id=r.batch_id,
                    kind=OutputKind(r.kind),
                    gross_g=Decimal(r.gross_g),
                    au_per_mille=Decimal(r.au_per_mille),
                    ag_per_mille=Decimal(r.ag_per_mille),
                    fine_au_oz=from_moz(r.fine_au_moz),
                    fine_ag_oz=from_moz(r.fine_ag_moz),
                )
                for r in res
            ],
            bar_ids=[b.serial for b in balance.bars],
            balance=BalanceOut(
                fine_in_oz=check.fine_in_oz,
                fine_in_bars_oz=check.fine_in_bars_oz,
                in_process_oz=check.in_process_oz,
                fine_in_residues_oz=check.fine_in_residues_oz,
                recorded_loss_oz=check.recorded_loss_oz,
                unaccounted_oz=check.unaccounted_oz,
                balanced=check.balanced,
            ),
            planned_by=row.actor,
            closed_by=row.closed_by,
            note=row.note,
        )

    def all(self, status: str | None = None) -> list[BatchOut]:
        query = sa.select(batches.c.batch_id).order_by(batches.c.planned_on, batches.c.batch_id)
        if status is not None:
            query = query.where(batches.c.status == status)
        with self.context.engine.connect() as connection:
            ids = list(connection.execute(query).scalars())
        return [self.get(i) for i in ids]
