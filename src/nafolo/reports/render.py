"""Rendering a document to a file format: PDF or .xlsx, with the media type and file name."""

from __future__ import annotations

from enum import StrEnum

from nafolo.reports.document import Document


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is ReportFormat.PDF:
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(document: Document, fmt: ReportFormat | str) -> bytes:
    """The document as bytes of `fmt` (pdf or xlsx)."""
    chosen = ReportFormat(fmt)
    if chosen is ReportFormat.PDF:
        from nafolo.reports.pdf import render_pdf

        return render_pdf(document)
    from nafolo.reports.xlsx import render_xlsx

    return render_xlsx(document)


def file_name(document: Document, fmt: ReportFormat | str) -> str:
    """'nafolo-fuel-monthly-2026-01-fr.pdf'."""
    return (
        f"nafolo-{document.kind}-{document.period}-{document.lang.value}.{ReportFormat(fmt).value}"
    )
