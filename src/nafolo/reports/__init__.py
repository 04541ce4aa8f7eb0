"""Reports both programmes send out: a document model, formatting by language (Babel), PDF
(reportlab, charts from matplotlib) and .xlsx (openpyxl) renderers, and the monthly reports.

    month = assemble_fuel_month(ledger, network, "2026-01")        # nafolo.reports.fuel_data
    document = fuel_monthly_document(month, "fr", generated_at)    # nafolo.reports.fuel_monthly
    pdf = render(document, "pdf")                                  # nafolo.reports.render

Renderers are imported when used (reportlab, matplotlib and openpyxl are heavy). See
docs/reports.md.
"""

from nafolo.reports.document import (
    BarChart,
    Column,
    ColumnKind,
    Document,
    KeyFigure,
    Paragraph,
    Section,
    Series,
    Table,
)
from nafolo.reports.i18n import Formatter, Lang
from nafolo.reports.render import ReportFormat, file_name, render

__all__ = [
    "BarChart",
    "Column",
    "ColumnKind",
    "Document",
    "Formatter",
    "KeyFigure",
    "Lang",
    "Paragraph",
    "ReportFormat",
    "Section",
    "Series",
    "Table",
    "file_name",
    "render",
]
