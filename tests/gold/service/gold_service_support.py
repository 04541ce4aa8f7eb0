"""Shared set-up for the gold service tests: an approved depositor, a calibrated scale, a vault,
and lots taken through the steps (imported by the tests, not a conftest)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine

from nafolo.gold.assays import AssayMethod, SampleRole
from nafolo.gold.diligence import DepositorType, MiningScale
from nafolo.gold.service import (
    AssayIn,
    AssessmentIn,
    BatchInputIn,
    BatchPlan,
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

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEPOSITOR = "DEP-1"
ORIGIN = "OR-1"
SCALE = "SC-1"
VAULT = "V1"
CLERK = "clerk"
CHEMIST = "chemist"
MANAGER = "manager"


def refinery_with_depositor(engine: Engine, *, approve: bool = True) -> Refinery:
    """A refinery with one industrial depositor (licensed, owner identified), its licensed origin
    in Sikasso, a scale calibrated for 2026 and a vault location; approved unless told."""
    refinery = Refinery(engine)
    deps = refinery.depositors
    deps.register(
        NewDepositor(
            depositor_id=DEPOSITOR,
            name="Mine de Kalana SA",
            depositor_type=DepositorType.INDUSTRIAL_MINE,
        ),
        actor=CLERK,
    )
    deps.add_owner(
        OwnerIn(
            depositor_id=DEPOSITOR,
            name="Kalana Holding",
            share_pct=Decimal(100),
            identity_verified=True,
        ),
        actor=CLERK,
    )
    deps.add_licence(
        LicenceIn(
            depositor_id=DEPOSITOR,
            number="PE-2020-01",
            kind="exploitation",
            valid_from=date(2020, 1, 1),
            expires_on=date(2030, 12, 31),
        ),
        actor=CLERK,
    )
    deps.register_origin(
        OriginIn(
            origin_id=ORIGIN,
            depositor_id=DEPOSITOR,
            site="Kalana",
            country="ML",
            region="Sikasso",
            latitude=Decimal("11.03"),
            longitude=Decimal("-8.21"),
            scale=MiningScale.LSM,
            licence_number="PE-2020-01",
            licence_kind="exploitation",
            licence_valid_from=date(2020, 1, 1),
            licence_expires_on=date(2030, 12, 31),
        ),
        actor=CLERK,
    )
    if approve:
        deps.assess(
            AssessmentIn(depositor_id=DEPOSITOR, assessed_on=date(2026, 1, 10)), actor="reviewer"
        )
    refinery.lots.register_scale(
        ScaleIn(
            scale_id=SCALE,
            calibrated_on=date(2026, 1, 1),
            calibration_valid_until=date(2026, 12, 31),
        ),
        actor=CLERK,
    )
    refinery.vault.add_location(VAULT, "Chambre forte 1", actor=CLERK)
    return refinery


def new_lot(lot_id: str, gross_g: str = "20000", au: str = "900", ag: str = "80") -> NewLot:
    return NewLot(
        lot_id=lot_id,
        depositor_id=DEPOSITOR,
        origin_id=ORIGIN,
        arrived_on=DAY,
        declared_gross_g=Decimal(gross_g),
        declared_au_per_mille=Decimal(au),
        declared_ag_per_mille=Decimal(ag),
        seal_numbers=[f"S-{lot_id}"],
    )


def received_lot(
    refinery: Refinery, lot_id: str, gross_g: str = "20000", au: str = "900", on: datetime = AT
) -> None:
    refinery.lots.register(new_lot(lot_id, gross_g, au), actor=CLERK)
    refinery.lots.receive(
        WeighingIn(
            lot_id=lot_id,
            scale_id=SCALE,
            weighed_at=on,
            gross_g=Decimal(gross_g) + 500,
            tare_g=Decimal(500),
        ),
        actor=CLERK,
    )


def assayed_lot(
    refinery: Refinery,
    lot_id: str,
    gross_g: str = "20000",
    refiner_au: str = "900.10",
    depositor_au: str = "900.30",
    on: datetime = AT,
    exchange_at: datetime | None = None,
) -> None:
    """A lot received at `on`, sampled an hour later, assayed by refiner (CHEMIST) and
    depositor the next day, and exchanged the day after (`exchanged_at`)."""
    received_lot(refinery, lot_id, gross_g, on=on)
    refinery.lab.seal_samples(
        SampleSetIn(
            lot_id=lot_id,
            refiner=SampleIn(sample_id=f"{lot_id}-R", seal_number=f"SS-{lot_id}-R"),
            depositor=SampleIn(sample_id=f"{lot_id}-D", seal_number=f"SS-{lot_id}-D"),
            umpire=SampleIn(sample_id=f"{lot_id}-U", seal_number=f"SS-{lot_id}-U"),
        ),
        actor=CLERK,
        at=on + timedelta(hours=1),
    )
    for role, au in ((SampleRole.REFINER, refiner_au), (SampleRole.DEPOSITOR, depositor_au)):
        refinery.lab.record_assay(
            AssayIn(
                lot_id=lot_id,
                role=role,
                laboratory="Lab",
                method=AssayMethod.FIRE_ASSAY,
                au_replicates_per_mille=[Decimal(au)],
                ag_replicates_per_mille=[Decimal("80.0")],
            ),
            actor=CHEMIST,
            at=on + timedelta(days=1),
        )
    refinery.lab.exchange(lot_id, actor=CHEMIST, at=exchange_at or exchanged_at(on))


def exchanged_at(received: datetime) -> datetime:
    """When `assayed_lot` exchanges a lot received at `received`."""
    return received + timedelta(days=2)


def batch_of(refinery: Refinery, batch_id: str, lots: list[str], day: date = DAY) -> None:
    refinery.refining.plan(
        BatchPlan(batch_id=batch_id, planned_on=day, inputs=[BatchInputIn(lot_id=x) for x in lots]),
        actor=MANAGER,
    )
