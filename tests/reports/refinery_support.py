"""A refinery month (March 2026) through the gold services: an approved industrial depositor
with a licensed origin in Sikasso, one lot received, assayed, settled, refined into two bars,
the batch closed with metal still in process; a second assessment in March. Every step is dated
in the first week of March (its business time), whenever the test runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine

from nafolo.gold.assays import AssayMethod, SampleRole
from nafolo.gold.diligence import DepositorType, MiningScale
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
    SampleIn,
    SampleSetIn,
    ScaleIn,
    WeighingIn,
)

PERIOD = "2026-03"
DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LICENCE = {
    "licence_number": "PE-2020-01",
    "licence_kind": "exploitation",
    "licence_valid_from": date(2020, 1, 1),
    "licence_expires_on": date(2030, 12, 31),
}


def refine_march(engine: Engine) -> Refinery:
    refinery = Refinery(engine)
    deps = refinery.depositors
    deps.register(
        NewDepositor(
            depositor_id="DEP-1",
            name="Mine de Kalana SA",
            depositor_type=DepositorType.INDUSTRIAL_MINE,
        ),
        actor="clerk",
    )
    deps.add_owner(
        OwnerIn(
            depositor_id="DEP-1",
            name="Kalana Holding",
            share_pct=Decimal(100),
            identity_verified=True,
        ),
        actor="clerk",
    )
    deps.add_licence(
        LicenceIn(
            depositor_id="DEP-1",
            number="PE-2020-01",
            kind="exploitation",
            valid_from=date(2020, 1, 1),
            expires_on=date(2030, 12, 31),
        ),
        actor="clerk",
    )
    deps.register_origin(
        OriginIn(
            origin_id="OR-1",
            depositor_id="DEP-1",
            site="Kalana",
            country="ML",
            region="Sikasso",
            latitude=Decimal("11.03"),
            longitude=Decimal("-8.21"),
            scale=MiningScale.LSM,
            **LICENCE,
        ),
        actor="clerk",
    )
    deps.assess(AssessmentIn(depositor_id="DEP-1", assessed_on=date(2026, 1, 10)), actor="reviewer")
    refinery.lots.register_scale(
        ScaleIn(
            scale_id="SC-1",
            calibrated_on=date(2026, 1, 1),
            calibration_valid_until=date(2026, 12, 31),
        ),
        actor="clerk",
    )
    refinery.vault.add_location("V1", "Chambre forte 1", actor="clerk")
    refinery.lots.register(
        NewLot(
            lot_id="L1",
            depositor_id="DEP-1",
            origin_id="OR-1",
            arrived_on=DAY,
            declared_gross_g=Decimal("31103.477"),
            declared_au_per_mille=Decimal(900),
            declared_ag_per_mille=Decimal(80),
            seal_numbers=["S-L1"],
        ),
        actor="clerk",
    )
    refinery.lots.receive(
        WeighingIn(
            lot_id="L1",
            scale_id="SC-1",
            weighed_at=AT,
            gross_g=Decimal("31603.477"),
            tare_g=Decimal(500),
        ),
        actor="clerk",
    )
    refinery.lab.seal_samples(
        SampleSetIn(
            lot_id="L1",
            refiner=SampleIn(sample_id="L1-R", seal_number="SS-L1-R"),
            depositor=SampleIn(sample_id="L1-D", seal_number="SS-L1-D"),
            umpire=SampleIn(sample_id="L1-U", seal_number="SS-L1-U"),
        ),
        actor="clerk",
        at=AT + timedelta(hours=1),
    )
    for role, au in ((SampleRole.REFINER, "900.10"), (SampleRole.DEPOSITOR, "900.30")):
        refinery.lab.record_assay(
            AssayIn(
                lot_id="L1",
                role=role,
                laboratory="Lab",
                method=AssayMethod.FIRE_ASSAY,
                au_replicates_per_mille=[Decimal(au)],
                ag_replicates_per_mille=[Decimal("80.0")],
            ),
            actor="chemist",
            at=AT + timedelta(days=1),
        )
    refinery.lab.exchange("L1", actor="chemist", at=AT + timedelta(days=2))
    refinery.settlements.settle("L1", actor="manager", at=AT + timedelta(days=3))
    refinery.refining.plan(
        BatchPlan(batch_id="B1", planned_on=DAY, inputs=[BatchInputIn(lot_id="L1")]),
        actor="manager",
        at=AT + timedelta(days=3, hours=3),
    )
    bar = {"scale_reading_oz": Decimal("400.127"), "fineness_per_mille": Decimal("999.9")}
    refinery.vault.cast_bars(
        CastBars(
            batch_id="B1",
            location="V1",
            cast_at=AT + timedelta(days=4),
            bars=[BarIn(serial="A1", **bar), BarIn(serial="A2", **bar)],
        ),
        actor="manager",
    )
    refinery.refining.close(
        CloseBatch(batch_id="B1", in_process_au_oz=Decimal("100.000"), loss_au_oz=Decimal("0.032")),
        actor="manager",
        at=AT + timedelta(days=4, hours=8),
    )
    deps.assess(AssessmentIn(depositor_id="DEP-1", assessed_on=date(2026, 3, 20)), actor="reviewer")
    return refinery
