"""The refinery-monthly report for the refinery's board: receipts by origin, production, metal
balance, depositors' metal accounts and due diligence decisions.

`RefineryMonth` is the report's typed input (Decimal metal, troy ounces fine unless the name says
grams); `refinery_monthly_document` is pure; `assemble_refinery_month` reads the month from the gold
services (`nafolo.reports.refinery_data`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.engine import Engine

from nafolo.gold.diligence import Decision, MiningScale, Rating
from nafolo.reports.document import (
    BarChart,
    Column,
    ColumnKind,
    Document,
    KeyFigure,
    Paragraph,
    Section,
    Series,
    Table,
)
from nafolo.reports.i18n import Formatter, Lang

KIND = "refinery-monthly"
GRAMS_PER_KG = Decimal(1000)


class RefineryReportUnavailableError(NotImplementedError):
    """The refinery's data cannot be assembled (the gold services cannot be loaded)."""


@dataclass(frozen=True, slots=True)
class ReceiptByOrigin:
    """Lots received in the month from one country, region and kind of origin."""

    country: str  # ISO 3166-1 alpha-2
    region: str
    scale: MiningScale
    cahra: bool
    lots: int
    net_g: Decimal
    fine_au_oz: Decimal


@dataclass(frozen=True, slots=True)
class ProductionLine:
    """Bars cast in the month of one kind."""

    bar_kind: str
    bars: int
    gross_oz: Decimal
    fine_oz: Decimal

    @property
    def mean_fineness_per_mille(self) -> Decimal | None:
        if self.gross_oz == 0:
            return None
        return (self.fine_oz / self.gross_oz * 1000).quantize(Decimal("0.1"))


class BalanceItem:
    OPENING = "opening"
    RECEIPTS = "receipts"
    SHIPMENTS = "shipments"
    LOSSES = "losses"
    CLOSING = "closing"
    UNACCOUNTED = "unaccounted"


@dataclass(frozen=True, slots=True)
class MetalBalanceLine:
    """One line of the month's metal balance: as measured and, when reconciled, ± 1 σ."""

    item: str  # a BalanceItem value
    measured_oz: Decimal
    reconciled_oz: Decimal | None = None
    sd_oz: Decimal | None = None


@dataclass(frozen=True, slots=True)
class MetalAccountLine:
    """A depositor's metal account over the month (one metal)."""

    depositor_id: str
    name: str
    metal: str  # AU or AG
    opening_oz: Decimal
    credits_oz: Decimal
    debits_oz: Decimal
    closing_oz: Decimal


@dataclass(frozen=True, slots=True)
class DiligenceDecisionLine:
    """A due diligence assessment concluded in the month."""

    depositor_id: str
    name: str
    assessed_on: date
    rating: Rating
    decision: Decision
    reasons: str


@dataclass(frozen=True)
class RefineryMonth:
    """Everything the refinery-monthly report shows for `period` (YYYY-MM)."""

    period: str
    receipts: tuple[ReceiptByOrigin, ...]
    production: tuple[ProductionLine, ...]
    balance: tuple[MetalBalanceLine, ...]
    accounts: tuple[MetalAccountLine, ...]
    decisions: tuple[DiligenceDecisionLine, ...]
    chi_square: float | None = None
    degrees_of_freedom: int | None = None


def assemble_refinery_month(engine: Engine, period: str) -> RefineryMonth:
    """The month read from the gold services (`nafolo.reports.refinery_data`);
    `RefineryReportUnavailableError` when the gold services cannot be loaded."""
    try:
        from nafolo.reports.refinery_data import assemble_refinery_month as assemble
    except ImportError as error:
        raise RefineryReportUnavailableError(
            f"the data of {period} cannot be read: the gold services (nafolo.gold.service) "
            f"cannot be loaded ({error})"
        ) from error
    return assemble(engine, period)


def refinery_monthly_document(
    month: RefineryMonth, lang: Lang | str, generated_at: datetime
) -> Document:
    """The refinery report of `month` in `lang` (fr or en)."""
    f = Formatter(lang)
    return Document(
        kind=KIND,
        lang=f.lang,
        title=f.t("refinery.title"),
        subtitle=f.t("refinery.subtitle", month=f.month(month.period)),
        period=month.period,
        generated_at=generated_at,
        sections=(
            _summary(month, f),
            _receipts(month, f),
            _production(month, f),
            _balance(month, f),
            _accounts(month, f),
            _decisions(month, f),
        ),
    )


def _summary(month: RefineryMonth, f: Formatter) -> Section:
    unaccounted = next(
        (b.measured_oz for b in month.balance if b.item == BalanceItem.UNACCOUNTED), None
    )
    figures = (
        KeyFigure(f.t("fig.lots_received"), sum(r.lots for r in month.receipts), ""),
        KeyFigure(
            f.t("fig.gross_received"),
            sum((r.net_g for r in month.receipts), Decimal(0)) / GRAMS_PER_KG,
            "kg",
            3,
        ),
        KeyFigure(
            f.t("fig.fine_received"),
            sum((r.fine_au_oz for r in month.receipts), Decimal(0)),
            "oz",
            3,
        ),
        KeyFigure(f.t("fig.bars_produced"), sum(p.bars for p in month.production), ""),
        KeyFigure(
            f.t("fig.fine_produced"),
            sum((p.fine_oz for p in month.production), Decimal(0)),
            "oz",
            3,
        ),
        KeyFigure(f.t("fig.unaccounted"), unaccounted, "oz", 3),
    )
    return Section(f.t("section.summary"), (figures, Paragraph(f.t("refinery.basis"))))


def _receipts(month: RefineryMonth, f: Formatter) -> Section:
    table = Table(
        f.t("table.receipts"),
        f.t("sheet.receipts"),
        (
            Column(f.t("col.country")),
            Column(f.t("col.region")),
            Column(f.t("col.origin_type")),
            Column("CAHRA"),
            Column.number(f.t("col.lots"), "", 0),
            Column.number(f.t("col.net"), "kg", 3),
            Column.number(f.t("col.fine"), "oz", 3),
        ),
        tuple(
            (
                r.country,
                r.region,
                f.t(f"origin.{r.scale.name.lower()}"),
                f.t("yes") if r.cahra else "",
                r.lots,
                r.net_g / GRAMS_PER_KG,
                r.fine_au_oz,
            )
            for r in month.receipts
        ),
    )
    by_country: dict[str, Decimal] = defaultdict(Decimal)
    for r in month.receipts:
        by_country[r.country] += r.fine_au_oz
    countries = tuple(sorted(by_country))
    chart = BarChart(
        f.t("chart.receipts_by_origin"),
        countries,
        (Series(f.t("col.fine"), tuple(float(by_country[c]) for c in countries)),),
        "oz",
    )
    return Section(f.t("section.receipts"), (table, chart))


def _production(month: RefineryMonth, f: Formatter) -> Section:
    table = Table(
        f.t("table.production"),
        f.t("sheet.production"),
        (
            Column(f.t("col.bar_type")),
            Column.number(f.t("col.bars"), "", 0),
            Column.number(f.t("col.gross"), "oz", 3),
            Column.number(f.t("col.fine"), "oz", 3),
            Column.number(f.t("col.fineness"), "‰", 1),
        ),
        tuple(
            (_bar_kind(f, p.bar_kind), p.bars, p.gross_oz, p.fine_oz, p.mean_fineness_per_mille)
            for p in month.production
        ),
    )
    return Section(f.t("section.production"), (table,))


def _bar_kind(f: Formatter, kind: str) -> str:
    try:
        return f.t(f"bar.{kind}")
    except KeyError:
        return kind


def _balance(month: RefineryMonth, f: Formatter) -> Section:
    table = Table(
        f.t("table.metal_balance"),
        f.t("sheet.metal_balance"),
        (
            Column(f.t("col.item")),
            Column.number(f.t("col.measured"), "oz", 3),
            Column.number(f.t("col.reconciled"), "oz", 3),
            Column.number(f.t("col.reconciled_sd"), "oz", 3),
        ),
        tuple(
            (f.t(f"balance.{b.item}"), b.measured_oz, b.reconciled_oz, b.sd_oz)
            for b in month.balance
        ),
    )
    blocks: list[Paragraph | Table] = [table]
    if month.chi_square is not None and month.degrees_of_freedom is not None:
        blocks.append(
            Paragraph(
                f"χ² = {f.number(month.chi_square, 2)} ({month.degrees_of_freedom} {f.t('dof')})"
            )
        )
    return Section(f.t("section.metal_balance"), tuple(blocks))


def _accounts(month: RefineryMonth, f: Formatter) -> Section:
    table = Table(
        f.t("table.metal_accounts"),
        f.t("sheet.metal_accounts"),
        (
            Column(f.t("col.depositor")),
            Column(f.t("col.name")),
            Column(f.t("col.metal")),
            Column.number(f.t("col.opening"), "oz", 3),
            Column.number(f.t("col.credits"), "oz", 3),
            Column.number(f.t("col.debits"), "oz", 3),
            Column.number(f.t("col.closing"), "oz", 3),
        ),
        tuple(
            (a.depositor_id, a.name, a.metal, a.opening_oz, a.credits_oz, a.debits_oz, a.closing_oz)
            for a in month.accounts
        ),
    )
    return Section(f.t("section.metal_accounts"), (table,))


def _decisions(month: RefineryMonth, f: Formatter) -> Section:
    table = Table(
        f.t("table.diligence"),
        f.t("sheet.diligence"),
        (
            Column(f.t("col.date"), ColumnKind.DATE),
            Column(f.t("col.depositor")),
            Column(f.t("col.name")),
            Column(f.t("col.risk")),
            Column(f.t("col.decision")),
            Column(f.t("col.reason")),
        ),
        tuple(
            (
                d.assessed_on,
                d.depositor_id,
                d.name,
                f.t(f"risk.{d.rating.name.lower()}"),
                f.t(f"decision.{d.decision.name.lower()}"),
                d.reasons,
            )
            for d in month.decisions
        ),
    )
    return Section(f.t("section.diligence"), (table,))
