"""The reconciliation engine over transit legs and dipped tanks: gross errors are named."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import timedelta

import pytest
from losses_support import T0, dip, leg, withdrawal

from nafolo.fuel.losses import PeriodMovements, Uncertainty, loss_flowsheet, reconcile_losses
from nafolo.reconciliation import NodeKind


def month(seed: int = 7) -> PeriodMovements:
    """40 legs into BKO-SENOU between two dips, withdrawals, all consistent within noise."""
    rng = random.Random(seed)
    legs = [
        leg(i, rng.gauss(0.1, 0.1), carrier=("A", "B")[i % 2], day=2 + i * 0.4) for i in range(40)
    ]
    withdrawals = [withdrawal(2.5 + d, 20.0) for d in range(20)]

    def book(day: float) -> float:
        received = sum(x.received_t for x in legs if x.received_at <= T0 + timedelta(days=day))
        out = sum(w.quantity_t for w in withdrawals if w.at <= T0 + timedelta(days=day))
        return round(800.0 + received - out, 3)

    dips = (dip("DIP-1", 1, 800.0), dip("DIP-2", 13, book(13)), dip("DIP-3", 25, book(25)))
    return PeriodMovements(tuple(legs), dips, tuple(withdrawals))


def test_consistent_data_pass_the_tests() -> None:
    result = reconcile_losses(month())
    assert result.global_test is not None and not result.global_test.rejected
    assert result.suspects == ()


def test_a_gross_error_on_one_receipt_is_found() -> None:
    data = month()
    legs = list(data.legs)
    wrong = legs[17]
    legs[17] = replace(wrong, received_t=round(wrong.received_t * 0.9, 3))
    result = reconcile_losses(replace(data, legs=tuple(legs)))
    assert [s.info.subject for s in result.suspects] == [wrong.name]
    [suspect] = result.suspects
    assert suspect.info.kind in {"receipt", "dispatch", "transit_loss"}
    assert abs(suspect.estimated_error_t) == pytest.approx(wrong.received_t * 0.1, rel=0.2)


def test_a_receipt_error_is_told_from_its_loading_by_the_depot_dips() -> None:
    data = month()
    legs = list(data.legs)
    legs[17] = replace(legs[17], received_t=round(legs[17].received_t - 6.0, 3))
    exact = Uncertainty(tank_dip_rel_sd=0.0005)
    [suspect] = reconcile_losses(replace(data, legs=tuple(legs)), exact).suspects
    assert (suspect.info.kind, suspect.info.carrier) == ("receipt", legs[17].carrier)


def test_a_wrong_dip_between_two_others_is_named() -> None:
    data = month()
    first, middle, last = data.dips
    bad = replace(middle, physical_t=middle.physical_t * 1.03)
    exact = Uncertainty(tank_dip_rel_sd=0.002)
    result = reconcile_losses(replace(data, dips=(first, bad, last)), exact)
    assert [(s.info.kind, s.info.subject) for s in result.suspects] == [("dip", "DIP-2")]


def test_corridor_losses_are_reconciled_from_the_meters_not_the_expected_loss() -> None:
    data = month()
    result = reconcile_losses(data)
    [corridor] = result.corridor_losses
    assert corridor.legs == 40
    assert corridor.reconciled_loss_t == pytest.approx(corridor.recorded_loss_t, abs=0.3)
    assert 0 < corridor.reconciled_sd_t < 1.0


def test_the_flowsheet_has_a_tank_balance_between_dips_and_one_node_per_leg() -> None:
    flowsheet, info = loss_flowsheet(month())
    kinds = [n.kind for n in flowsheet.nodes]
    assert kinds.count(NodeKind.TANK) == 2
    assert kinds.count(NodeKind.ACCOUNT) == 40 + 1
    assert {i.kind for i in info.values()} == {
        "dip",
        "withdrawals",
        "dispatch",
        "receipt",
        "transit_loss",
        "corridor_loss",
    }


def test_without_expected_losses_a_leg_alone_cannot_be_tested() -> None:
    data = month()
    result = reconcile_losses(data, Uncertainty(loss_sd_share_of_tolerance=None))
    [corridor] = result.corridor_losses
    assert math.isfinite(corridor.reconciled_loss_t)
    assert result.suspects == ()


def test_an_empty_period_has_nothing_to_reconcile() -> None:
    result = reconcile_losses(PeriodMovements((), (), ()))
    assert (result.global_test, result.suspects, result.streams) == (None, (), 0)


def test_a_non_positive_uncertainty_is_refused() -> None:
    with pytest.raises(ValueError, match="meter_rel_sd"):
        Uncertainty(meter_rel_sd=0.0)
