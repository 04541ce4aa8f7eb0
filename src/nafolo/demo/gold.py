"""A year of refinery activity for the demo, through the gold services (`nafolo.gold.service`).

Six depositors — three industrial mines, two artisanal cooperatives and a Bamako comptoir — with
owners, licences, geolocated origins and due-diligence assessments (renewed every six months);
every week their lots are registered, weighed in, sampled, assayed by both parties, exchanged and
settled, refined in one batch cast into LBMA Good Delivery bars that go to the vault; every four
weeks bars are shipped or returned, each release approved by a second person. The bulk variants
of the services are used (one call per step per week, same checks as one lot at a time). Each
step is dated on its day of the week (its business time), so monthly reports over the demo year
put every lot, settlement and batch in the month it happened.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from nafolo.demo.calendar import DemoPeriod
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
    ReleaseIn,
    SampleIn,
    SampleSetIn,
    ScaleIn,
    WeighingIn,
)

Progress = Callable[[str, int, int], None]

INTAKE = "refinery_operator"
ANALYST = "lab_analyst"
COMPLIANCE = "compliance_officer"
VAULT_KEEPER = "vault_keeper"
SECOND_SIGNATORY = "admin"
VAULT = "VAULT-A"
OZ = Decimal("0.001")


@dataclass(frozen=True)
class DemoDepositor:
    """A depositor of the demo and the lots it brings: per week, gross doré (g) and fineness (‰)."""

    depositor_id: str
    name: str
    kind: DepositorType
    owner: str
    site: str
    region: str
    latitude: str
    longitude: str
    scale: MiningScale
    lots_per_week: int
    gross_g: tuple[int, int]
    au_per_mille: tuple[int, int]
    ag_per_mille: tuple[int, int]


DEPOSITORS = (
    DemoDepositor(
        "SOMISY",
        "Société des Mines de Syama",
        DepositorType.INDUSTRIAL_MINE,
        "Resolute Mining",
        "Syama",
        "Sikasso",
        "10.80",
        "-6.10",
        MiningScale.LSM,
        1,
        (60_000, 110_000),
        (860, 920),
        (40, 80),
    ),
    DemoDepositor(
        "FEKOLA",
        "Fekola SA",
        DepositorType.INDUSTRIAL_MINE,
        "B2Gold Corp.",
        "Fekola",
        "Kayes",
        "12.62",
        "-11.36",
        MiningScale.LSM,
        1,
        (80_000, 120_000),
        (880, 930),
        (30, 60),
    ),
    DemoDepositor(
        "KALANA",
        "Société d'Exploitation des Mines d'Or de Kalana",
        DepositorType.INDUSTRIAL_MINE,
        "Endeavour Mining",
        "Kalana",
        "Sikasso",
        "11.03",
        "-8.21",
        MiningScale.LSM,
        1,
        (20_000, 45_000),
        (850, 900),
        (50, 90),
    ),
    DemoDepositor(
        "COOP-KANGABA",
        "Coopérative des orpailleurs de Kangaba",
        DepositorType.ARTISANAL_COOPERATIVE,
        "Union des coopératives de Kangaba",
        "Kangaba",
        "Koulikoro",
        "11.93",
        "-8.41",
        MiningScale.ASM,
        1,
        (2_000, 9_000),
        (780, 880),
        (80, 150),
    ),
    DemoDepositor(
        "COOP-KENIEBA",
        "Coopérative aurifère de Kéniéba",
        DepositorType.ARTISANAL_COOPERATIVE,
        "Association des orpailleurs de Kéniéba",
        "Kéniéba",
        "Kayes",
        "12.84",
        "-11.24",
        MiningScale.ASM,
        1,
        (1_500, 7_000),
        (790, 890),
        (70, 140),
    ),
    DemoDepositor(
        "COMPTOIR-BKO",
        "Comptoir Sahel Or (Bamako)",
        DepositorType.TRADER,
        "Famille Touré",
        "Comptoir de Bamako",
        "Bamako",
        "12.64",
        "-8.00",
        MiningScale.ASM,
        1,
        (8_000, 25_000),
        (800, 900),
        (60, 130),
    ),
)


@dataclass(frozen=True)
class GoldSummary:
    """What the gold part of the demo recorded."""

    depositors: int
    lots: int
    quarantined: int
    settled: int
    batches: int
    bars: int
    shipments: int


class GoldHistory:
    """Drives the refinery services through the demo period, week by week."""

    def __init__(
        self,
        refinery: Refinery,
        period: DemoPeriod,
        rng: random.Random,
        progress: Progress | None = None,
    ) -> None:
        self.refinery = refinery
        self.period = period
        self.rng = rng
        self.progress = progress
        self.lots = 0
        self.quarantined = 0
        self.settled = 0
        self.batches = 0
        self.bars: list[str] = []
        self.vaulted: list[str] = []
        self.shipments = 0

    def run(self) -> GoldSummary:
        self._set_up()
        mondays = self.period.mondays()
        for week, monday in enumerate(mondays):
            if week % 26 == 0 and week > 0:
                self._assess(monday.date())
            self._week(week, monday)
            if week % 4 == 3:
                self._releases(week, monday + timedelta(days=5, hours=10))
            if self.progress is not None:
                self.progress("gold", week + 1, len(mondays))
        return GoldSummary(
            depositors=len(DEPOSITORS),
            lots=self.lots,
            quarantined=self.quarantined,
            settled=self.settled,
            batches=self.batches,
            bars=len(self.bars),
            shipments=self.shipments,
        )

    # ---- registry -----------------------------------------------------------------------------

    def _set_up(self) -> None:
        deps = self.refinery.depositors
        first = self.period.first_day
        for d in DEPOSITORS:
            deps.register(
                NewDepositor(depositor_id=d.depositor_id, name=d.name, depositor_type=d.kind),
                actor=COMPLIANCE,
            )
            deps.add_owner(
                OwnerIn(
                    depositor_id=d.depositor_id,
                    name=d.owner,
                    share_pct=Decimal(100),
                    identity_verified=True,
                ),
                actor=COMPLIANCE,
            )
            licence = f"PE-{d.depositor_id}-2024"
            kind = "exploitation" if d.kind is DepositorType.INDUSTRIAL_MINE else "autorisation"
            deps.add_licence(
                LicenceIn(
                    depositor_id=d.depositor_id,
                    number=licence,
                    kind=kind,
                    valid_from=date(2024, 1, 1),
                    expires_on=date(2029, 12, 31),
                ),
                actor=COMPLIANCE,
            )
            deps.register_origin(
                OriginIn(
                    origin_id=f"{d.depositor_id}-SITE",
                    depositor_id=d.depositor_id,
                    site=d.site,
                    country="ML",
                    region=d.region,
                    latitude=Decimal(d.latitude),
                    longitude=Decimal(d.longitude),
                    scale=d.scale,
                    licence_number=licence,
                    licence_kind=kind,
                    licence_valid_from=date(2024, 1, 1),
                    licence_expires_on=date(2029, 12, 31),
                ),
                actor=COMPLIANCE,
            )
        self._assess(first - timedelta(days=7))
        lots = self.refinery.lots
        lots.register_scale(
            ScaleIn(
                scale_id="BAL-1",
                description="Balance d'accueil 150 kg (0,01 g)",
                calibrated_on=first - timedelta(days=30),
                calibration_valid_until=date(2027, 12, 31),
            ),
            actor=INTAKE,
        )
        self.refinery.vault.add_location(VAULT, "Chambre forte A (Sénou)", actor=VAULT_KEEPER)

    def _assess(self, on: date) -> None:
        for d in DEPOSITORS:
            self.refinery.depositors.assess(
                AssessmentIn(depositor_id=d.depositor_id, assessed_on=on), actor=COMPLIANCE
            )

    # ---- a week at the refinery ---------------------------------------------------------------

    def _week(self, week: int, monday: datetime) -> None:
        lots = self.refinery.lots
        lab = self.refinery.lab
        arrived = monday.date() + timedelta(days=1)
        new: list[NewLot] = []
        for d in DEPOSITORS:
            for n in range(d.lots_per_week):
                gross = Decimal(self.rng.randint(*d.gross_g))
                au = self.rng.randint(*d.au_per_mille)
                ag = min(self.rng.randint(*d.ag_per_mille), 985 - au)
                new.append(
                    NewLot(
                        lot_id=f"L{monday:%y%m%d}-{d.depositor_id}-{n + 1}",
                        depositor_id=d.depositor_id,
                        origin_id=f"{d.depositor_id}-SITE",
                        arrived_on=arrived,
                        declared_gross_g=gross,
                        declared_au_per_mille=Decimal(au),
                        declared_ag_per_mille=Decimal(ag),
                        seal_numbers=[f"SC-{monday:%y%m%d}-{d.depositor_id[:3]}{n + 1}"],
                        transport_documents=[f"LV-{monday:%y%m%d}-{d.depositor_id[:6]}"],
                        export_documents=[],
                    )
                )
        registered = lots.register_many(new, actor=INTAKE)
        self.lots += len(registered)
        held = [lot.lot_id for lot in registered if lot.status.value == "quarantined"]
        if held:
            self.quarantined += len(held)
            lots.release_many(
                held,
                actor=COMPLIANCE,
                on=arrived,
                reason="diligence renforcée : visite du site et documents vérifiés",
            )
        weighed_at = datetime.combine(arrived, datetime.min.time(), monday.tzinfo) + timedelta(
            hours=10
        )
        lots.receive_many(
            [
                WeighingIn(
                    lot_id=lot.lot_id,
                    scale_id="BAL-1",
                    weighed_at=weighed_at + timedelta(minutes=15 * i),
                    gross_g=(
                        lot.declared_gross_g
                        * (1 + Decimal(str(round(self.rng.uniform(-0.0006, 0.0004), 5))))
                        + 150
                    ).quantize(Decimal("0.01")),
                    tare_g=Decimal(150),
                )
                for i, lot in enumerate(new)
            ],
            actor=INTAKE,
        )
        lab.seal_many(
            [
                SampleSetIn(
                    lot_id=lot.lot_id,
                    refiner=SampleIn(sample_id=f"{lot.lot_id}-R", seal_number=f"E-{lot.lot_id}-R"),
                    depositor=SampleIn(
                        sample_id=f"{lot.lot_id}-D", seal_number=f"E-{lot.lot_id}-D"
                    ),
                    umpire=SampleIn(sample_id=f"{lot.lot_id}-U", seal_number=f"E-{lot.lot_id}-U"),
                )
                for lot in new
            ],
            actor=INTAKE,
            at=monday + timedelta(days=2, hours=8),
        )
        assays: list[AssayIn] = []
        for lot in new:
            au_assay = lot.declared_au_per_mille + Decimal(str(round(self.rng.uniform(-3, 3), 2)))
            ag_assay = lot.declared_ag_per_mille + Decimal(str(round(self.rng.uniform(-2, 2), 1)))
            for role, lab_name, delta in (
                (SampleRole.REFINER, "Laboratoire de la raffinerie (Sénou)", Decimal(0)),
                (
                    SampleRole.DEPOSITOR,
                    "SGS Bamako",
                    Decimal(str(round(self.rng.uniform(-0.2, 0.2), 2))),
                ),
            ):
                assays.append(
                    AssayIn(
                        lot_id=lot.lot_id,
                        role=role,
                        laboratory=lab_name,
                        method=AssayMethod.FIRE_ASSAY,
                        au_replicates_per_mille=[
                            au_assay + delta,
                            au_assay + delta + Decimal("0.05"),
                        ],
                        ag_replicates_per_mille=[ag_assay],
                    )
                )
        lab.record_assays(assays, actor=ANALYST, at=monday + timedelta(days=2, hours=15))
        ids = [lot.lot_id for lot in new]
        lab.exchange_many(ids, actor=ANALYST, at=monday + timedelta(days=3, hours=8))
        self.settled += len(
            self.refinery.settlements.settle_many(
                ids, actor=COMPLIANCE, at=monday + timedelta(days=3, hours=10)
            )
        )
        self._refine(week, monday, ids)

    def _refine(self, week: int, monday: datetime, lot_ids: list[str]) -> None:
        batch_id = f"B{monday:%y%m%d}"
        batch = self.refinery.refining.plan(
            BatchPlan(
                batch_id=batch_id,
                planned_on=monday.date() + timedelta(days=3),
                inputs=[BatchInputIn(lot_id=x) for x in lot_ids],
            ),
            actor=INTAKE,
            at=monday + timedelta(days=3, hours=12),
        )
        self.batches += 1
        fine_in = sum((i.fine_au_oz for i in batch.inputs), Decimal(0))
        count = int(fine_in * Decimal("0.985") / 418)
        cast_at = monday + timedelta(days=4, hours=15)
        fine_bars = Decimal(0)
        if count > 0:
            bars = self.refinery.vault.cast_bars(
                CastBars(
                    batch_id=batch_id,
                    location=VAULT,
                    cast_at=cast_at,
                    bars=[
                        BarIn(
                            serial=f"S{week + 1:02d}{monday:%y%m%d}{n + 1:02d}",
                            scale_reading_oz=Decimal(str(round(self.rng.uniform(402, 425), 3))),
                            fineness_per_mille=Decimal("999.9"),
                        )
                        for n in range(count)
                    ],
                ),
                actor=INTAKE,
            )
            self.bars += [b.bar_id for b in bars]
            self.vaulted += [b.bar_id for b in bars]
            fine_bars = sum((b.fine_oz for b in bars), Decimal(0))
        loss = (fine_in * Decimal("0.0003")).quantize(OZ, rounding=ROUND_DOWN)
        self.refinery.refining.close(
            CloseBatch(
                batch_id=batch_id,
                in_process_au_oz=fine_in - fine_bars - loss,
                loss_au_oz=loss,
                note="inventaire de fin de semaine",
            ),
            actor=INTAKE,
            at=monday + timedelta(days=4, hours=17),
        )

    def _releases(self, week: int, at: datetime) -> None:
        """Half the vaulted bars shipped to the buyer, one bar returned to a depositor."""
        vault = self.refinery.vault
        if len(self.vaulted) >= 4:
            half = self.vaulted[: len(self.vaulted) // 2]
            shipment = f"EXP-{at:%y%m%d}"
            vault.request_release(
                ReleaseIn(
                    shipment_id=shipment, bar_ids=half, consignee="BCEAO", kind="shipment", at=at
                ),
                actor=VAULT_KEEPER,
            )
            vault.approve_release(shipment, actor=SECOND_SIGNATORY, at=at + timedelta(hours=2))
            self.vaulted = self.vaulted[len(half) :]
            self.shipments += 1
        if self.vaulted:
            bar = vault.bar(self.vaulted[0])
            depositor = DEPOSITORS[week // 4 % 3]
            balance = self.refinery.settlements.balance(depositor.depositor_id)
            if balance.au_oz >= bar.fine_oz:
                shipment = f"RET-{at:%y%m%d}"
                vault.request_release(
                    ReleaseIn(
                        shipment_id=shipment,
                        bar_ids=[bar.bar_id],
                        consignee=depositor.depositor_id,
                        kind="return",
                        depositor_id=depositor.depositor_id,
                        at=at + timedelta(hours=3),
                    ),
                    actor=VAULT_KEEPER,
                )
                vault.approve_release(shipment, actor=SECOND_SIGNATORY, at=at + timedelta(hours=4))
                self.vaulted = self.vaulted[1:]
                self.shipments += 1
