"""Numbers, units, days and months written in a language's conventions (Babel): the part of
formatting the reports (`nafolo.reports.i18n`) and the dashboard (`nafolo.web.i18n`) share.

Numbers: '1 234,5' in French (narrow no-break space between thousands, decimal comma), '1,234.5'
in English; the minus sign is U+2212; '—' for no value, '∞' for infinity. Each side keeps its own
labels, unit names, quantities and percentages (they are written differently in each).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "—"


class LocaleFormats:
    """Numbers, unit names, days and months as the language `code` ('fr', 'en') writes them;
    `units` names the units this language writes differently (others are written as given)."""

    def __init__(self, code: str, units: Mapping[str, str]) -> None:
        self.locale = Locale.parse(code)
        self._units = units

    def number(self, value: int | float | Decimal | None, decimals: int = 0) -> str:
        """Grouped thousands, fixed decimals; '—' for no value, '∞' for infinity."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return DASH
        if isinstance(value, float) and math.isinf(value):
            return "∞" if value > 0 else MINUS + "∞"
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(value, format=pattern, locale=self.locale).replace("-", MINUS)

    def unit(self, unit: str) -> str:
        """A unit as written in this language ('d' is 'j' in French)."""
        return self._units.get(unit, unit)

    def calendar_day(self, value: date | datetime, form: str) -> str:
        """The day of `value` in Babel's `form` ('short', 'medium', 'long')."""
        day = value.date() if isinstance(value, datetime) else value
        return format_date(day, format=form, locale=self.locale)

    def month(self, period: str) -> str:
        """'novembre 2026' / 'November 2026' for 'YYYY-MM'."""
        first = datetime.strptime(period, "%Y-%m").date()
        return format_date(first, format="LLLL y", locale=self.locale)
