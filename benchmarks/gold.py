"""Gold refinery benchmark: one year at 200 t/yr through the ledger-backed services on SQLite.

    .venv/bin/python -m benchmarks.gold [--lots 30000] [--url sqlite:///path]

~30,000 lots (industrial doré ~25 kg, artisanal lots ~1.3 kg) are registered (artisanal ones
quarantined for EDD and released), received, sampled, assayed by both parties, exchanged and
settled; refined in one batch a day within the daily capacity; ~16,000 Good Delivery bars cast
into the vault; every batch closed on an exact balance. Prints seconds per stage and lots/s, a
bar's backward genealogy latency (median, p99 over 100 bars), and references: raw SQL inserts of
the same lot rows and the pure in-memory genealogy over the same batches.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from nafolo.gold.assays import AssayMethod, SampleRole
from nafolo.gold.balance import BarOutput, BatchBalance, BatchInput
from nafolo.gold.diligence import DepositorType, MiningScale
from nafolo.gold.genealogy import Genealogy
from nafolo.gold.service import (
    AssayIn,
    AssessmentIn,
    BarIn,
    BatchInputIn,
    BatchPlan,
    CastBars,
    CloseBatch,
    LicenceIn,
    NewDepositor,
    NewLot,
    OriginIn,
    OwnerIn,
    Refinery,
    ResidueIn,
    SampleIn,
    SampleSetIn,
    ScaleIn,
    WeighingIn,
)
from nafolo.gold.service.refining import OutputKind
from nafolo.store import create_engine, upgrade
from nafolo.store.gold_tables import lots as lot_table

YEAR = 2026
CHUNK = 2_000
BAR_READING_OZ = Decimal("400.127")
BAR_FINENESS = Decimal("999.9")
BAR_FINE_OZ = Decimal("400.084")
GENEALOGY_TARGET_MS = 100.0
CLERK, CHEMIST, MANAGER = "clerk", "chemist", "manager"


@contextmanager
def stage(name: str, times: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    times[name] = time.perf_counter() - start
    print(f"  {name:<34} {times[name]:8.2f} s", flush=True)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def setup(refinery: Refinery) -> list[tuple[str, str, bool]]:
    """Depositors (industrial mines approved, artisanal cooperatives under EDD), their origins,
    a scale and a vault; returns (depositor, origin, artisanal) per depositor."""
    deps = refinery.depositors
    made = []
    for index in range(24):
        artisanal = index >= 12
        dep, origin = f"DEP{index:02d}", f"OR{index:02d}"
        kind = DepositorType.ARTISANAL_COOPERATIVE if artisanal else DepositorType.INDUSTRIAL_MINE
        deps.register(
            NewDepositor(depositor_id=dep, name=f"Depositor {index}", depositor_type=kind),
            actor=CLERK,
        )
        deps.add_owner(
            OwnerIn(
                depositor_id=dep,
                name=f"Owner {index}",
                share_pct=Decimal(100),
                identity_verified=True,
            ),
            actor=CLERK,
        )
        deps.add_licence(
            LicenceIn(
                depositor_id=dep,
                number=f"LIC-{index}",
                kind="exploitation",
                valid_from=date(2020, 1, 1),
                expires_on=date(2030, 12, 31),
            ),
            actor=CLERK,
        )
        deps.register_origin(
            OriginIn(
                origin_id=origin,
                depositor_id=dep,
                site=f"Site {index}",
                country="ML",
                region="Sikasso" if index % 2 else "Koulikoro",
                latitude=Decimal("11.3"),
                longitude=Decimal("-7.5"),
                scale=MiningScale.ASM if artisanal else MiningScale.LSM,
                licence_number=f"PE-{index}",
                licence_valid_from=date(2020, 1, 1),
                licence_expires_on=date(2030, 12, 31),
            ),
            actor=CLERK,
        )
        deps.assess(AssessmentIn(depositor_id=dep, assessed_on=date(YEAR, 1, 1)), actor="reviewer")
        made.append((dep, origin, artisanal))
    refinery.lots.register_scale(
        ScaleIn(
            scale_id="SC1",
            calibrated_on=date(YEAR, 1, 1),
            calibration_valid_until=date(YEAR, 12, 31),
        ),
        actor=CLERK,
    )
    refinery.vault.add_location("V1", "Chambre forte", actor=CLERK)
    return made


def make_lots(count: int, depositors: list[tuple[str, str, bool]]) -> list[NewLot]:
    """A year's lots: about 27 % industrial doré (~25 kg), the rest artisanal (~1.3 kg)."""
    rng = random.Random(20_26)
    industrial = [d for d in depositors if not d[2]]
    artisanal = [d for d in depositors if d[2]]
    made = []
    for index in range(count):
        small = index % 11 >= 3
        dep, origin, _ = rng.choice(artisanal if small else industrial)
        gross = Decimal(rng.randint(600, 2_000) if small else rng.randint(20_000, 31_000))
        au = Decimal(rng.randint(800, 920))
        made.append(
            NewLot(
                lot_id=f"L{index:06d}",
                depositor_id=dep,
                origin_id=origin,
                arrived_on=date(YEAR, 1, 1) + timedelta(days=index * 300 // count),
                declared_gross_g=gross,
                declared_au_per_mille=au,
                declared_ag_per_mille=Decimal(60),
                seal_numbers=[f"S{index:06d}"],
            )
        )
    return made


def run(url: str, count: int) -> None:
    engine = create_engine(url)
    upgrade(engine)
    refinery = Refinery(engine)
    times: dict[str, float] = {}
    print(f"gold benchmark: {count} lots, {url}")
    with stage("setup (24 depositors)", times):
        depositors = setup(refinery)
    new_lots = make_lots(count, depositors)
    artisanal = {d for d, _, a in depositors if a}
    with stage("register lots (admission)", times):
        for part in _chunks(new_lots):
            refinery.lots.register_many(part, actor=CLERK)
    held = [n.lot_id for n in new_lots if n.depositor_id in artisanal]
    with stage("release quarantined (EDD sign-off)", times):
        for part in _chunks(held):
            refinery.lots.release_many(
                part, actor="compliance", on=date(YEAR, 1, 1), reason="EDD file complete"
            )
    with stage("receive (weigh, ledger)", times):
        for part in _chunks(new_lots):
            refinery.lots.receive_many(
                [
                    WeighingIn(
                        lot_id=n.lot_id,
                        scale_id="SC1",
                        weighed_at=datetime(
                            n.arrived_on.year, n.arrived_on.month, n.arrived_on.day, 9, tzinfo=UTC
                        ),
                        gross_g=n.declared_gross_g + 500,
                        tare_g=Decimal(500),
                    )
                    for n in part
                ],
                actor=CLERK,
            )
    with stage("seal samples", times):
        for part in _chunks(new_lots):
            refinery.lab.seal_many(
                [
                    SampleSetIn(
                        lot_id=n.lot_id,
                        refiner=SampleIn(sample_id=f"{n.lot_id}R", seal_number=f"{n.lot_id}-R"),
                        depositor=SampleIn(sample_id=f"{n.lot_id}D", seal_number=f"{n.lot_id}-D"),
                        umpire=SampleIn(sample_id=f"{n.lot_id}U", seal_number=f"{n.lot_id}-U"),
                    )
                    for n in part
                ],
                actor=CLERK,
            )
    with stage("record assays (2 per lot)", times):
        for part in _chunks(new_lots):
            refinery.lab.record_assays(
                [
                    AssayIn(
                        lot_id=n.lot_id,
                        role=role,
                        laboratory="Lab",
                        method=AssayMethod.FIRE_ASSAY,
                        au_replicates_per_mille=[n.declared_au_per_mille + delta],
                        ag_replicates_per_mille=[Decimal("60.0")],
                    )
                    for n in part
                    for role, delta in (
                        (SampleRole.REFINER, Decimal("0.10")),
                        (SampleRole.DEPOSITOR, Decimal("0.30")),
                    )
                ],
                actor=CHEMIST,
            )
    ids = [n.lot_id for n in new_lots]
    with stage("assay exchange (ledger adjust)", times):
        for part in _chunks(ids):
            refinery.lab.exchange_many(part, actor=CHEMIST)
    with stage("settle (metal accounts)", times):
        for part in _chunks(ids):
            refinery.settlements.settle_many(part, actor=MANAGER)
    with engine.connect() as connection:
        fine = {
            r.lot_id: r.fine_au_moz
            for r in connection.execute(sa.select(lot_table.c.lot_id, lot_table.c.fine_au_moz))
        }
    capacity_moz = int(refinery.config.daily_capacity_fine_oz * 1000)
    days: list[list[str]] = [[]]
    load = 0
    for lot_id in ids:
        if load + fine[lot_id] > capacity_moz:
            days.append([])
            load = 0
        days[-1].append(lot_id)
        load += fine[lot_id]
    serial = 0
    memory_batches: list[BatchBalance] = []
    with stage(f"refine {len(days)} batches (plan/cast/close)", times):
        for number, batch_lots in enumerate(days):
            batch_id = f"B{number:04d}"
            planned = refinery.refining.plan(
                BatchPlan(
                    batch_id=batch_id,
                    planned_on=date(YEAR, 1, 1) + timedelta(days=number),
                    inputs=[BatchInputIn(lot_id=x) for x in batch_lots],
                ),
                actor=MANAGER,
            )
            fine_in = planned.balance.fine_in_oz
            count_bars = int(fine_in * Decimal("0.998") // BAR_FINE_OZ)
            bar_ins = []
            for _ in range(count_bars):
                serial += 1
                bar_ins.append(
                    BarIn(
                        serial=f"B{serial:06d}",
                        scale_reading_oz=BAR_READING_OZ,
                        fineness_per_mille=BAR_FINENESS,
                    )
                )
            cast = refinery.vault.cast_bars(
                CastBars(
                    batch_id=batch_id,
                    location="V1",
                    cast_at=datetime(YEAR, 1, 1, 18, tzinfo=UTC) + timedelta(days=number),
                    bars=bar_ins,
                ),
                actor=MANAGER,
            )
            left = fine_in - count_bars * BAR_FINE_OZ
            slag = refinery.refining.record_residue(
                ResidueIn(
                    batch_id=batch_id,
                    residue_id=f"{batch_id}-SLAG",
                    kind=OutputKind.SLAG,
                    gross_g=Decimal(20_000),
                    au_per_mille=Decimal("5"),
                    ag_per_mille=Decimal("30"),
                ),
                actor=MANAGER,
            )
            loss = (fine_in * Decimal("0.0001")).quantize(Decimal("0.001"))
            in_process = left - slag.fine_au_oz - loss
            refinery.refining.close(
                CloseBatch(batch_id=batch_id, in_process_au_oz=in_process, loss_au_oz=loss),
                actor=MANAGER,
            )
            memory_batches.append(
                BatchBalance(
                    batch_id,
                    tuple(BatchInput(i.lot_id, i.fine_au_oz) for i in planned.inputs),
                    tuple(BarOutput(b.bar_id, b.fine_oz) for b in cast),
                    in_process,
                )
            )
    total = sum(times.values()) - times["setup (24 depositors)"]
    print(f"  {'total (lots → bars)':<34} {total:8.2f} s   {count / total:8.1f} lots/s")
    bars = [b.serial for batch in memory_batches for b in batch.bars]
    rng = random.Random(7)
    sample = rng.sample(bars, min(100, len(bars)))
    latencies = []
    for bar_id in sample:
        start = time.perf_counter()
        refinery.genealogy.backward(bar_id)
        latencies.append((time.perf_counter() - start) * 1000)
    forward = []
    for lot_id in rng.sample(ids, 100):
        start = time.perf_counter()
        refinery.genealogy.forward(lot_id)
        forward.append((time.perf_counter() - start) * 1000)
    origins = {n.lot_id: n.origin_id for n in new_lots}
    start = time.perf_counter()
    memory = Genealogy.from_batches(memory_batches, origins)
    index_s = time.perf_counter() - start
    mem = []
    for bar_id in sample:
        start = time.perf_counter()
        memory.backward(bar_id)
        mem.append((time.perf_counter() - start) * 1000)
    raw_s = _raw_inserts(engine, new_lots)
    p99 = sorted(latencies)[int(len(latencies) * 0.99) - 1]
    print(f"  bars cast: {len(bars)}, batches: {len(memory_batches)}")
    print(
        f"  bar backward genealogy (store): median {statistics.median(latencies):.2f} ms, "
        f"p99 {p99:.2f} ms  [target < {GENEALOGY_TARGET_MS:.0f} ms: "
        f"{'PASS' if p99 < GENEALOGY_TARGET_MS else 'FAIL'}]"
    )
    print(f"  lot forward genealogy (store):  median {statistics.median(forward):.2f} ms")
    print(
        f"  reference, in-memory genealogy:  index {index_s:.2f} s, backward median "
        f"{statistics.median(mem):.2f} ms"
    )
    print(
        f"  reference, raw SQL insert of the {count} lot rows: {raw_s:.2f} s "
        f"({count / raw_s:,.0f} rows/s) vs register stage "
        f"{times['register lots (admission)']:.2f} s"
    )
    report = refinery.ledger.verify()
    print(f"  ledger verify: {report.entries_checked} entries, ok={report.ok}")
    engine.dispose()


def _raw_inserts(engine: sa.Engine, new_lots: Sequence[NewLot]) -> float:
    """Insert the same lot rows with executemany into a scratch copy of gold_lots."""
    scratch = sa.Table(
        "bench_gold_lots",
        sa.MetaData(),
        *(sa.Column(c.name, c.type, primary_key=c.primary_key) for c in lot_table.columns),
    )
    with engine.begin() as connection:
        scratch.drop(connection, checkfirst=True)
        scratch.create(connection)
    rows = [
        {
            "lot_id": n.lot_id, "depositor_id": n.depositor_id, "origin_id": n.origin_id,
            "arrived_on": n.arrived_on.isoformat(), "declared_gross_g": str(n.declared_gross_g),
            "declared_au_per_mille": str(n.declared_au_per_mille),
            "declared_ag_per_mille": str(n.declared_ag_per_mille), "seal_numbers": "[]",
            "transport_documents": "[]", "export_documents": "[]", "status": "registered",
            "admission_reasons": "[]", "cahra": False, "net_g": None,
            "settled_au_per_mille": None, "settled_ag_per_mille": None, "fine_au_moz": None,
            "fine_ag_moz": None, "recorded_at": "2026-01-01T00:00:00.000000Z", "actor": CLERK,
        }
        for n in new_lots
    ]  # fmt: skip
    start = time.perf_counter()
    with engine.begin() as connection:
        for part in _chunks(rows):
            connection.execute(scratch.insert(), list(part))
    elapsed = time.perf_counter() - start
    with engine.begin() as connection:
        scratch.drop(connection)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=30_000)
    parser.add_argument("--url", default=None, help="store URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    if args.url:
        run(args.url, args.lots)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'gold-bench.sqlite'}", args.lots)


if __name__ == "__main__":
    main()
