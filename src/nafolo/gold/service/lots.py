"""Lots and their chain of custody: registration with admission, receipt weighing, timeline.

A lot is admitted by `diligence.lot_admission` (refused: nothing stored; quarantined: stored and
held until released). Receipt weighs it on a calibrated scale and puts its declared fine content
on the ledger (EXTERNAL:<depositor> → INTAKE); the assay exchange later adjusts that content to
the settled fineness (see `laboratory`). Bulk variants (`register_many`, `receive_many`) check
everything first, then write in one ledger append and one insert per table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

import sqlalchemy as sa
from pydantic import Field, model_validator
from sqlalchemy.engine import Connection

from nafolo.gold.diligence import AdmissionStatus, lot_admission
from nafolo.gold.service import accounts
from nafolo.gold.service.common import (
    MOZ,
    Code,
    Context,
    CustodyEvent,
    Input,
    Output,
    RecordedEntry,
    Text,
    draft,
    dumps,
    from_moz,
    recorded,
    stamp,
    to_moz,
    too_early,
    ts,
)
from nafolo.gold.service.depositors import (
    DepositorOut,
    OriginOut,
    depositor_fact,
    origin_fact,
    read_depositor,
    read_origin,
)
from nafolo.gold.service.errors import (
    FieldProblem,
    GoldNotFoundError,
    GoldRefusedError,
    Rule,
    refuse,
)
from nafolo.measurement.precious import fine_weight, grams_to_troy_oz, round_down
from nafolo.store.gold_tables import (
    batch_inputs,
    custody_events,
    lots,
    scale_calibrations,
    weighings,
)

CHUNK = 500


class LotStatus(StrEnum):
    REGISTERED = "registered"
    QUARANTINED = "quarantined"
    RECEIVED = "received"
    SAMPLED = "sampled"
    ASSAYED = "assayed"
    SETTLED = "settled"
    IN_BATCH = "in_batch"
    REFINED = "refined"


class ScaleIn(Input):
    scale_id: Code
    description: Text = "scale"
    calibrated_on: date
    calibration_valid_until: date

    @model_validator(mode="after")
    def _ordered(self) -> ScaleIn:
        if self.calibration_valid_until < self.calibrated_on:
            raise ValueError("calibration_valid_until: must not be before calibrated_on")
        return self


class ScaleOut(Output):
    scale_id: str
    description: str
    calibrated_on: date
    calibration_valid_until: date
    recorded_by: str


class NewLot(Input):
    lot_id: Code
    depositor_id: Code
    origin_id: Code
    arrived_on: date
    declared_gross_g: Decimal = Field(gt=0, max_digits=18, decimal_places=3)
    declared_au_per_mille: Decimal = Field(ge=0, le=1000, decimal_places=3)
    declared_ag_per_mille: Decimal = Field(ge=0, le=1000, decimal_places=3)
    seal_numbers: list[Text] = Field(min_length=1)
    transport_documents: list[Text] = Field(default_factory=list)
    export_documents: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fineness(self) -> NewLot:
        if self.declared_au_per_mille + self.declared_ag_per_mille > 1000:
            raise ValueError("declared_ag_per_mille: Au + Ag exceeds 1000 ‰")
        return self


class WeighingIn(Input):
    lot_id: Code
    scale_id: Code
    weighed_at: datetime
    gross_g: Decimal = Field(gt=0, decimal_places=3)
    tare_g: Decimal = Field(ge=0, decimal_places=3)
    tolerance_pct: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _net(self) -> WeighingIn:
        if self.weighed_at.tzinfo is None:
            raise ValueError("weighed_at: give a timezone (Bamako time = UTC)")
        if self.tare_g >= self.gross_g:
            raise ValueError("tare_g: must be below gross_g (net weight must be positive)")
        return self


class LotOut(Output):
    lot_id: str
    depositor_id: str
    origin_id: str
    arrived_on: date
    declared_gross_g: Decimal
    declared_au_per_mille: Decimal
    declared_ag_per_mille: Decimal
    seal_numbers: list[str]
    transport_documents: list[str]
    export_documents: list[str]
    status: LotStatus
    admission_reasons: list[str]
    cahra: bool
    net_g: Decimal | None
    settled_au_per_mille: Decimal | None
    settled_ag_per_mille: Decimal | None
    fine_au_oz: Decimal | None
    fine_ag_oz: Decimal | None
    allocated_au_oz: Decimal
    registered_by: str


class WeighingOut(Output):
    lot_id: str
    scale_id: str
    net_g: Decimal
    declared_g: Decimal
    variance_g: Decimal
    variance_pct: Decimal
    tolerance_pct: Decimal
    above_tolerance: bool
    fine_au_oz: Decimal
    fine_ag_oz: Decimal
    entries: list[RecordedEntry]


class CustodyEventOut(Output):
    lot_id: str
    event: CustodyEvent
    at: str
    actor: str
    ledger_seq: int | None
    detail: str


def contained_oz(net_g: Decimal, per_mille: Decimal) -> Decimal:
    """Fine oz in `net_g` grams at `per_mille`: dry oz (0.001 down) × ‰, 0.001 oz down."""
    dry_oz = round_down(grams_to_troy_oz(net_g), MOZ)
    return round_down(fine_weight(dry_oz, per_mille), MOZ)


def lot_out(row: sa.Row[tuple[object, ...]], allocated_moz: int = 0) -> LotOut:
    m = row._mapping

    def dec(name: str) -> Decimal | None:
        return None if m[name] is None else Decimal(m[name])

    return LotOut(
        lot_id=m["lot_id"],
        depositor_id=m["depositor_id"],
        origin_id=m["origin_id"],
        arrived_on=date.fromisoformat(m["arrived_on"]),
        declared_gross_g=Decimal(m["declared_gross_g"]),
        declared_au_per_mille=Decimal(m["declared_au_per_mille"]),
        declared_ag_per_mille=Decimal(m["declared_ag_per_mille"]),
        seal_numbers=json.loads(m["seal_numbers"]),
        transport_documents=json.loads(m["transport_documents"]),
        export_documents=json.loads(m["export_documents"]),
        status=LotStatus(m["status"]),
        admission_reasons=json.loads(m["admission_reasons"]),
        cahra=bool(m["cahra"]),
        net_g=dec("net_g"),
        settled_au_per_mille=dec("settled_au_per_mille"),
        settled_ag_per_mille=dec("settled_ag_per_mille"),
        fine_au_oz=None if m["fine_au_moz"] is None else from_moz(m["fine_au_moz"]),
        fine_ag_oz=None if m["fine_ag_moz"] is None else from_moz(m["fine_ag_moz"]),
        allocated_au_oz=from_moz(allocated_moz),
        registered_by=m["actor"],
    )


def read_lots(connection: Connection, lot_ids: Iterable[str]) -> dict[str, LotOut]:
    """The lots among `lot_ids` that exist, with their allocation to batches."""
    ids = list(dict.fromkeys(lot_ids))
    found: dict[str, LotOut] = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        allocated = pairs(
            connection.execute(
                sa.select(batch_inputs.c.lot_id, sa.func.sum(batch_inputs.c.fine_au_moz))
                .where(batch_inputs.c.lot_id.in_(part))
                .group_by(batch_inputs.c.lot_id)
            )
        )
        for row in connection.execute(sa.select(lots).where(lots.c.lot_id.in_(part))):
            found[row.lot_id] = lot_out(row, int(allocated.get(row.lot_id) or 0))
    return found


class Follows(NamedTuple):
    """The step each lot's event must not precede: the event's field and time, per lot the time
    of that step, and the step's description naming the lot as `{lot_id}`."""

    field: str
    at: datetime
    earlier: Mapping[str, datetime]
    step: str


def lots_found(
    lot_ids: Sequence[str],
    found: Mapping[str, LotOut],
    problems: list[FieldProblem],
    follows: Follows | None = None,
) -> Iterator[tuple[str, str, LotOut]]:
    """(field prefix, lot id, lot) of each of `lot_ids` that exists and, given `follows`, does
    not precede the step it follows; the prefix is `lots[i].` when more than one lot is given.
    Each other lot adds its problem (`Rule.REFERENCE`, `Rule.CHRONOLOGY`) to `problems`."""
    prefix = len(lot_ids) > 1
    for index, lot_id in enumerate(lot_ids):
        where = f"lots[{index}]." if prefix else ""
        lot = found.get(lot_id)
        if lot is None:
            problems.append(
                FieldProblem(where + "lot_id", f"unknown lot {lot_id!r}", Rule.REFERENCE)
            )
            continue
        if follows is not None:
            early = too_early(
                where + follows.field,
                follows.at,
                follows.earlier.get(lot_id),
                follows.step.format(lot_id=lot_id),
            )
            if early is not None:
                problems.append(early)
                continue
        yield where, lot_id, lot


def read_lot(connection: Connection, lot_id: str) -> LotOut:
    found = read_lots(connection, [lot_id]).get(lot_id)
    if found is None:
        raise GoldNotFoundError("lot", lot_id)
    return found


def set_status(connection: Connection, lot_ids: Sequence[str], status: LotStatus) -> None:
    for start in range(0, len(lot_ids), CHUNK):
        connection.execute(
            lots.update()
            .where(lots.c.lot_id.in_(lot_ids[start : start + CHUNK]))
            .values(status=status.value)
        )


def update_lots(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Set columns of many lots in one executemany; each row has `key` (the lot) and the same
    columns."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "key"]
    statement = (
        lots.update()
        .where(lots.c.lot_id == sa.bindparam("key"))
        .values({c: sa.bindparam(c) for c in columns})
    )
    connection.execute(statement, list(rows))


class LotIntake:
    """Registering, admitting, weighing and tracing lots."""

    def __init__(self, context: Context) -> None:
        self.context = context

    # ---- scales ------------------------------------------------------------------------------

    def register_scale(self, scale: ScaleIn, *, actor: str) -> ScaleOut:
        """A scale and its calibration (a new calibration of the same scale supersedes)."""
        with self.context.engine.begin() as connection:
            connection.execute(
                scale_calibrations.insert(),
                [
                    {
                        "scale_id": scale.scale_id,
                        "description": scale.description,
                        "calibrated_on": scale.calibrated_on.isoformat(),
                        "valid_until": scale.calibration_valid_until.isoformat(),
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
        return self.scale(scale.scale_id)

    def scale(self, scale_id: str) -> ScaleOut:
        with self.context.engine.connect() as connection:
            found = scales(connection).get(scale_id)
        if found is None:
            raise GoldNotFoundError("scale", scale_id)
        return found

    # ---- registration ------------------------------------------------------------------------

    def register(self, lot: NewLot, *, actor: str) -> LotOut:
        """Admit and register a lot; refused (`Rule.ADMISSION`, one problem per reason) or stored
        as registered / quarantined."""
        return self.register_many([lot], actor=actor)[0]

    def register_many(
        self, new_lots: Sequence[NewLot], *, actor: str, check_only: bool = False
    ) -> list[LotOut]:
        """Register lots all or nothing: every refusal of every lot is listed (field prefixed
        `lots[i].` when more than one lot is given). `check_only` checks and writes nothing."""
        problems: list[FieldProblem] = []
        rows: list[dict[str, object]] = []
        custody: list[tuple[str, CustodyEvent, str, int | None, str]] = []
        prefix = len(new_lots) > 1
        now = stamp()
        with self.context.engine.begin() as connection:
            depositor_cache: dict[str, DepositorOut | None] = {}
            origin_cache: dict[str, OriginOut | None] = {}
            existing = set(read_lots(connection, [n.lot_id for n in new_lots]))
            seen: set[str] = set()
            for index, lot in enumerate(new_lots):
                where = f"lots[{index}]." if prefix else ""

                def problem(field: str, message: str, rule: Rule, where: str = where) -> None:
                    problems.append(FieldProblem(where + field, message, rule))

                if lot.lot_id in existing or lot.lot_id in seen:
                    problem("lot_id", f"{lot.lot_id!r} is already registered", Rule.DUPLICATE)
                    continue
                seen.add(lot.lot_id)
                depositor: DepositorOut | None = _cached(
                    depositor_cache, lot.depositor_id, connection, read_depositor
                )
                origin: OriginOut | None = _cached(
                    origin_cache, lot.origin_id, connection, read_origin
                )
                if depositor is None:
                    problem(
                        "depositor_id", f"unknown depositor {lot.depositor_id!r}", Rule.REFERENCE
                    )
                if origin is None:
                    problem(
                        "origin_id",
                        f"origin {lot.origin_id!r} is not registered",
                        Rule.ADMISSION,
                    )
                if depositor is None or origin is None:
                    continue
                admission = lot_admission(
                    depositor_fact(depositor),
                    origin_fact(origin),
                    lot.arrived_on,
                    self.context.config.policy,
                )
                if admission.status is AdmissionStatus.REFUSED:
                    for reason in admission.reasons:
                        problem("depositor_id", f"lot refused: {reason.value}", Rule.ADMISSION)
                    continue
                quarantined = admission.status is AdmissionStatus.QUARANTINED
                status = LotStatus.QUARANTINED if quarantined else LotStatus.REGISTERED
                reasons = [r.value for r in admission.reasons]
                rows.append(
                    {
                        "lot_id": lot.lot_id,
                        "depositor_id": lot.depositor_id,
                        "origin_id": lot.origin_id,
                        "arrived_on": lot.arrived_on.isoformat(),
                        "declared_gross_g": str(lot.declared_gross_g),
                        "declared_au_per_mille": str(lot.declared_au_per_mille),
                        "declared_ag_per_mille": str(lot.declared_ag_per_mille),
                        "seal_numbers": dumps(lot.seal_numbers),
                        "transport_documents": dumps(lot.transport_documents),
                        "export_documents": dumps(lot.export_documents),
                        "status": status.value,
                        "admission_reasons": dumps(reasons),
                        "cahra": admission.cahra,
                        "net_g": None,
                        "settled_au_per_mille": None,
                        "settled_ag_per_mille": None,
                        "fine_au_moz": None,
                        "fine_ag_moz": None,
                        "recorded_at": now,
                        "actor": actor,
                    }
                )
                at = ts(datetime.fromisoformat(lot.arrived_on.isoformat() + "T00:00:00+00:00"))
                seals = ", ".join(lot.seal_numbers)
                custody.append((lot.lot_id, CustodyEvent.REGISTERED, at, None, f"seals {seals}"))
                if quarantined:
                    custody.append(
                        (lot.lot_id, CustodyEvent.QUARANTINED, at, None, "; ".join(reasons))
                    )
            if problems:
                raise GoldRefusedError(problems)
            if check_only:
                return []
            for start in range(0, len(rows), CHUNK):
                connection.execute(lots.insert(), rows[start : start + CHUNK])
            self.context.custody(connection, custody, actor)
            found = read_lots(connection, [n.lot_id for n in new_lots])
        return [found[n.lot_id] for n in new_lots]

    def release_quarantine(self, lot_id: str, *, actor: str, on: date, reason: str) -> LotOut:
        """Release a quarantined lot: the actor signs off its enhanced due diligence (`reason`).
        Refused while admission on `on` would refuse the lot (suspended, licence expired…)."""
        return self.release_many([lot_id], actor=actor, on=on, reason=reason)[0]

    def release_many(
        self, lot_ids: Sequence[str], *, actor: str, on: date, reason: str
    ) -> list[LotOut]:
        problems: list[FieldProblem] = []
        if not reason.strip():
            raise refuse("reason", "state why the lot is released (EDD sign-off)", Rule.VALUE)
        with self.context.engine.begin() as connection:
            found = read_lots(connection, lot_ids)
            facts: dict[str, Any] = {}
            for where, lot_id, lot in lots_found(lot_ids, found, problems):
                if lot.status is not LotStatus.QUARANTINED:
                    problems.append(
                        FieldProblem(
                            where + "lot_id",
                            f"lot {lot_id} is {lot.status.value}, not quarantined",
                            Rule.STATE,
                        )
                    )
                    continue
                if lot.depositor_id not in facts:
                    facts[lot.depositor_id] = depositor_fact(
                        read_depositor(connection, lot.depositor_id)
                    )
                if lot.origin_id not in facts:
                    facts[lot.origin_id] = origin_fact(read_origin(connection, lot.origin_id))
                admission = lot_admission(
                    facts[lot.depositor_id], facts[lot.origin_id], on, self.context.config.policy
                )
                if admission.status is AdmissionStatus.REFUSED:
                    problems += [
                        FieldProblem(where + "lot_id", f"refused: {r.value}", Rule.ADMISSION)
                        for r in admission.reasons
                    ]
            if problems:
                raise GoldRefusedError(problems)
            set_status(connection, list(lot_ids), LotStatus.REGISTERED)
            at = ts(datetime.fromisoformat(on.isoformat() + "T00:00:00+00:00"))
            self.context.custody(
                connection,
                [(lot_id, CustodyEvent.RELEASED, at, None, reason) for lot_id in lot_ids],
                actor,
            )
            found = read_lots(connection, lot_ids)
        return [found[i] for i in lot_ids]

    # ---- receipt -----------------------------------------------------------------------------

    def receive(self, weighing: WeighingIn, *, actor: str) -> WeighingOut:
        """Weigh a lot in: calibration valid that day, net against declared (variance kept),
        declared fine content onto the ledger (EXTERNAL:<depositor> → INTAKE)."""
        return self.receive_many([weighing], actor=actor)[0]

    def receive_many(self, weighings_in: Sequence[WeighingIn], *, actor: str) -> list[WeighingOut]:
        problems: list[FieldProblem] = []
        prefix = len(weighings_in) > 1
        config = self.context.config
        plans: list[tuple[WeighingIn, LotOut, WeighingOut]] = []
        with self.context.engine.connect() as connection:
            calibrations = scales(connection)
            found = read_lots(connection, [w.lot_id for w in weighings_in])
        seen: set[str] = set()
        for index, w in enumerate(weighings_in):
            where = f"weighings[{index}]." if prefix else ""
            lot = found.get(w.lot_id)
            scale = calibrations.get(w.scale_id)
            day = w.weighed_at.date()
            if lot is None:
                problems.append(
                    FieldProblem(where + "lot_id", f"unknown lot {w.lot_id!r}", Rule.REFERENCE)
                )
            elif lot.status is not LotStatus.REGISTERED or w.lot_id in seen:
                state = "received twice" if w.lot_id in seen else lot.status.value
                problems.append(
                    FieldProblem(
                        where + "lot_id",
                        f"lot {w.lot_id} is {state}, not awaiting receipt",
                        Rule.STATE,
                    )
                )
            if scale is None:
                problems.append(
                    FieldProblem(
                        where + "scale_id", f"unknown scale {w.scale_id!r}", Rule.REFERENCE
                    )
                )
            elif not scale.calibrated_on <= day <= scale.calibration_valid_until:
                problems.append(
                    FieldProblem(
                        where + "scale_id",
                        f"scale {w.scale_id} calibration valid {scale.calibrated_on} to "
                        f"{scale.calibration_valid_until}, not on {day}",
                        Rule.CALIBRATION_EXPIRED,
                    )
                )
            seen.add(w.lot_id)
            if lot is None or problems:
                continue
            net = w.gross_g - w.tare_g
            declared = lot.declared_gross_g
            variance = net - declared
            pct = (variance / declared * 100).quantize(Decimal("0.0001"))
            tolerance = (
                config.weighing_tolerance_pct if w.tolerance_pct is None else w.tolerance_pct
            )
            out = WeighingOut(
                lot_id=w.lot_id,
                scale_id=w.scale_id,
                net_g=net,
                declared_g=declared,
                variance_g=variance,
                variance_pct=pct,
                tolerance_pct=tolerance,
                above_tolerance=abs(pct) > tolerance,
                fine_au_oz=contained_oz(net, lot.declared_au_per_mille),
                fine_ag_oz=contained_oz(net, lot.declared_ag_per_mille),
                entries=[],
            )
            plans.append((w, lot, out))
        if problems:
            raise GoldRefusedError(problems)
        drafts = []
        for w, lot, out in plans:
            source = accounts.external(lot.depositor_id)
            for commodity, oz in ((accounts.AU, out.fine_au_oz), (accounts.AG, out.fine_ag_oz)):
                drafts.append(
                    draft(
                        commodity,
                        oz,
                        source,
                        accounts.INTAKE,
                        "receipt",
                        w.weighed_at,
                        actor,
                        w.lot_id,
                        f"gold:receipt:{w.lot_id}:{commodity}",
                        lot=w.lot_id,
                        net_g=out.net_g,
                        declared="true",
                    )
                )
        entries = self.context.append(drafts)
        by_lot: dict[str, list[RecordedEntry]] = {}
        for entry in entries:
            by_lot.setdefault(entry.document_ref or "", []).append(recorded(entry))
        now = stamp()
        results = []
        with self.context.engine.begin() as connection:
            rows = []
            custody: list[tuple[str, CustodyEvent, str, int | None, str]] = []
            for w, _lot, out in plans:
                rows.append(
                    {
                        "lot_id": w.lot_id,
                        "scale_id": w.scale_id,
                        "weighed_at": ts(w.weighed_at),
                        "gross_g": str(w.gross_g),
                        "tare_g": str(w.tare_g),
                        "net_g": str(out.net_g),
                        "declared_g": str(out.declared_g),
                        "variance_pct": str(out.variance_pct),
                        "tolerance_pct": str(out.tolerance_pct),
                        "above_tolerance": out.above_tolerance,
                        "recorded_at": now,
                        "actor": actor,
                    }
                )
                mine = by_lot.get(w.lot_id, [])
                seq = mine[0].seq if mine else None
                flag = " ABOVE TOLERANCE" if out.above_tolerance else ""
                custody.append(
                    (
                        w.lot_id,
                        CustodyEvent.RECEIVED,
                        ts(w.weighed_at),
                        seq,
                        f"net {out.net_g} g on {w.scale_id}; variance {out.variance_pct} %{flag}",
                    )
                )
                results.append(out.model_copy(update={"entries": mine}))
            for start in range(0, len(rows), CHUNK):
                connection.execute(weighings.insert(), rows[start : start + CHUNK])
            update_lots(
                connection,
                [
                    {
                        "key": w.lot_id,
                        "status": LotStatus.RECEIVED.value,
                        "net_g": str(out.net_g),
                        "fine_au_moz": to_moz(out.fine_au_oz),
                        "fine_ag_moz": to_moz(out.fine_ag_oz),
                    }
                    for w, _lot, out in plans
                ],
            )
            self.context.custody(connection, custody, actor)
        return results

    # ---- queries -----------------------------------------------------------------------------

    def get(self, lot_id: str) -> LotOut:
        with self.context.engine.connect() as connection:
            return read_lot(connection, lot_id)

    def all(
        self,
        depositor_id: str | None = None,
        status: LotStatus | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[LotOut]:
        query = sa.select(lots.c.lot_id).order_by(lots.c.lot_id).limit(limit).offset(offset)
        if depositor_id is not None:
            query = query.where(lots.c.depositor_id == depositor_id)
        if status is not None:
            query = query.where(lots.c.status == LotStatus(status).value)
        with self.context.engine.connect() as connection:
            ids = list(connection.execute(query).scalars())
            found = read_lots(connection, ids)
        return [found[i] for i in ids]

    def custody(self, lot_id: str) -> list[CustodyEventOut]:
        """The lot's chain of custody in time order (then in recording order)."""
        with self.context.engine.connect() as connection:
            read_lot(connection, lot_id)
            rows = connection.execute(
                sa.select(custody_events)
                .where(custody_events.c.lot_id == lot_id)
                .order_by(custody_events.c.at, custody_events.c.id)
            )
            return [
                CustodyEventOut(
                    lot_id=r.lot_id,
                    event=CustodyEvent(r.event),
                    at=r.at,
                    actor=r.actor,
                    ledger_seq=r.ledger_seq,
                    detail=r.detail,
                )
                for r in rows
            ]


def scales(connection: Connection) -> dict[str, ScaleOut]:
    """Each scale's latest calibration."""
    found: dict[str, ScaleOut] = {}
    rows = connection.execute(sa.select(scale_calibrations).order_by(scale_calibrations.c.id))
    for r in rows:
        found[r.scale_id] = ScaleOut(
            scale_id=r.scale_id,
            description=r.description,
            calibrated_on=date.fromisoformat(r.calibrated_on),
            calibration_valid_until=date.fromisoformat(r.valid_until),
            recorded_by=r.actor,
        )
    return found


def _cached(
    cache: dict[str, Any],
    key: str,
    connection: Connection,
    read: Callable[[Connection, str], Any],
) -> Any:
    if key not in cache:
        try:
            cache[key] = read(connection, key)
        except GoldNotFoundError:
            cache[key] = None
    return cache[key]


def pairs(result: Iterable[Any]) -> dict[Any, Any]:
    """First column → second column of a two-column result."""
    return {row[0]: row[1] for row in result}
