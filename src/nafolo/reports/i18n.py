"""Languages and the formatting of numbers, quantities and dates in their conventions (Babel).

French is the default: 1 234,5 t (narrow no-break space between thousands, decimal comma),
29 novembre 2026, 0,5 %. English: 1,234.5 t, November 29, 2026, 0.5%. A no-break space joins
a number to its unit in both languages so that a line never breaks between them.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from babel.dates import format_time

from nafolo.i18n import NBSP, LocaleFormats
from nafolo.reports.messages import MESSAGES


class Lang(StrEnum):
    FR = "fr"
    EN = "en"


UNITS: dict[Lang, dict[str, str]] = {
    Lang.FR: {"d": "j", "t/d": "t/j", "oz": "oz t", "trucks": "camions", "legs": "trajets"},
    Lang.EN: {"oz": "oz t", "trucks": "trucks", "legs": "legs"},
}


class Formatter(LocaleFormats):
    """Labels and values of one language (numbers, unit names and months as `LocaleFormats`)."""

    def __init__(self, lang: Lang | str = Lang.FR) -> None:
        self.lang = Lang(lang)
        super().__init__(self.lang.value, UNITS[self.lang])
        self._messages = MESSAGES[self.lang.value]

    def t(self, key: str, **values: object) -> str:
        """The label `key` in this language, with `{placeholders}` filled (formatted first)."""
        try:
            text = self._messages[key]
        except KeyError:
            raise KeyError(f"report label {key!r} has no {self.lang.value} text") from None
        return text.format(**values) if values else text

    def quantity(self, value: int | float | Decimal | None, unit: str, decimals: int = 0) -> str:
        """A number with its unit: '1 234,5 t' (fr), '1,234.5 t' (en)."""
        text = self.number(value, decimals)
        if not unit:
            return text
        u = self.unit(unit)
        if u == "%":
            return self.percent(value, decimals)
        return f"{text}{NBSP}{u}"

    def percent(self, value_pct: int | float | Decimal | None, decimals: int = 1) -> str:
        """A percentage given in percent (0.5 → '0,5 %' in French, '0.5%' in English)."""
        if value_pct is None or (isinstance(value_pct, float) and not math.isfinite(value_pct)):
            return "—"
        pattern = str(self.locale.percent_formats[None].pattern)
        digits = "." + "0" * decimals if decimals > 0 else ""
        pattern = pattern.replace("#,##0", "#,##0" + digits, 1)
        number = self.number(value_pct, decimals)
        return pattern.replace("#,##0" + digits, number, 1)

    def long_date(self, value: date | datetime) -> str:
        """'29 novembre 2026' / 'November 29, 2026'."""
        return self.calendar_day(value, "long")

    def short_date(self, value: date | datetime) -> str:
        """'29/11/2026' / '11/29/26' — for table cells."""
        return self.calendar_day(value, "short")

    def moment(self, value: datetime) -> str:
        """'29 novembre 2026, 08:05 UTC' / 'November 29, 2026, 08:05 UTC' (Bamako time = UTC)."""
        return f"{self.long_date(value)}, {format_time(value, 'HH:mm', locale=self.locale)} UTC"
