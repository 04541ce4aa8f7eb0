"""Convoys as supervisors follow them: where they are, when they are due, what happened on the road.

Derived from the dispatch entries (what was loaded, when, escorted or not), the convoys' transit
balances (what is still on the road) and the convoy events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.convoys import DISPATCH
from nafolo.fuel.operations.tables import convoy_events
from nafolo.ledger import Ledger
from nafolo.ledger.canonical import parse_timestamp
from nafolo.store import ledger_entries


class ConvoyEventOut(BaseModel):
    """A recorded convoy event."""

    model_config = ConfigDict(frozen=True)

    event: str
    at: datetime
    truck: str | None
    delay_days: Decimal | None
    note: str
    document_ref: str


class ConvoyStatus(BaseModel):
    """A convoy: its corridor, load on the road (t, weight in air), timing and events."""

    model_config = ConfigDict(frozen=True)

    convoy: str
    corridor: str
    escorted: bool
    dispatched_at: datetime
    departed_at: datetime
    door_to_door_days: float
    expected_at: datetime
    arrived_reported: bool
    trucks: int
    in_transit_t: Decimal
    events: list[ConvoyEventOut]

    def overdue_days(self, now: datetime) -> float | None:
        """Days past the expected arrival while product is still on the road, else None."""
        if self.in_transit_t <= 0 or self.arrived_reported or now <= self.expected_at:
            return None
        return (now - self.expected_at).total_seconds() / 86400

    @property
    def reported_delay_days(self) -> Decimal:
        return sum((e.delay_days or Decimal(0) for e in self.events), Decimal(0))


def convoy_statuses(
    ledger: Ledger, network: Network, *, on_road_only: bool = True
) -> list[ConvoyStatus]:
    """Convoys in convoy order; by default only those with product still on the road.

    Expected arrival = departure (the `departed` event, else the dispatch) + transit days +
    border days + escort extra days when escorted (at dispatch or by an `escorted` event).
    """
    in_transit: dict[str, Decimal] = defaultdict(Decimal)
    for balance in ledger.balances(account_kind="transit", domain=accounts.DOMAIN):
        in_transit[balance.account] += balance.quantity
    query = sa.select(
        ledger_entries.c.to_account, ledger_entries.c.effective_at, ledger_entries.c.attributes
    ).where(ledger_entries.c.kind == DISPATCH)
    if on_road_only:
        on_road = sorted(a for a, t in in_transit.items() if t > 0)
        if not on_road:
            return []
        query = query.where(ledger_entries.c.to_account.in_(on_road))
    dispatched: dict[str, datetime] = {}
    escorted: set[str] = set()
    trucks: dict[str, set[str]] = defaultdict(set)
    events: dict[str, list[ConvoyEventOut]] = defaultdict(list)
    with ledger.engine.connect() as connection:
        for row in connection.execute(query):
            at = parse_timestamp(row.effective_at)
            dispatched[row.to_account] = min(at, dispatched.get(row.to_account, at))
            attributes = json.loads(row.attributes)
            trucks[row.to_account].add(str(attributes.get("truck")))
            if attributes.get("escorted"):
                escorted.add(row.to_account)
        names = [found[1] for a in dispatched if (found := accounts.convoy_of_transit(a))]
        for chunk in range(0, len(names), 500):
            rows = connection.execute(
                sa.select(convoy_events)
                .where(convoy_events.c.convoy.in_(names[chunk : chunk + 500]))
                .order_by(convoy_events.c.at, convoy_events.c.id)
            )
            for e in rows:
                events[e.convoy].append(
                    ConvoyEventOut(
                        event=e.event,
                        at=parse_timestamp(e.at),
                        truck=e.truck,
                        delay_days=None if e.delay_days is None else Decimal(e.delay_days),
                        note=e.note,
                        document_ref=e.document_ref,
                    )
                )
    statuses = []
    for account, dispatched_at in dispatched.items():
        found = accounts.convoy_of_transit(account)
        if found is None:
            continue
        corridor_code, convoy = found
        corridor = network.corridor(corridor_code)
        happened = events[convoy]
        kinds = {e.event for e in happened}
        departed = min((e.at for e in happened if e.event == "departed"), default=dispatched_at)
        is_escorted = account in escorted or "escorted" in kinds
        days = corridor.transit_days + corridor.border_days
        if is_escorted:
            days += corridor.escort_extra_days
        statuses.append(
            ConvoyStatus(
                convoy=convoy,
                corridor=corridor_code,
                escorted=is_escorted,
                dispatched_at=dispatched_at,
                departed_at=departed,
                door_to_door_days=days,
                expected_at=departed + timedelta(days=days),
                arrived_reported="arrived" in kinds,
                trucks=len(trucks[account]),
                in_transit_t=in_transit.get(account, Decimal(0)),
                events=happened,
            )
        )
    return sorted(statuses, key=lambda s: s.convoy)
