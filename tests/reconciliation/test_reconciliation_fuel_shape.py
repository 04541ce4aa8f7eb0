"""The shape item 3 will use: a corridor with an unmeasured transit loss and a depot tank whose
opening and closing dips are streams."""

import pytest

from nafolo.reconciliation import (
    Flowsheet,
    Node,
    NodeKind,
    Stream,
    StreamClass,
    reconcile,
    serial_elimination,
)

ENV = NodeKind.ENVIRONMENT


def corridor(received_m3: float) -> Flowsheet:
    nodes = (
        Node("port", ENV),
        Node("outside", ENV),
        Node("Dakar-Kayes", NodeKind.ACCOUNT),
        Node("Kayes tank", NodeKind.TANK),
    )
    streams = (
        Stream("loaded at Dakar", "port", "Dakar-Kayes", 1000.0, 2.0),
        Stream("transit loss", "Dakar-Kayes", "outside"),
        Stream("received at Kayes", "Dakar-Kayes", "Kayes tank", received_m3, 2.0),
        Stream("opening dip", "outside", "Kayes tank", 500.0, 3.0),
        Stream("dispatched", "Kayes tank", "outside", 900.0, 2.0),
        Stream("closing dip", "Kayes tank", "outside", 590.0, 3.0),
    )
    return Flowsheet(nodes, streams)


def test_transit_loss_is_observable_from_loading_and_receipt() -> None:
    result = reconcile(corridor(993.0))
    assert result.classification("transit loss") is StreamClass.OBSERVABLE
    assert result.value("transit loss") == pytest.approx(
        result.value("loaded at Dakar") - result.value("received at Kayes"), abs=1e-9
    )


def test_loading_is_not_redundant_when_the_loss_is_unmeasured() -> None:
    result = reconcile(corridor(993.0))
    assert result.classification("loaded at Dakar") is StreamClass.NON_REDUNDANT
    assert result.classification("closing dip") is StreamClass.REDUNDANT


def test_a_wrong_dip_is_detected_but_one_tank_balance_cannot_say_which_meter() -> None:
    fs = corridor(993.0)
    wrong = tuple(
        Stream(s.name, s.source, s.target, 640.0, 3.0) if s.name == "closing dip" else s
        for s in fs.streams
    )
    search = serial_elimination(Flowsheet(fs.nodes, wrong))
    first = reconcile(Flowsheet(fs.nodes, wrong)).solution.normalised_adjustment
    tank_meters = [2, 3, 4, 5]
    assert len(search.suspects) == 1
    assert first[tank_meters] == pytest.approx([first[2]] * 4)


def test_transit_loss_uncertainty_combines_loading_and_receipt_meters() -> None:
    result = reconcile(corridor(993.0))
    # Loading is non-redundant (sd 2); the receipt is improved by the tank balance.
    expected = (2.0**2 + result.sd("received at Kayes") ** 2) ** 0.5
    assert result.sd("transit loss") == pytest.approx(expected, rel=1e-9)
