"""A year of fuel operations for the demo, recorded one operation at a time through
`FuelOperations` (the service the API and the importer use), so every check applies.

Tonnages are realistic in aggregate (the bundled network's demand, ≈ 40,820 t a week, with its
monthly seasonality), but a convoy is modelled as four *representative* trucks whose compartments
each stand for many real tankers: a 6,000 t convoy has one compartment per product (up to
~7,000 m³), not 150 tankers of three 15 m³ compartments. This keeps a year to about a
thousand receipts (fast to build) while stocks, liftings, losses and days of cover look like
the programme's.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from nafolo.demo.calendar import DemoPeriod
from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import CorridorRow
from nafolo.fuel.operations import (
    Compartment,
    ConvoyDispatch,
    ConvoyEvent,
    ConvoyEventKind,
    Dip,
    FuelOperations,
    Lifting,
    MeasuredLoad,
    OpeningStock,
    Receipt,
    Withdrawal,
)
from nafolo.fuel.operations.example import CONTRACT
from nafolo.fuel.operations.loads import standard_load, to_kilogram
from nafolo.fuel.readmodels.stock import tonnes_of_m3

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as the demo is built."""

TRUCKS_PER_CONVOY = 4
SUPPLIED_SHARE = 0.97
"""Share of the network's demand the convoys carry: keeps every month's liftings (demand ×
seasonality, up to 1.05 in March) inside the contract's 200,000 t maximum."""
BIG_DEPOT_T_PER_WEEK = 10_000
"""Depots above this weekly demand get two convoys a week (Mon, Thu), the others one (Tue)."""
WITHDRAWAL_DAYS = (1, 4)
"""Depots load out to the regions on Tuesdays and Fridays (half a week's demand each)."""
EXPANSION_KG_M3_PER_C = {"fuel_oil": 0.70, "gasoline": 0.90, "jet": 0.75}
"""Rough fall of a hydrometer reading per °C by product group, for plausible observed densities."""
CARRIERS = ("Transports Diarra", "Transports Traoré", "Keita Logistique", "Coulibaly & Fils")
ATTACK_RATE = 0.04
DELAY_RATE = 0.08
HIGH_LOSS_RATE = 0.03
HIGH_DIP_RATE = 0.03
WITHDRAWAL_HOUR = 14
OPERATOR = "depot_operator"
APPROVER = "compliance_officer"


@dataclass(frozen=True)
class FuelSummary:
    """What the fuel part of the demo recorded."""

    liftings: int
    convoys: int
    receipts: int
    losses_above_tolerance: int
    trucks_lost: int
    withdrawals: int
    dips: int
    lifted_t: Decimal


@dataclass
class _Arrival:
    at: datetime
    convoy: str
    depot: str
    compartments: list[tuple[Compartment, Decimal]]  # with the loaded standard weight, t


class FuelHistory:
    """Drives `FuelOperations` through the demo period, week by week."""

    def __init__(
        self,
        operations: FuelOperations,
        period: DemoPeriod,
        rng: random.Random,
        progress: Progress | None = None,
    ) -> None:
        self.ops = operations
        self.network = operations.network
        self.period = period
        self.rng = rng
        self.progress = progress
        self.book: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.weekly_t = depot_weekly_demand(self.network)
        self.bottoms = {
            (t.depot, t.product): tonnes_of_m3(
                t.tank_bottom_m3, self.network.product(t.product).density_15_kg_m3
            )
            for t in self.network.depot_tanks
        }
        self.arrivals: list[_Arrival] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.lifted_t = Decimal(0)

    # ---- the year -----------------------------------------------------------------------------

    def run(self) -> FuelSummary:
        self._openings()
        mondays = self.period.mondays()
        for week, monday in enumerate(mondays):
            self._week(week, monday)
            if self.progress is not None:
                self.progress("fuel", week + 1, len(mondays))
        return FuelSummary(
            liftings=self.counts["lifting"],
            convoys=self.counts["convoy"],
            receipts=self.counts["receipt"],
            losses_above_tolerance=self.counts["high_loss"],
            trucks_lost=self.counts["truck_lost"],
            withdrawals=self.counts["withdrawal"],
            dips=self.counts["dip"],
            lifted_t=self.lifted_t,
        )

    def _openings(self) -> None:
        for tank in self.network.depot_tanks:
            if tank.opening_stock_t <= 0:
                continue
            quantity = Decimal(str(tank.opening_stock_t))
            self.ops.record_opening_stock(
                OpeningStock(
                    document_ref=f"OPEN-{tank.depot}-{tank.product}",
                    depot=tank.depot,
                    product=tank.product,
                    at=self.period.start,
                    quantity_t=quantity,
                    actor=OPERATOR,
                )
            )
            self.book[(tank.depot, tank.product)] += quantity

    def _week(self, week: int, monday: datetime) -> None:
        factor = _seasonality(self.network, monday.month)
        dispatches: list[tuple[datetime, str, str, list[Compartment]]] = []
        for depot, products in sorted(self.weekly_t.items()):
            days = _dispatch_days(products)
            for day in days:
                at = monday + timedelta(days=day, hours=6)
                load = self._convoy_load(at, depot, products, factor, days)
                if load is not None and at < self.period.end:
                    dispatches.append(load)
        dispatches.sort(key=lambda d: (d[0], d[1]))
        self._liftings(week, monday, dispatches)
        for number, (at, depot, corridor, compartments) in enumerate(dispatches, 1):
            self._dispatch(f"CV-{monday:%y%m%d}-{number:02d}", at, depot, corridor, compartments)
        for day in range(7):
            start = monday + timedelta(days=day)
            if start >= self.period.end:
                break
            cutoff = start + timedelta(hours=WITHDRAWAL_HOUR)
            self._receive_until(cutoff)
            if day in WITHDRAWAL_DAYS:
                self._withdrawals(cutoff, factor)
            if day == 6:
                self._receive_until(start + timedelta(hours=18))
                self._dips(start + timedelta(hours=18))
        self._receive_until(monday + timedelta(days=7))

    # ---- liftings and convoys -----------------------------------------------------------------

    def _convoy_load(
        self,
        at: datetime,
        depot: str,
        products: dict[str, float],
        factor: float,
        days: tuple[int, ...],
    ) -> tuple[datetime, str, str, list[Compartment]] | None:
        corridors = _corridors_to(self.network, depot, set(products))
        if not corridors:
            return None
        weights = [c.max_trucks_per_week for c in corridors]
        corridor = self.rng.choices(corridors, weights=weights)[0]
        compartments: list[Compartment] = []
        for slot, (product, t_per_week) in enumerate(sorted(products.items())):
            tonnes = t_per_week * SUPPLIED_SHARE / len(days) * factor * self.rng.uniform(0.9, 1.1)
            truck_no = slot % TRUCKS_PER_CONVOY + 1
            compartments.append(
                Compartment(
                    truck=f"T{truck_no}",
                    compartment=slot // TRUCKS_PER_CONVOY + 1,
                    product=product,
                    carrier=CARRIERS[truck_no - 1],
                    load=self._measured(product, Decimal(str(round(tonnes, 3))), 28, 32),
                )
            )
        return at, depot, corridor.corridor, compartments

    def _liftings(
        self,
        week: int,
        monday: datetime,
        dispatches: list[tuple[datetime, str, str, list[Compartment]]],
    ) -> None:
        needed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for _, _, corridor, compartments in dispatches:
            port = self.network.corridor(corridor).port
            for c in compartments:
                group = self.network.product(c.product).group
                needed[(port, c.product)] += standard_load(c.load, group).weight_in_air_t
        for i, ((port, product), tonnes) in enumerate(sorted(needed.items())):
            quantity = to_kilogram(tonnes * Decimal(str(round(self.rng.uniform(1.0, 1.01), 4))))
            self.ops.record_lifting(
                Lifting(
                    document_ref=f"BL-{port[:3]}-{monday:%y%m%d}-{i + 1:02d}",
                    contract=CONTRACT,
                    port=port,
                    product=product,
                    lifted_at=monday - timedelta(days=7 - i % 6, hours=-8),
                    quantity_t=quantity,
                    actor=OPERATOR,
                )
            )
            self.counts["lifting"] += 1
            self.lifted_t += quantity

    def _dispatch(
        self,
        convoy: str,
        at: datetime,
        depot: str,
        corridor_code: str,
        compartments: list[Compartment],
    ) -> None:
        corridor = self.network.corridor(corridor_code)
        escorted = bool(corridor.escort_required)
        self.ops.dispatch_convoy(
            ConvoyDispatch(
                document_ref=f"MAN-{convoy}",
                convoy=convoy,
                corridor=corridor_code,
                contract=CONTRACT,
                dispatched_at=at,
                escorted=escorted,
                compartments=compartments,
                actor=OPERATOR,
            )
        )
        self.counts["convoy"] += 1
        events: list[tuple[ConvoyEventKind, datetime, dict[str, object]]] = [
            (ConvoyEventKind.DEPARTED, at + timedelta(hours=2), {})
        ]
        if escorted:
            events.append(
                (ConvoyEventKind.ESCORTED, at + timedelta(hours=3), {"note": "escorte militaire"})
            )
        days = float(corridor.transit_days) + float(corridor.border_days)
        if escorted:
            days += float(corridor.escort_extra_days)
        lost: str | None = None
        if escorted and self.rng.random() < ATTACK_RATE:
            attacked = at + timedelta(days=days / 2, hours=5)
            lost = min(compartments, key=lambda c: c.load.volume_l).truck  # the lightest truck
            events.append(
                (ConvoyEventKind.ATTACKED, attacked, {"note": "embuscade; l'escorte a riposté"})
            )
            events.append(
                (
                    ConvoyEventKind.TRUCK_LOST,
                    attacked + timedelta(hours=1),
                    {"truck": lost, "note": "citerne incendiée"},
                )
            )
            self.counts["truck_lost"] += 1
        if self.rng.random() < DELAY_RATE:
            delay = self.rng.choice((1, 2, 3, 4))
            events.append(
                (
                    ConvoyEventKind.DELAYED,
                    at + timedelta(days=1, hours=12),
                    {"delay_days": Decimal(delay), "note": "route fermée / attente à la frontière"},
                )
            )
            days += delay
        arrives = at + timedelta(days=days)
        if arrives < self.period.end:
            events.append((ConvoyEventKind.ARRIVED, arrives - timedelta(hours=1), {}))
        events.sort(key=lambda e: e[1])
        for n, (kind, moment, extra) in enumerate(events, 1):
            if moment >= self.period.end:
                continue
            self.ops.record_convoy_event(
                ConvoyEvent.model_validate(
                    {
                        "document_ref": f"EV-{convoy}-{n}",
                        "convoy": convoy,
                        "event": kind,
                        "at": moment,
                        "actor": OPERATOR,
                        **extra,
                    }
                )
            )
        kept = [
            (c, standard_load(c.load, self.network.product(c.product).group).weight_in_air_t)
            for c in compartments
            if c.truck != lost
        ]
        self.arrivals.append(_Arrival(arrives, convoy, depot, kept))
        self.arrivals.sort(key=lambda a: a.at)

    def _receive_until(self, cutoff: datetime) -> None:
        while self.arrivals and self.arrivals[0].at <= cutoff:
            arrival = self.arrivals.pop(0)
            if arrival.at >= self.period.end:
                continue
            for i, (compartment, loaded_t) in enumerate(arrival.compartments):
                self._receipt(arrival, i, compartment, loaded_t)

    def _receipt(
        self, arrival: _Arrival, index: int, compartment: Compartment, loaded_t: Decimal
    ) -> None:
        loss = self.rng.uniform(-0.0005, 0.0035)
        if self.rng.random() < HIGH_LOSS_RATE:
            loss = self.rng.uniform(0.006, 0.015)
        product = compartment.product
        group = self.network.product(product).group
        received_t = loaded_t * (1 - Decimal(str(round(loss, 5))))
        load = self._measured(product, received_t, 33, 37)
        result = self.ops.record_receipt(
            Receipt(
                document_ref=f"REC-{arrival.convoy}-{compartment.truck}-{compartment.compartment}",
                convoy=arrival.convoy,
                truck=compartment.truck,
                compartment=compartment.compartment,
                depot=arrival.depot,
                received_at=arrival.at + timedelta(minutes=20 * index),
                load=load,
                actor=OPERATOR,
            )
        )
        self.counts["receipt"] += 1
        self.book[(arrival.depot, product)] += standard_load(load, group).weight_in_air_t
        if result.variance is not None and result.variance.above_tolerance:
            self.counts["high_loss"] += 1
            if self.counts["high_loss"] % 3 != 0:  # most approved, some left pending
                self.ops.approve_loss_write_off(
                    result.document_ref, APPROVER, note="perte constatée, pièces vérifiées"
                )

    # ---- depots -------------------------------------------------------------------------------

    def _withdrawals(self, at: datetime, factor: float) -> None:
        served: dict[str, list[str]] = defaultdict(list)
        for s in self.network.region_supply:
            served[s.depot].append(s.region)
        demand = {(d.region, d.product): d.t_per_week for d in self.network.demand}
        for (depot, product), t_per_week in sorted(_flatten(self.weekly_t).items()):
            regions = [r for r in served[depot] if (r, product) in demand]
            if not regions:
                continue
            region = regions[at.timetuple().tm_yday % len(regions)]
            wanted = Decimal(
                str(
                    round(
                        t_per_week / len(WITHDRAWAL_DAYS) * factor * self.rng.uniform(0.8, 1.2), 3
                    )
                )
            )
            available = self.book[(depot, product)] - self.bottoms.get((depot, product), Decimal(0))
            quantity = to_kilogram(min(wanted, available - 1))
            if quantity <= 0:
                continue
            self.ops.record_withdrawal(
                Withdrawal(
                    document_ref=f"WD-{depot}-{product}-{at:%y%m%d}",
                    depot=depot,
                    region=region,
                    product=product,
                    withdrawn_at=at,
                    quantity_t=quantity,
                    actor=OPERATOR,
                )
            )
            self.counts["withdrawal"] += 1
            self.book[(depot, product)] -= quantity

    def _dips(self, at: datetime) -> None:
        for (depot, product), stock in sorted(self.book.items()):
            if stock <= 1:
                continue
            variance = self.rng.uniform(-0.002, 0.001)
            if self.rng.random() < HIGH_DIP_RATE:
                variance = self.rng.uniform(-0.012, -0.006)
            load = self._measured(product, stock * Decimal(str(round(1 + variance, 5))), 29, 33)
            self.ops.record_dip(
                Dip(
                    document_ref=f"DIP-{depot}-{product}-{at:%y%m%d}",
                    depot=depot,
                    product=product,
                    dipped_at=at,
                    load=load,
                    actor=OPERATOR,
                )
            )
            self.counts["dip"] += 1
            group = self.network.product(product).group
            self.book[(depot, product)] = standard_load(load, group).weight_in_air_t

    # ---- measurement --------------------------------------------------------------------------

    def _measured(self, product: str, tonnes: Decimal, low_c: float, high_c: float) -> MeasuredLoad:
        """A load at a plausible observed temperature and density whose weight in air is about
        `tonnes` (to the litre)."""
        row = self.network.product(product)
        temperature = Decimal(str(round(self.rng.uniform(low_c, high_c), 1)))
        rho15 = row.density_15_kg_m3 + self.rng.uniform(-2, 2)
        fall = EXPANSION_KG_M3_PER_C[row.group.value]
        density = Decimal(str(round(rho15 - fall * (float(temperature) - 15), 1)))
        probe = MeasuredLoad(
            volume_l=Decimal(100_000), temperature_c=temperature, density_kg_m3=density
        )
        per_litre = standard_load(probe, row.group).weight_in_air_t / 100_000
        volume = (tonnes / per_litre).quantize(Decimal(1))
        return MeasuredLoad(volume_l=volume, temperature_c=temperature, density_kg_m3=density)


def depot_weekly_demand(network: Network) -> dict[str, dict[str, float]]:
    """Each operating depot's weekly demand by product, t: every region's demand shared among the
    depots serving it that hold the product, by their weekly throughput."""
    holds = {(t.depot, t.product) for t in network.depot_tanks if t.capacity_m3 > 0}
    throughput = {d.depot: d.throughput_t_per_week for d in network.depots}
    serving: dict[str, list[str]] = defaultdict(list)
    for s in network.region_supply:
        serving[s.region].append(s.depot)
    weekly: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for d in network.demand:
        depots = [x for x in serving[d.region] if (x, d.product) in holds]
        total = sum(throughput[x] for x in depots)
        for x in depots:
            weekly[x][d.product] += d.t_per_week * throughput[x] / total
    return {depot: dict(products) for depot, products in weekly.items()}


def _dispatch_days(products: dict[str, float]) -> tuple[int, ...]:
    return (0, 3) if sum(products.values()) > BIG_DEPOT_T_PER_WEEK else (1,)


def _flatten(weekly: dict[str, dict[str, float]]) -> dict[tuple[str, str], float]:
    return {(d, p): t for d, products in weekly.items() for p, t in products.items()}


def _corridors_to(network: Network, depot: str, products: set[str]) -> list[CorridorRow]:
    offered: dict[str, set[str]] = defaultdict(set)
    for s in network.supply:
        offered[s.port].add(s.product)
    return [c for c in network.corridors if c.depot == depot and products <= offered[c.port]]


def _seasonality(network: Network, month: int) -> float:
    for row in network.seasonality:
        if row.month == month:
            return float(row.factor)
    return 1.0
