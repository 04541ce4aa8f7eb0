"""Narasimhan & Jordache (2000), heat exchanger with bypass: splitter, exchanger, bypass valve and
mixer, six measured flows with unit standard deviations. Input as reproduced in the
dr-ged-benchmarks collection (problem P4, citing the book); reconciled flows to two decimals,
checked against the closed-form solution of this network (the printed table was not at hand)."""

import numpy as np
import pytest

from nafolo.reconciliation import (
    Flowsheet,
    Node,
    NodeKind,
    Stream,
    StreamClass,
    global_test,
    reconcile,
    serial_elimination,
)

MEASURED = (101.91, 64.45, 34.65, 64.20, 36.44, 98.88)
RECONCILED = (100.22, 64.50, 35.72, 64.50, 35.72, 100.22)


def heat_exchanger_with_bypass(measured: tuple[float, ...] = MEASURED) -> Flowsheet:
    env = NodeKind.ENVIRONMENT
    nodes = (Node("feed", env), Node("product", env), Node("splitter"), Node("exchanger"),
             Node("valve"), Node("mixer"))  # fmt: skip
    ends = [("feed", "splitter"), ("splitter", "exchanger"), ("splitter", "valve"),
            ("exchanger", "mixer"), ("valve", "mixer"), ("mixer", "product")]  # fmt: skip
    streams = tuple(
        Stream(str(i + 1), src, dst, value, 1.0)
        for i, ((src, dst), value) in enumerate(zip(ends, measured, strict=True))
    )
    return Flowsheet(nodes, streams)


def test_reconciled_flows_match_the_book_to_printed_precision() -> None:
    result = reconcile(heat_exchanger_with_bypass())
    assert np.round(result.reconciled, 2).tolist() == list(RECONCILED)


def test_reconciled_flows_equal_the_closed_form_solution() -> None:
    y1, y2, y3, y4, y5, y6 = MEASURED
    through = (2 * (y1 + y6) + y2 + y3 + y4 + y5) / 6
    exchanger = (y1 + y6 + y2 + y4) / 2 - through
    bypass = (y1 + y6 + y3 + y5) / 2 - through
    expected = [through, exchanger, bypass, exchanger, bypass, through]
    assert reconcile(heat_exchanger_with_bypass()).reconciled == pytest.approx(expected, abs=1e-12)


def test_global_test_accepts_the_book_data() -> None:
    test = global_test(reconcile(heat_exchanger_with_bypass()).solution)
    assert test.degrees_of_freedom == 4
    assert test.statistic == pytest.approx(6.4075, abs=1e-9)
    assert not test.rejected


def test_reconciled_standard_deviations_shrink_to_sqrt_one_third() -> None:
    result = reconcile(heat_exchanger_with_bypass())
    assert result.solution.estimate_sd == pytest.approx(np.full(6, np.sqrt(1 / 3)))


def test_unmeasured_exchanger_flows_are_observable_and_estimated() -> None:
    result = reconcile(heat_exchanger_with_bypass(), set_aside={"2", "4"})
    assert result.classification("2") is StreamClass.OBSERVABLE
    assert result.value("2") == pytest.approx(result.value("4"), abs=1e-12)
    assert result.value("1") == pytest.approx(result.value("2") + result.value("3"), abs=1e-9)


def test_a_gross_error_on_stream_2_is_identified() -> None:
    data = list(MEASURED)
    data[1] += 10.0
    search = serial_elimination(heat_exchanger_with_bypass(tuple(data)))
    assert [s.stream for s in search.suspects] == ["2"]
    assert search.suspects[0].estimated_error == pytest.approx(9.925, abs=1e-9)
    assert not search.global_test.rejected


def test_unmeasured_exchanger_flow_carries_the_variance_of_feed_minus_bypass() -> None:
    result = reconcile(heat_exchanger_with_bypass(), set_aside={"2", "4"})
    # x₂ = x₁ − x₃, with x̂₁ and x̂₃ each the mean of two unit-variance meters.
    assert result.sd("2") == pytest.approx(1.0, abs=1e-12)
    assert result.sd("1") == pytest.approx(np.sqrt(0.5), abs=1e-12)
