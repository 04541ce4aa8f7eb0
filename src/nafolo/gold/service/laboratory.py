"""The laboratory: three sealed samples per lot, assay results, and the assay exchange.

The exchange (`assays.assay_exchange` via `settlement.settle_assays`, under the depositor's
contract) fixes the lot's settled fineness; the lot's fine content on the ledger is then adjusted
from the declared to the settled fineness (EXTERNAL:<depositor> ↔ INTAKE, kind
`assay_adjustment`), so INTAKE holds what the assays say the lots contain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from pydantic import Field

from nafolo.gold.assays import (
    AssayMethod,
    AssayResult,
    ExchangeOutcome,
    SampleRole,
    SampleSet,
    SealedSample,
    UmpireRequiredError,
)
from nafolo.gold.service import accounts
from nafolo.gold.service.common import (
    Code,
    Context,
    CustodyEvent,
    Input,
    Output,
    RecordedEntry,
    Text,
    draft,
    dumps,
    event_time,
    last_events,
    recorded,
    stamp,
    to_moz,
    too_early,
    ts,
)
from nafolo.gold.service.depositors import read_depositor
from nafolo.gold.service.errors import FieldProblem, GoldRefusedError, Rule
from nafolo.gold.service.lots import (
    CHUNK,
    Follows,
    LotOut,
    LotStatus,
    contained_oz,
    lots_found,
    read_lot,
    read_lots,
    update_lots,
)
from nafolo.gold.settlement import Contract, settle_assays
from nafolo.store.gold_tables import assays, exchanges, lots, samples

PerMille = Decimal


class SampleIn(Input):
    sample_id: Code
    seal_number: Text


class SampleSetIn(Input):
    lot_id: Code
    refiner: SampleIn
    depositor: SampleIn
    umpire: SampleIn
    sampled_at: datetime | None = None
    """When the samples were taken and sealed (aware); None: the call's `at`."""


class SampleOut(Output):
    lot_id: str
    role: SampleRole
    sample_id: str
    seal_number: str
    sealed_by: str


class AssayIn(Input):
    lot_id: Code
    role: SampleRole
    laboratory: Text
    method: AssayMethod
    au_replicates_per_mille: list[Decimal] = Field(min_length=1, max_length=10)
    ag_replicates_per_mille: list[Decimal] = Field(min_length=1, max_length=10)
    assayed_at: datetime | None = None
    """When the laboratory reported the result (aware); None: the call's `at`."""


class AssayOut(Output):
    lot_id: str
    role: SampleRole
    sample_id: str
    laboratory: str
    method: AssayMethod
    au_replicates_per_mille: list[Decimal]
    ag_replicates_per_mille: list[Decimal]
    au_per_mille: Decimal
    ag_per_mille: Decimal
    replicates_agree: bool
    entered_by: str


class OutcomeOut(Output):
    metal: str
    refiner_per_mille: Decimal
    depositor_per_mille: Decimal
    difference_per_mille: Decimal
    splitting_limit_per_mille: Decimal
    branch: str
    settled_per_mille: Decimal
    umpire_per_mille: Decimal | None
    umpire_rule: str | None
    umpire_outside_parties: bool
    umpire_fee_payer: str
    explanation: str


class ExchangeOut(Output):
    lot_id: str
    au: OutcomeOut
    ag: OutcomeOut
    fine_au_oz: Decimal
    fine_ag_oz: Decimal
    entries: list[RecordedEntry]


def outcome_out(outcome: ExchangeOutcome) -> OutcomeOut:
    return OutcomeOut(
        metal=outcome.metal.value,
        refiner_per_mille=outcome.refiner_per_mille,
        depositor_per_mille=outcome.depositor_per_mille,
        difference_per_mille=outcome.difference_per_mille,
        splitting_limit_per_mille=outcome.splitting_limit_per_mille,
        branch=outcome.branch.value,
        settled_per_mille=outcome.settled_per_mille,
        umpire_per_mille=outcome.umpire_per_mille,
        umpire_rule=None if outcome.umpire_rule is None else outcome.umpire_rule.value,
        umpire_outside_parties=outcome.umpire_outside_parties,
        umpire_fee_payer=outcome.umpire_fee_payer.value,
        explanation=outcome.explanation,
    )


def _assay_out(row: sa.Row[tuple[object, ...]]) -> AssayOut:
    m = row._mapping
    au = [Decimal(v) for v in json.loads(m["au_replicates"])]
    ag = [Decimal(v) for v in json.loads(m["ag_replicates"])]
    result = _result(m["sample_id"], m["laboratory"], AssayMethod(m["method"]), au, ag)
    return AssayOut(
        lot_id=m["lot_id"],
        role=SampleRole(m["role"]),
        sample_id=m["sample_id"],
        laboratory=m["laboratory"],
        method=AssayMethod(m["method"]),
        au_replicates_per_mille=au,
        ag_replicates_per_mille=ag,
        au_per_mille=result.au_per_mille,
        ag_per_mille=result.ag_per_mille,
        replicates_agree=result.replicates_agree(),
        entered_by=m["actor"],
    )


def _result(
    sample_id: str, laboratory: str, method: AssayMethod, au: list[Decimal], ag: list[Decimal]
) -> AssayResult:
    return AssayResult(sample_id, laboratory, method, tuple(au), tuple(ag))


def read_assays(connection: sa.Connection, lot_ids: Sequence[str]) -> dict[str, list[AssayOut]]:
    found: dict[str, list[AssayOut]] = {}
    for start in range(0, len(lot_ids), CHUNK):
        part = list(lot_ids[start : start + CHUNK])
        for row in connection.execute(
            sa.select(assays).where(assays.c.lot_id.in_(part)).order_by(assays.c.id)
        ):
            found.setdefault(row.lot_id, []).append(_assay_out(row))
    return found


class Laboratory:
    """Samples, assays and the exchange that settles a lot's fineness."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def seal_samples(
        self, sample_set: SampleSetIn, *, actor: str, at: datetime | None = None
    ) -> list[SampleOut]:
        return self.seal_many([sample_set], actor=actor, at=at)[sample_set.lot_id]

    def seal_many(
        self, sets: Sequence[SampleSetIn], *, actor: str, at: datetime | None = None
    ) -> dict[str, list[SampleOut]]:
        """Seal the three samples of each lot (refiner, depositor, umpire), all or nothing.

        Each set is dated `sampled_at`, else `at`, else now (interactive callers only); not
        before the lot's receipt."""
        problems: list[FieldProblem] = []
        rows: list[dict[str, object]] = []
        now = stamp()
        prefix = len(sets) > 1
        when: dict[str, datetime] = {}
        for index, s in enumerate(sets):
            where = f"samples[{index}]." if prefix else ""
            when[s.lot_id] = event_time(
                s.sampled_at or at, where + ("sampled_at" if s.sampled_at else "at")
            )
        with self.context.engine.begin() as connection:
            found = read_lots(connection, [s.lot_id for s in sets])
            received = last_events(connection, found, [CustodyEvent.RECEIVED])
            for index, s in enumerate(sets):
                problem = too_early(
                    (f"samples[{index}]." if prefix else "") + "sampled_at",
                    when[s.lot_id],
                    received.get(s.lot_id),
                    f"receipt of lot {s.lot_id}",
                )
                if problem is not None:
                    problems.append(problem)
            ids = [x.sample_id for s in sets for x in (s.refiner, s.depositor, s.umpire)]
            taken = set()
            for start in range(0, len(ids), CHUNK):
                taken |= set(
                    connection.execute(
                        sa.select(samples.c.sample_id).where(
                            samples.c.sample_id.in_(ids[start : start + CHUNK])
                        )
                    ).scalars()
                )
            for index, s in enumerate(sets):
                where = f"samples[{index}]." if prefix else ""
                lot = found.get(s.lot_id)
                if lot is None:
                    problems.append(
                        FieldProblem(where + "lot_id", f"unknown lot {s.lot_id!r}", Rule.REFERENCE)
                    )
                    continue
                if lot.status is not LotStatus.RECEIVED:
                    problems.append(
                        FieldProblem(
                            where + "lot_id",
                            f"lot {s.lot_id} is {lot.status.value}; samples are sealed once "
                            "it is received, once",
                            Rule.STATE,
                        )
                    )
                    continue
                try:
                    SampleSet(
                        s.lot_id,
                        (
                            SealedSample(
                                s.refiner.sample_id, s.refiner.seal_number, SampleRole.REFINER
                            ),
                            SealedSample(
                                s.depositor.sample_id, s.depositor.seal_number, SampleRole.DEPOSITOR
                            ),
                            SealedSample(
                                s.umpire.sample_id, s.umpire.seal_number, SampleRole.UMPIRE
                            ),
                        ),
                    )
                except ValueError as error:
                    problems.append(FieldProblem(where + "samples", str(error), Rule.VALUE))
                    continue
                for role, sample in (
                    (SampleRole.REFINER, s.refiner),
                    (SampleRole.DEPOSITOR, s.depositor),
                    (SampleRole.UMPIRE, s.umpire),
                ):
                    if sample.sample_id in taken:
                        problems.append(
                            FieldProblem(
                                where + f"{role.value}.sample_id",
                                f"sample {sample.sample_id!r} already exists",
                                Rule.DUPLICATE,
                            )
                        )
                    taken.add(sample.sample_id)
                    rows.append(
                        {
                            "sample_id": sample.sample_id,
                            "lot_id": s.lot_id,
                            "role": role.value,
                            "seal_number": sample.seal_number,
                            "recorded_at": now,
                            "actor": actor,
                        }
                    )
            if problems:
                raise GoldRefusedError(problems)
            for start in range(0, len(rows), CHUNK):
                connection.execute(samples.insert(), rows[start : start + CHUNK])
            lot_ids = [s.lot_id for s in sets]
            for start in range(0, len(lot_ids), CHUNK):
                connection.execute(
                    lots.update()
                    .where(lots.c.lot_id.in_(lot_ids[start : start + CHUNK]))
                    .values(status=LotStatus.SAMPLED.value)
                )
            self.context.custody(
                connection,
                [
                    (
                        s.lot_id,
                        CustodyEvent.SAMPLED,
                        ts(when[s.lot_id]),
                        None,
                        f"seals {s.refiner.seal_number}, {s.depositor.seal_number}, "
                        f"{s.umpire.seal_number}",
                    )
                    for s in sets
                ],
                actor,
            )
        out: dict[str, list[SampleOut]] = {}
        for row in rows:
            out.setdefault(str(row["lot_id"]), []).append(
                SampleOut(
                    lot_id=str(row["lot_id"]),
                    role=SampleRole(str(row["role"])),
                    sample_id=str(row["sample_id"]),
                    seal_number=str(row["seal_number"]),
                    sealed_by=actor,
                )
            )
        return out

    def record_assay(self, assay: AssayIn, *, actor: str, at: datetime | None = None) -> AssayOut:
        return self.record_assays([assay], actor=actor, at=at)[0]

    def record_assays(
        self, assays_in: Sequence[AssayIn], *, actor: str, at: datetime | None = None
    ) -> list[AssayOut]:
        """Record results on sealed samples, one per lot and role; the enterer is recorded.

        Each result is dated `assayed_at`, else `at`, else now (interactive callers only), and
        must not precede the sealing of the lot's samples."""
        problems: list[FieldProblem] = []
        rows: list[dict[str, object]] = []
        prefix = len(assays_in) > 1
        now = stamp()
        when = [
            event_time(
                a.assayed_at or at,
                (f"assays[{i}]." if prefix else "") + ("assayed_at" if a.assayed_at else "at"),
            )
            for i, a in enumerate(assays_in)
        ]
        with self.context.engine.begin() as connection:
            lot_ids = list(dict.fromkeys(a.lot_id for a in assays_in))
            sampled = last_events(connection, lot_ids, [CustodyEvent.SAMPLED])
            for index, a in enumerate(assays_in):
                problem = too_early(
                    (f"assays[{index}]." if prefix else "") + "assayed_at",
                    when[index],
                    sampled.get(a.lot_id),
                    f"sealing of lot {a.lot_id}'s samples",
                )
                if problem is not None:
                    problems.append(problem)
            sealed: dict[tuple[str, str], str] = {}
            recorded_roles: set[tuple[str, str]] = set()
            for start in range(0, len(lot_ids), CHUNK):
                part = lot_ids[start : start + CHUNK]
                for r in connection.execute(
                    sa.select(samples.c.lot_id, samples.c.role, samples.c.sample_id).where(
                        samples.c.lot_id.in_(part)
                    )
                ):
                    sealed[(r.lot_id, r.role)] = r.sample_id
                recorded_roles |= {
                    (r[0], r[1])
                    for r in connection.execute(
                        sa.select(assays.c.lot_id, assays.c.role).where(assays.c.lot_id.in_(part))
                    )
                }
            for index, a in enumerate(assays_in):
                where = f"assays[{index}]." if prefix else ""
                key = (a.lot_id, a.role.value)
                sample_id = sealed.get(key)
                if sample_id is None:
                    problems.append(
                        FieldProblem(
                            where + "lot_id",
                            f"lot {a.lot_id} has no sealed {a.role.value} sample",
                            Rule.STATE,
                        )
                    )
                    continue
                if key in recorded_roles:
                    problems.append(
                        FieldProblem(
                            where + "role",
                            f"lot {a.lot_id} already has a {a.role.value} result",
                            Rule.DUPLICATE,
                        )
                    )
                    continue
                recorded_roles.add(key)
                try:
                    _result(
                        sample_id,
                        a.laboratory,
                        a.method,
                        a.au_replicates_per_mille,
                        a.ag_replicates_per_mille,
                    )
                except ValueError as error:
                    problems.append(
                        FieldProblem(where + "au_replicates_per_mille", str(error), Rule.VALUE)
                    )
                    continue
                result = _result(
                    sample_id,
                    a.laboratory,
                    a.method,
                    a.au_replicates_per_mille,
                    a.ag_replicates_per_mille,
                )
                rows.append(
                    {
                        "lot_id": a.lot_id,
                        "role": a.role.value,
                        "sample_id": sample_id,
                        "laboratory": a.laboratory,
                        "method": a.method.value,
                        "au_replicates": dumps([str(v) for v in a.au_replicates_per_mille]),
                        "ag_replicates": dumps([str(v) for v in a.ag_replicates_per_mille]),
                        "au_per_mille": str(result.au_per_mille),
                        "ag_per_mille": str(result.ag_per_mille),
                        "recorded_at": now,
                        "actor": actor,
                    }
                )
            if problems:
                raise GoldRefusedError(problems)
            for start in range(0, len(rows), CHUNK):
                connection.execute(assays.insert(), rows[start : start + CHUNK])
            found = read_assays(connection, lot_ids)
        wanted = {(a.lot_id, a.role) for a in assays_in}
        return [x for lot in lot_ids for x in found.get(lot, []) if (x.lot_id, x.role) in wanted]

    def assays(self, lot_id: str) -> list[AssayOut]:
        with self.context.engine.connect() as connection:
            read_lot(connection, lot_id)
            return read_assays(connection, [lot_id]).get(lot_id, [])

    def exchange(self, lot_id: str, *, actor: str, at: datetime | None = None) -> ExchangeOut:
        return self.exchange_many([lot_id], actor=actor, at=at)[0]

    def exchange_many(
        self, lot_ids: Sequence[str], *, actor: str, at: datetime | None = None
    ) -> list[ExchangeOut]:
        """Settle each lot's fineness by assay exchange and adjust its fine content on the
        ledger from declared to settled; refused lots are listed, nothing stored.

        `at` (`exchanged_at`) dates the adjustment entries and the custody event; None means now
        (interactive callers only). It must not precede the sealing of a lot's samples."""
        exchanged_at = event_time(at, "exchanged_at")
        problems: list[FieldProblem] = []
        plans: list[tuple[LotOut, ExchangeOutcome, ExchangeOutcome, Decimal, Decimal]] = []
        contracts: dict[str, Contract] = {}
        with self.context.engine.connect() as connection:
            found = read_lots(connection, lot_ids)
            results = read_assays(connection, list(lot_ids))
            sampled = last_events(connection, found, [CustodyEvent.SAMPLED])
            follows = Follows(
                "exchanged_at", exchanged_at, sampled, "sealing of lot {lot_id}'s samples"
            )
            for where, lot_id, lot in lots_found(lot_ids, found, problems, follows):
                if lot.status is not LotStatus.SAMPLED:
                    problems.append(
                        FieldProblem(
                            where + "lot_id",
                            f"lot {lot_id} is {lot.status.value}; the exchange settles a sampled, "
                            "unassayed lot",
                            Rule.STATE,
                        )
                    )
                    continue
                by_role = {a.role: a for a in results.get(lot_id, [])}
                missing = [
                    r.value for r in (SampleRole.REFINER, SampleRole.DEPOSITOR) if r not in by_role
                ]
                if missing:
                    problems.append(
                        FieldProblem(
                            where + "lot_id",
                            f"lot {lot_id}: no {' or '.join(missing)} result yet",
                            Rule.NOT_ASSAYED,
                        )
                    )
                    continue
                contract = contract_of(connection, lot.depositor_id, contracts)
                try:
                    au, ag = exchange_outcomes(by_role, contract)
                except UmpireRequiredError as error:
                    problems.append(
                        FieldProblem(
                            where + "lot_id", f"lot {lot_id}: {error}", Rule.UMPIRE_REQUIRED
                        )
                    )
                    continue
                assert lot.net_g is not None
                fine_au = contained_oz(lot.net_g, au.settled_per_mille)
                fine_ag = contained_oz(lot.net_g, ag.settled_per_mille)
                plans.append((lot, au, ag, fine_au, fine_ag))
        if problems:
            raise GoldRefusedError(problems)
        drafts = []
        for lot, _au, _ag, fine_au, fine_ag in plans:
            for commodity, new, old in (
                (accounts.AU, fine_au, lot.fine_au_oz or Decimal(0)),
                (accounts.AG, fine_ag, lot.fine_ag_oz or Decimal(0)),
            ):
                drafts.append(
                    draft(
                        commodity,
                        new - old,
                        accounts.external(lot.depositor_id),
                        accounts.INTAKE,
                        "assay_adjustment",
                        exchanged_at,
                        actor,
                        lot.lot_id,
                        f"gold:assay:{lot.lot_id}:{commodity}",
                        lot=lot.lot_id,
                        declared_oz=old,
                        settled_oz=new,
                    )
                )
        entries = self.context.append(drafts)
        by_lot: dict[str, list[RecordedEntry]] = {}
        for entry in entries:
            by_lot.setdefault(entry.document_ref or "", []).append(recorded(entry))
        now = stamp()
        out = []
        with self.context.engine.begin() as connection:
            rows = []
            custody = []
            updates: list[dict[str, object]] = []
            for lot, au, ag, fine_au, fine_ag in plans:
                rows.append(
                    {
                        "lot_id": lot.lot_id,
                        "au_outcome": outcome_out(au).model_dump_json(),
                        "ag_outcome": outcome_out(ag).model_dump_json(),
                        "recorded_at": now,
                        "actor": actor,
                    }
                )
                updates.append(
                    {
                        "key": lot.lot_id,
                        "status": LotStatus.ASSAYED.value,
                        "settled_au_per_mille": str(au.settled_per_mille),
                        "settled_ag_per_mille": str(ag.settled_per_mille),
                        "fine_au_moz": to_moz(fine_au),
                        "fine_ag_moz": to_moz(fine_ag),
                    }
                )
                mine = by_lot.get(lot.lot_id, [])
                custody.append(
                    (
                        lot.lot_id,
                        CustodyEvent.ASSAYED,
                        ts(exchanged_at),
                        mine[0].seq if mine else None,
                        f"Au {au.settled_per_mille} ‰ ({au.branch.value}), "
                        f"Ag {ag.settled_per_mille} ‰; fine Au {fine_au} oz",
                    )
                )
                out.append(
                    ExchangeOut(
                        lot_id=lot.lot_id,
                        au=outcome_out(au),
                        ag=outcome_out(ag),
                        fine_au_oz=fine_au,
                        fine_ag_oz=fine_ag,
                        entries=mine,
                    )
                )
            for start in range(0, len(rows), CHUNK):
                connection.execute(exchanges.insert(), rows[start : start + CHUNK])
            update_lots(connection, updates)
            self.context.custody(connection, custody, actor)
        return out

    def outcome(self, lot_id: str) -> tuple[OutcomeOut, OutcomeOut] | None:
        """The lot's exchange outcomes (Au, Ag), None before the exchange."""
        with self.context.engine.connect() as connection:
            row = connection.execute(
                sa.select(exchanges).where(exchanges.c.lot_id == lot_id)
            ).first()
        if row is None:
            return None
        return (
            OutcomeOut.model_validate_json(row.au_outcome),
            OutcomeOut.model_validate_json(row.ag_outcome),
        )


def contract_of(
    connection: sa.Connection, depositor_id: str, known: dict[str, Contract]
) -> Contract:
    """The depositor's toll contract, read once per depositor into `known`."""
    if depositor_id not in known:
        known[depositor_id] = read_depositor(connection, depositor_id).contract
    return known[depositor_id]


def exchange_outcomes(
    by_role: Mapping[SampleRole, AssayOut], contract: Contract
) -> tuple[ExchangeOutcome, ExchangeOutcome]:
    """The settled Au and Ag of a lot from its refiner's and depositor's assays (and its
    umpire's, if entered) under `contract`; `UmpireRequiredError` while the umpire is needed."""
    umpire = by_role.get(SampleRole.UMPIRE)
    return settle_assays(
        _as_result(by_role[SampleRole.REFINER]),
        _as_result(by_role[SampleRole.DEPOSITOR]),
        contract,
        None if umpire is None else _as_result(umpire),
    )


def _as_result(assay: AssayOut) -> AssayResult:
    return _result(
        assay.sample_id,
        assay.laboratory,
        assay.method,
        assay.au_replicates_per_mille,
        assay.ag_replicates_per_mille,
    )
