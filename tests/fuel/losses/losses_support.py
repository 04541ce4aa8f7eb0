"""Small synthetic legs and dips for the loss tests (no store)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from nafolo.fuel.losses import DipReading, TankMovement, TransitLeg

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def leg(
    n: int,
    loss_pct: float,
    *,
    carrier: str = "Transports Diarra",
    corridor: str = "DKR-KAYES-SENOU",
    depot: str = "BKO-SENOU",
    dispatched_t: float = 12.5,
    day: float = 5.0,
) -> TransitLeg:
    return TransitLeg(
        convoy=f"CV-{n // 10:03d}",
        truck=f"T-{n:04d}",
        compartment=1,
        corridor=corridor,
        carrier=carrier,
        contract="SUPPLY-2026",
        product="GASOIL",
        depot=depot,
        received_at=T0 + timedelta(days=day),
        dispatched_t=dispatched_t,
        received_t=round(dispatched_t * (1 - loss_pct / 100), 3),
        tolerance_pct=0.5,
    )


def legs_of(
    carrier: str, mean_pct: float, sd_pct: float, count: int, seed: int, start: int = 0
) -> list[TransitLeg]:
    rng = random.Random(seed)
    return [
        leg(start + i, rng.gauss(mean_pct, sd_pct), carrier=carrier, day=1 + i * 20 / count)
        for i in range(count)
    ]


def dip(ref: str, day: float, physical_t: float, book_t: float | None = None) -> DipReading:
    return DipReading(
        depot="BKO-SENOU",
        product="GASOIL",
        dipped_at=T0 + timedelta(days=day),
        book_t=physical_t if book_t is None else book_t,
        physical_t=physical_t,
        tolerance_pct=0.5,
        document_ref=ref,
    )


def withdrawal(day: float, quantity_t: float) -> TankMovement:
    return TankMovement("BKO-SENOU", "GASOIL", T0 + timedelta(days=day), quantity_t, False)
