"""The overview: the map of Mali (depots coloured by days of cover, corridors by status and flow),
the programme's progress against the contract band, stocks, alerts, and the refinery's figures
when the gold services are installed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nafolo.api.deps import LedgerDep, NetworkDep, StateDep
from nafolo.fuel.alerts import variance_alerts
from nafolo.fuel.network.model import Network
from nafolo.fuel.readmodels import compliance, convoy_statuses, depot_cover, in_transit
from nafolo.fuel.readmodels.compliance import ComplianceReport
from nafolo.fuel.readmodels.convoys import ConvoyStatus
from nafolo.fuel.readmodels.cover import DepotCover
from nafolo.fuel.readmodels.stock import CorridorTransit
from nafolo.ledger import Ledger
from nafolo.web import charts
from nafolo.web.deps import Kit, KitDep, Viewer
from nafolo.web.gold_status import gold_figures
from nafolo.web.reads import together
from nafolo.web.templates import render

router = APIRouter()


@dataclass(frozen=True)
class CorridorState:
    corridor: str
    name: str
    port: str
    depot: str
    status: str  # active, delayed, idle
    in_transit_t: Decimal
    convoys: int
    overdue: int


def latest_month(ledger: Ledger) -> str:
    """The month of the latest lifting recorded (else the current month): what the programme
    progress shows by default."""
    found = ledger.entries(kind="lifting", limit=1, newest_first=True)
    moment = found[0].effective_at if found else datetime.now(UTC)
    return f"{moment:%Y-%m}"


def corridor_states(
    network: Network,
    transit: list[CorridorTransit],
    statuses: list[ConvoyStatus],
    now: datetime,
) -> list[CorridorState]:
    """Each corridor: tonnes and convoys on the road, and whether a convoy on it is overdue."""
    tonnes: dict[str, Decimal] = defaultdict(Decimal)
    for row in transit:
        tonnes[row.corridor] += row.in_transit_t
    convoys: dict[str, int] = defaultdict(int)
    overdue: dict[str, int] = defaultdict(int)
    for status in statuses:
        convoys[status.corridor] += 1
        if status.overdue_days(now) is not None:
            overdue[status.corridor] += 1
    states = []
    for c in network.corridors:
        state = "delayed" if overdue[c.corridor] else "active" if tonnes[c.corridor] > 0 else "idle"
        states.append(
            CorridorState(
                c.corridor,
                c.name,
                c.port,
                c.depot,
                state,
                tonnes[c.corridor],
                convoys[c.corridor],
                overdue[c.corridor],
            )
        )
    return states


def depot_points(network: Network, covers: list[DepotCover], kit: Kit) -> list[charts.MapPoint]:
    f, _ = kit.formats, kit._
    by_depot: dict[str, list[DepotCover]] = defaultdict(list)
    for cover in covers:
        by_depot[cover.depot].append(cover)
    names = {p.product: p.name for p in network.products}
    points = []
    for depot in network.depots:
        rows = [c for c in by_depot[depot.depot] if c.daily_demand_t > 0]
        worst = min(
            rows,
            key=lambda c: (c.days_of_cover or 0.0) / c.target_days if c.target_days else 1e9,
            default=None,
        )
        colour = (
            charts.GREY
            if worst is None
            else charts.cover_colour(worst.days_of_cover, worst.target_days)
        )
        lines = [depot.name]
        for c in by_depot[depot.depot]:
            lines.append(
                _("{product}: {days} of cover (target {target}), {usable} usable").format(
                    product=names.get(c.product, c.product),
                    days=f.quantity(c.days_of_cover, "d", 1),
                    target=f.quantity(c.target_days, "d", 0),
                    usable=f.quantity(c.usable_t, "t", 1),
                )
            )
        points.append(
            charts.MapPoint(
                depot.name, depot.longitude, depot.latitude, colour, "\n".join(lines), 16
            )
        )
    return points


def corridor_lines(network: Network, states: list[CorridorState], kit: Kit) -> list[charts.MapLine]:
    f, _ = kit.formats, kit._
    ports = {p.port: p for p in network.ports}
    depots = {d.depot: d for d in network.depots}
    status_names = {"active": _("on the road"), "delayed": _("convoy overdue"), "idle": _("idle")}
    lines = []
    for s in states:
        port, depot = ports[s.port], depots[s.depot]
        width = 1.5 + min(float(s.in_transit_t) / 500.0, 6.0)
        tooltip = "\n".join(
            [
                s.name,
                _("Status: {status}").format(status=status_names[s.status]),
                _("In transit: {tonnes} in {convoys}").format(
                    tonnes=f.quantity(s.in_transit_t, "t", 1),
                    convoys=f.quantity(s.convoys, "convoys", 0),
                ),
            ]
        )
        lines.append(
            charts.MapLine(
                s.name,
                (port.longitude, port.latitude),
                (depot.longitude, depot.latitude),
                charts.CORRIDOR_COLOURS[s.status],
                width,
                tooltip,
            )
        )
    return lines


def port_points(network: Network, kit: Kit) -> list[charts.MapPoint]:
    f, _ = kit.formats, kit._
    return [
        charts.MapPoint(
            p.name.split(" (")[0],
            p.longitude,
            p.latitude,
            "#24292f",
            "\n".join(
                [
                    f"{p.name} ({p.country})",
                    _("Storage: {capacity}").format(
                        capacity=f.quantity(p.storage_capacity_t, "t", 0)
                    ),
                ]
            ),
            10,
        )
        for p in network.ports
    ]


def programme(report: ComplianceReport) -> list[dict[str, Any]]:
    """Each contract's month: lifted against its band, as a share of the maximum for the meter."""
    return [
        {
            "contract": c.contract,
            "lifted_t": c.lifted_t,
            "min_t": c.min_t,
            "max_t": c.max_t,
            "status": c.status,
            "shortfall_t": c.shortfall_t,
            "excess_t": c.excess_t,
            "scale_max_t": max(c.max_t * 1.1, float(c.lifted_t)),
        }
        for c in report.contracts
    ]


@router.get("/", response_class=HTMLResponse, name="web_overview")
def overview(
    request: Request,
    user: Viewer,
    kit: KitDep,
    state: StateDep,
    ledger: LedgerDep,
    network: NetworkDep,
    month: str | None = None,
) -> HTMLResponse:
    _ = kit._
    now = datetime.now(UTC)
    period = month if month and _is_month(month) else None
    found = together(
        covers=lambda: depot_cover(ledger, network),
        statuses=lambda: convoy_statuses(ledger, network),
        transit=lambda: in_transit(ledger),
        variances=lambda: variance_alerts(ledger),
        period=lambda: period or latest_month(ledger),
        gold=lambda: gold_figures(state.engine),
    )
    covers: list[DepotCover] = found["covers"]
    statuses: list[ConvoyStatus] = found["statuses"]
    states = corridor_states(network, found["transit"], statuses, now)
    period = found["period"]
    alert_count = (
        sum(1 for c in covers if c.target_days > 0 and c.below_target)
        + sum(1 for s in statuses if s.overdue_days(now) is not None)
        + len(found["variances"])
    )
    labels = {"corridors": _("Corridors"), "depots": _("Depots"), "ports": _("Ports")}
    option = charts.network_map(
        depot_points(network, covers, kit),
        port_points(network, kit),
        corridor_lines(network, states, kit),
        labels,
    )
    stock_by_product: dict[str, Decimal] = defaultdict(Decimal)
    for c in covers:
        stock_by_product[c.product] += c.usable_t
    products = {p.product: p.name for p in network.products}
    context = {
        "map_option": option,
        "programme": programme(compliance(ledger, network, period)),
        "period": period,
        "stock_by_product": [
            (products.get(code, code), tonnes) for code, tonnes in stock_by_product.items()
        ],
        "in_transit_t": sum((s.in_transit_t for s in states), Decimal(0)),
        "convoys_on_road": len(statuses),
        "alert_count": alert_count,
        "below_target": [c for c in covers if c.below_target],
        "product_names": products,
        "depot_names": {d.depot: d.name for d in network.depots},
        "gold": found["gold"],
        "network_name": network.name,
    }
    return render(request, "overview.html", context)


def _is_month(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m")
    except ValueError:
        return False
    return True
