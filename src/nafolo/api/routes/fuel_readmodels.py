"""/api/fuel read models: stocks, in transit, days of cover, programme compliance, alerts and
plan versus actual — all derived from the ledger when asked, filtered by depot, product,
corridor, region and dates; unknown codes are refused naming the filter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from nafolo.api.deps import LedgerDep, NetworkDep, PageDep, ReadCacheDep, SettingsDep, aware
from nafolo.api.plan_store import plan_folder
from nafolo.api.problems import unknown
from nafolo.api.schemas.common import Listing, Paged
from nafolo.api.schemas.fuel import (
    STOCK_UNITS,
    TRANSIT_UNITS,
    CoverListing,
    PlanVsActualOut,
    PlanVsActualPage,
)
from nafolo.fuel.alerts import Alert, AlertKind, alerts
from nafolo.fuel.network.model import Network
from nafolo.fuel.readmodels import (
    ComplianceReport,
    CorridorTransit,
    DepotStock,
    compliance,
    depot_cover,
    depot_stocks,
    in_transit,
    region_cover,
)
from nafolo.fuel.readmodels.cover import DEFAULT_HORIZON_DAYS
from nafolo.fuel.readmodels.plan_vs_actual import plan_vs_actual, read_plan

router = APIRouter(prefix="/fuel", tags=["fuel read models"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"

DepotQuery = Annotated[str | None, Query(description="Depot code, e.g. BKO-SENOU.")]
ProductQuery = Annotated[str | None, Query(description="Product code, e.g. GASOIL.")]
CorridorQuery = Annotated[str | None, Query(description="Corridor code, e.g. DKR-KAYES.")]
RegionQuery = Annotated[str | None, Query(description="Region code, e.g. KAYES.")]
AsOfQuery = Annotated[
    datetime | None,
    Query(description="As at this moment (naive = UTC, Bamako time); default: now."),
]
HorizonQuery = Annotated[
    int, Query(ge=1, le=366, description="Days of forward demand averaged for cover.")
]


def _check(network: Network, **codes: str | None) -> None:
    """Refuse (422 naming the query field) any code the network does not know."""
    known = {
        "depot": lambda: {d.depot for d in network.depots},
        "product": lambda: {p.product for p in network.products},
        "corridor": lambda: {c.corridor for c in network.corridors},
        "region": lambda: {r.region for r in network.regions},
        "port": lambda: {p.port for p in network.ports},
    }
    for field, code in codes.items():
        if code is not None and code not in known[field]():
            raise unknown(
                "query", field, f"unknown {field} {code!r}: not in network {network.name}"
            )


@router.get("/stocks", summary="Book stock per depot and product")
def stocks(
    ledger: LedgerDep,
    network: NetworkDep,
    cache: ReadCacheDep,
    depot: DepotQuery = None,
    product: ProductQuery = None,
    as_of: AsOfQuery = None,
) -> Listing[DepotStock]:
    """Every depot tank: book stock, tank bottom, usable stock and capacity, in tonnes."""
    _check(network, depot=depot, product=product)
    rows = [
        s
        for s in cache.get(
            ("depot_stocks", id(network), as_of),
            lambda: depot_stocks(ledger, network, as_of=aware(as_of)),
        )
        if (depot is None or s.depot == depot) and (product is None or s.product == product)
    ]
    return Listing[DepotStock](items=rows, units=STOCK_UNITS)


@router.get("/in-transit", summary="Product on the road per corridor")
def transit(
    ledger: LedgerDep,
    network: NetworkDep,
    cache: ReadCacheDep,
    corridor: CorridorQuery = None,
    product: ProductQuery = None,
    as_of: AsOfQuery = None,
) -> Listing[CorridorTransit]:
    _check(network, corridor=corridor, product=product)
    rows = [
        t
        for t in cache.get(("in_transit", as_of), lambda: in_transit(ledger, as_of=aware(as_of)))
        if (corridor is None or t.corridor == corridor)
        and (product is None or t.product == product)
    ]
    return Listing[CorridorTransit](items=rows, units=TRANSIT_UNITS)


@router.get("/cover", summary="Days of cover per depot or per region")
def cover(
    ledger: LedgerDep,
    network: NetworkDep,
    cache: ReadCacheDep,
    by: Annotated[Literal["depot", "region"], Query(description="Per depot tank or region.")] = (
        "depot"
    ),
    depot: DepotQuery = None,
    region: RegionQuery = None,
    product: ProductQuery = None,
    as_of: AsOfQuery = None,
    horizon_days: HorizonQuery = DEFAULT_HORIZON_DAYS,
) -> CoverListing:
    """Usable stock over forward daily demand (the network's, with seasonality); null days of
    cover means nothing is demanded (infinite cover)."""
    _check(network, depot=depot, region=region, product=product)
    moment = aware(as_of)
    if by == "depot":
        depots = [
            c
            for c in cache.get(
                ("depot_cover", id(network), moment, horizon_days),
                lambda: depot_cover(ledger, network, moment, horizon_days),
            )
            if (depot is None or c.depot == depot) and (product is None or c.product == product)
        ]
        return CoverListing(by=by, items=depots)
    regions = [
        c
        for c in cache.get(
            ("region_cover", id(network), moment, horizon_days),
            lambda: region_cover(ledger, network, moment, horizon_days),
        )
        if (region is None or c.region == region) and (product is None or c.product == product)
    ]
    return CoverListing(by=by, items=regions)


@router.get("/compliance", summary="Programme compliance of a month")
def month_compliance(
    ledger: LedgerDep,
    network: NetworkDep,
    month: Annotated[
        str | None, Query(pattern=MONTH, description="YYYY-MM; default: the current month.")
    ] = None,
) -> ComplianceReport:
    """Tonnes lifted in the month per contract against its band, and by port and product."""
    return compliance(ledger, network, month or f"{datetime.now(UTC):%Y-%m}")


@router.get("/alerts", summary="Current alerts")
def current_alerts(
    ledger: LedgerDep,
    network: NetworkDep,
    cache: ReadCacheDep,
    page: PageDep,
    kind: Annotated[AlertKind | None, Query(description="Only alerts of this kind.")] = None,
    now: AsOfQuery = None,
    horizon_days: HorizonQuery = DEFAULT_HORIZON_DAYS,
) -> Paged[Alert]:
    """Depots under their cover target, overdue convoys, transit and dip variances above
    tolerance. Each alert carries `value` and `threshold` in its `unit`."""
    found = [
        a
        for a in cache.get(
            ("alerts", id(network), now, horizon_days),
            lambda: alerts(ledger, network, aware(now), horizon_days),
        )
        if kind is None or a.kind == kind
    ]
    return Paged[Alert](
        items=page.slice(found), total=len(found), limit=page.limit, offset=page.offset
    )


@router.get("/plan-vs-actual", summary="A kept plan against the ledger, week by week")
def plan_versus_actual(
    ledger: LedgerDep,
    network: NetworkDep,
    settings: SettingsDep,
    page: PageDep,
    plan: Annotated[str, Query(description="Plan id (POST /api/fuel/plans → Location).")],
    measure: Annotated[
        Literal["lifted", "dispatched", "received", "withdrawn"] | None, Query()
    ] = None,
    product: ProductQuery = None,
    depot: DepotQuery = None,
    corridor: CorridorQuery = None,
    port: Annotated[str | None, Query(description="Port code, e.g. DAKAR.")] = None,
    week: Annotated[int | None, Query(ge=1, description="Plan week, 1 = first.")] = None,
) -> PlanVsActualPage:
    """Planned and actual tonnes lifted (per port), dispatched (per corridor), received and
    withdrawn (per depot), per product and plan week."""
    _check(network, product=product, depot=depot, corridor=corridor, port=port)
    folder = plan_folder(settings, plan)
    if folder is None:
        raise unknown("query", "plan", f"no plan {plan!r}")
    places = {p for p in (depot, corridor, port) if p is not None}
    rows = [
        PlanVsActualOut.of(r)
        for r in plan_vs_actual(ledger, read_plan(folder))
        if (measure is None or r.measure == measure)
        and (product is None or r.product == product)
        and (not places or r.place in places)
        and (week is None or r.week == week)
    ]
    return PlanVsActualPage(
        items=page.slice(rows), total=len(rows), limit=page.limit, offset=page.offset
    )
