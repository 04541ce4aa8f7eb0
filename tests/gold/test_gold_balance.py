"""Batch fine-gold balance: in from lots = bars + in process + residues + recorded loss."""

from decimal import ROUND_FLOOR, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nafolo.gold.balance import (
    BarOutput,
    BatchBalance,
    BatchImbalanceError,
    BatchInput,
    BatchResidue,
    ResidueKind,
    assert_balanced,
    check_balance,
    over_allocated_lots,
)

D = Decimal
BATCH = BatchBalance(
    "B1",
    inputs=(BatchInput("L1", D("600.000")), BatchInput("L2", D("205.500"))),
    bars=(BarOutput("A1", D("399.924")), BarOutput("A2", D("400.001"))),
    in_process_au_oz=D("3.000"),
    residues=(BatchResidue("SL1", ResidueKind.SLAG, D("2.500")),),
    recorded_loss_au_oz=D("0.075"),
)


def test_balanced_batch() -> None:
    check = check_balance(BATCH)
    assert (check.fine_in_oz, check.unaccounted_oz, check.balanced) == (D("805.500"), D(0), True)


def test_missing_gold_is_stated() -> None:
    short = BatchBalance("B2", BATCH.inputs, BATCH.bars, D("2.990"), BATCH.residues, D("0.075"))
    with pytest.raises(BatchImbalanceError, match=r"0.010 oz unaccounted"):
        assert_balanced(short)


def test_tolerance_admits_a_small_gap() -> None:
    short = BatchBalance("B2", BATCH.inputs, BATCH.bars, D("2.990"), BATCH.residues, D("0.075"))
    assert assert_balanced(short, D("0.010")).unaccounted_oz == D("0.010")


def test_negative_residue_is_refused() -> None:
    with pytest.raises(ValueError, match="residue SL1"):
        BatchResidue("SL1", ResidueKind.SLAG, D("-1"))


def test_batch_without_inputs_is_refused() -> None:
    with pytest.raises(ValueError, match="batch B3: inputs"):
        BatchBalance("B3", inputs=())


def test_lot_split_over_batches_beyond_its_content_is_found() -> None:
    second = BatchBalance("B2", inputs=(BatchInput("L1", D("1.000")),), in_process_au_oz=D(1))
    assert over_allocated_lots({"L1": D("600.000"), "L2": D("205.500")}, [BATCH, second]) == {
        "L1": D("1.000")
    }


ounces = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False)


@given(
    inputs=st.lists(ounces, min_size=1, max_size=8),
    cuts=st.lists(st.integers(0, 1000), min_size=4, max_size=4),
)
def test_property_fine_gold_in_equals_bars_in_process_residues_and_loss(
    inputs: list[Decimal], cuts: list[int]
) -> None:
    total = sum(inputs, D(0))
    # Split the total into four parts on the 0.001 oz grid; the last part takes the remainder.
    weights = [D(c) for c in cuts]
    scale = sum(weights) or D(1)
    parts = [(total * w / scale).quantize(D("0.001"), rounding=ROUND_FLOOR) for w in weights[:3]]
    loss = total - sum(parts, D(0))
    batch = BatchBalance(
        "P",
        inputs=tuple(BatchInput(f"L{i}", oz) for i, oz in enumerate(inputs)),
        bars=(BarOutput("A1", parts[0]),),
        in_process_au_oz=parts[1],
        residues=(BatchResidue("R1", ResidueKind.SLUDGE, parts[2]),),
        recorded_loss_au_oz=loss,
    )
    check = assert_balanced(batch)
    assert check.fine_in_oz == (
        check.fine_in_bars_oz
        + check.in_process_oz
        + check.fine_in_residues_oz
        + check.recorded_loss_oz
    )


@given(inputs=st.lists(ounces, min_size=1, max_size=8), gap=st.integers(1, 10_000))
def test_property_any_gap_is_found_to_the_thousandth(inputs: list[Decimal], gap: int) -> None:
    total = sum(inputs, D(0))
    missing = D(gap) / 1000
    batch = BatchBalance(
        "P",
        inputs=tuple(BatchInput(f"L{i}", oz) for i, oz in enumerate(inputs)),
        in_process_au_oz=total + missing,
    )
    assert check_balance(batch).unaccounted_oz == -missing
