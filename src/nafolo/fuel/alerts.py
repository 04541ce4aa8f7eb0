"""Alerts: depots under their cover target, overdue convoys, losses beyond tolerance.

Every alert is derived from the ledger (and convoy events) when asked for; nothing is stored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations.dips import DIP_GAIN, DIP_LOSS
from nafolo.fuel.operations.receipts import TRANSIT_GAIN, TRANSIT_LOSS
from nafolo.fuel.readmodels.convoys import convoy_statuses
from nafolo.fuel.readmodels.cover import DEFAULT_HORIZON_DAYS, depot_cover
from nafolo.ledger import Ledger
from nafolo.ledger.canonical import parse_timestamp
from nafolo.store import ledger_entries

ABOVE_TOLERANCE = '%"above_tolerance":true%'


class AlertKind(StrEnum):
    COVER_BELOW_TARGET = "cover_below_target"
    CONVOY_OVERDUE = "convoy_overdue"
    TRANSIT_VARIANCE = "transit_variance_above_tolerance"
    DIP_VARIANCE = "dip_variance_above_tolerance"


class Alert(BaseModel):
    """Something a supervisor should act on: what, about whom, the figure and its threshold."""

    model_config = ConfigDict(frozen=True)

    kind: AlertKind
    subject: str
    message: str
    at: datetime | None
    value: float
    threshold: float
    unit: str


def alerts(
    ledger: Ledger,
    network: Network,
    now: datetime | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> list[Alert]:
    """Every current alert: cover below target, overdue convoys, variances beyond tolerance."""
    moment = now or datetime.now(UTC)
    return [
        *cover_alerts(ledger, network, now, horizon_days),
        *overdue_convoys(ledger, network, moment),
        *variance_alerts(ledger),
    ]


def cover_alerts(
    ledger: Ledger,
    network: Network,
    as_of: datetime | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> list[Alert]:
    """Depot tanks whose days of cover are under their target (targets of 0 are not watched).

    Without `as_of`, the current stock (balances projection) against demand from today.
    """
    found = []
    for cover in depot_cover(ledger, network, as_of, horizon_days):
        if cover.target_days <= 0 or cover.days_of_cover is None or not cover.below_target:
            continue
        found.append(
            Alert(
                kind=AlertKind.COVER_BELOW_TARGET,
                subject=f"{cover.depot}/{cover.product}",
                message=(
                    f"{cover.depot} {cover.product}: {cover.days_of_cover:.1f} d of cover "
                    f"(usable {cover.usable_t} t at {cover.daily_demand_t:.1f} t/d), "
                    f"target {cover.target_days:g} d"
                ),
                at=as_of,
                value=round(cover.days_of_cover, 2),
                threshold=cover.target_days,
                unit="d",
            )
        )
    return found


def overdue_convoys(ledger: Ledger, network: Network, now: datetime) -> list[Alert]:
    """Convoys still carrying product after their corridor's door-to-door transit time.

    See `convoy_statuses` for the expected arrival; a convoy reported `arrived` is not overdue
    while it is being discharged.
    """
    found = []
    for convoy in convoy_statuses(ledger, network):
        late_d = convoy.overdue_days(now)
        if late_d is None:
            continue
        delay = convoy.reported_delay_days
        known = f"; delays reported: {delay} d" if delay else ""
        found.append(
            Alert(
                kind=AlertKind.CONVOY_OVERDUE,
                subject=convoy.convoy,
                message=(
                    f"convoy {convoy.convoy} on {convoy.corridor} left "
                    f"{convoy.departed_at:%Y-%m-%d %H:%M}, expected by "
                    f"{convoy.expected_at:%Y-%m-%d %H:%M} ({convoy.door_to_door_days:g} d), "
                    f"{late_d:.1f} d late with {convoy.in_transit_t} t on board{known}"
                ),
                at=convoy.expected_at,
                value=round(late_d, 2),
                threshold=convoy.door_to_door_days,
                unit="d",
            )
        )
    return found


def variance_alerts(ledger: Ledger) -> list[Alert]:
    """Transit losses or gains, and dip variances, recorded beyond their tolerance."""
    table = ledger_entries
    query = (
        sa.select(
            table.c.seq, table.c.kind, table.c.commodity, table.c.effective_at, table.c.attributes
        )
        .where(
            table.c.kind.in_([TRANSIT_LOSS, TRANSIT_GAIN, DIP_LOSS, DIP_GAIN]),
            table.c.attributes.like(ABOVE_TOLERANCE),
        )
        .order_by(table.c.seq)
    )
    with ledger.engine.connect() as connection:
        rows = connection.execute(query).all()
    found = []
    for row in rows:
        a = json.loads(row.attributes)
        if a.get("above_tolerance") is not True:
            continue
        at = parse_timestamp(row.effective_at)
        if row.kind in (TRANSIT_LOSS, TRANSIT_GAIN):
            subject = f"{a['convoy']}/{a['truck']}/{a['compartment']}"
            message = (
                f"transit {'loss' if row.kind == TRANSIT_LOSS else 'gain'} of "
                f"{abs(Decimal(a['difference_t']))} t {row.commodity} on {a['corridor']} "
                f"(convoy {a['convoy']}, truck {a['truck']}, carrier {a.get('carrier') or '?'}): "
                f"{a['variance_pct']} % of {a['dispatched_t']} t dispatched, "
                f"tolerance {a['tolerance_pct']} % (contract {a['contract']})"
            )
            kind = AlertKind.TRANSIT_VARIANCE
        else:
            subject = f"{a['depot']}/{row.commodity}"
            message = (
                f"dip at {a['depot']} {row.commodity}: physical {a['physical_t']} t against book "
                f"{a['book_t']} t ({a['difference_t']} t, {a['variance_pct']} %), "
                f"tolerance {a['tolerance_pct']} %"
            )
            kind = AlertKind.DIP_VARIANCE
        found.append(
            Alert(
                kind=kind,
                subject=subject,
                message=message,
                at=at,
                value=float(a["variance_pct"]),
                threshold=float(a["tolerance_pct"]),
                unit="%",
            )
        )
    return found
