"""Synthetic fuel networks of any size, for benchmarks and scaling tests.

A generated network is valid (it passes `Network.from_rows`), built to be feasible (every opening
stock lies inside its tank, in-transit loads fit, each contract's minimum is 70 % of what its ports'
corridors carry on average) and deliberately tight: the fleet, the contract maximum, port loading,
corridor and escort capacities and depot throughput are sized near the flow the demand needs, so
several constraint blocks bind. The same arguments always give the same network.

The plan's variable count per week is K · (2·P + D·c + 2·D + R + arcs), arcs ≈ 2·R (each region is
served by its home depot and one other), for K products, P ports, D depots, R regions and c
corridors per depot: c scales the model without making the depot × region arrays denser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import (
    AvailabilityRow,
    ContractRow,
    CorridorRow,
    DemandRow,
    DepotRow,
    DepotTankRow,
    FleetRow,
    InTransitRow,
    PortRow,
    PortStockRow,
    ProductGroup,
    ProductRow,
    RegionRow,
    RegionSupplyRow,
    SeasonalityRow,
    SupplyRow,
)

TRUCK_CAPACITY_M3 = 46.0
PORTS_PER_CONTRACT = 4
DAYS_PER_MONTH = 365.25 / 12.0


@dataclass(frozen=True)
class _Product:
    code: str
    name: str
    group: ProductGroup
    density_15_kg_m3: float
    demand_share: float
    price_xof_per_t: float


_PRODUCTS: tuple[_Product, ...] = (
    _Product("GASOIL", "Gasoil", ProductGroup.FUEL_OIL, 845.0, 0.55, 877_000.0),
    _Product("SUPER", "Super gasoline", ProductGroup.GASOLINE, 745.0, 0.25, 1_078_000.0),
    _Product("FUEL_OIL", "Heavy fuel oil", ProductGroup.FUEL_OIL, 970.0, 0.10, 526_000.0),
    _Product("JET", "Jet A-1", ProductGroup.JET, 800.0, 0.06, 973_000.0),
    _Product("KEROSENE", "Kerosene", ProductGroup.JET, 800.0, 0.04, 950_000.0),
)


def synthetic_network(
    ports: int,
    depots: int,
    regions: int,
    products: int,
    corridors_per_depot: int,
    seed: int = 0,
) -> Network:
    """A valid, feasible and tight network of the given size (codes P001…, D001…, R001…)."""
    for field_name, value in (
        ("ports", ports),
        ("depots", depots),
        ("regions", regions),
        ("products", products),
        ("corridors_per_depot", corridors_per_depot),
    ):
        if value < 1:
            raise ValueError(f"{field_name} must be ≥ 1, got {value}")
    return _Generator(ports, depots, regions, products, corridors_per_depot, seed).network()


class _Generator:
    """Draws the network sheet by sheet; sizes of limits follow from the demand they must carry."""

    def __init__(
        self, n_ports: int, n_depots: int, n_regions: int, n_products: int, cpd: int, seed: int
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.port_codes = [f"P{i + 1:03d}" for i in range(n_ports)]
        self.depot_codes = [f"D{i + 1:03d}" for i in range(n_depots)]
        self.region_codes = [f"R{i + 1:03d}" for i in range(n_regions)]
        self.products = [_product(i) for i in range(n_products)]
        self.cpd = cpd
        self.seed = seed

    def network(self) -> Network:
        rng = self.rng
        products = self.products
        share = np.array([p.demand_share for p in products])
        share /= share.sum()

        # Regions and their weekly demand by product (t/week).
        region_total = rng.lognormal(mean=math.log(1500.0), sigma=0.6, size=len(self.region_codes))
        demand = np.outer(region_total, share)

        # Arcs: each region is served by the depot standing in it and one other; each depot serves
        # at least the region it stands in.
        n_d = len(self.depot_codes)
        home = [i % n_d for i in range(len(self.region_codes))]
        arcs: dict[tuple[int, int], None] = {}
        for r, d in enumerate(home):
            arcs[(r, d)] = None
            if n_d > 1:
                other = int(rng.integers(n_d - 1))
                arcs[(r, other if other < d else other + 1)] = None
        for d in range(n_d):
            arcs[(d % len(self.region_codes), d)] = None
        serving = {r: [d for rr, d in arcs if rr == r] for r in range(len(self.region_codes))}
        depot_flow = np.zeros((n_d, len(products)))
        for r, ds in serving.items():
            for d in ds:
                depot_flow[d] += demand[r] / len(ds)

        # Corridors: each depot is reached from `cpd` ports (distinct while ports last).
        n_p = len(self.port_codes)
        corridor_rows: list[CorridorRow] = []
        corridor_flow: list[float] = []
        port_flow = np.zeros((n_p, len(products)))
        payload_t = TRUCK_CAPACITY_M3 * (products[0].density_15_kg_m3 - 1.1) / 1000.0
        busy_truck_weeks = 0.0
        for d, depot in enumerate(self.depot_codes):
            origins = [int(o) for o in rng.permutation(n_p)]
            origins = (origins * math.ceil(self.cpd / n_p))[: self.cpd]
            weights = rng.uniform(0.5, 1.5, size=self.cpd)
            weights /= weights.sum()
            for j, (o, wgt) in enumerate(zip(origins, weights, strict=True)):
                flow_t = float(depot_flow[d].sum() * wgt)
                port_flow[o] += depot_flow[d] * wgt
                row = self._corridor(f"{depot}-{self.port_codes[o]}-{j + 1}", o, depot, flow_t)
                corridor_rows.append(row)
                corridor_flow.append(flow_t)
                tau = row.transit_days + row.border_days + row.escort_extra_days
                busy_truck_weeks += flow_t / payload_t * (2.0 * tau + 2.0) / 7.0

        # Contracts: ports grouped by PORTS_PER_CONTRACT; each band is 70–100 % of what its ports'
        # corridors carry on average, so the maximum binds in the high season.
        port_month_t = port_flow.sum(axis=1) * DAYS_PER_MONTH / 7.0
        contract_rows = [
            ContractRow(
                contract=_contract_code(q),
                supplier=f"Supplier {q // PORTS_PER_CONTRACT + 1}",
                min_t_per_month=round(0.70 * float(port_month_t[q : q + PORTS_PER_CONTRACT].sum())),
                max_t_per_month=round(1.00 * float(port_month_t[q : q + PORTS_PER_CONTRACT].sum())),
            )
            for q in range(0, n_p, PORTS_PER_CONTRACT)
        ]
        rows: dict[str, Sequence[BaseModel]] = {
            "products": [
                ProductRow(
                    product=p.code,
                    name=p.name,
                    group=p.group,
                    density_15_kg_m3=p.density_15_kg_m3,
                    holding_cost_xof_per_t_week=round(float(rng.uniform(500.0, 2000.0))),
                )
                for p in products
            ],
            "ports": [
                PortRow(
                    port=code,
                    name=f"Port {code}",
                    country="Synthetic",
                    latitude=float(rng.uniform(4.0, 20.0)),
                    longitude=float(rng.uniform(-18.0, 3.0)),
                    storage_capacity_t=round(2.0 * port_flow[o].sum() + 1000.0),
                    loading_capacity_t_per_week=round(
                        float(rng.uniform(0.95, 1.25)) * port_flow[o].sum() + 200.0
                    ),
                )
                for o, code in enumerate(self.port_codes)
            ],
            "port_stocks": [
                PortStockRow(
                    port=code, product=p.code, opening_stock_t=round(0.5 * port_flow[o, k])
                )
                for o, code in enumerate(self.port_codes)
                for k, p in enumerate(products)
                if port_flow[o, k] > 0
            ],
            "contracts": contract_rows,
            "supply": [
                SupplyRow(
                    contract=_contract_code(o - o % PORTS_PER_CONTRACT),
                    port=code,
                    product=p.code,
                    price_xof_per_t=round(p.price_xof_per_t * float(rng.uniform(0.95, 1.05))),
                )
                for o, code in enumerate(self.port_codes)
                for p in products
            ],
            "depots": [
                DepotRow(
                    depot=code,
                    name=f"Depot {code}",
                    town=f"Town {code}",
                    region=self.region_codes[d % len(self.region_codes)],
                    latitude=float(rng.uniform(10.0, 25.0)),
                    longitude=float(rng.uniform(-12.0, 4.0)),
                    throughput_t_per_week=round(
                        float(rng.uniform(1.0, 1.3)) * depot_flow[d].sum() + 100.0
                    ),
                )
                for d, code in enumerate(self.depot_codes)
            ],
            "depot_tanks": self._tanks(depot_flow),
            "corridors": corridor_rows,
            "regions": [
                RegionRow(
                    region=code,
                    name=f"Region {code}",
                    capital=f"Capital {code}",
                    latitude=float(rng.uniform(10.0, 25.0)),
                    longitude=float(rng.uniform(-12.0, 4.0)),
                    population=int(region_total[r] * 1000),
                )
                for r, code in enumerate(self.region_codes)
            ],
            "demand": [
                DemandRow(region=code, product=p.code, t_per_week=round(float(demand[r, k]), 1))
                for r, code in enumerate(self.region_codes)
                for k, p in enumerate(products)
            ],
            "region_supply": [
                RegionSupplyRow(
                    region=self.region_codes[r],
                    depot=self.depot_codes[d],
                    cost_xof_per_t=round(float(rng.uniform(3000.0, 25000.0))),
                    delivery_days=round(float(rng.choice([0.5, 1.0, 2.0, 3.0, 8.0])), 1),
                )
                for r, d in arcs
            ],
            "fleet": [
                FleetRow(
                    fleet="NATIONAL",
                    trucks=max(1, round(0.85 * busy_truck_weeks)),
                    truck_capacity_m3=TRUCK_CAPACITY_M3,
                    loading_days=1.0,
                    unloading_days=1.0,
                )
            ],
            "seasonality": [
                SeasonalityRow(month=m, factor=round(1.0 + 0.1 * math.sin(2 * math.pi * m / 12), 3))
                for m in range(1, 13)
            ],
            "availability": self._closures(corridor_rows),
            "in_transit": self._in_transit(corridor_rows, corridor_flow, float(share[0])),
        }
        return Network.from_rows(rows, name=self._name())

    def _name(self) -> str:
        return (
            f"synthetic-{len(self.port_codes)}p-{len(self.depot_codes)}d-"
            f"{len(self.region_codes)}r-{len(self.products)}k-{self.cpd}c-s{self.seed}"
        )

    def _corridor(self, code: str, port: int, depot: str, flow_t: float) -> CorridorRow:
        rng = self.rng
        transit_days = round(float(rng.uniform(2.0, 10.0)), 1)
        escorted = bool(rng.random() < 0.3)
        trucks_per_week = flow_t / (TRUCK_CAPACITY_M3 * 0.84)
        convoys = float(rng.choice([1.0, 2.0, 3.0]))
        return CorridorRow(
            corridor=code,
            name=f"Corridor {code}",
            port=self.port_codes[port],
            depot=depot,
            axis=f"AXIS{port % 5 + 1}",
            distance_km=round(transit_days * 180.0),
            transit_days=transit_days,
            border_days=float(rng.choice([0.0, 1.0, 2.0])),
            max_trucks_per_week=math.ceil(float(rng.uniform(1.0, 1.6)) * trucks_per_week + 2),
            escort_required=escorted,
            escort_convoys_per_week=convoys if escorted else 0.0,
            trucks_per_convoy=(
                math.ceil(float(rng.uniform(0.9, 1.3)) * trucks_per_week / convoys + 1)
                if escorted
                else 0.0
            ),
            escort_extra_days=float(rng.choice([1.0, 2.0])) if escorted else 0.0,
            cost_xof_per_t=round(transit_days * float(rng.uniform(4500.0, 6000.0))),
        )

    def _tanks(self, depot_flow: np.ndarray) -> list[DepotTankRow]:
        """Tankage of 1.5 to 3 weeks of the depot's flow, a heel of 5 %, opening stock between
        the heel and 70 % of the tank; a few depots lack a tank for a product."""
        rng = self.rng
        tanks: list[DepotTankRow] = []
        for d, code in enumerate(self.depot_codes):
            for k, p in enumerate(self.products):
                if k > 0 and rng.random() < 0.1:
                    continue
                weekly_t = float(depot_flow[d, k])
                capacity_m3 = round(
                    float(rng.uniform(1.5, 3.0)) * weekly_t / (p.density_15_kg_m3 / 1000.0) + 50.0
                )
                bottom_m3 = round(0.05 * capacity_m3)
                per_m3_t = (p.density_15_kg_m3 - 1.1) / 1000.0
                low, high = bottom_m3 * per_m3_t, 0.7 * capacity_m3 * per_m3_t
                tanks.append(
                    DepotTankRow(
                        depot=code,
                        product=p.code,
                        capacity_m3=capacity_m3,
                        tank_bottom_m3=bottom_m3,
                        opening_stock_t=math.floor(float(rng.uniform(low, high))) + 1,
                        days_of_cover_target=float(rng.choice([7.0, 10.0, 15.0])),
                    )
                )
        return tanks

    def _closures(self, corridors: list[CorridorRow]) -> list[AvailabilityRow]:
        """About 5 % of corridors closed in weeks 3–4 and at half capacity in week 5."""
        rows: list[AvailabilityRow] = []
        for c in corridors:
            if self.rng.random() < 0.05:
                rows += [
                    AvailabilityRow(corridor=c.corridor, week=3, factor=0.0),
                    AvailabilityRow(corridor=c.corridor, week=4, factor=0.0),
                    AvailabilityRow(corridor=c.corridor, week=5, factor=0.5),
                ]
        return rows

    def _in_transit(
        self, corridors: list[CorridorRow], flow_t: list[float], first_share: float
    ) -> list[InTransitRow]:
        """Loads of the first product on the road on 10 % of corridors, arriving in week 1 or 2,
        each a third of the corridor's weekly flow of it: with opening stock at most 70 % of a
        tank of 1.5 weeks or more, every depot has room for them."""
        rows: list[InTransitRow] = []
        for c, flow in zip(corridors, flow_t, strict=True):
            if self.rng.random() < 0.1 and flow > 0:
                rows.append(
                    InTransitRow(
                        corridor=c.corridor,
                        product=self.products[0].code,
                        tonnes=round(flow * first_share / 3.0, 1),
                        arrival_week=int(self.rng.integers(1, 3)),
                    )
                )
        return rows


def _contract_code(first_port: int) -> str:
    """The contract covering the group of ports that starts at index `first_port`."""
    return f"Q{first_port // PORTS_PER_CONTRACT + 1:03d}"


def _product(i: int) -> _Product:
    """The i-th product: the five Malian products, then numbered variants of them."""
    base = _PRODUCTS[i % len(_PRODUCTS)]
    if i < len(_PRODUCTS):
        return base
    n = i // len(_PRODUCTS) + 1
    return _Product(
        f"{base.code}_{n}",
        f"{base.name} {n}",
        base.group,
        base.density_15_kg_m3,
        base.demand_share / n,
        base.price_xof_per_t,
    )
