"""The demo: a fresh store with the Mali network, one user per role and a year of plausible fuel
and gold history, recorded by driving the real services (`nafolo demo`; docs/demo.md)."""

from nafolo.demo.build import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoSummary,
    DemoUser,
    build_demo,
    is_demo_store,
    ledger_content_digest,
)
from nafolo.demo.calendar import DemoPeriod

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DemoPeriod",
    "DemoSummary",
    "DemoUser",
    "build_demo",
    "is_demo_store",
    "ledger_content_digest",
]
