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
from nafolo.reports.sections import monthly_document, named_table, number_column, text_column

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
    return monthly_document(
        KIND,
        "refinery",
        month.period,
        f,
        generated_at,
        (
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
    table = named_table(
        f,
        "receipts",
        (
            text_column(f, "country"),
            text_column(f, "region"),
            text_column(f, "origin_type"),
            Column("CAHRA"),
            number_column(f, "lots", "", 0),
            number_column(f, "net", "kg", 3),
            number_column(f, "fine", "oz", 3),
        ),
        (
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
    table = named_table(
        f,
        "production",
        (
            text_column(f, "bar_type"),
            number_column(f, "bars", "", 0),
            number_column(f, "gross", "oz", 3),
            number_column(f, "fine", "oz", 3),
            number_column(f, "fineness", "‰", 1),
        ),
        (
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
    table = named_table(
        f,
        "metal_balance",
        (
            text_column(f, "item"),
            number_column(f, "measured", "oz", 3),
            number_column(f, "reconciled", "oz", 3),
            number_column(f, "reconciled_sd", "oz", 3),
        ),
        (
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
    table = named_table(
        f,
        "metal_accounts",
        (
            text_column(f, "depositor"),
            text_column(f, "name"),
            text_column(f, "metal"),
            number_column(f, "opening", "oz", 3),
            number_column(f, "credits", "oz", 3),
            number_column(f, "debits", "oz", 3),
            number_column(f, "closing", "oz", 3),
        ),
        (
            (a.depositor_id, a.name, a.metal, a.opening_oz, a.credits_oz, a.debits_oz, a.closing_oz)
            for a in month.accounts
        ),
    )
    return Section(f.t("section.metal_accounts"), (table,))


def _decisions(month: RefineryMonth, f: Formatter) -> Section:
    table = named_table(
        f,
        "diligence",
        (
            text_column(f, "date", ColumnKind.DATE),
            text_column(f, "depositor"),
            text_column(f, "name"),
            text_column(f, "risk"),
            text_column(f, "decision"),
            text_column(f, "reason"),
        ),
        (
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
