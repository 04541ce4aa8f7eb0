import math

import pytest

from nafolo.reconciliation import Flowsheet, Node, NodeKind, Stream, StreamClass, reconcile

ENV = NodeKind.ENVIRONMENT


def test_meter_whose_neighbour_is_unmetered_is_not_redundant() -> None:
    fs = Flowsheet(
        (Node("x", ENV), Node("depot", NodeKind.TANK)),
        (Stream("receipt", "x", "depot", 100.0, 1.0), Stream("sales", "depot", "x")),
    )
    result = reconcile(fs)
    assert result.classification("receipt") is StreamClass.NON_REDUNDANT
    assert result.value("receipt") == 100.0
    assert result.classification("sales") is StreamClass.OBSERVABLE
    assert result.value("sales") == 100.0


def test_unmeasured_streams_in_a_loop_are_unobservable() -> None:
    fs = Flowsheet(
        (Node("x", ENV), Node("a"), Node("b")),
        (
            Stream("in", "x", "a", 50.0, 1.0),
            Stream("ab", "a", "b"),
            Stream("ba", "b", "a"),
            Stream("out", "b", "x", 49.0, 1.0),
        ),
    )
    result = reconcile(fs)
    assert result.classification("ab") is StreamClass.UNOBSERVABLE
    assert math.isnan(result.value("ab"))
    assert result.classification("in") is StreamClass.REDUNDANT
    assert result.value("in") == result.value("out") == 49.5


def test_bridge_between_unmeasured_loops_is_observable() -> None:
    fs = Flowsheet(
        (Node("x", ENV), Node("a"), Node("b"), Node("c"), Node("d")),
        (
            Stream("in", "x", "a", 10.0, 1.0),
            Stream("ab", "a", "b"),
            Stream("ba", "b", "a"),
            Stream("bridge", "b", "c"),
            Stream("cd", "c", "d"),
            Stream("dc", "d", "c"),
            Stream("out", "d", "x", 10.0, 1.0),
        ),
    )
    result = reconcile(fs)
    assert result.classification("bridge") is StreamClass.OBSERVABLE
    assert result.value("bridge") == pytest.approx(10.0, abs=1e-12)
    assert result.classification("cd") is StreamClass.UNOBSERVABLE


def test_unobservable_stream_has_no_standard_deviation() -> None:
    fs = Flowsheet(
        (Node("x", ENV), Node("a"), Node("b")),
        (
            Stream("in", "x", "a", 50.0, 1.0),
            Stream("ab", "a", "b"),
            Stream("ba", "b", "a"),
            Stream("out", "b", "x", 49.0, 1.0),
        ),
    )
    assert math.isnan(reconcile(fs).sd("ab"))
