"""A solved plan as tables and KPIs, with its product conservation checked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from nafolo.fuel.planning.data import PlanData
from nafolo.fuel.planning.solve import SolveOutcome

CONSERVATION_TOLERANCE = 1e-6
"""Relative tolerance of the tonnage balances checked on every plan."""

UNITS: dict[str, str] = {
    "objective": "XOF",
    "lifted_t": "t",
    "shipped_t": "t",
    "truckloads": "truck",
    "delivered_t": "t",
    "demand_t": "t",
    "shortage_t": "t",
    "min_days_of_cover": "d",
    "closing_stock_t": "t",
    "mip_gap": "1",
    "build_seconds": "s",
    "solve_seconds": "s",
}


class ConservationError(RuntimeError):
    """A solved plan that creates or loses product: a modelling bug, never an input problem."""


@dataclass(frozen=True)
class Binding:
    """A limit that binds, what one more unit of it is worth, and the sentence that says so."""

    block: str
    element: str
    unit: str
    value_xof: float
    shortage_cut_t: float | None
    objective_cut_xof: float | None
    sentence: str


@dataclass(frozen=True)
class PlanResult:
    """A solved weekly plan: its tables (pandas, one row per index), KPIs, binding limits, timings.

    Every tonnage is weight in air (ASTM D1250 Table 56). Days of cover are NaN where no withdrawal
    is planned (∞).
    """

    network: str
    status: str
    objective_xof: float
    start: date
    weeks: int
    integer_trucks: bool
    variables: int
    constraints: int
    tables: dict[str, pd.DataFrame]
    kpis: dict[str, float | None]
    closing_stock_t: dict[str, float]
    timings_s: dict[str, float]
    binding: tuple[Binding, ...] = ()
    duals_note: str = ""
    mip_gap: float | None = None

    @property
    def binding_sentences(self) -> list[str]:
        return [b.sentence for b in self.binding]


def _frame(array: xr.DataArray, name: str) -> pd.DataFrame:
    return array.rename(name).to_dataframe().reset_index()


def _table(dims: tuple[str, ...], **columns: xr.DataArray) -> pd.DataFrame:
    """Arrays of the same dimensions side by side, one row per index."""
    dataset = xr.Dataset({name: a.transpose(*dims) for name, a in columns.items()})
    return dataset.to_dataframe().reset_index()


def read_result(
    data: PlanData, model: linopy.Model, outcome: SolveOutcome, timings_s: dict[str, float]
) -> PlanResult:
    """The plan's tables and KPIs from the solved model; ConservationError if tonnes don't
    add up."""
    sol = {name: model.variables[name].solution.fillna(0.0) for name in model.variables}
    lift = sol["lift"]
    trucks = sol["trucks"]
    ship = trucks * data.payload_t
    deliver = sol["deliver"]
    port_stock = sol["port_stock"]
    depot_stock = sol["depot_stock"]
    shortage = sol["shortage"]
    last = data.weeks[-1]

    delivered = _arrived(data, deliver)
    withdrawals = deliver.sum("region")
    coming = _next_week(data, withdrawals)
    usable = depot_stock - data.bottom_t
    daily = coming / 7.0
    cover = usable / daily.where(daily > 1e-9)  # NaN (∞) where nothing is withdrawn

    offers = pd.DataFrame(
        [(s.contract, s.port, s.product) for s in data.network.supply],
        columns=["contract", "port", "product"],
        index=pd.Index(data.offers, name="offer"),
    )
    lifts = _frame(lift, "lifted_t").merge(offers, left_on="offer", right_index=True)
    lifts = lifts[["contract", "port", "product", "week", "lifted_t"]]
    shipments = _table(("corridor", "product", "week"), truckloads=trucks, shipped_t=ship)
    depot_table = _table(
        ("depot", "product", "week"),
        stock_t=depot_stock,
        usable_t=usable,
        received_t=_receipts(data, ship),
        withdrawals_next_week_t=coming,
        days_of_cover=cover,
        target_days=data.cover_target_d.broadcast_like(depot_stock),
        cover_gap_t=sol["cover_gap"],
    )
    arcs = data.arc.to_dataframe(name="arc").reset_index()
    deliveries = _frame(deliver, "delivered_t").merge(arcs[arcs["arc"]][["region", "depot"]])
    regional = _table(
        ("region", "product", "week"),
        demand_t=data.demand_t,
        delivered_t=delivered,
        shortage_t=shortage,
    )
    contract_band = _table(
        ("contract", "month"),
        lifted_t=(lift * data.offer_of * data.month_share).sum(["offer", "week"]),
        min_t=data.month_in_horizon * data.contract_min_t,
        max_t=data.month_in_horizon * data.contract_max_t,
    )
    week_dates = pd.DataFrame({"week": list(data.weeks), "week_start": list(data.week_start)})
    tables = {
        "lifts": lifts,
        "port_stocks": _port_stocks(data, port_stock),
        "shipments": shipments,
        "depot_stocks": depot_table,
        "deliveries": deliveries,
        "regional_supply": regional,
        "contract_band": contract_band,
    }
    tables = {
        name: t.merge(week_dates, on="week", how="left") if "week" in t.columns else t
        for name, t in tables.items()
    }
    tables["weeks"] = week_dates
    conservation = conservation_table(data, lift, ship, deliver, port_stock, depot_stock)
    tables["conservation"] = conservation
    check_conservation(conservation, regional)

    finite_cover = cover.to_numpy()[np.isfinite(cover.to_numpy())]
    kpis: dict[str, float | None] = {
        "lifted_t": float(lift.sum()),
        "shipped_t": float(ship.sum()),
        "truckloads": float(trucks.sum()),
        "delivered_t": float(delivered.sum()),
        "demand_t": float(data.demand_t.sum()),
        "shortage_t": float(shortage.sum()),
        "min_days_of_cover": float(finite_cover.min()) if finite_cover.size else None,
    }
    closing = depot_stock.sel(week=last).sum("product")
    return PlanResult(
        network=data.network.name,
        status=outcome.status,
        objective_xof=float(outcome.objective_xof or 0.0),
        start=data.start,
        weeks=data.n_weeks,
        integer_trucks=outcome.integer,
        mip_gap=outcome.mip_gap,
        variables=int(model.nvars),
        constraints=int(model.ncons),
        tables=tables,
        kpis=kpis,
        closing_stock_t={str(d): float(closing.sel(depot=d)) for d in data.depots},
        timings_s=dict(timings_s),
    )


def _port_stocks(data: PlanData, port_stock: xr.DataArray) -> pd.DataFrame:
    """Port stocks of the port/product pairs that can hold any (landed there, or opening stock)."""
    table = _frame(port_stock, "stock_t")
    offered = data.offer_at.sum("offer") > 0
    holding = (offered | (data.port_opening_t > 0)).to_dataframe(name="held").reset_index()
    pairs = holding[holding["held"]][["port", "product"]]
    return table.merge(pairs, on=["port", "product"])


def _arrived(data: PlanData, deliver: xr.DataArray) -> xr.DataArray:
    """Tonnes reaching each region by product and week: Σ_d deliver[r,d,k,w − ℓ[r,d]]."""
    out = xr.zeros_like(data.demand_t)
    for lead in np.unique(data.arc_lead_weeks.to_numpy()):
        part = deliver.where(data.arc_lead_weeks == lead, 0.0).sum("depot")
        out = out + _shift_weeks(part, int(lead)).transpose(*out.dims)
    return out


def _receipts(data: PlanData, ship: xr.DataArray) -> xr.DataArray:
    """Tonnes received at each depot by product and week (plan loads and opening in-transit)."""
    out = data.arrivals_in_transit_t.copy()
    for lead in np.unique(data.lead_weeks.to_numpy()):
        part = (ship.where(data.lead_weeks == lead, 0.0) * data.corridor_into).sum("corridor")
        out = out + _shift_weeks(part, int(lead)).transpose(*out.dims)
    return out


def _shift_weeks(values: xr.DataArray, lag: int) -> xr.DataArray:
    """Values `lag` weeks later along `week`, zero where the source precedes week 1."""
    if lag == 0:
        return values
    return values.shift(week=lag, fill_value=0.0)


def _next_week(data: PlanData, values: xr.DataArray) -> xr.DataArray:
    """values[w + 1], and values[N] for the last week."""
    n = data.n_weeks
    picked = values.isel(week=np.minimum(np.arange(n) + 1, n - 1))
    return picked.assign_coords(week=data.weeks)


def conservation_table(
    data: PlanData,
    lift: xr.DataArray,
    ship: xr.DataArray,
    deliver: xr.DataArray,
    port_stock: xr.DataArray,
    depot_stock: xr.DataArray,
) -> pd.DataFrame:
    """Per product: opening + in transit + lifted against withdrawn + closing + in transit."""
    last = data.weeks[-1]
    position = xr.DataArray(np.arange(1, data.n_weeks + 1), coords=[data.weeks])
    on_road = (position + data.lead_weeks) > data.n_weeks
    table = pd.DataFrame(
        {
            "opening_ports_t": data.port_opening_t.sum("port").to_series(),
            "opening_depots_t": data.depot_opening_t.sum("depot").to_series(),
            "opening_in_transit_t": data.in_transit_opening_t.to_series(),
            "lifted_t": (lift * data.offer_at).sum(["offer", "port", "week"]).to_series(),
            "withdrawn_t": deliver.sum(["region", "depot", "week"]).to_series(),
            "closing_ports_t": port_stock.sel(week=last).sum("port").to_series(),
            "closing_depots_t": depot_stock.sel(week=last).sum("depot").to_series(),
            "closing_in_transit_t": (
                ship.where(on_road, 0.0).sum(["corridor", "week"]) + data.in_transit_after_horizon_t
            ).to_series(),
        }
    )
    table["sources_t"] = table[
        ["opening_ports_t", "opening_depots_t", "opening_in_transit_t", "lifted_t"]
    ].sum(axis=1)
    table["uses_t"] = table[
        ["withdrawn_t", "closing_ports_t", "closing_depots_t", "closing_in_transit_t"]
    ].sum(axis=1)
    table["imbalance_t"] = table["sources_t"] - table["uses_t"]
    return table.reset_index(names="product")


def check_conservation(conservation: pd.DataFrame, regional: pd.DataFrame) -> None:
    """Raise ConservationError unless every product balances and delivered + shortage = demand."""
    scale = np.maximum(1.0, conservation["sources_t"].abs())
    bad = conservation[conservation["imbalance_t"].abs() > CONSERVATION_TOLERANCE * scale]
    if len(bad):
        rows = ", ".join(f"{r.product}: {r.imbalance_t:+.6f} t" for r in bad.itertuples())
        raise ConservationError(f"plan does not conserve product: {rows}")
    gap = regional["delivered_t"] + regional["shortage_t"] - regional["demand_t"]
    tolerance = CONSERVATION_TOLERANCE * np.maximum(1.0, regional["demand_t"].abs())
    if (gap.abs() > tolerance).any():
        worst = regional.iloc[int(np.argmax(gap.abs().to_numpy()))]
        raise ConservationError(
            f"delivered + shortage ≠ demand for {worst['region']} {worst['product']} "
            f"week {worst['week']}: gap {float(gap.abs().max()):.6f} t"
        )


def finite_or_none(value: float | None) -> float | None:
    """JSON-friendly number: NaN and ±∞ become None."""
    if value is None or not math.isfinite(value):
        return None
    return value
