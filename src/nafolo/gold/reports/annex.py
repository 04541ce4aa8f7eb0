"""The country-of-origin annex of the annual responsible-gold report (OECD step 5, LBMA RGG):
per country of origin, fine gold received split large-scale mined / artisanal / recycled, in kg
and in % of the year's total, the share from conflict-affected or high-risk areas, how many
depositors supplied it and the due-diligence decisions taken about them.

Fine gold received is the lot's contained fine gold (net dry weight × settled fineness); troy
ounces are converted exactly (31.1034768 g) and shown to 1 g (0.001 kg), percentages to 0.01 %,
both half-even from the exact figures, so rounded parts may differ from the rounded total by the
last digit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from nafolo.gold.diligence import Decision, MiningScale
from nafolo.gold.reports.production import SCALE_LABEL
from nafolo.gold.reports.table import KG_STEP, Cell, Column, Period, ReportTable, percent, quantize
from nafolo.measurement.precious import TROY_OUNCE_G

REPORT = "origin-annex"
NO_RECEIPTS = "—"
"""Row of decisions about depositors who delivered no gold in the year."""

_SCALE_KEY = {MiningScale.LSM: "lsm", MiningScale.ASM: "asm", MiningScale.RECYCLED: "recycled"}
_DECISION_KEY = {
    Decision.APPROVE: "approve",
    Decision.ENHANCED_DUE_DILIGENCE: "edd",
    Decision.SUSPEND: "suspend",
    Decision.TERMINATE: "terminate",
}
COLUMNS = [
    Column(key="country", label="country of origin"),
    *(
        column
        for scale, key in _SCALE_KEY.items()
        for column in (
            Column(key=f"{key}_fine_kg", label=f"{SCALE_LABEL[scale]} fine gold", unit="kg"),
            Column(key=f"{key}_pct", label=f"{SCALE_LABEL[scale]} share of total", unit="%"),
        )
    ),
    Column(key="total_fine_kg", label="fine gold received", unit="kg"),
    Column(key="total_pct", label="share of total", unit="%"),
    Column(key="cahra_pct", label="from CAHRA (of the country)", unit="%"),
    Column(key="depositors", label="depositors", unit="depositors"),
    *(
        Column(key=f"decisions_{key}", label=f"decisions: {decision.value}", unit="decisions")
        for decision, key in _DECISION_KEY.items()
    ),
]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class AnnexReceipt:
    """A lot received in the year: who supplied it, where from, and its fine gold."""

    lot_id: str
    received_on: date
    depositor_id: str
    country: str
    scale: MiningScale
    cahra: bool
    fine_au_oz: Decimal


@dataclass(frozen=True, slots=True)
class DecisionTaken:
    """A due-diligence decision about a depositor (from its risk assessment)."""

    depositor_id: str
    decided_on: date
    decision: Decision


def _kg(fine_oz: Decimal) -> Decimal:
    return fine_oz * TROY_OUNCE_G / 1000


def origin_annex(
    receipts: Iterable[AnnexReceipt],
    decisions: Iterable[DecisionTaken],
    period: Period,
) -> ReportTable:
    """One row per country (sorted by ISO code), a total row; decisions about a depositor count
    in every country it delivered gold from in the period, those about depositors with no
    receipts in a row of their own; the total counts each decision once."""
    by_scale: dict[str, dict[MiningScale, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    cahra: dict[str, Decimal] = defaultdict(Decimal)
    depositors: dict[str, set[str]] = defaultdict(set)
    countries_of: dict[str, set[str]] = defaultdict(set)
    for r in receipts:
        if r.received_on not in period:
            continue
        by_scale[r.country][r.scale] += r.fine_au_oz
        if r.cahra:
            cahra[r.country] += r.fine_au_oz
        depositors[r.country].add(r.depositor_id)
        countries_of[r.depositor_id].add(r.country)
    taken = [d for d in decisions if d.decided_on in period]
    counts: dict[str, dict[Decision, int]] = defaultdict(lambda: defaultdict(int))
    for d in taken:
        for country in countries_of.get(d.depositor_id) or {NO_RECEIPTS}:
            counts[country][d.decision] += 1
    grand_oz = sum((sum(s.values(), ZERO) for s in by_scale.values()), ZERO)

    def row(country: str) -> dict[str, Cell]:
        scales = by_scale.get(country, {})
        total_oz = sum(scales.values(), ZERO)
        cells: dict[str, Cell] = {"country": country}
        for scale, key in _SCALE_KEY.items():
            oz = scales.get(scale, ZERO)
            cells[f"{key}_fine_kg"] = quantize(_kg(oz), KG_STEP)
            cells[f"{key}_pct"] = percent(oz, grand_oz)
        cells["total_fine_kg"] = quantize(_kg(total_oz), KG_STEP)
        cells["total_pct"] = percent(total_oz, grand_oz)
        cells["cahra_pct"] = percent(cahra.get(country, ZERO), total_oz)
        cells["depositors"] = len(depositors.get(country, ()))
        for decision, key in _DECISION_KEY.items():
            cells[f"decisions_{key}"] = counts.get(country, {}).get(decision, 0)
        return cells

    countries = sorted(set(by_scale) | (set(counts) - {NO_RECEIPTS}))
    rows = [row(c) for c in countries]
    if NO_RECEIPTS in counts:
        rows.append(row(NO_RECEIPTS))
    total: dict[str, Cell] = {"country": "total"}
    for scale, key in _SCALE_KEY.items():
        oz = sum((s.get(scale, ZERO) for s in by_scale.values()), ZERO)
        total[f"{key}_fine_kg"] = quantize(_kg(oz), KG_STEP)
        total[f"{key}_pct"] = percent(oz, grand_oz)
    total["total_fine_kg"] = quantize(_kg(grand_oz), KG_STEP)
    total["total_pct"] = percent(grand_oz, grand_oz)
    total["cahra_pct"] = percent(sum(cahra.values(), ZERO), grand_oz)
    total["depositors"] = len(countries_of)
    for decision, key in _DECISION_KEY.items():
        total[f"decisions_{key}"] = sum(1 for d in taken if d.decision is decision)
    return ReportTable(
        report=REPORT,
        title=f"Country-of-origin annex — responsible gold report {period.label}",
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        columns=list(COLUMNS),
        rows=rows,
        totals=[total],
        notes=[
            "Fine gold received: contained fine gold of lots received in the period "
            "(net dry weight × settled fineness); 1 troy oz = 31.1034768 g; kg to 0.001, "
            "% to 0.01, half-even from exact figures.",
            "LSM: large-scale mined; ASM: artisanal and small-scale mined; recycled.",
            "Shares are of the year's total fine gold received; the CAHRA share is of the "
            "country's own total.",
            "Decisions about a depositor count in each country it delivered from; "
            f"'{NO_RECEIPTS}' holds decisions about depositors with no receipts in the period.",
        ],
    )
