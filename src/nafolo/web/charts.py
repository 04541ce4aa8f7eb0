"""ECharts options built on the server, as plain JSON-ready dicts (no JavaScript functions).

Every axis names its unit; every tooltip is text formatted here in the page's language (the
browser's `app.js` shows a data item's `tooltip` field when the option's tooltip formatter is the
string "data.tooltip"). The map draws on the vendored GeoJSON registered as `west-africa`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAP_NAME = "west-africa"
GREEN, AMBER, RED, GREY, BLUE = "#1a7f37", "#b35900", "#c62828", "#6e7781", "#0b5cad"
PALETTE = ["#0b5cad", "#b35900", "#1a7f37", "#8250df", "#c62828", "#6e7781", "#1b7c83"]
TOOLTIP_FROM_DATA = "data.tooltip"


def cover_colour(days: float | None, target_days: float) -> str:
    """Green at or above target, amber below it, red under half of it; grey without demand."""
    if days is None:
        return GREY
    if target_days <= 0 or days >= target_days:
        return GREEN
    return AMBER if days >= target_days / 2 else RED


CORRIDOR_COLOURS = {"delayed": RED, "active": BLUE, "idle": GREY, "closed": "#000000"}


@dataclass(frozen=True)
class MapPoint:
    name: str
    longitude: float
    latitude: float
    colour: str
    tooltip: str
    size: float = 12.0


@dataclass(frozen=True)
class MapLine:
    name: str
    start: tuple[float, float]
    end: tuple[float, float]
    colour: str
    width: float
    tooltip: str


def network_map(
    depots: Sequence[MapPoint],
    ports: Sequence[MapPoint],
    corridors: Sequence[MapLine],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """Mali and its neighbours, corridors as lines (colour = status, width = flow), depots coloured
    by days of cover and the coastal ports. `labels` names the series (translated)."""
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item", "formatter": TOOLTIP_FROM_DATA},
        "geo": {
            "map": MAP_NAME,
            "roam": True,
            "center": [-6.5, 14.5],
            "zoom": 1.15,
            "itemStyle": {"areaColor": "#eef1f4", "borderColor": "#9aa4ae"},
            "emphasis": {"disabled": True},
            "regions": [
                {"name": "Mali", "itemStyle": {"areaColor": "#f8e9c8", "borderColor": "#7a5a10"}}
            ],
        },
        "legend": {"bottom": 0, "data": [labels["corridors"], labels["depots"], labels["ports"]]},
        "series": [
            {
                "name": labels["corridors"],
                "type": "lines",
                "coordinateSystem": "geo",
                "zlevel": 1,
                "data": [
                    {
                        "name": c.name,
                        "coords": [list(c.start), list(c.end)],
                        "lineStyle": {"color": c.colour, "width": c.width, "opacity": 0.8},
                        "tooltip": c.tooltip,
                    }
                    for c in corridors
                ],
                "lineStyle": {"curveness": 0.15},
            },
            {
                "name": labels["depots"],
                "type": "scatter",
                "coordinateSystem": "geo",
                "zlevel": 2,
                "symbol": "circle",
                "data": [
                    {
                        "name": d.name,
                        "value": [d.longitude, d.latitude],
                        "symbolSize": d.size,
                        "itemStyle": {"color": d.colour, "borderColor": "#ffffff"},
                        "tooltip": d.tooltip,
                    }
                    for d in depots
                ],
            },
            {
                "name": labels["ports"],
                "type": "scatter",
                "coordinateSystem": "geo",
                "zlevel": 2,
                "symbol": "diamond",
                "data": [
                    {
                        "name": p.name,
                        "value": [p.longitude, p.latitude],
                        "symbolSize": p.size,
                        "itemStyle": {"color": "#24292f"},
                        "label": {"show": True, "formatter": p.name, "position": "right"},
                        "tooltip": p.tooltip,
                    }
                    for p in ports
                ],
            },
        ],
    }


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    kind: str = "bar"  # bar or line
    stack: str | None = None
    colour: str | None = None


def weekly_chart(
    categories: Sequence[str], series: Sequence[Series], axis_name: str, title: str = ""
) -> dict[str, Any]:
    """Bars and lines per week; `axis_name` names the quantity and its unit, e.g. 'tonnes (t)'."""
    return {
        "aria": {"enabled": True},
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "valueUnit": _unit_of(axis_name)},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": list(categories)},
        "yAxis": {"type": "value", "name": axis_name, "nameGap": 12},
        "series": [
            {
                "name": s.name,
                "type": s.kind,
                "data": [None if v is None else round(float(v), 3) for v in s.values],
                **({"stack": s.stack} if s.stack else {}),
                **({"itemStyle": {"color": s.colour}} if s.colour else {}),
                **({"lineStyle": {"color": s.colour}} if s.colour and s.kind == "line" else {}),
            }
            for s in series
        ],
        "color": PALETTE,
    }


def bar_chart(
    categories: Sequence[str],
    values: Sequence[float | None],
    colours: Sequence[str],
    tooltips: Sequence[str],
    axis_name: str,
    target: float | None = None,
    target_label: str = "",
) -> dict[str, Any]:
    """One horizontal bar per category (e.g. days of cover per depot), each with its colour and
    tooltip; an optional vertical target line."""
    series: dict[str, Any] = {
        "type": "bar",
        "data": [
            {
                "value": None if v is None else round(float(v), 2),
                "itemStyle": {"color": c},
                "tooltip": t,
            }
            for v, c, t in zip(values, colours, tooltips, strict=True)
        ],
    }
    if target is not None:
        series["markLine"] = {
            "symbol": "none",
            "label": {"formatter": target_label},
            "lineStyle": {"type": "dashed", "color": "#24292f"},
            "data": [{"xAxis": target}],
        }
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "item", "formatter": TOOLTIP_FROM_DATA},
        "grid": {"left": 150, "right": 30, "top": 30, "bottom": 40},
        "xAxis": {"type": "value", "name": axis_name, "nameLocation": "middle", "nameGap": 28},
        "yAxis": {"type": "category", "data": list(categories), "inverse": True},
        "series": [series],
    }


def fan_chart(
    categories: Sequence[str],
    p5: Sequence[float],
    p25: Sequence[float],
    p50: Sequence[float],
    p75: Sequence[float],
    p95: Sequence[float],
    axis_name: str,
    labels: Mapping[str, str],
    title: str,
    rows: Sequence[str],
) -> dict[str, Any]:
    """Percentile bands as stacked areas (5–95 % light, 25–75 % darker) and the median line;
    `rows` is each week's tooltip text (the percentiles, formatted)."""

    def band(low: Sequence[float], high: Sequence[float]) -> list[float]:
        return [round(max(h - lo, 0.0), 3) for lo, h in zip(low, high, strict=True)]

    def base(values: Sequence[float]) -> list[float]:
        return [round(v, 3) for v in values]

    hidden = {"opacity": 0}
    return {
        "aria": {"enabled": True},
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "formatter": "rows"},
        "tooltipRows": list(rows),
        "legend": {"bottom": 0, "data": [labels["outer"], labels["inner"], labels["median"]]},
        "grid": {"left": 60, "right": 16, "top": 36, "bottom": 56},
        "xAxis": {"type": "category", "data": list(categories), "boundaryGap": False},
        "yAxis": {"type": "value", "name": axis_name, "min": 0},
        "series": [
            {
                "name": "p5",
                "type": "line",
                "data": base(p5),
                "stack": "outer",
                "lineStyle": hidden,
                "symbol": "none",
                "tooltip": {"show": False},
            },
            {
                "name": labels["outer"],
                "type": "line",
                "data": band(p5, p95),
                "stack": "outer",
                "lineStyle": hidden,
                "symbol": "none",
                "areaStyle": {"color": "#0b5cad", "opacity": 0.18},
            },
            {
                "name": "p25",
                "type": "line",
                "data": base(p25),
                "stack": "inner",
                "lineStyle": hidden,
                "symbol": "none",
            },
            {
                "name": labels["inner"],
                "type": "line",
                "data": band(p25, p75),
                "stack": "inner",
                "lineStyle": hidden,
                "symbol": "none",
                "areaStyle": {"color": "#0b5cad", "opacity": 0.35},
            },
            {
                "name": labels["median"],
                "type": "line",
                "data": base(p50),
                "symbol": "none",
                "lineStyle": {"color": "#0b5cad", "width": 2},
            },
        ],
        "color": ["#0b5cad", "#0b5cad", "#0b5cad", "#0b5cad", "#0b5cad"],
    }


def _unit_of(axis_name: str) -> str:
    """The unit in an axis name 'tonnes (t)' → 't' (for the tooltips' values)."""
    if axis_name.endswith(")") and "(" in axis_name:
        return axis_name[axis_name.rindex("(") + 1 : -1]
    return ""
