"""The fuel-monthly report for the steering committee and the ministries, built from `FuelMonth`.

Pure: the data come assembled (`nafolo.reports.fuel_data.assemble_fuel_month`); this module only
chooses what to show and labels it in the report's language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from nafolo.fuel.losses import CorridorLoss, LossAnalysis, LossPattern
from nafolo.reports.document import (
    BarChart,
    Block,
    Cell,
    Column,
    ColumnKind,
    Document,
    KeyFigure,
    Paragraph,
    Section,
    Series,
    Table,
)
from nafolo.reports.fuel_data import FuelMonth
from nafolo.reports.i18n import Formatter, Lang
from nafolo.reports.sections import monthly_document, named_table, number_column, text_column

KIND = "fuel-monthly"


def fuel_monthly_document(month: FuelMonth, lang: Lang | str, generated_at: datetime) -> Document:
    """The report of `month` in `lang` (fr or en)."""
    f = Formatter(lang)
    return monthly_document(
        KIND,
        "fuel",
        month.period,
        f,
        generated_at,
        (
            _summary(month, f),
            _supply(month, f),
            _cover(month, f),
            _incidents(month, f),
            _losses(month.losses, f),
        ),
    )


def _summary(month: FuelMonth, f: Formatter) -> Section:
    lifted = sum((c.lifted_t for c in month.contracts), Decimal(0))
    low = sum(c.min_t for c in month.contracts)
    high = sum(c.max_t for c in month.contracts)
    received = sum((c.received_t for c in month.corridors), Decimal(0))
    dispatched = sum((c.dispatched_t for c in month.corridors), Decimal(0))
    transit = sum((c.transit_loss_t for c in month.corridors), Decimal(0))
    lost = sum((c.lost_t for c in month.corridors), Decimal(0))
    usable = sum((d.usable_t for d in month.depots), Decimal(0))
    flagged = [p.key for p in month.losses.by_carrier if p.flagged]
    figures = (
        KeyFigure(f.t("fig.lifted"), lifted, "t"),
        KeyFigure(f.t("fig.band_min"), low, "t"),
        KeyFigure(f.t("fig.band_max"), high, "t"),
        KeyFigure(f.t("fig.received"), received, "t"),
        KeyFigure(f.t("fig.transit_loss"), transit, "t", 1),
        KeyFigure(
            f.t("fig.transit_loss_pct"),
            float(transit / dispatched * 100) if dispatched else None,
            "%",
            2,
        ),
        KeyFigure(f.t("fig.lost"), lost, "t", 1),
        KeyFigure(f.t("fig.usable"), usable, "t"),
        KeyFigure(f.t("fig.incidents"), len(month.incidents), ""),
        KeyFigure(f.t("fig.alerts"), len(month.alerts), ""),
    )
    blocks: list[Block] = [figures, Paragraph(f.t("fuel.basis"))]
    if flagged:
        blocks.append(Paragraph(f.t("losses.flagged_carriers", carriers=", ".join(flagged))))
    return Section(f.t("section.summary"), tuple(blocks))


def _status(f: Formatter, status: str) -> str:
    return f.t(f"status.{status}")


def _supply(month: FuelMonth, f: Formatter) -> Section:
    contracts = named_table(
        f,
        "contracts",
        (
            text_column(f, "contract"),
            number_column(f, "lifted", "t", 0),
            number_column(f, "band_min", "t", 0),
            number_column(f, "band_max", "t", 0),
            text_column(f, "status"),
            number_column(f, "shortfall", "t", 0),
            number_column(f, "excess", "t", 0),
        ),
        (
            (
                c.contract,
                c.lifted_t,
                c.min_t,
                c.max_t,
                _status(f, c.status),
                c.shortfall_t,
                c.excess_t,
            )
            for c in month.contracts
        ),
    )
    by_port = named_table(
        f,
        "by_port",
        (
            text_column(f, "contract"),
            text_column(f, "port"),
            text_column(f, "product"),
            number_column(f, "lifted", "t", 1),
        ),
        ((r.contract, r.port, r.product, r.lifted_t) for r in month.lifted),
    )
    by_corridor = named_table(
        f,
        "by_corridor",
        (
            text_column(f, "corridor"),
            text_column(f, "port"),
            text_column(f, "product"),
            number_column(f, "dispatched", "t", 1),
            number_column(f, "received", "t", 1),
            number_column(f, "transit_loss", "t", 3),
            number_column(f, "lost", "t", 1),
        ),
        (
            (
                c.corridor,
                c.port,
                c.product,
                c.dispatched_t,
                c.received_t,
                c.transit_loss_t,
                c.lost_t,
            )
            for c in month.corridors
        ),
    )
    ports = sorted({r.port for r in month.lifted})
    names = tuple(c.contract for c in month.contracts)
    chart = BarChart(
        title=f.t("chart.received_vs_band"),
        categories=names,
        series=tuple(
            Series(
                port,
                tuple(
                    float(
                        sum(
                            (
                                r.lifted_t
                                for r in month.lifted
                                if r.contract == c and r.port == port
                            ),
                            Decimal(0),
                        )
                    )
                    for c in names
                ),
            )
            for port in ports
        ),
        unit="t",
        stacked=True,
        band=tuple((c.min_t, c.max_t) for c in month.contracts),
        band_label=f.t("chart.band"),
    )
    return Section(
        f.t("section.supply"),
        (Paragraph(f.t("supply.intro")), contracts, chart, by_port, by_corridor),
    )


def _days(value: float | None) -> float:
    return math.inf if value is None else value


def _cover(month: FuelMonth, f: Formatter) -> Section:
    regions = named_table(
        f,
        "regions",
        (
            text_column(f, "region"),
            text_column(f, "product"),
            number_column(f, "usable", "t", 1),
            number_column(f, "daily_demand", "t/d", 1),
            number_column(f, "days_of_cover", "d", 1),
        ),
        (
            (r.name, r.product, r.usable_t, r.daily_demand_t, _days(r.days_of_cover))
            for r in month.regions
        ),
    )
    depots = named_table(
        f,
        "depots",
        (
            text_column(f, "depot"),
            text_column(f, "product"),
            number_column(f, "stock", "t", 1),
            number_column(f, "usable", "t", 1),
            number_column(f, "capacity", "t", 0),
            number_column(f, "days_of_cover", "d", 1),
            number_column(f, "target", "d", 0),
        ),
        (
            (
                d.depot,
                d.product,
                d.stock_t,
                d.usable_t,
                d.capacity_t,
                _days(d.days_of_cover),
                d.target_days,
            )
            for d in month.depots
        ),
    )
    names = tuple(dict.fromkeys(r.name for r in month.regions))
    products = tuple(dict.fromkeys(r.product for r in month.regions))
    cover = {(r.name, r.product): _days(r.days_of_cover) for r in month.regions}
    chart = BarChart(
        title=f.t("chart.cover_by_region"),
        categories=names,
        series=tuple(
            Series(p, tuple(cover.get((n, p), math.nan) for n in names)) for p in products
        ),
        unit="d",
    )
    return Section(
        f.t("section.cover", day=f.long_date(month.end - timedelta(days=1))),
        (Paragraph(f.t("cover.intro")), regions, chart, depots),
    )


def _incidents(month: FuelMonth, f: Formatter) -> Section:
    events = named_table(
        f,
        "incidents",
        (
            text_column(f, "date", ColumnKind.DATETIME),
            text_column(f, "convoy"),
            text_column(f, "corridor"),
            text_column(f, "event"),
            text_column(f, "truck"),
            number_column(f, "delay", "d", 1),
            text_column(f, "note"),
        ),
        (
            (i.at, i.convoy, i.corridor, f.t(f"event.{i.event}"), i.truck, i.delay_days, i.note)
            for i in month.incidents
        ),
    )
    alerts = named_table(
        f,
        "alerts",
        (
            text_column(f, "alert"),
            text_column(f, "subject"),
            text_column(f, "date", ColumnKind.DATETIME),
            number_column(f, "value", "", 2),
            number_column(f, "threshold", "", 2),
            text_column(f, "unit"),
        ),
        (
            (f.t(f"alert.{a.kind}"), a.subject, a.at, a.value, a.threshold, f.unit(a.unit))
            for a in month.alerts
        ),
    )
    blocks: list[Block] = [events if events.rows else Paragraph(f.t("incidents.none")), alerts]
    return Section(f.t("section.incidents"), tuple(blocks))


def _losses(losses: LossAnalysis, f: Formatter) -> Section:
    rec = losses.reconciliation
    u = rec.uncertainty
    intro = f.t(
        "losses.method",
        meter=f.percent(u.meter_rel_sd * 100, 1),
        dip=f.percent(u.tank_dip_rel_sd * 100, 1),
        share=f.number((u.loss_sd_share_of_tolerance or 0) * 100, 0),
    )
    blocks: list[Block] = [Paragraph(intro)]
    if rec.global_test is not None:
        g = rec.global_test
        key = "losses.global_rejected" if g.rejected else "losses.global_passed"
        blocks.append(
            Paragraph(
                f.t(
                    key,
                    chi2=f.number(g.statistic, 1),
                    dof=g.degrees_of_freedom,
                    critical=f.number(g.critical_value, 1),
                    suspects=len(rec.suspects),
                )
            )
        )
    corridor_reconciled = {c.corridor: c for c in rec.corridor_losses}
    blocks.append(
        _pattern_table(
            f,
            "loss_corridors",
            "corridor",
            losses.by_corridor,
            (
                number_column(f, "reconciled_loss", "t", 3),
                number_column(f, "reconciled_sd", "t", 3),
                number_column(f, "above_tolerance", "", 0),
            ),
            lambda p: (
                _reconciled(corridor_reconciled, p.key, "loss"),
                _reconciled(corridor_reconciled, p.key, "sd"),
                p.above_tolerance,
            ),
        )
    )
    blocks.append(
        _pattern_table(
            f,
            "loss_carriers",
            "carrier",
            losses.by_carrier,
            (
                number_column(f, "mean_loss_pct", "%", 3),
                number_column(f, "share_above", "%", 1),
                number_column(f, "p_binomial", "", 4),
                number_column(f, "p_mean", "", 4),
            ),
            lambda p: (
                p.mean_loss_pct,
                p.share_above_tolerance * 100,
                p.p_binomial,
                p.p_mean_above_tolerance,
            ),
            note=f.t("losses.pattern_note"),
        )
    )
    if rec.suspects:
        blocks.append(
            named_table(
                f,
                "suspects",
                (
                    text_column(f, "measurement"),
                    text_column(f, "subject"),
                    text_column(f, "carrier"),
                    text_column(f, "where"),
                    number_column(f, "measured", "t", 3),
                    number_column(f, "estimated_error", "t", 3),
                    number_column(f, "z", "", 1),
                ),
                (
                    (
                        f.t(f"measure.{s.info.kind}"),
                        s.info.subject,
                        s.info.carrier,
                        s.info.corridor or s.info.depot,
                        s.measured_t,
                        s.estimated_error_t,
                        s.normalised_adjustment,
                    )
                    for s in rec.suspects
                ),
                note=f.t("losses.suspect_note", critical=f.number(rec.critical_value, 2)),
            )
        )
    blocks.append(
        named_table(
            f,
            "dips",
            (
                text_column(f, "date", ColumnKind.DATETIME),
                text_column(f, "depot"),
                text_column(f, "product"),
                number_column(f, "book", "t", 3),
                number_column(f, "physical", "t", 3),
                number_column(f, "difference", "t", 3),
                number_column(f, "variance", "%", 3),
                text_column(f, "above_tolerance_flag"),
            ),
            (
                (
                    d.dipped_at,
                    d.depot,
                    d.product,
                    d.book_t,
                    d.physical_t,
                    d.difference_t,
                    d.variance_pct,
                    f.t("yes") if d.above_tolerance else "",
                )
                for d in losses.dips
            ),
        )
    )
    return Section(f.t("section.losses"), tuple(blocks))


def _pattern_table(
    f: Formatter,
    name: str,
    key: str,
    patterns: Iterable[LossPattern],
    measures: Iterable[Column],
    cells: Callable[[LossPattern], tuple[Cell, ...]],
    note: str = "",
) -> Table:
    """Loss patterns (by corridor or by carrier) as a table: the key, legs, tonnes dispatched and
    lost in transit and the loss in percent, then the `measures` of this grouping (their cells
    from `cells`), then the flag."""
    return named_table(
        f,
        name,
        (
            text_column(f, key),
            number_column(f, "legs", "", 0),
            number_column(f, "dispatched", "t", 1),
            number_column(f, "transit_loss", "t", 3),
            number_column(f, "loss_pct", "%", 3),
            *measures,
            text_column(f, "flag"),
        ),
        (
            (
                p.key,
                p.legs,
                p.dispatched_t,
                p.loss_t,
                p.loss_pct,
                *cells(p),
                f.t("yes") if p.flagged else "",
            )
            for p in patterns
        ),
        note,
    )


def _reconciled(found: dict[str, CorridorLoss], corridor: str, what: str) -> float | None:
    c = found.get(corridor)
    if c is None:
        return None
    return float(c.reconciled_loss_t if what == "loss" else c.reconciled_sd_t)
