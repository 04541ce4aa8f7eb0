"""Gold reports as typed tables, built by pure functions from typed rows (no database here):
metal-account statements, monthly production by origin, the annual country-of-origin annex.
The service layer reads the rows from the store; renderers (JSON, .xlsx, PDF) take the table."""

from nafolo.gold.reports.annex import AnnexReceipt, DecisionTaken, origin_annex
from nafolo.gold.reports.production import (
    BarShare,
    LotReceived,
    LotSettled,
    OriginKey,
    monthly_production,
)
from nafolo.gold.reports.statement import (
    MetalMovement,
    StatementSummary,
    metal_account_statement,
    summarise,
)
from nafolo.gold.reports.table import Cell, Column, Period, ReportTable

__all__ = [
    "AnnexReceipt",
    "BarShare",
    "Cell",
    "Column",
    "DecisionTaken",
    "LotReceived",
    "LotSettled",
    "MetalMovement",
    "OriginKey",
    "Period",
    "ReportTable",
    "StatementSummary",
    "metal_account_statement",
    "monthly_production",
    "origin_annex",
    "summarise",
]
