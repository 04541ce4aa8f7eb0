"""Table 54B volume correction factors (1980 default, 2004 option)."""

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nafolo.measurement.petroleum import (
    Edition,
    OutOfRangeError,
    ProductGroup,
    alpha_15,
    product_group_for_density,
    standard_volume_m3,
    vcf,
    vcf_exact,
)

# Reference values computed independently from the defining formula of ASTM D1250-80 Table 54B
# (no licensed table at hand), rounded half-up to the 4 printed decimals.
TABLE_54B = [
    (750.0, 30.0, 0.9819),  # gasoline
    (720.0, -10.0, 1.0316),  # gasoline, below 15 °C
    (780.0, 20.0, 0.9948),  # transition zone
    (800.0, 40.0, 0.9766),  # jet
    (820.0, 32.5, 0.9845),  # jet
    (850.0, 25.0, 0.9917),  # gasoil
    (950.0, 60.0, 0.9674),  # fuel oil
]


@pytest.mark.parametrize(("density_15", "temperature_c", "expected"), TABLE_54B)
def test_vcf_matches_table_54b_to_four_decimals(
    density_15: float, temperature_c: float, expected: float
) -> None:
    assert vcf(density_15, temperature_c) == expected


def test_vcf_exact_is_unrounded_formula_value() -> None:
    assert vcf_exact(750.0, 30.0) == pytest.approx(0.9818924058, abs=1e-10)


@pytest.mark.parametrize("edition", list(Edition))
@pytest.mark.parametrize("density_15", [653.0, 700.0, 780.0, 800.0, 850.0, 1075.0])
def test_vcf_is_exactly_one_at_15_c(density_15: float, edition: Edition) -> None:
    assert vcf(density_15, 15.0, edition=edition) == 1.0


@pytest.mark.parametrize("density_15", [700.0, 780.0, 800.0, 900.0])
def test_vcf_decreases_as_temperature_rises(density_15: float) -> None:
    factors = [vcf_exact(density_15, t) for t in range(-18, 151, 7)]
    assert all(a > b for a, b in itertools.pairwise(factors))


def test_transition_zone_uses_its_own_formula() -> None:
    assert alpha_15(780.0) == pytest.approx(-0.00336312 + 2680.3206 / 780.0**2, rel=1e-12)


def test_alpha_for_gasoline_and_fuel_oil_bands() -> None:
    assert alpha_15(750.0) == pytest.approx(346.4228 / 750.0**2 + 0.4388 / 750.0, rel=1e-12)
    assert alpha_15(900.0) == pytest.approx(186.9696 / 900.0**2 + 0.4862 / 900.0, rel=1e-12)


@pytest.mark.parametrize(
    ("density_15", "group"),
    [
        (653.0, ProductGroup.GASOLINE),
        (770.4, ProductGroup.GASOLINE),
        (770.5, ProductGroup.TRANSITION),
        (787.4, ProductGroup.TRANSITION),
        (787.5, ProductGroup.JET),
        (838.4, ProductGroup.JET),
        (838.5, ProductGroup.FUEL_OIL),
        (1075.0, ProductGroup.FUEL_OIL),
    ],
)
def test_1980_band_edges(density_15: float, group: ProductGroup) -> None:
    assert product_group_for_density(density_15) is group


@pytest.mark.parametrize("edge", [770.5, 787.5, 838.5])
def test_alpha_nearly_continuous_across_band_edges(edge: float) -> None:
    assert alpha_15(edge - 1e-9) == pytest.approx(alpha_15(edge), abs=3e-6)


def test_explicit_group_overrides_density_band() -> None:
    assert alpha_15(780.0, ProductGroup.JET) == pytest.approx(594.5418 / 780.0**2, rel=1e-12)


@pytest.mark.parametrize("density_15", [652.9, 1075.1])
def test_density_outside_table_is_refused(density_15: float) -> None:
    with pytest.raises(OutOfRangeError, match=r"density_15_kg_m3.*653\.0 to 1075\.0"):
        vcf_exact(density_15, 20.0)


@pytest.mark.parametrize("temperature_c", [-18.1, 150.1])
def test_temperature_outside_table_is_refused(temperature_c: float) -> None:
    with pytest.raises(OutOfRangeError, match=r"temperature_c.*-18\.0 to 150\.0"):
        vcf_exact(850.0, temperature_c)


@pytest.mark.parametrize("temperature_c", [-18.0, 150.0])
def test_temperature_at_table_limits_is_accepted(temperature_c: float) -> None:
    assert 0.8 < vcf(850.0, temperature_c) < 1.1


def test_lpg_is_refused_with_explanation() -> None:
    with pytest.raises(OutOfRangeError, match="LPG"):
        vcf(540.0, 20.0, ProductGroup.LPG)


def test_lpg_density_hints_at_lpg_tables() -> None:
    with pytest.raises(OutOfRangeError, match="LPG uses its own tables"):
        vcf(540.0, 20.0)


def test_nan_temperature_is_refused() -> None:
    with pytest.raises(ValueError, match="temperature_c"):
        vcf(850.0, math.nan)


def test_2004_edition_prints_five_decimals_close_to_1980() -> None:
    factor = vcf(850.0, 25.0, edition=Edition.E2004)
    assert factor == round(factor, 5)
    assert factor == pytest.approx(vcf_exact(850.0, 25.0), abs=5e-5)


@pytest.mark.parametrize("density_15", [700.0, 780.0, 800.0, 850.0, 1000.0])
@pytest.mark.parametrize("temperature_c", [-10.0, 30.0, 60.0])
def test_2004_edition_agrees_with_1980_within_table_tolerance(
    density_15: float, temperature_c: float
) -> None:
    assert vcf_exact(density_15, temperature_c, edition=Edition.E2004) == pytest.approx(
        vcf_exact(density_15, temperature_c), abs=3e-4
    )


def test_2004_edition_extends_the_temperature_range() -> None:
    assert vcf(850.0, -40.0, edition=Edition.E2004) > 1.0
    with pytest.raises(OutOfRangeError, match=r"-50\.0 to 150\.0"):
        vcf(850.0, -50.5, edition=Edition.E2004)


def test_2004_edition_refuses_density_below_its_range() -> None:
    with pytest.raises(OutOfRangeError, match=r"610\.6 to 1163\.5"):
        vcf(600.0, 20.0, edition=Edition.E2004)


def test_standard_volume_applies_table_factor() -> None:
    assert standard_volume_m3(46.0, 750.0, 30.0) == pytest.approx(46.0 * 0.9819)


def test_negative_volume_is_refused() -> None:
    with pytest.raises(ValueError, match="observed_volume_m3"):
        standard_volume_m3(-1.0, 750.0, 30.0)


@given(
    density_15=st.floats(653.0, 1075.0),
    temperature_c=st.floats(-18.0, 150.0),
    observed_m3=st.floats(0.001, 1e5),
)
def test_standard_volume_divided_by_factor_recovers_observed(
    density_15: float, temperature_c: float, observed_m3: float
) -> None:
    factor = vcf(density_15, temperature_c)
    assert standard_volume_m3(observed_m3, density_15, temperature_c) / factor == pytest.approx(
        observed_m3, rel=1e-12
    )


@given(density_15=st.floats(653.0, 1075.0), t1=st.floats(-18.0, 150.0), t2=st.floats(-18.0, 150.0))
def test_warmer_product_never_has_larger_factor(density_15: float, t1: float, t2: float) -> None:
    low, high = sorted((t1, t2))
    assert vcf(density_15, high) <= vcf(density_15, low)
