"""Infeasible input: which requirements conflict, in plain words."""

from __future__ import annotations

import pytest

from nafolo.fuel.planning import InfeasiblePlanError, plan


def test_contract_minimum_the_ports_and_roads_cannot_absorb(make_line, start) -> None:
    # 10 000 t/month must be lifted (9 032 t over 4 January weeks); the port stores 100 t and
    # loads 100 t a week.
    network = make_line(contract_min=10_000.0, port_storage_t=100.0, port_loading_t_per_week=100.0)
    with pytest.raises(InfeasiblePlanError) as infeasible:
        plan(network, 4, start)
    conflict = infeasible.value
    assert any("minimum of contract Q (10,000 t/month)" in c for c in conflict.conflicts)
    assert any("storage at Port O" in t for t in conflict.tight)
    assert "cannot all be met" in str(conflict)
