"""The fuel-monthly report's data: typed rows for one calendar month, assembled from the read
models, the loss analysis and the ledger (`assemble_fuel_month` is the only function doing I/O)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from nafolo.fuel.losses import LossAnalysis, analyse_losses, read_period_movements
from nafolo.fuel.losses.read import period_entries
from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.convoys import DISPATCH, TRUCK_LOST
from nafolo.fuel.operations.receipts import RECEIPT, TRANSIT_GAIN, TRANSIT_LOSS
from nafolo.fuel.readmodels.compliance import ContractCompliance, PortProductLifted, compliance
from nafolo.ledger import Ledger
from nafolo.reports.period import period_bounds

INCIDENT_EVENTS = ("attacked", "truck_lost", "delayed")


@dataclass(frozen=True, slots=True)
class CorridorFlow:
    """A corridor's month for one product: loaded, received, lost in transit or to attacks."""

    corridor: str
    port: str
    product: str
    dispatched_t: Decimal
    received_t: Decimal
    transit_loss_t: Decimal  # losses − gains found at receipt
    lost_t: Decimal  # loads of trucks lost (attack, fire, accident)


@dataclass(frozen=True, slots=True)
class DepotMonthEnd:
    depot: str
    product: str
    stock_t: Decimal
    usable_t: Decimal
    capacity_t: Decimal
    days_of_cover: float | None
    target_days: float


@dataclass(frozen=True, slots=True)
class RegionMonthEnd:
    region: str
    name: str
    product: str
    usable_t: float
    daily_demand_t: float
    days_of_cover: float | None


@dataclass(frozen=True, slots=True)
class Incident:
    at: datetime
    convoy: str
    corridor: str
    event: str
    truck: str
    delay_days: Decimal | None
    note: str


@dataclass(frozen=True, slots=True)
class AlertRow:
    """An alert of the month: kind (AlertKind value), subject, when, figure against threshold."""

    kind: str
    subject: str
    at: datetime | None
    value: float
    threshold: float
    unit: str


@dataclass(frozen=True)
class FuelMonth:
    """Everything the fuel-monthly report shows for `period` (YYYY-MM)."""

    period: str
    start: datetime
    end: datetime
    contracts: tuple[ContractCompliance, ...]
    lifted: tuple[PortProductLifted, ...]
    corridors: tuple[CorridorFlow, ...]
    depots: tuple[DepotMonthEnd, ...]
    regions: tuple[RegionMonthEnd, ...]
    incidents: tuple[Incident, ...]
    alerts: tuple[AlertRow, ...]
    losses: LossAnalysis


Progress = Callable[[str], None]


def assemble_fuel_month(
    ledger: Ledger, network: Network, period: str, progress: Progress | None = None
) -> FuelMonth:
    """Read the month from the ledger: compliance, corridor flows, month-end stock and cover,
    incidents, alerts and the loss analysis. `period` is YYYY-MM (else a ValueError naming it)."""
    from nafolo.fuel.alerts import cover_alerts
    from nafolo.fuel.readmodels import convoy_statuses, depot_cover, depot_stocks, region_cover

    say = progress or (lambda _: None)
    start, end = period_bounds(period)
    month_end = end - timedelta(microseconds=1)
    say("compliance")
    report = compliance(ledger, network, period)
    say("corridors")
    corridors = corridor_flows(ledger, network, start, end)
    say("stock and cover")
    stocks = {(s.depot, s.product): s for s in depot_stocks(ledger, network, as_of=month_end)}
    depots = tuple(
        DepotMonthEnd(
            depot=c.depot,
            product=c.product,
            stock_t=stocks[(c.depot, c.product)].stock_t,
            usable_t=c.usable_t,
            capacity_t=stocks[(c.depot, c.product)].capacity_t,
            days_of_cover=c.days_of_cover,
            target_days=c.target_days,
        )
        for c in depot_cover(ledger, network, as_of=month_end)
    )
    names = {r.region: r.name for r in network.regions}
    regions = tuple(
        RegionMonthEnd(
            r.region,
            names.get(r.region, r.region),
            r.product,
            r.usable_t,
            r.daily_demand_t,
            r.days_of_cover,
        )
        for r in region_cover(ledger, network, as_of=month_end)
    )
    say("incidents")
    statuses = convoy_statuses(ledger, network, on_road_only=False)
    incidents = tuple(
        sorted(
            (
                Incident(e.at, s.convoy, s.corridor, e.event, e.truck or "", e.delay_days, e.note)
                for s in statuses
                for e in s.events
                if e.event in INCIDENT_EVENTS and start <= e.at < end
            ),
            key=lambda i: (i.at, i.convoy),
        )
    )
    on_board: dict[str, Decimal] = defaultdict(Decimal)
    for b in ledger.balances(account_kind="transit", domain=accounts.DOMAIN, as_of=month_end):
        found = accounts.convoy_of_transit(b.account)
        if found is not None:
            on_board[found[1]] += b.quantity
    overdue = [
        AlertRow(
            "convoy_overdue",
            s.convoy,
            s.expected_at,
            round((end - s.expected_at).total_seconds() / 86400, 2),
            s.door_to_door_days,
            "d",
        )
        for s in statuses
        if on_board.get(s.convoy, Decimal(0)) > 0
        and s.expected_at < end
        and not any(e.event == "arrived" and e.at < end for e in s.events)
    ]
    cover = [
        AlertRow(a.kind.value, a.subject, a.at, a.value, a.threshold, a.unit)
        for a in cover_alerts(ledger, network, as_of=month_end)
    ]
    say("losses")
    movements = read_period_movements(ledger, start, end)
    losses = analyse_losses(movements)
    variance = [
        AlertRow(
            "transit_variance_above_tolerance",
            leg.name,
            leg.received_at,
            round(abs(leg.loss_pct), 4),
            leg.tolerance_pct,
            "%",
        )
        for leg in movements.legs
        if leg.above_tolerance
    ] + [
        AlertRow(
            "dip_variance_above_tolerance",
            f"{d.depot}/{d.product}",
            d.dipped_at,
            round(d.variance_pct, 4),
            d.tolerance_pct,
            "%",
        )
        for d in movements.dips
        if d.above_tolerance
    ]
    return FuelMonth(
        period=period,
        start=start,
        end=end,
        contracts=tuple(report.contracts),
        lifted=tuple(report.by_port_product),
        corridors=corridors,
        depots=depots,
        regions=regions,
        incidents=incidents,
        alerts=tuple(cover + overdue + sorted(variance, key=lambda a: (a.at, a.subject))),
        losses=losses,
    )


def corridor_flows(
    ledger: Ledger, network: Network, start: datetime, end: datetime
) -> tuple[CorridorFlow, ...]:
    """Per corridor and product: dispatched, received, net transit loss, lost to attacks."""
    totals: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for kind in (DISPATCH, RECEIPT, TRANSIT_LOSS, TRANSIT_GAIN, TRUCK_LOST):
        for e in period_entries(ledger, kind, start, end):
            corridor = str(e.attributes.get("corridor", ""))
            sign = Decimal(-1) if kind == TRANSIT_GAIN else Decimal(1)
            column = TRANSIT_LOSS if kind == TRANSIT_GAIN else kind
            totals[(corridor, e.commodity)][column] += sign * e.quantity
    ports = {c.corridor: c.port for c in network.corridors}
    return tuple(
        CorridorFlow(
            corridor=corridor,
            port=ports.get(corridor, ""),
            product=product,
            dispatched_t=t[DISPATCH],
            received_t=t[RECEIPT],
            transit_loss_t=t[TRANSIT_LOSS],
            lost_t=t[TRUCK_LOST],
        )
        for (corridor, product), t in sorted(totals.items())
    )
