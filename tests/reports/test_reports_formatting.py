"""Numbers, quantities, percentages and dates in French and English conventions, exactly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from nafolo.reports.i18n import Formatter, Lang
from nafolo.reports.messages import EN, FR

NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: between a number and its unit


def test_french_is_the_default() -> None:
    assert Formatter().lang is Lang.FR


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", f"1{NNBSP}234,5{NBSP}t"), ("en", f"1,234.5{NBSP}t")],
)
def test_tonnes_with_one_decimal(lang: str, expected: str) -> None:
    assert Formatter(lang).quantity(Decimal("1234.5"), "t", 1) == expected


def test_large_numbers_group_every_thousand() -> None:
    assert Formatter("fr").number(1_234_567.891, 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert Formatter("en").number(1_234_567.891, 2) == "1,234,567.89"


def test_negative_numbers_use_the_minus_sign() -> None:
    assert Formatter("fr").number(-12.5, 1) == "−12,5"


def test_days_are_written_j_in_french() -> None:
    assert Formatter("fr").quantity(3.25, "d", 1) == f"3,2{NBSP}j"
    assert Formatter("en").quantity(3.25, "d", 1) == f"3.2{NBSP}d"


@pytest.mark.parametrize(("lang", "expected"), [("fr", f"0,5{NBSP}%"), ("en", "0.5%")])
def test_percentages_follow_the_locale(lang: str, expected: str) -> None:
    assert Formatter(lang).percent(0.5, 1) == expected


def test_missing_and_infinite_values() -> None:
    f = Formatter("fr")
    assert (f.number(None), f.number(float("nan")), f.number(float("inf"))) == ("—", "—", "∞")


@pytest.mark.parametrize(
    ("lang", "expected"), [("fr", "29 novembre 2026"), ("en", "November 29, 2026")]
)
def test_long_dates(lang: str, expected: str) -> None:
    assert Formatter(lang).long_date(date(2026, 11, 29)) == expected


def test_generation_moment_is_utc_in_24_hours() -> None:
    moment = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    assert Formatter("fr").moment(moment) == "29 novembre 2026, 14:05 UTC"
    assert Formatter("en").moment(moment) == "November 29, 2026, 14:05 UTC"


@pytest.mark.parametrize(("lang", "expected"), [("fr", "janvier 2026"), ("en", "January 2026")])
def test_month_of_a_period(lang: str, expected: str) -> None:
    assert Formatter(lang).month("2026-01") == expected


def test_labels_fill_their_placeholders() -> None:
    assert Formatter("fr").t("page", page=2, pages=5) == "Page 2 sur 5"
    assert Formatter("en").t("page", page=2, pages=5) == "Page 2 of 5"


def test_an_unknown_label_names_the_key_and_language() -> None:
    with pytest.raises(KeyError, match="'nope' has no en text"):
        Formatter("en").t("nope")


def test_both_languages_have_the_same_labels_and_placeholders() -> None:
    assert FR.keys() == EN.keys()
    fields = re.compile(r"\{(\w+)\}")
    for key in FR:
        assert set(fields.findall(FR[key])) == set(fields.findall(EN[key])), key
