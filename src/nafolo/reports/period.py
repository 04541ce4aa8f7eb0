"""A report's period: a calendar month written YYYY-MM, and its bounds in UTC (Bamako time)."""

from __future__ import annotations

import re
from datetime import datetime

from nafolo.fuel.readmodels.compliance import month_bounds

PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_period(period: str) -> str:
    """`period` if it is YYYY-MM with a two-digit month; ValueError naming it otherwise."""
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period: {period!r} is not a month written YYYY-MM")
    return period


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """[first instant of the month, first instant of the next) in UTC."""
    return month_bounds(check_period(period))
