"""The demo's calendar: a year of weekly history ending the Sunday before 30 November 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

LAST_MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
"""The Monday after the demo's last week; with 52 weeks the history starts on 1 December 2025."""
CUTOFF = datetime(2026, 11, 29, tzinfo=UTC)
"""Nothing is recorded at or after this moment (the demo's 'now' is 29 November 2026)."""


@dataclass(frozen=True)
class DemoPeriod:
    """The weeks the demo covers: `start` (a Monday, 00:00 UTC) up to `end` (exclusive)."""

    start: datetime
    end: datetime
    weeks: int

    @classmethod
    def of(cls, weeks: int) -> DemoPeriod:
        """The `weeks` full weeks before 30 November 2026 (the last day, 29 November, left out)."""
        if weeks < 1:
            raise ValueError(f"weeks: must be at least 1, got {weeks}")
        start = LAST_MONDAY - timedelta(weeks=weeks)
        return cls(start=start, end=CUTOFF, weeks=weeks)

    def mondays(self) -> list[datetime]:
        return [self.start + timedelta(weeks=w) for w in range(self.weeks)]

    def days(self) -> list[datetime]:
        count = (self.end - self.start).days
        return [self.start + timedelta(days=d) for d in range(count)]

    @property
    def first_day(self) -> date:
        return self.start.date()
