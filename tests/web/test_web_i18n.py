"""Languages: the choice of language, numbers, units and dates in each language's conventions,
and catalogues that translate every message the pages use."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from web_support import NBSP, NNBSP

from nafolo.web.i18n import Formats, choose_language, negotiate

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "nafolo" / "web" / "locale"


def test_quantities_in_french_group_with_a_narrow_space_and_a_decimal_comma() -> None:
    assert Formats("fr").quantity(Decimal("1234.5"), "t", 1) == f"1{NNBSP}234,5{NBSP}t"


def test_quantities_in_english_group_with_a_comma_and_a_decimal_point() -> None:
    assert Formats("en").quantity(1234.5, "t", 1) == f"1,234.5{NBSP}t"


def test_units_are_written_as_each_language_writes_them() -> None:
    assert Formats("fr").quantity(12.3, "d", 1) == f"12,3{NBSP}j"
    assert Formats("en").quantity(3, "d", 0) == f"3{NBSP}d"


def test_percentages_follow_each_language() -> None:
    assert Formats("fr").percent(12.5) == f"12,5{NBSP}%"
    assert Formats("en").percent(12.5) == "12.5%"


def test_missing_and_negative_numbers() -> None:
    assert Formats("fr").quantity(None, "t") == f"—{NBSP}t"
    assert Formats("en").number(-5.0, 1) == "\u22125.0"


def test_dates_follow_each_language() -> None:
    moment = datetime(2026, 1, 26, 8, 10, tzinfo=UTC)
    assert Formats("fr").moment(moment) == "26 janv. 2026, 08:10 UTC"
    assert Formats("en").moment(moment) == "Jan 26, 2026, 08:10 UTC"
    assert Formats("fr").month("2026-01") == "janvier 2026"


@pytest.mark.parametrize(
    ("cookie", "setting", "header", "expected"),
    [
        (None, None, None, "fr"),
        (None, None, "en-US,en;q=0.9", "en"),
        (None, "en", "fr", "en"),
        ("fr", "en", "en", "fr"),
        ("de", None, "de-DE,de;q=0.9", "fr"),
    ],
)
def test_the_language_is_the_switch_then_the_user_then_the_browser_then_french(
    cookie: str | None, setting: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(cookie, setting, header) == expected


def test_accept_language_qualities_are_ranked() -> None:
    assert negotiate("fr;q=0.4, en;q=0.8") == "en"
    assert negotiate("de, fr;q=0.1") == "fr"
    assert negotiate("de") is None


def _catalogue(language: str) -> dict[str, str]:
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


def _extracted() -> set[str]:
    method_map = [
        ("**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    return {
        str(message)
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT / "src" / "nafolo" / "web"), method_map, options_map=options
        )
    }


def test_every_message_of_the_pages_is_in_both_catalogues() -> None:
    extracted = _extracted()
    for language in ("fr", "en"):
        missing = extracted - set(_catalogue(language))
        assert not missing, f"{language}: run the catalogue update (docs/dashboard.md): {missing}"


def test_every_message_has_its_french_translation() -> None:
    untranslated = [k for k, v in _catalogue("fr").items() if not v]
    assert not untranslated


def test_rendered_numbers_carry_their_unit_in_french(client: TestClient) -> None:
    text = client.get("/fuel/network").text
    assert f"60{NNBSP}000{NBSP}t" in text  # Dakar's storage


def test_rendered_numbers_carry_their_unit_in_english(client: TestClient) -> None:
    client.get("/language/en")
    text = client.get("/fuel/network").text
    assert f"60,000{NBSP}t" in text
