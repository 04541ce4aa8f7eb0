"""Read models of fuel operations: projections of the ledger for supervisors and the committee."""

from nafolo.fuel.readmodels.compliance import ComplianceReport, PortProductLifted, compliance
from nafolo.fuel.readmodels.convoys import ConvoyEventOut, ConvoyStatus, convoy_statuses
from nafolo.fuel.readmodels.cover import (
    DepotCover,
    RegionCover,
    days_of_cover,
    depot_cover,
    region_cover,
)
from nafolo.fuel.readmodels.stock import CorridorTransit, DepotStock, depot_stocks, in_transit

__all__ = [
    "ComplianceReport",
    "ConvoyEventOut",
    "ConvoyStatus",
    "CorridorTransit",
    "DepotCover",
    "DepotStock",
    "PortProductLifted",
    "RegionCover",
    "compliance",
    "convoy_statuses",
    "days_of_cover",
    "depot_cover",
    "depot_stocks",
    "in_transit",
    "region_cover",
]
