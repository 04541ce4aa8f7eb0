"""A plan and its network as plain numpy arrays: what the simulation follows week by week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from nafolo.fuel.planning import PlanData, PlanResult
from nafolo.workbook import InputError, Problem

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class SupplySystem:
    """The network's structure and the plan's flows, indexed by position (tonnes, plan weeks).

    Arcs are the region_supply pairs (region, depot) the plan may deliver on.
    """

    corridors: tuple[str, ...]
    ports: tuple[str, ...]
    depots: tuple[str, ...]
    regions: tuple[str, ...]
    products: tuple[str, ...]
    week_start: tuple[date, ...]
    corridor_port: Ints  # corridor
    corridor_depot: Ints  # corridor
    lead_weeks: Ints  # corridor
    cost_xof_per_t: Floats  # corridor
    capacity_trucks: Floats  # week, corridor
    payload_t: Floats  # product
    shipments_t: Floats  # week, corridor, product: the plan's dispatches
    arc_region: Ints  # arc
    arc_depot: Ints  # arc
    arc_lead_weeks: Ints  # arc
    deliveries_t: Floats  # week, arc, product: the plan's withdrawals from depots
    demand_t: Floats  # week, region, product
    depot_opening_t: Floats  # depot, product
    bottom_t: Floats  # depot, product
    in_transit_t: Floats  # arrival week (1…), corridor, product: loads on the road at the start

    @property
    def weeks(self) -> int:
        return len(self.week_start)


def system_from_plan(data: PlanData, result: PlanResult) -> SupplySystem:
    """The system of a solved plan."""
    return system_from_tables(data, result.tables["shipments"], result.tables["deliveries"])


def system_from_folder(data: PlanData, folder: Path) -> SupplySystem:
    """The system of a plan written by `write_plan` (shipments.csv, deliveries.csv)."""
    tables = {}
    for name in ("shipments", "deliveries"):
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise InputError([Problem(name, None, None, f"missing {path}")], source=str(folder))
        tables[name] = pd.read_csv(path)
    return system_from_tables(data, tables["shipments"], tables["deliveries"])


def system_from_tables(
    data: PlanData, shipments: pd.DataFrame, deliveries: pd.DataFrame
) -> SupplySystem:
    """The system from the plan's shipment (corridor, product, week, shipped_t) and delivery
    (region, depot, product, week, delivered_t) rows; unknown codes or weeks are refused."""
    corridors = tuple(str(c) for c in data.corridors)
    ports = tuple(str(p) for p in data.ports)
    depots = tuple(str(d) for d in data.depots)
    regions = tuple(str(r) for r in data.regions)
    products = tuple(str(k) for k in data.products)
    n_w = data.n_weeks
    network = data.network
    c_at = {c: i for i, c in enumerate(corridors)}
    p_at = {p: i for i, p in enumerate(ports)}
    d_at = {d: i for i, d in enumerate(depots)}
    r_at = {r: i for i, r in enumerate(regions)}
    k_at = {k: i for i, k in enumerate(products)}

    arcs = [(a.region, a.depot) for a in network.region_supply]
    a_at = {arc: i for i, arc in enumerate(arcs)}
    problems: list[Problem] = []
    ship = np.zeros((n_w, len(corridors), len(products)))
    for i, row in enumerate(
        _records(shipments, "shipments", ("corridor", "product", "week", "shipped_t"))
    ):
        where = _position(problems, "shipments", i + 2, row, n_w, corridor=c_at, product=k_at)
        if where is not None:
            ship[where[0], where[1], where[2]] += float(row["shipped_t"])
    deliver = np.zeros((n_w, len(arcs), len(products)))
    for i, row in enumerate(
        _records(deliveries, "deliveries", ("region", "depot", "product", "week", "delivered_t"))
    ):
        arc = (str(row["region"]), str(row["depot"]))
        if arc not in a_at:
            problems.append(Problem("deliveries", i + 2, "depot", f"no region_supply arc {arc}"))
            continue
        where = _position(problems, "deliveries", i + 2, row, n_w, product=k_at)
        if where is not None:
            deliver[where[0], a_at[arc], where[1]] += float(row["delivered_t"])
    if problems:
        raise InputError(problems, source="plan")

    cs = network.corridors
    escort = data.escort_trucks_per_week.to_numpy()
    limit = np.where(
        data.escorted.to_numpy(),
        np.minimum(data.max_trucks_per_week, escort),
        data.max_trucks_per_week.to_numpy(),
    )
    capacity = (data.availability.to_numpy() * limit[:, None]).T
    lead_max = int(max([it.arrival_week for it in network.in_transit], default=1))
    in_transit = np.zeros((lead_max, len(corridors), len(products)))
    for it in network.in_transit:
        in_transit[it.arrival_week - 1, c_at[it.corridor], k_at[it.product]] += it.tonnes
    arc_lead = data.arc_lead_weeks.to_numpy()
    return SupplySystem(
        corridors=corridors,
        ports=ports,
        depots=depots,
        regions=regions,
        products=products,
        week_start=data.week_start,
        corridor_port=np.array([p_at[c.port] for c in cs], dtype=np.int64),
        corridor_depot=np.array([d_at[c.depot] for c in cs], dtype=np.int64),
        lead_weeks=data.lead_weeks.to_numpy().astype(np.int64),
        cost_xof_per_t=data.corridor_cost_xof_per_t.to_numpy().astype(float),
        capacity_trucks=capacity,
        payload_t=data.payload_t.to_numpy().astype(float),
        shipments_t=ship,
        arc_region=np.array([r_at[r] for r, _ in arcs], dtype=np.int64),
        arc_depot=np.array([d_at[d] for _, d in arcs], dtype=np.int64),
        arc_lead_weeks=np.array([arc_lead[r_at[r], d_at[d]] for r, d in arcs], dtype=np.int64),
        deliveries_t=deliver,
        demand_t=data.demand_t.transpose("week", "region", "product").to_numpy().astype(float),
        depot_opening_t=data.depot_opening_t.to_numpy().astype(float),
        bottom_t=data.bottom_t.to_numpy().astype(float),
        in_transit_t=in_transit,
    )


def _position(
    problems: list[Problem],
    sheet: str,
    row: int,
    values: dict[str, Any],
    weeks: int,
    **codes: dict[str, int],
) -> tuple[int, ...] | None:
    """(week index, code indexes…) of a plan row, or None with the problem recorded."""
    week = int(values["week"])
    if not 1 <= week <= weeks:
        problems.append(Problem(sheet, row, "week", f"week {week} outside 1…{weeks}"))
        return None
    found = [week - 1]
    for field, known in codes.items():
        code = str(values[field])
        if code not in known:
            problems.append(Problem(sheet, row, field, f"unknown {field} {code!r}"))
            return None
        found.append(known[code])
    return tuple(found)


def _records(table: pd.DataFrame, name: str, needed: tuple[str, ...]) -> list[dict[str, Any]]:
    """The table's rows as dicts; InputError naming any missing column."""
    missing = [c for c in needed if c not in table.columns]
    if missing:
        problems = [Problem(name, None, c, "missing column") for c in missing]
        raise InputError(problems, source="plan")
    return [{str(k): v for k, v in row.items()} for row in table[list(needed)].to_dict("records")]
