"""Charts of a report drawn with matplotlib (Agg, no pyplot state) as PNG images."""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from nafolo.reports.document import BarChart
from nafolo.reports.i18n import Formatter

DPI = 200
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5")


def bar_chart_png(
    chart: BarChart, f: Formatter, width_in: float = 6.7, height_in: float = 3.2
) -> bytes:
    """The chart as a PNG: bars per series (side by side or stacked), the band of each category
    shaded, targets as short lines; NaN draws no bar, an infinite value (no demand: infinite
    cover) is marked ∞."""
    figure = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    n = len(chart.categories)
    k = max(len(chart.series), 1)
    width = 0.8 if chart.stacked else 0.8 / k
    xs = list(range(n))
    bottom = [0.0] * n
    handles = []
    for j, series in enumerate(chart.series):
        values = [0.0 if math.isnan(v) or math.isinf(v) else v for v in series.values]
        offset = 0.0 if chart.stacked else (j - (k - 1) / 2) * width
        positions = [x + offset for x in xs]
        colour = COLOURS[j % len(COLOURS)]
        bars = ax.bar(
            positions,
            values,
            width,
            bottom=bottom if chart.stacked else None,
            color=colour,
            label=series.name,
        )
        handles.append(bars)
        for x, v in zip(positions, series.values, strict=True):
            if math.isinf(v):
                ax.annotate("∞", (x, 0), ha="center", va="bottom", fontsize=8)
        if chart.stacked:
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    legend = [
        Patch(color=COLOURS[j % len(COLOURS)], label=s.name) for j, s in enumerate(chart.series)
    ]
    for i, (low, high) in enumerate(chart.band):
        ax.fill_between(
            [i - 0.48, i + 0.48], low, high, color="#70ad47", alpha=0.25, linewidth=0, zorder=0
        )
    if chart.band:
        legend.append(Patch(color="#70ad47", alpha=0.25, label=chart.band_label))
    for i, target in enumerate(chart.target):
        if not math.isnan(target):
            ax.hlines(target, i - 0.45, i + 0.45, colors="#c00000", linewidth=1.5)
    ax.set_xticks(
        xs,
        chart.categories,
        rotation=30 if n > 4 else 0,
        ha="right" if n > 4 else "center",
        fontsize=8,
    )
    ax.set_ylabel(f.unit(chart.unit), fontsize=8)
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f.number(v, 0 if float(v).is_integer() else 1))
    )
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", linewidth=0.3)
    ax.set_axisbelow(True)
    if legend:
        ax.legend(
            handles=legend, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0)
        )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
