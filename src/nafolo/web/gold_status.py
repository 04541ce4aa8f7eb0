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
        capacity = refinery.refining.capacity(datetime.now(UTC).date())
        vaulted_bars, vaulted_fine_oz, open_batches = _vault_and_batches(engine)
        return GoldFigures(
            vaulted_bars=vaulted_bars,
            vaulted_fine_oz=vaulted_fine_oz,
            capacity_fine_oz=Decimal(capacity.capacity_fine_oz),
            planned_fine_oz=Decimal(capacity.planned_fine_oz),
            open_batches=open_batches,
        )
    except Exception:  # the overview must render even if the refinery's store is not ready
        _log.exception("gold figures unavailable")
        return None


def _vault_and_batches(engine: Engine) -> tuple[int, Decimal, int]:
    """Gold bars in the vault, their fine gold (oz) and the open batches, counted by the database
    (the service lists would load every bar and batch for three numbers)."""
    import sqlalchemy as sa

    from nafolo.gold.service.common import from_moz
    from nafolo.store.gold_tables import bars, batches

    vaulted = (bars.c.status == "vaulted") & (bars.c.metal == "AU")
    with engine.connect() as connection:
        count, fine_moz = connection.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(bars.c.fine_moz), 0)).where(
                vaulted
            )
        ).one()
        open_batches = connection.execute(
            sa.select(sa.func.count()).select_from(batches).where(batches.c.status == "open")
        ).scalar_one()
    return int(count), from_moz(int(fine_moz)), int(open_batches)
