import numpy as np
import pytest

from nafolo.reconciliation import Flowsheet, FlowsheetError, Node, NodeKind, Stream

ENV = NodeKind.ENVIRONMENT


def test_incidence_has_plus_one_for_entering_and_minus_one_for_leaving() -> None:
    fs = Flowsheet(
        (Node("port", ENV), Node("depot", NodeKind.TANK), Node("region", ENV)),
        (Stream("receipt", "port", "depot", 10.0, 0.1), Stream("sale", "depot", "region")),
    )
    assert fs.balance_nodes == ("depot",)
    assert fs.incidence.toarray().tolist() == [[1.0, -1.0]]


def test_closed_loop_keeps_only_independent_balances() -> None:
    fs = Flowsheet(
        (Node("a"), Node("b")),
        (Stream("ab", "a", "b", 5.0, 0.1), Stream("ba", "b", "a", 5.2, 0.1)),
    )
    assert fs.balance_nodes == ("a",)


def test_negative_standard_deviation_is_refused_naming_the_stream() -> None:
    with pytest.raises(FlowsheetError, match=r"stream 'dip'.*positive"):
        Flowsheet((Node("t"), Node("x", ENV)), (Stream("dip", "x", "t", 1.0, -0.5),))


def test_unknown_node_is_refused_naming_stream_and_node() -> None:
    with pytest.raises(FlowsheetError, match=r"stream 'haul': target node 'Gao' is unknown"):
        Flowsheet((Node("Kayes"),), (Stream("haul", "Kayes", "Gao", 1.0, 0.1),))


def test_balance_with_no_streams_is_refused_naming_the_node() -> None:
    with pytest.raises(FlowsheetError, match=r"node 'electrolysis': balance has no streams"):
        Flowsheet(
            (Node("melt"), Node("electrolysis"), Node("x", ENV)),
            (Stream("dore", "x", "melt", 1.0, 0.1), Stream("out", "melt", "x")),
        )


def test_measured_value_without_standard_deviation_is_refused() -> None:
    with pytest.raises(FlowsheetError, match=r"stream 'r1'.*no standard deviation"):
        Flowsheet((Node("t"), Node("x", ENV)), (Stream("r1", "x", "t", 1.0),))


def test_duplicate_stream_name_is_refused() -> None:
    with pytest.raises(FlowsheetError, match=r"stream 's': defined twice"):
        Flowsheet((Node("t"), Node("x", ENV)), (Stream("s", "x", "t"), Stream("s", "t", "x")))


def test_measured_values_are_nan_where_unmeasured() -> None:
    fs = Flowsheet(
        (Node("t"), Node("x", ENV)), (Stream("in", "x", "t", 3.0, 0.1), Stream("out", "t", "x"))
    )
    assert np.isnan(fs.measured_values[1])
    assert fs.measured_mask.tolist() == [True, False]
