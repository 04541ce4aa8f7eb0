"""The example operations workbook for the bundled Mali network (three weeks of January 2026).

Deterministic (seeded). It holds opening stocks, the month's liftings (inside the contract band),
nine convoys on six corridors with every compartment measured at loading and at receipt, convoy
events (escorts, an attack with a truck lost, a delay), daily withdrawals to regions limited to
the stock on hand, and weekly tank dips. Built to show: a late convoy (CV-0301, still on the road
on 26 January), a transit loss above tolerance (CV-0202, truck ML-2206-CV, 1.2 %), a dip variance
above tolerance (Sikasso gasoil, 18 January) and depots under their days-of-cover target.

Regenerate the shipped copy with `python -m nafolo.fuel.operations.example [PATH]`.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel

from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.fuel.operations.inputs import MeasuredLoad
from nafolo.fuel.operations.loads import standard_load, to_kilogram
from nafolo.fuel.operations.sheets import (
    CompartmentRow,
    ConvoyEventRow,
    ConvoyRow,
    DipRow,
    LiftingRow,
    OpeningStockRow,
    ReceiptRow,
    ToleranceRow,
    WithdrawalRow,
)
from nafolo.fuel.operations.workbook import write_operations
from nafolo.fuel.readmodels.stock import tonnes_of_m3

CONTRACT = "SUPPLY-2026"
START = datetime(2026, 1, 5, tzinfo=UTC)
END = datetime(2026, 1, 26, tzinfo=UTC)
"""The example covers 5–25 January 2026; reports 'as of' 26 January 00:00 show its alerts."""
COMPARTMENTS_L = (15_000, 15_000, 16_000)
EXPANSION_KG_M3_PER_C = {"GASOIL": 0.70, "SUPER": 0.90}
"""Rough fall of a hydrometer reading per °C, to write plausible observed densities."""
WEEKLY_LIFTINGS_T = (
    ("DAKAR", "GASOIL", 15_000),
    ("DAKAR", "SUPER", 5_000),
    ("ABIDJAN", "GASOIL", 12_000),
    ("ABIDJAN", "SUPER", 4_000),
    ("ABIDJAN", "FUEL_OIL", 4_000),
    ("ABIDJAN", "JET", 1_500),
    ("CONAKRY", "GASOIL", 2_500),
)


@dataclass(frozen=True)
class ConvoyPlan:
    convoy: str
    corridor: str
    dispatched: datetime
    trucks: int
    escorted: bool
    arrives: datetime | None


CONVOYS = (
    ConvoyPlan(
        "CV-0101",
        "DKR-KAYES-SENOU",
        datetime(2026, 1, 5, 6, tzinfo=UTC),
        20,
        True,
        datetime(2026, 1, 13, 8, tzinfo=UTC),
    ),
    ConvoyPlan(
        "CV-0102",
        "ABJ-SIKASSO-SENOU",
        datetime(2026, 1, 6, 6, tzinfo=UTC),
        20,
        True,
        datetime(2026, 1, 12, 8, tzinfo=UTC),
    ),
    ConvoyPlan(
        "CV-0103",
        "ABJ-SIKASSO",
        datetime(2026, 1, 7, 6, tzinfo=UTC),
        12,
        True,
        datetime(2026, 1, 11, 8, tzinfo=UTC),
    ),
    ConvoyPlan(
        "CV-0104",
        "CKY-KOUREMALE-SENOU",
        datetime(2026, 1, 8, 6, tzinfo=UTC),
        10,
        False,
        datetime(2026, 1, 13, 14, tzinfo=UTC),
    ),
    ConvoyPlan(
        "CV-0201",
        "DKR-KAYES-STAROIL",
        datetime(2026, 1, 12, 6, tzinfo=UTC),
        16,
        True,
        datetime(2026, 1, 20, 9, tzinfo=UTC),
    ),
    ConvoyPlan(
        "CV-0202",
        "ABJ-KOUTIALA-SEVARE",
        datetime(2026, 1, 13, 6, tzinfo=UTC),
        12,
        True,
        datetime(2026, 1, 20, 8, tzinfo=UTC),
    ),
    ConvoyPlan(
        "CV-0203",
        "ABJ-SIKASSO-SANZOU",
        datetime(2026, 1, 14, 6, tzinfo=UTC),
        14,
        True,
        datetime(2026, 1, 20, 10, tzinfo=UTC),
    ),
    ConvoyPlan("CV-0301", "DKR-KAYES-SENOU", datetime(2026, 1, 16, 6, tzinfo=UTC), 20, True, None),
    ConvoyPlan(
        "CV-0302", "ABJ-SIKASSO-SENOU", datetime(2026, 1, 20, 10, tzinfo=UTC), 20, True, None
    ),
)
LOST_TRUCK = ("CV-0201", 7)
HIGH_LOSS = ("CV-0202", 6, Decimal("0.012"))
DIPS = (("BKO-SENOU", "GASOIL"), ("SIKASSO", "GASOIL"), ("SEVARE", "SUPER"))
HIGH_DIP = ("SIKASSO", "GASOIL", datetime(2026, 1, 18, 18, tzinfo=UTC), Decimal("-0.009"))
WITHDRAWAL_HOUR = 14


def example_rows(network: Network, seed: int = 2026) -> dict[str, list[BaseModel]]:
    """Every sheet's rows of the example, consistent with the network and with each other."""
    rng = random.Random(seed)
    rows: dict[str, list[BaseModel]] = defaultdict(list)
    book: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    moves: list[tuple[datetime, str, str, Decimal]] = []  # receipts into depots, by time

    for tank in network.depot_tanks:
        if tank.opening_stock_t > 0:
            quantity = Decimal(str(tank.opening_stock_t))
            rows["opening_stocks"].append(
                OpeningStockRow(
                    document_ref=f"OPEN-{tank.depot}-{tank.product}",
                    depot=tank.depot,
                    product=tank.product,
                    at=START,
                    quantity_t=float(quantity),
                )
            )
            book[(tank.depot, tank.product)] += quantity
    for week in range(4):
        for i, (port, product, tonnes) in enumerate(WEEKLY_LIFTINGS_T):
            rows["liftings"].append(
                LiftingRow(
                    document_ref=f"BL-{port[:3]}-{week + 1}{i + 1:02d}",
                    contract=CONTRACT,
                    port=port,
                    product=product,
                    lifted_at=START + timedelta(days=7 * week + i % 3, hours=-48),
                    quantity_t=float(tonnes + rng.randint(-150, 150)),
                )
            )
    for plan in CONVOYS:
        _convoy(network, plan, rng, rows, moves)
    moves.sort()
    _days(network, rng, rows, book, moves)
    rows["tolerances"].append(ToleranceRow(contract=CONTRACT, transit_loss_tolerance_pct=0.5))
    return dict(rows)


def _density(product: str, rho15: float, temperature_c: float) -> float:
    return round(rho15 - EXPANSION_KG_M3_PER_C[product] * (temperature_c - 15), 1)


def _convoy(
    network: Network,
    plan: ConvoyPlan,
    rng: random.Random,
    rows: dict[str, list[BaseModel]],
    moves: list[tuple[datetime, str, str, Decimal]],
) -> None:
    corridor = network.corridor(plan.corridor)
    rows["convoys"].append(
        ConvoyRow(
            convoy=plan.convoy,
            corridor=plan.corridor,
            contract=CONTRACT,
            dispatched_at=plan.dispatched,
            escorted=plan.escorted,
            document_ref=f"MAN-{plan.convoy}",
        )
    )
    number = 0

    def event(kind: str, at: datetime, **extra: object) -> None:
        nonlocal number
        number += 1
        rows["convoy_events"].append(
            ConvoyEventRow.model_validate(
                {
                    "document_ref": f"EV-{plan.convoy}-{number}",
                    "convoy": plan.convoy,
                    "event": kind,
                    "at": at,
                    **extra,
                }
            )
        )

    event("departed", plan.dispatched + timedelta(hours=2))
    if plan.escorted:
        event("escorted", plan.dispatched + timedelta(hours=3), note="military escort joined")
    for t in range(1, plan.trucks + 1):
        truck = f"ML-{2200 + t:04d}-{plan.convoy[-3:]}"
        lost = (plan.convoy, t) == LOST_TRUCK
        for c, volume in enumerate(COMPARTMENTS_L, 1):
            product = "SUPER" if c == 3 and t % 2 == 0 else "GASOIL"
            rho15 = network.product(product).density_15_kg_m3 + rng.uniform(-2, 2)
            load_c = round(rng.uniform(28, 32), 1)
            load = MeasuredLoad(
                volume_l=Decimal(volume),
                temperature_c=Decimal(str(load_c)),
                density_kg_m3=Decimal(str(_density(product, rho15, load_c))),
            )
            group = network.product(product).group
            loaded_t = standard_load(load, group).weight_in_air_t
            rows["compartments"].append(
                CompartmentRow(
                    convoy=plan.convoy,
                    truck=truck,
                    compartment=c,
                    product=product,
                    carrier=f"Transports {('Diarra', 'Traoré', 'Keita', 'Coulibaly')[t % 4]}",
                    volume_l=float(volume),
                    temperature_c=load_c,
                    density_kg_m3=float(load.density_kg_m3),
                )
            )
            if lost or plan.arrives is None:
                continue
            loss = Decimal(str(round(rng.uniform(-0.0005, 0.0025), 5)))
            if (plan.convoy, t) == HIGH_LOSS[:2]:
                loss = HIGH_LOSS[2]
            receipt_c = round(rng.uniform(33, 37), 1)
            density = Decimal(str(_density(product, rho15, receipt_c)))
            litre = MeasuredLoad(
                volume_l=Decimal(10_000),
                temperature_c=Decimal(str(receipt_c)),
                density_kg_m3=density,
            )
            per_litre = standard_load(litre, group).weight_in_air_t / 10_000
            volume_in = (loaded_t * (1 - loss) / per_litre).quantize(Decimal(1))
            measured = MeasuredLoad(
                volume_l=volume_in, temperature_c=Decimal(str(receipt_c)), density_kg_m3=density
            )
            received_at = plan.arrives + timedelta(minutes=10 * t)
            rows["receipts"].append(
                ReceiptRow(
                    document_ref=f"REC-{plan.convoy}-{t:02d}{c}",
                    convoy=plan.convoy,
                    truck=truck,
                    compartment=c,
                    depot=corridor.depot,
                    received_at=received_at,
                    volume_l=float(volume_in),
                    temperature_c=receipt_c,
                    density_kg_m3=float(density),
                )
            )
            moves.append(
                (
                    received_at,
                    corridor.depot,
                    product,
                    standard_load(measured, group).weight_in_air_t,
                )
            )
        if lost:
            attacked = plan.dispatched + timedelta(days=3, hours=5)
            event("attacked", attacked, note="ambush near Diéma; escort repelled the attack")
            event("truck_lost", attacked + timedelta(hours=1), truck=truck, note="tanker burnt")
    if plan.convoy == "CV-0301":
        event(
            "delayed",
            plan.dispatched + timedelta(days=4),
            delay_days=3.0,
            note="road closed after an attack near Kayes",
        )
    if plan.arrives is not None:
        event("arrived", plan.arrives - timedelta(hours=1))


def _days(
    network: Network,
    rng: random.Random,
    rows: dict[str, list[BaseModel]],
    book: dict[tuple[str, str], Decimal],
    moves: list[tuple[datetime, str, str, Decimal]],
) -> None:
    """Day by day: receipts in, withdrawals out (never below tank bottom), Sunday dips."""
    bottoms = {
        (t.depot, t.product): tonnes_of_m3(
            t.tank_bottom_m3, network.product(t.product).density_15_kg_m3
        )
        for t in network.depot_tanks
    }
    served: dict[str, list[str]] = defaultdict(list)
    for s in network.region_supply:
        served[s.depot].append(s.region)
    demand = {(d.region, d.product): d.t_per_week for d in network.demand}
    day = START
    number = 0
    while day < END:
        cutoff = day + timedelta(hours=WITHDRAWAL_HOUR)
        while moves and moves[0][0] <= cutoff:
            _, depot, product, tonnes = moves.pop(0)
            book[(depot, product)] += tonnes
        for (depot, product), stock in sorted(book.items()):
            regions = [r for r in served[depot] if (r, product) in demand]
            if not regions:
                continue
            region = regions[day.day % len(regions)]
            wanted = Decimal(str(demand[(region, product)] / 7 / 12)) * Decimal(
                str(round(rng.uniform(0.8, 1.2), 2))
            )
            available = stock - bottoms.get((depot, product), Decimal(0)) - 1
            quantity = to_kilogram(min(wanted, available))
            if quantity <= 0:
                continue
            number += 1
            rows["withdrawals"].append(
                WithdrawalRow(
                    document_ref=f"WD-{number:05d}",
                    depot=depot,
                    region=region,
                    product=product,
                    withdrawn_at=cutoff,
                    quantity_t=float(quantity),
                )
            )
            book[(depot, product)] -= quantity
        if day.weekday() == 6:
            _dips(network, rng, rows, book, day + timedelta(hours=18))
        day += timedelta(days=1)


def _dips(
    network: Network,
    rng: random.Random,
    rows: dict[str, list[BaseModel]],
    book: dict[tuple[str, str], Decimal],
    at: datetime,
) -> None:
    for depot, product in DIPS:
        stock = book[(depot, product)]
        if stock <= 0:
            continue
        variance = Decimal(str(round(rng.uniform(-0.002, 0.001), 4)))
        if (depot, product, at) == HIGH_DIP[:3]:
            variance = HIGH_DIP[3]
        temperature = round(rng.uniform(29, 33), 1)
        rho15 = network.product(product).density_15_kg_m3
        density = Decimal(str(_density(product, rho15, temperature)))
        group = network.product(product).group
        litre = MeasuredLoad(
            volume_l=Decimal(100_000),
            temperature_c=Decimal(str(temperature)),
            density_kg_m3=density,
        )
        per_litre = standard_load(litre, group).weight_in_air_t / 100_000
        volume = (stock * (1 + variance) / per_litre).quantize(Decimal(1))
        measured = MeasuredLoad(
            volume_l=volume, temperature_c=Decimal(str(temperature)), density_kg_m3=density
        )
        rows["dips"].append(
            DipRow(
                document_ref=f"DIP-{depot}-{product}-{at:%m%d}",
                depot=depot,
                product=product,
                dipped_at=at,
                volume_l=float(volume),
                temperature_c=temperature,
                density_kg_m3=float(density),
            )
        )
        book[(depot, product)] = standard_load(measured, group).weight_in_air_t


def bundled_example_path() -> Path:
    """The shipped example operations workbook (a CSV folder inside the package)."""
    folder = files("nafolo.fuel") / "data" / "mali_operations"
    if not isinstance(folder, Path):
        raise RuntimeError(f"bundled example is not on the file system: {folder}")
    return folder


def write_example(path: Path, network: Network | None = None) -> None:
    """Write the example workbook (.xlsx, or a CSV folder for any other path)."""
    write_operations(path, example_rows(network or load_network()))


if __name__ == "__main__":
    write_example(Path(sys.argv[1]) if len(sys.argv) > 1 else bundled_example_path())
