"""Small period inputs shared by the metal balance tests (a support module, not a test file)."""

from __future__ import annotations

from decimal import Decimal

from nafolo.gold.metal_balance import (
    Output,
    OutputKind,
    PeriodInputs,
    Receipt,
    Stocktake,
    Transfer,
    Unit,
)

D = Decimal


def simple_inputs(**changes: object) -> PeriodInputs:
    """Check-in 1,500 ± 0.5, opening 200 ± 0.5, bars 1,200 (σ 0), closing 499 ± 0.5 (all at
    electrolysis), main flow unmeasured: unaccounted 1 oz ± √0.75 = 0.866 oz."""
    values: dict[str, object] = {
        "period": "2026-01",
        "receipts": (
            Receipt(lot_id="L1", fine_oz=D("1000"), sd_oz=D("0.3")),
            Receipt(lot_id="L2", fine_oz=D("500"), sd_oz=D("0.4")),
        ),
        "outputs": (
            Output(
                item_id="B1",
                kind=OutputKind.BAR,
                fine_oz=D("400"),
                sd_oz=D(0),
                unit=Unit.ELECTROLYSIS,
            ),
            Output(
                item_id="B2",
                kind=OutputKind.BAR,
                fine_oz=D("800"),
                sd_oz=D(0),
                unit=Unit.ELECTROLYSIS,
            ),
        ),
        "opening": (Stocktake(unit=Unit.ELECTROLYSIS, fine_oz=D("200"), sd_oz=D("0.5")),),
        "closing": (Stocktake(unit=Unit.ELECTROLYSIS, fine_oz=D("499"), sd_oz=D("0.5")),),
        "transfers": (
            Transfer(name="doré", source=Unit.MELTING, target=Unit.CHLORINATION),
            Transfer(name="Miller gold", source=Unit.CHLORINATION, target=Unit.ELECTROLYSIS),
        ),
    }
    values.update(changes)
    return PeriodInputs.model_validate(values)


def units_inputs(dore_oz: str = "1500") -> PeriodInputs:
    """Every unit measured and consistent (with doré 1,500 oz): melting 1,500 in → doré →
    chlorination → 1,490 Miller gold to electrolysis + 10 slag to recovery; electrolysis opens
    at 300, casts 1,400 in bars, closes at 390; recovery closes at 10."""
    return PeriodInputs(
        period="2026-02",
        receipts=(
            Receipt(lot_id="L1", fine_oz=D("1000"), sd_oz=D("0.5")),
            Receipt(lot_id="L2", fine_oz=D("500"), sd_oz=D("0.5")),
        ),
        outputs=(
            Output(
                item_id="B1",
                kind=OutputKind.BAR,
                fine_oz=D("1400"),
                sd_oz=D(0),
                unit=Unit.ELECTROLYSIS,
            ),
        ),
        opening=(Stocktake(unit=Unit.ELECTROLYSIS, fine_oz=D("300"), sd_oz=D("1")),),
        closing=(
            Stocktake(unit=Unit.ELECTROLYSIS, fine_oz=D("390"), sd_oz=D("1")),
            Stocktake(unit=Unit.RECOVERY, fine_oz=D("10"), sd_oz=D("0.5")),
        ),
        transfers=(
            Transfer(
                name="doré",
                source=Unit.MELTING,
                target=Unit.CHLORINATION,
                fine_oz=D(dore_oz),
                sd_oz=D("1.5"),
            ),
            Transfer(
                name="Miller gold",
                source=Unit.CHLORINATION,
                target=Unit.ELECTROLYSIS,
                fine_oz=D("1490"),
                sd_oz=D("1.5"),
            ),
            Transfer(
                name="slag",
                source=Unit.CHLORINATION,
                target=Unit.RECOVERY,
                fine_oz=D("10"),
                sd_oz=D("0.5"),
            ),
        ),
    )
