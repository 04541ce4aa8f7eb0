"""The refinery's headline figures for the overview — gold in the vault, today's throughput against
capacity — read through `nafolo.gold.service` when that package is installed (None otherwise, and
the overview says the refinery pages are not available yet)."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GoldFigures:
    vaulted_bars: int
    vaulted_fine_oz: Decimal
    capacity_fine_oz: Decimal
    planned_fine_oz: Decimal
    open_batches: int


def gold_service() -> Any | None:
    """The `nafolo.gold.service` module, or None while it is not installed."""
    try:
        return importlib.import_module("nafolo.gold.service")
    except ImportError:
        return None


def gold_figures(engine: Engine) -> GoldFigures | None:
    """Vault and throughput figures, or None when the gold services are absent or failing."""
    service = gold_service()
    if service is None:
        return None
    try:
        refinery = service.Refinery(engine)
        bars = refinery.vault.bars(status="vaulted", limit=100_000, offset=0)
        capacity = refinery.refining.capacity(datetime.now(UTC).date())
        listing = getattr(refinery.refining, "all", None) or refinery.refining.list
        batches = listing(status="open")
        return GoldFigures(
            vaulted_bars=len(bars),
            vaulted_fine_oz=sum((Decimal(b.fine_oz) for b in bars), Decimal(0)),
            capacity_fine_oz=Decimal(capacity.capacity_fine_oz),
            planned_fine_oz=Decimal(capacity.planned_fine_oz),
            open_batches=len(batches),
        )
    except Exception:  # the overview must render even if the refinery's store is not ready
        _log.exception("gold figures unavailable")
        return None
