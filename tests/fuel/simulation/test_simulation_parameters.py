from pathlib import Path

import pytest

from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.fuel.simulation.parameters import load_disruption
from nafolo.workbook import InputError


@pytest.fixture(scope="module")
def mali() -> Network:
    return load_network()


def test_bundled_parameters_hold_the_2025_blockade(mali: Network) -> None:
    params = load_disruption(mali)
    blockade = params.scenarios["BLOCKADE-2025"]
    closed = {c for closure in blockade for c in closure.corridors}
    west_south = {c.corridor for c in mali.corridors if c.axis in ("WEST", "SOUTH")}
    assert closed == west_south
    assert {(c.first_week, c.last_week, c.truck_loss_share) for c in blockade} == {(2, 7, 0.2)}
    assert params.cv("KAYES", "GASOIL") == 0.1


def test_every_corridor_has_closure_parameters_in_the_bundled_set(mali: Network) -> None:
    params = load_disruption(mali)
    assert set(params.corridors) == {c.corridor for c in mali.corridors}


def test_an_unknown_corridor_is_refused_naming_sheet_row_and_column(
    mali: Network, tmp_path: Path
) -> None:
    (tmp_path / "disruption_corridors.csv").write_text(
        "corridor,mean_open_weeks,mean_closure_weeks\nDKR-KAYES,10,2\nNOWHERE,10,2\n"
    )
    with pytest.raises(InputError) as caught:
        load_disruption(mali, tmp_path)
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("disruption_corridors", 3, "corridor")


def test_a_closure_shorter_than_a_week_is_refused(mali: Network, tmp_path: Path) -> None:
    (tmp_path / "disruption_corridors.csv").write_text(
        "corridor,mean_open_weeks,mean_closure_weeks\nDKR-KAYES,10,0.5\n"
    )
    with pytest.raises(InputError, match="mean_closure_weeks"):
        load_disruption(mali, tmp_path)


def test_a_shock_needs_an_axis_or_corridors_but_not_both(mali: Network, tmp_path: Path) -> None:
    (tmp_path / "disruption_shocks.csv").write_text(
        "shock,axis,corridors,onsets_per_year,mean_duration_weeks\n"
        "S1,WEST,DKR-KAYES,1,2\nS2,,,1,2\n"
    )
    with pytest.raises(InputError) as caught:
        load_disruption(mali, tmp_path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "axis"), (3, "axis")]


def test_absent_sheets_switch_their_mechanism_off(mali: Network, tmp_path: Path) -> None:
    (tmp_path / "demand_noise.csv").write_text("region,product,cv\n*,*,0.05\n")
    params = load_disruption(mali, tmp_path)
    assert (params.corridors, params.shocks, params.port_delays) == ({}, (), {})
    assert params.cv("GAO", "SUPER") == 0.05
