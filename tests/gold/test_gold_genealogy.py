"""Genealogy both ways, with shares by fine gold summing to 1."""

from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nafolo.gold.balance import BarOutput, BatchBalance, BatchInput
from nafolo.gold.genealogy import Flow, Genealogy, Node, NodeKind

D = Decimal
B1 = BatchBalance(
    "B1",
    inputs=(BatchInput("L1", D(600)), BatchInput("L2", D(200))),
    bars=(BarOutput("A1", D(400)), BarOutput("A2", D(399))),
    in_process_au_oz=D(1),
)
ORIGINS = {"L1": "Fekola", "L2": "Syama", "L3": "Syama"}


def _node(kind: NodeKind, node_id: str) -> Node:
    return Node(kind, node_id)


def test_forward_lot_to_bars_and_in_process() -> None:
    trace = Genealogy.from_batches([B1], ORIGINS).forward("L1")
    assert trace.ends == {
        _node(NodeKind.BAR, "A1"): Fraction(1, 2),
        _node(NodeKind.BAR, "A2"): Fraction(399, 800),
        _node(NodeKind.IN_PROCESS, "B1"): Fraction(1, 800),
    }
    assert trace.batches == {"B1": 1}


def test_forward_shares_sum_to_one() -> None:
    assert sum(Genealogy.from_batches([B1], ORIGINS).forward("L2").ends.values()) == 1


def test_backward_bar_to_lots_and_origins() -> None:
    trace = Genealogy.from_batches([B1], ORIGINS).backward("A1")
    assert trace.ends == {
        _node(NodeKind.LOT, "L1"): Fraction(3, 4),
        _node(NodeKind.LOT, "L2"): Fraction(1, 4),
    }
    assert trace.origins == {"Fekola": Fraction(3, 4), "Syama": Fraction(1, 4)}
    assert trace.attributed_oz(trace.origins["Fekola"]) == D(300)


def test_backward_through_two_stages() -> None:
    # Miller batch M1 (L1, L2) → Wohlwill batch W1, which also takes L3 directly.
    m1, w1 = _node(NodeKind.BATCH, "M1"), _node(NodeKind.BATCH, "W1")
    flows = [
        Flow(_node(NodeKind.LOT, "L1"), m1, D(300)),
        Flow(_node(NodeKind.LOT, "L2"), m1, D(100)),
        Flow(m1, w1, D(400)),
        Flow(_node(NodeKind.LOT, "L3"), w1, D(100)),
        Flow(w1, _node(NodeKind.BAR, "A9"), D(500)),
    ]
    trace = Genealogy(flows, ORIGINS).backward("A9")
    assert trace.origins == {"Fekola": Fraction(3, 5), "Syama": Fraction(2, 5)}
    assert trace.batches == {"M1": Fraction(4, 5), "W1": 1}


def test_lot_split_over_two_batches_into_one_bar() -> None:
    lot, bar = _node(NodeKind.LOT, "L1"), _node(NodeKind.BAR, "A1")
    b1, b2 = _node(NodeKind.BATCH, "B1"), _node(NodeKind.BATCH, "B2")
    flows = [
        Flow(lot, b1, D(100)),
        Flow(lot, b2, D(300)),
        Flow(b1, bar, D(100)),
        Flow(b2, bar, D(300)),
    ]
    trace = Genealogy(flows, ORIGINS).forward("L1")
    assert trace.ends == {bar: Fraction(1)}
    assert trace.batches == {"B1": Fraction(1, 4), "B2": Fraction(3, 4)}


def test_cycle_is_refused() -> None:
    b1, b2 = _node(NodeKind.BATCH, "B1"), _node(NodeKind.BATCH, "B2")
    with pytest.raises(ValueError, match="cycle"):
        Genealogy([Flow(b1, b2, D(1)), Flow(b2, b1, D(1))], {})


def test_unknown_bar_is_refused() -> None:
    with pytest.raises(KeyError, match="bar Z9"):
        Genealogy.from_batches([B1], ORIGINS).backward("Z9")


def test_lot_without_origin_is_refused() -> None:
    with pytest.raises(KeyError, match="lot L2: origin unknown"):
        Genealogy.from_batches([B1], {"L1": "Fekola"}).backward("A1")


@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=12), st.integers(1, 5))
def test_property_shares_sum_to_one_both_ways(lot_mg: list[int], bars: int) -> None:
    inputs = tuple(BatchInput(f"L{i}", D(mg) / 1000) for i, mg in enumerate(lot_mg))
    total = sum((i.fine_au_oz for i in inputs), D(0))
    per_bar = (total / bars).quantize(D("0.001"), rounding=ROUND_FLOOR)
    assume(per_bar > 0)  # a bar carries gold; a zero-gold bar has no flow to trace
    outputs = tuple(BarOutput(f"A{j}", per_bar) for j in range(bars - 1))
    outputs += (BarOutput("A0" if bars == 1 else f"A{bars - 1}", total - per_bar * (bars - 1)),)
    genealogy = Genealogy.from_batches(
        [BatchBalance("B", inputs, outputs)], {i.lot_id: "Kayes" for i in inputs}
    )
    assert sum(genealogy.backward("A0").ends.values()) == 1
    assert sum(genealogy.forward("L0").ends.values()) == 1


def test_residue_recovered_into_a_later_batch_carries_its_lots() -> None:
    b1, b2 = _node(NodeKind.BATCH, "B1"), _node(NodeKind.BATCH, "B2")
    slag = _node(NodeKind.RESIDUE, "SL1")
    flows = [
        Flow(_node(NodeKind.LOT, "L1"), b1, D(100)),
        Flow(b1, _node(NodeKind.BAR, "A1"), D(90)),
        Flow(b1, slag, D(10)),
        Flow(slag, b2, D(10)),
        Flow(_node(NodeKind.LOT, "L2"), b2, D(30)),
        Flow(b2, _node(NodeKind.BAR, "A2"), D(40)),
    ]
    trace = Genealogy(flows, ORIGINS).backward("A2")
    assert trace.origins == {"Fekola": Fraction(1, 4), "Syama": Fraction(3, 4)}
