"""The dashboard's languages: which one a request gets, its gettext catalogue, and numbers, units
and dates written in its conventions (Babel).

French is the default and English the alternative. The catalogues are the gettext files
`locale/<lang>/LC_MESSAGES/messages.po` (source strings in English); they are compiled in memory
the first time a language is used, so no compiled `.mo` file can drift from its `.po`.

Numbers: '1 234,5 t' in French (narrow no-break space between thousands, decimal comma), '1,234.5 t'
in English; a no-break space always joins a number to its unit.
"""

from __future__ import annotations

import functools
import gettext
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from nafolo.i18n import DASH, NBSP, LocaleFormats

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT_LANGUAGE: Language = "fr"
LANGUAGE_COOKIE = "nafolo_lang"

UNIT_NAMES: dict[Language, dict[str, str]] = {
    "fr": {
        "d": "j",
        "t/d": "t/j",
        "t/week": "t/sem.",
        "truck/week": "camions/sem.",
        "convoy/week": "convois/sem.",
        "truck": "camions",
        "trucks": "camions",
        "convoys": "convois",
        "t/month": "t/mois",
        "oz": "oz t",
        "entries": "écritures",
        "entries/s": "écritures/s",
        "scenarios": "scénarios",
        "weeks": "semaines",
        "XOF": "FCFA",
        "bn XOF": "Md FCFA",
        "XOF/t": "FCFA/t",
        "alerts": "alertes",
        "bars": "barres",
        "batches": "charges",
        "inhabitants": "habitants",
    },
    "en": {"d": "d", "t/week": "t/wk", "oz": "oz t", "bn XOF": "bn XOF"},
}
"""Units as each language writes them; anything not listed is written as given (t, L, °C, %…)."""


def as_language(value: str | None) -> Language | None:
    """`value` if it names a supported language ('fr', 'en-GB' → 'en'), else None."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return "en" if code == "en" else "fr" if code == "fr" else None


def negotiate(accept_language: str | None) -> Language | None:
    """The first supported language of an `Accept-Language` header by quality, or None."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = as_language(tag)
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def choose_language(
    cookie: str | None, user_language: str | None, accept_language: str | None
) -> Language:
    """The language of a page: the switch's cookie (the choice made last), then the signed-in
    user's setting, then the browser's `Accept-Language`, else French."""
    return (
        as_language(cookie)
        or as_language(user_language)
        or negotiate(accept_language)
        or DEFAULT_LANGUAGE
    )


@functools.cache
def translations(language: Language) -> gettext.GNUTranslations:
    """The compiled catalogue of `language` (read from its .po once per process)."""
    source = files("nafolo.web").joinpath("locale", language, "LC_MESSAGES", "messages.po")
    with source.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_of(language: Language, message: str) -> str:
    return translations(language).gettext(message)


class Formats(LocaleFormats):
    """Numbers, quantities, percentages and dates written as `language` writes them (numbers,
    unit names and months as `LocaleFormats`)."""

    def __init__(self, language: Language) -> None:
        self.language = language
        super().__init__(language, UNIT_NAMES[language])

    def quantity(self, value: float | int | Decimal | None, unit: str, decimals: int = 1) -> str:
        """'1 234,5 t' / '1,234.5 t' (the unit joined by a no-break space)."""
        if unit == "%":
            return self.percent(value, decimals)
        return f"{self.number(value, decimals)}{NBSP}{self.unit(unit)}"

    def percent(self, value_pct: float | int | Decimal | None, decimals: int = 1) -> str:
        """A value already in percent: 12.5 → '12,5 %' (fr), '12.5%' (en)."""
        number = self.number(value_pct, decimals)
        if number == DASH:
            return DASH
        return f"{number}{NBSP}%" if self.language == "fr" else f"{number}%"

    def day(self, value: date | datetime | str | None, form: str = "medium") -> str:
        """'26 janv. 2026' / 'Jan 26, 2026' (form 'medium'); 'short' and 'long' too."""
        value = _as_time(value)
        if value is None:
            return DASH
        if isinstance(value, str):
            return value
        return self.calendar_day(value, form)

    def moment(self, value: date | datetime | str | None) -> str:
        """'26 janv. 2026, 08:10 UTC': times are shown in Bamako time, which is UTC."""
        found = _as_time(value)
        if found is None:
            return DASH
        if isinstance(found, str):
            return found
        if not isinstance(found, datetime):
            return self.day(found)
        if found.tzinfo is not None:
            found = found.astimezone(UTC)
        return f"{self.day(found)}, {found:%H:%M} UTC"


def _as_time(value: date | datetime | str | None) -> date | datetime | str | None:
    """An ISO text read as a date or datetime (UTC when naive); other text is kept as is."""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
