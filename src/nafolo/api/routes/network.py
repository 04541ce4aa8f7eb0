"""/api/fuel/network: the network operated — summary, products, ports, contracts, depots,
corridors and regions (each column's unit in the listing's `units`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel

from nafolo.api.deps import NetworkDep
from nafolo.api.problems import unknown
from nafolo.api.schemas.common import Listing
from nafolo.api.schemas.network import DepotOut, NetworkSummary, column_units
from nafolo.fuel.network.io import parameter_rows
from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import (
    SHEETS,
    ContractRow,
    CorridorRow,
    DepotRow,
    DepotTankRow,
    PortRow,
    ProductRow,
    RegionRow,
)

router = APIRouter(prefix="/fuel/network", tags=["fuel network"])

RowT = TypeVar("RowT", bound=BaseModel)


def _listing(rows: Sequence[RowT], model: type[BaseModel]) -> Listing[RowT]:
    return Listing[RowT](items=list(rows), units=column_units(model))


def _check(network: Network, field: str, code: str | None) -> None:
    known = {
        "port": {p.port for p in network.ports},
        "depot": {d.depot for d in network.depots},
        "region": {r.region for r in network.regions},
    }[field]
    if code is not None and code not in known:
        raise unknown("query", field, f"unknown {field} {code!r}: not in network {network.name}")


@router.get("", summary="The network in figures")
def network_summary(network: NetworkDep) -> NetworkSummary:
    rows = parameter_rows(network.parameters)
    return NetworkSummary(
        name=network.name,
        counts={
            spec.name: len(getattr(network, spec.name))
            for spec in SHEETS
            if spec.name != "parameters"
        },
        parameters={r.name: r.value for r in rows},
        units={r.name: r.unit for r in rows},
    )


@router.get("/products", summary="Products")
def products(network: NetworkDep) -> Listing[ProductRow]:
    return _listing(network.products, ProductRow)


@router.get("/ports", summary="Coastal ports")
def ports(network: NetworkDep) -> Listing[PortRow]:
    return _listing(network.ports, PortRow)


@router.get("/contracts", summary="Supply contracts and their monthly bands")
def contracts(network: NetworkDep) -> Listing[ContractRow]:
    return _listing(network.contracts, ContractRow)


@router.get("/depots", summary="Inland depots and their tanks")
def depots(
    network: NetworkDep,
    region: Annotated[str | None, Query(description="Only depots in this region.")] = None,
) -> Listing[DepotOut]:
    _check(network, "region", region)
    items = [
        DepotOut(
            **depot.model_dump(),
            tanks=[t for t in network.depot_tanks if t.depot == depot.depot],
        )
        for depot in network.depots
        if region is None or depot.region == region
    ]
    units = column_units(DepotRow) | {
        f"tanks.{k}": v for k, v in column_units(DepotTankRow).items()
    }
    return Listing[DepotOut](items=items, units=units)


@router.get("/corridors", summary="Road corridors from a port to a depot")
def corridors(
    network: NetworkDep,
    port: Annotated[str | None, Query(description="Only corridors from this port.")] = None,
    depot: Annotated[str | None, Query(description="Only corridors to this depot.")] = None,
) -> Listing[CorridorRow]:
    _check(network, "port", port)
    _check(network, "depot", depot)
    rows = [
        c
        for c in network.corridors
        if (port is None or c.port == port) and (depot is None or c.depot == depot)
    ]
    return _listing(rows, CorridorRow)


@router.get("/regions", summary="Regions served")
def regions(network: NetworkDep) -> Listing[RegionRow]:
    return _listing(network.regions, RegionRow)
