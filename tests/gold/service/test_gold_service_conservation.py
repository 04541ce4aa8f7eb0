"""Conservation of fine gold on the ledger over random valid operation sequences.

Per batch, read from the ledger alone: fine Au in from lots = in bars + in process + residues +
recorded loss; and over the whole ledger nothing is created or destroyed except across the
EXTERNAL and LOSS accounts (physical accounts never negative, metal accounts balanced by the
clearing account).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from gold_service_support import (
    AT,
    CHEMIST,
    CLERK,
    DAY,
    MANAGER,
    SCALE,
    VAULT,
    new_lot,
    refinery_with_depositor,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from nafolo.gold.assays import AssayMethod, SampleRole
from nafolo.gold.service import (
    AssayIn,
    BarIn,
    BatchInputIn,
    BatchPlan,
    CastBars,
    CloseBatch,
    OutputKind,
    Refinery,
    ResidueIn,
    SampleIn,
    SampleSetIn,
    WeighingIn,
)

BAR_FINE = Decimal("400.084")
PHYSICAL = ("INTAKE", "PROCESS:", "RESIDUE:", "VAULT:", "SHIPPED:")
_runs = itertools.count()

lot_sizes = st.lists(
    st.tuples(st.integers(15_000, 40_000), st.integers(850, 950)), min_size=1, max_size=3
)
splits = st.lists(st.integers(1, 100), min_size=3, max_size=3)


def _assayed(refinery: Refinery, prefix: str, sizes: list[tuple[int, int]]) -> list[str]:
    ids = [f"{prefix}L{i}" for i in range(len(sizes))]
    lots = [new_lot(i, str(g), str(au), "40") for i, (g, au) in zip(ids, sizes, strict=True)]
    refinery.lots.register_many(lots, actor=CLERK)
    refinery.lots.receive_many(
        [
            WeighingIn(
                lot_id=x.lot_id,
                scale_id=SCALE,
                weighed_at=AT,
                gross_g=x.declared_gross_g + 100,
                tare_g=Decimal(100),
            )
            for x in lots
        ],
        actor=CLERK,
    )
    refinery.lab.seal_many(
        [
            SampleSetIn(
                lot_id=i,
                refiner=SampleIn(sample_id=f"{i}R", seal_number=f"{i}-R"),
                depositor=SampleIn(sample_id=f"{i}D", seal_number=f"{i}-D"),
                umpire=SampleIn(sample_id=f"{i}U", seal_number=f"{i}-U"),
            )
            for i in ids
        ],
        actor=CLERK,
    )
    refinery.lab.record_assays(
        [
            AssayIn(
                lot_id=i,
                role=role,
                laboratory="Lab",
                method=AssayMethod.FIRE_ASSAY,
                au_replicates_per_mille=[Decimal(au) + delta],
                ag_replicates_per_mille=[Decimal(40)],
            )
            for i, (_, au) in zip(ids, sizes, strict=True)
            for role, delta in ((SampleRole.REFINER, Decimal("0.1")), (SampleRole.DEPOSITOR, 0))
        ],
        actor=CHEMIST,
    )
    refinery.lab.exchange_many(ids, actor=CHEMIST)
    return ids


def _refine(refinery: Refinery, prefix: str, ids: list[str], split: list[int], run: int) -> None:
    """Two batches: each lot's gold split between them by `split`; bars, a residue and a loss
    taken from what each batch holds."""
    fine = {i: refinery.lots.get(i).fine_au_oz or Decimal(0) for i in ids}
    first = {
        i: (fine[i] * split[n % 3] / 100).quantize(Decimal("0.001")) for n, i in enumerate(ids)
    }
    plans = [
        [BatchInputIn(lot_id=i, fine_au_oz=first[i]) for i in ids if 0 < first[i] < fine[i]],
        [BatchInputIn(lot_id=i) for i in ids if first[i] < fine[i] or first[i] == 0],
    ]
    if plans[0] == []:
        plans[1] = [BatchInputIn(lot_id=i) for i in ids]
    for number, inputs in enumerate(p for p in plans if p):
        batch = f"{prefix}B{number}"
        planned = refinery.refining.plan(
            BatchPlan(batch_id=batch, planned_on=DAY + timedelta(days=run), inputs=inputs),
            actor=MANAGER,
        )
        held = planned.balance.fine_in_oz
        count = int(held * split[2] / 100 // BAR_FINE)
        if count:
            refinery.vault.cast_bars(
                CastBars(
                    batch_id=batch,
                    location=VAULT,
                    cast_at=AT,
                    bars=[
                        BarIn(
                            serial=f"{prefix}B{number}N{k}",
                            scale_reading_oz=Decimal("400.127"),
                            fineness_per_mille=Decimal("999.9"),
                        )
                        for k in range(count)
                    ],
                ),
                actor=MANAGER,
            )
        left = held - count * BAR_FINE
        residue = refinery.refining.record_residue(
            ResidueIn(
                batch_id=batch,
                residue_id=f"{batch}-R",
                kind=OutputKind.SWEEPS,
                gross_g=Decimal(split[0] * 10),
                au_per_mille=Decimal(split[1] * 5),
                ag_per_mille=Decimal(0),
            ),
            actor=MANAGER,
        )
        left -= residue.fine_au_oz
        loss = (left * split[1] / 1000).quantize(Decimal("0.001"))
        refinery.refining.close(
            CloseBatch(batch_id=batch, in_process_au_oz=left - loss, loss_au_oz=loss),
            actor=MANAGER,
        )


def _ledger_sums(refinery: Refinery) -> dict[tuple[str, str], Decimal]:
    """AU moved from one account to another, summed over the whole ledger."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    after = None
    while True:
        page = refinery.ledger.entries(commodity="AU", after_seq=after, limit=10_000)
        for e in page:
            sums[(e.from_account, e.to_account)] += e.quantity
        if len(page) < 10_000:
            return sums
        after = page[-1].seq


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sizes=lot_sizes, split=splits)
def test_gold_service_fine_gold_conserved(
    engine: Engine, sizes: list[tuple[int, int]], split: list[int]
) -> None:
    run = next(_runs)
    fresh = not Refinery(engine).depositors.all()
    refinery = refinery_with_depositor(engine) if fresh else Refinery(engine)
    prefix = f"R{run}"
    ids = _assayed(refinery, prefix, sizes)
    refinery.settlements.settle_many(ids, actor=MANAGER)
    _refine(refinery, prefix, ids, split, run)
    sums = _ledger_sums(refinery)
    for batch in refinery.refining.all():
        process = f"PROCESS:{batch.batch_id}"
        into = sum((q for (s, t), q in sums.items() if t == process), Decimal(0))
        out = {
            kind: sum(
                (q for (s, t), q in sums.items() if s == process and t.startswith(kind)),
                Decimal(0),
            )
            for kind in ("VAULT:", "RESIDUE:", "LOSS:")
        }
        in_process = refinery.ledger.balance(process, "AU")
        assert into == batch.balance.fine_in_oz
        assert into == out["VAULT:"] + in_process + out["RESIDUE:"] + out["LOSS:"]
        assert batch.balance.unaccounted_oz == 0
    balances = {b.account: b.quantity for b in refinery.ledger.balances(commodity="AU")}
    physical = sum((q for a, q in balances.items() if a.startswith(PHYSICAL)), Decimal(0))
    external = sum((q for a, q in balances.items() if a.startswith("EXTERNAL:")), Decimal(0))
    loss = balances.get("LOSS:REFINING", Decimal(0))
    assert physical + loss == -external
    assert all(q >= 0 for a, q in balances.items() if a.startswith(PHYSICAL))
    metal = sum((q for a, q in balances.items() if a.startswith("METAL:")), Decimal(0))
    assert metal == -balances.get("CLEARING:TOLL", Decimal(0))
