"""Table 53B (density at 15 °C from an observed density) and Table 56 (weight in air)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nafolo.measurement.petroleum import (
    Edition,
    OutOfRangeError,
    ProductGroup,
    density_15_from_observed,
    density_15_from_observed_exact,
    hydrometer_glass_factor,
    mass_in_vacuum_t,
    tonnes_from_observed,
    vcf_exact,
    weight_in_air_t,
)


def test_density_at_15_c_is_unchanged_without_glass_correction() -> None:
    assert density_15_from_observed(835.0, 15.0, hydrometer_glass=False) == 835.0


def test_hydrometer_glass_factor_is_one_at_calibration_temperature() -> None:
    assert hydrometer_glass_factor(15.0) == 1.0


def test_hydrometer_glass_factor_at_35_c() -> None:
    assert hydrometer_glass_factor(35.0) == pytest.approx(1 - 0.000023 * 20 - 0.00000002 * 400)


def test_warm_reading_gives_denser_product_at_15_c() -> None:
    # 745.0 kg/m³ read at 30 °C: ρ15 computed independently from the Table 53B/54B formulas
    # (758.2435 with the glass correction, 758.5015 without).
    assert density_15_from_observed(745.0, 30.0) == 758.2
    assert density_15_from_observed(745.0, 30.0, hydrometer_glass=False) == 758.5


@pytest.mark.parametrize("edition", list(Edition))
@pytest.mark.parametrize(
    ("density_15", "temperature_c"), [(700.0, 35.0), (780.0, 28.0), (810.0, 5.0), (980.0, 60.0)]
)
def test_53b_inverts_54b(density_15: float, temperature_c: float, edition: Edition) -> None:
    observed = density_15 * vcf_exact(density_15, temperature_c, edition=edition)
    recovered = density_15_from_observed_exact(
        observed, temperature_c, hydrometer_glass=False, edition=edition
    )
    assert recovered == pytest.approx(density_15, abs=1e-6)


@given(density_15=st.floats(660.0, 1070.0), temperature_c=st.floats(-18.0, 150.0))
def test_53b_round_trip_with_explicit_group(density_15: float, temperature_c: float) -> None:
    group = ProductGroup.FUEL_OIL if density_15 >= 838.5 else ProductGroup.GASOLINE
    observed = density_15 * vcf_exact(density_15, temperature_c, group)
    recovered = density_15_from_observed_exact(
        observed, temperature_c, group, hydrometer_glass=False
    )
    assert recovered == pytest.approx(density_15, abs=1e-6)


def test_53b_refuses_result_outside_table() -> None:
    with pytest.raises(OutOfRangeError, match=r"observed_density_kg_m3: 560.0 .*653.0 to 1075.0"):
        density_15_from_observed(560.0, 20.0)


def test_53b_refuses_lpg() -> None:
    with pytest.raises(OutOfRangeError, match="LPG"):
        density_15_from_observed(540.0, 20.0, ProductGroup.LPG)


def test_mass_in_vacuum() -> None:
    assert mass_in_vacuum_t(40.0, 835.0) == pytest.approx(33.4)


def test_weight_in_air_deducts_air_buoyancy() -> None:
    assert weight_in_air_t(40.0, 835.0) == pytest.approx(40.0 * 833.9 / 1000)


def test_weight_in_air_is_lighter_than_mass_in_vacuum_by_1_1_kg_per_m3() -> None:
    assert mass_in_vacuum_t(1000.0, 750.0) - weight_in_air_t(1000.0, 750.0) == pytest.approx(1.1)


def test_tonnes_from_observed_litres_in_air() -> None:
    # 36,000 L of gasoil (ρ15 835, jet band) at 32 °C: VCF 0.9854, weight in air 833.9 kg/m³.
    assert tonnes_from_observed(36000.0, 32.0, 835.0) == pytest.approx(36.0 * 0.9854 * 0.8339)


def test_tonnes_from_observed_in_vacuum() -> None:
    air = tonnes_from_observed(36000.0, 32.0, 835.0, basis="air")
    vacuum = tonnes_from_observed(36000.0, 32.0, 835.0, basis="vacuum")
    assert vacuum > air


def test_unknown_basis_is_refused() -> None:
    with pytest.raises(ValueError, match="basis"):
        tonnes_from_observed(36000.0, 32.0, 835.0, basis="moon")  # type: ignore[arg-type]


def test_negative_volume_is_refused() -> None:
    with pytest.raises(ValueError, match="volume_15_m3"):
        weight_in_air_t(-1.0, 835.0)


def test_53b_converges_near_the_bottom_of_the_table() -> None:
    observed = 653.5 * vcf_exact(653.5, 40.0)
    recovered = density_15_from_observed_exact(observed, 40.0, hydrometer_glass=False)
    assert recovered == pytest.approx(653.5, abs=1e-6)


@pytest.mark.parametrize("edge", [770.5, 787.5, 838.5])
@pytest.mark.parametrize("temperature_c", [-18.0, 30.0, 149.0])
def test_53b_answers_every_reading_around_band_edges(edge: float, temperature_c: float) -> None:
    for density_15 in (edge - 0.05, edge, edge + 0.05):
        observed = density_15 * vcf_exact(density_15, temperature_c)
        recovered = density_15_from_observed_exact(observed, temperature_c, hydrometer_glass=False)
        # The 1980 VCF jumps slightly at band edges: two solutions or none lie within the jump.
        assert recovered == pytest.approx(density_15, abs=0.05)


def test_53b_resolves_a_reading_in_the_gap_to_the_band_edge() -> None:
    below = 787.5 * vcf_exact(787.5, 149.0, ProductGroup.TRANSITION)
    above = 787.5 * vcf_exact(787.5, 149.0, ProductGroup.JET)
    in_gap = (below + above) / 2
    assert density_15_from_observed_exact(in_gap, 149.0, hydrometer_glass=False) == 787.5


def test_53b_with_explicit_group_solves_beyond_its_band() -> None:
    observed = 780.0 * vcf_exact(780.0, 30.0, ProductGroup.JET)
    recovered = density_15_from_observed_exact(
        observed, 30.0, ProductGroup.JET, hydrometer_glass=False
    )
    assert recovered == pytest.approx(780.0, abs=1e-6)
