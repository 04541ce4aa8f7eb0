"""What the simulated scenarios say: stockout probabilities, shortage quantiles, days of cover.

Pure reductions of an `Outcome` over its scenario axis, as tables (pandas) and headline figures.
CVaR95 of shortage is the mean of the worst 5 % of scenario totals (the ⌈5 % · N⌉ largest).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nafolo.fuel.simulation.evaluate import Outcome
from nafolo.fuel.simulation.system import SupplySystem

SHORTAGE_QUANTILES = (0.50, 0.90, 0.99)
COVER_PERCENTILES = (5, 25, 50, 75, 95)

UNITS: dict[str, str] = {
    "scenarios": "1",
    "seed": "1",
    "expected_shortage_t": "t",
    "cvar95_shortage_t": "t",
    "stockout_probability": "1",
    "expected_stockout_weeks": "week",
    "expected_lost_t": "t",
    "expected_rerouted_t": "t",
    "expected_held_at_port_t": "t",
    "demand_t": "t",
    "seconds": "s",
    "scenario_weeks_per_second": "1/s",
}


@dataclass(frozen=True)
class Summary:
    """Headline figures and the per-region and per-region-week tables of a simulation."""

    scenarios: int
    expected_shortage_t: float
    cvar95_shortage_t: float
    shortage_quantiles_t: dict[str, float]
    stockout_probability: dict[str, float]
    worst_region: str
    expected_lost_t: float
    expected_rerouted_t: float
    expected_held_at_port_t: float
    demand_t: float
    regions: pd.DataFrame
    region_weeks: pd.DataFrame


def cvar(values: np.ndarray, level: float = 0.95) -> float:
    """Mean of the worst (1 − level) share of `values` (at least one value)."""
    if values.size == 0:
        raise ValueError("CVaR of no values")
    tail = max(1, math.ceil((1.0 - level) * values.size - 1e-9))
    return float(np.sort(values)[-tail:].mean())


def summarise(system: SupplySystem, outcome: Outcome) -> Summary:
    """Reduce the scenario axis of `outcome` to probabilities, quantiles and expectations."""
    regions = list(system.regions)
    by_region = outcome.shortage_t.sum(axis=1, dtype=np.float64)  # scenario, region
    total = by_region.sum(axis=1)
    ever_out = outcome.stockout.any(axis=1).mean(axis=0)  # region
    expected_by_region = by_region.mean(axis=0)
    quantiles = np.quantile(by_region, SHORTAGE_QUANTILES, axis=0)
    region_table = pd.DataFrame(
        {
            "region": regions,
            "stockout_probability": ever_out,
            "stockout_weeks_expected": outcome.stockout.sum(axis=1).mean(axis=0),
            "expected_shortage_t": expected_by_region,
            **{
                f"shortage_p{round(q * 100)}_t": quantiles[i]
                for i, q in enumerate(SHORTAGE_QUANTILES)
            },
            "cvar95_shortage_t": [cvar(by_region[:, r]) for r in range(len(regions))],
            "demand_t": outcome.demand_t.sum(axis=1, dtype=np.float64).mean(axis=0),
        }
    )
    week_q = np.quantile(outcome.shortage_t, SHORTAGE_QUANTILES, axis=0)  # q, week, region
    with np.errstate(all="ignore"):
        cover_q = _nanpercentile(outcome.days_of_cover, COVER_PERCENTILES)
    n_w, n_r = outcome.shortage_t.shape[1:]
    weeks = np.repeat(np.arange(1, n_w + 1), n_r)
    columns: dict[str, object] = {
        "region": regions * n_w,
        "week": weeks,
        "week_start": [system.week_start[w - 1] for w in weeks],
        "stockout_probability": outcome.stockout.mean(axis=0).ravel(),
        "expected_shortage_t": outcome.shortage_t.mean(axis=0, dtype=np.float64).ravel(),
    }
    for i, q in enumerate(SHORTAGE_QUANTILES):
        columns[f"shortage_p{round(q * 100)}_t"] = week_q[i].ravel()
    for i, p in enumerate(COVER_PERCENTILES):
        columns[f"days_of_cover_p{p}_d"] = cover_q[i].ravel()
    region_weeks = pd.DataFrame(columns)
    worst = region_table.sort_values(
        ["stockout_probability", "expected_shortage_t"], ascending=False, kind="stable"
    )["region"].iloc[0]
    return Summary(
        scenarios=outcome.scenarios,
        expected_shortage_t=float(total.mean()),
        cvar95_shortage_t=cvar(total),
        shortage_quantiles_t={
            f"p{round(q * 100)}": float(v)
            for q, v in zip(SHORTAGE_QUANTILES, np.quantile(total, SHORTAGE_QUANTILES), strict=True)
        },
        stockout_probability={r: float(p) for r, p in zip(regions, ever_out, strict=True)},
        worst_region=str(worst),
        expected_lost_t=float(outcome.lost_t.mean()),
        expected_rerouted_t=float(outcome.rerouted_t.mean()),
        expected_held_at_port_t=float(outcome.closing_at_port_t.mean()),
        demand_t=float(outcome.demand_t.sum(axis=(1, 2), dtype=np.float64).mean()),
        regions=region_table,
        region_weeks=region_weeks,
    )


def _nanpercentile(values: np.ndarray, percentiles: tuple[int, ...]) -> np.ndarray:
    """Percentiles over axis 0, NaN where every value is NaN (a region without demand)."""
    out = np.full((len(percentiles), *values.shape[1:]), np.nan)
    has = ~np.all(np.isnan(values), axis=0)
    if has.any():
        out[:, has] = np.nanpercentile(values[:, has], percentiles, axis=0)
    return out
