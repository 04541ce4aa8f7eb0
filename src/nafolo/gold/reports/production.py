"""Monthly production by origin country and region, large-scale versus artisanal (and recycled):
lots received, their net weight, fine gold settled, and the bars the gold went into.

Bars mix lots, so a bar's fine gold is attributed to origins by its genealogy share (a batch is
well mixed: `nafolo.gold.genealogy`). A bar counts once in every origin group that has gold in
it, so the per-group bar counts may add up to more than the bars cast; the total rows count
distinct bars.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from nafolo.gold.diligence import MiningScale
from nafolo.gold.reports.table import Cell, Column, Period, ReportTable

REPORT = "monthly-production"
SCALE_LABEL = {MiningScale.LSM: "LSM", MiningScale.ASM: "ASM", MiningScale.RECYCLED: "recycled"}
COLUMNS = [
    Column(key="country", label="country"),
    Column(key="region", label="region"),
    Column(key="scale", label="scale"),
    Column(key="lots_received", label="lots received", unit="lots"),
    Column(key="net_weight_kg", label="net weight", unit="kg"),
    Column(key="settled_fine_au_oz", label="fine Au settled", unit="fine oz"),
    Column(key="bars_produced", label="bars produced", unit="bars"),
    Column(key="bar_fine_au_oz", label="fine Au in bars", unit="fine oz"),
]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class OriginKey:
    """Where gold comes from, as the report groups it."""

    country: str
    region: str
    scale: MiningScale


@dataclass(frozen=True, slots=True)
class LotReceived:
    """A lot received at the refinery: its origin and net weight (grams, as weighed in)."""

    lot_id: str
    received_on: date
    origin: OriginKey
    net_weight_g: Decimal


@dataclass(frozen=True, slots=True)
class LotSettled:
    """A lot settled: the fine gold its settled assay found (contained, before payable %)."""

    lot_id: str
    settled_on: date
    origin: OriginKey
    fine_au_oz: Decimal


@dataclass(frozen=True, slots=True)
class BarShare:
    """The part of a cast bar's fine gold that came from one origin (from its genealogy)."""

    serial: str
    cast_on: date
    origin: OriginKey
    fine_au_oz: Decimal


@dataclass(slots=True)
class _Group:
    lots: int = 0
    net_weight_g: Decimal = ZERO
    settled_oz: Decimal = ZERO
    bars: set[str] = field(default_factory=set)
    bar_oz: Decimal = ZERO

    def add(self, other: _Group) -> None:
        self.lots += other.lots
        self.net_weight_g += other.net_weight_g
        self.settled_oz += other.settled_oz
        self.bars |= other.bars
        self.bar_oz += other.bar_oz

    def cells(self) -> dict[str, Cell]:
        return {
            "lots_received": self.lots,
            "net_weight_kg": self.net_weight_g / 1000,
            "settled_fine_au_oz": self.settled_oz,
            "bars_produced": len(self.bars),
            "bar_fine_au_oz": self.bar_oz,
        }


def monthly_production(
    received: Iterable[LotReceived],
    settled: Iterable[LotSettled],
    bars: Iterable[BarShare],
    period: Period,
) -> ReportTable:
    """Rows per (country, region, scale) with any activity in the period, sorted; totals per scale
    (LSM, ASM, recycled) then overall. Each fact counts in the period of its own date: receipt,
    settlement, casting."""
    groups: dict[OriginKey, _Group] = defaultdict(_Group)
    for lot in received:
        if lot.received_on in period:
            group = groups[lot.origin]
            group.lots += 1
            group.net_weight_g += lot.net_weight_g
    for settlement in settled:
        if settlement.settled_on in period:
            groups[settlement.origin].settled_oz += settlement.fine_au_oz
    for share in bars:
        if share.cast_on in period:
            group = groups[share.origin]
            group.bars.add(share.serial)
            group.bar_oz += share.fine_au_oz
    order = sorted(groups, key=lambda k: (k.country, k.region, list(MiningScale).index(k.scale)))
    rows = [
        {
            "country": key.country,
            "region": key.region,
            "scale": SCALE_LABEL[key.scale],
            **groups[key].cells(),
        }
        for key in order
    ]
    totals: list[dict[str, Cell]] = []
    overall = _Group()
    for scale in MiningScale:
        subtotal = _Group()
        for key in order:
            if key.scale is scale:
                subtotal.add(groups[key])
        overall.add(subtotal)
        totals.append({"country": f"total {SCALE_LABEL[scale]}", **subtotal.cells()})
    totals.append({"country": "total", **overall.cells()})
    return ReportTable(
        report=REPORT,
        title=f"Production by origin — {period.label}",
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        columns=list(COLUMNS),
        rows=rows,
        totals=totals,
        notes=[
            "LSM: large-scale mined; ASM: artisanal and small-scale mined.",
            "Net weight: lots received in the period, as weighed in, exact (g / 1000).",
            "Fine Au settled: contained fine gold of lots settled in the period "
            "(net dry weight × settled fineness), fine troy oz.",
            "Bars: cast in the period; a bar's fine gold is attributed to origins pro rata "
            "(genealogy); a bar counts in every group it has gold from, totals count it once.",
        ],
    )
