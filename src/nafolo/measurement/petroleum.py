"""Volume correction of refined petroleum products to 15 °C, and the tonnes that follow.

Implements ASTM D1250 / API MPMS Chapter 11.1 for generalised (refined) products:
Table 54B (VCF to 15 °C), Table 53B (density at 15 °C from a hydrometer reading) and
Table 56 (weight in air), in the 1980 edition (default, still used in West African trade) or
the 2004 edition (60 °F base, computed to 5 decimals, converted to a 15 °C base).
Every figure reported from here must state the edition and whether tonnes are in air or in vacuum.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

from scipy.optimize import brentq

__all__ = [
    "AIR_BUOYANCY_KG_M3",
    "Edition",
    "OutOfRangeError",
    "ProductGroup",
    "alpha_15",
    "density_15_from_observed",
    "density_15_from_observed_exact",
    "hydrometer_glass_factor",
    "mass_in_vacuum_t",
    "product_group_for_density",
    "standard_volume_m3",
    "tonnes_from_observed",
    "vcf",
    "vcf_exact",
    "weight_in_air_t",
]

AIR_BUOYANCY_KG_M3 = 1.1
"""Table 56: weight in air per m³ at 15 °C = ρ₁₅ − 1.1 kg/m³."""


class OutOfRangeError(ValueError):
    """An input lies outside the range the standard covers; the message names field and range."""


class ProductGroup(StrEnum):
    """Generalised-product groups of Table 54B (LPG has its own tables and is refused here)."""

    GASOLINE = "gasoline"
    TRANSITION = "transition"
    JET = "jet"
    FUEL_OIL = "fuel_oil"
    LPG = "lpg"


class Edition(StrEnum):
    """Edition of the petroleum measurement tables; say which one in every report."""

    E1980 = "1980"
    E2004 = "2004"


@dataclass(frozen=True)
class _Band:
    group: ProductGroup
    low: float
    high: float
    k0: float
    k1: float
    k2: float


# 1980 Table 54B, α₁₅ per °C, bands on ρ₁₅ (kg/m³): [low, high) except the last, closed.
_BANDS_1980 = (
    _Band(ProductGroup.GASOLINE, 653.0, 770.5, 346.4228, 0.4388, 0.0),
    _Band(ProductGroup.TRANSITION, 770.5, 787.5, 2680.3206, 0.0, -0.00336312),
    _Band(ProductGroup.JET, 787.5, 838.5, 594.5418, 0.0, 0.0),
    _Band(ProductGroup.FUEL_OIL, 838.5, 1075.0, 186.9696, 0.4862, 0.0),
)
# 2004 edition, α₆₀ per °F, bands on ρ₆₀ (kg/m³).
_BANDS_2004 = (
    _Band(ProductGroup.GASOLINE, 610.6, 770.352, 192.4571, 0.2438, 0.0),
    _Band(ProductGroup.TRANSITION, 770.352, 787.5195, 1489.067, 0.0, -0.0018684),
    _Band(ProductGroup.JET, 787.5195, 838.3127, 330.301, 0.0, 0.0),
    _Band(ProductGroup.FUEL_OIL, 838.3127, 1163.5, 103.872, 0.2701, 0.0),
)
_TEMPERATURE_RANGE_C = {Edition.E1980: (-18.0, 150.0), Edition.E2004: (-50.0, 150.0)}
_VCF_DECIMALS = {Edition.E1980: 4, Edition.E2004: 5}
_DENSITY_STEP = Decimal("0.1")
_TEMPERATURE_STEP = Decimal("0.05")

# 2004 edition: 60 °F on ITS-90 expressed on IPTS-68, and the base-temperature shift.
_BASE_60F_IPTS68 = 60.0068749
_DELTA_60F = 0.01374979547
_ITS90_TO_IPTS68 = (
    -0.148759, -0.267408, 1.080760, 1.269056, -4.089591, -1.871251, 7.438081, -3.536296,
)  # fmt: skip


def _bands(edition: Edition) -> tuple[_Band, ...]:
    return _BANDS_1980 if edition is Edition.E1980 else _BANDS_2004


def _round(value: float, step: Decimal) -> float:
    return float((Decimal(repr(value)) / step).quantize(Decimal(1), ROUND_HALF_UP) * step)


def _round_places(value: float, places: int) -> float:
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _require_finite(value: float, field: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{field}: must be a finite number, got {value!r}")


def _check_temperature(temperature_c: float, edition: Edition, field: str) -> None:
    _require_finite(temperature_c, field)
    low, high = _TEMPERATURE_RANGE_C[edition]
    if not low <= temperature_c <= high:
        raise OutOfRangeError(
            f"{field}: {temperature_c} °C is outside the {edition} tables' range "
            f"{low} to {high} °C; the standard is not extrapolated"
        )


def _check_group(group: ProductGroup | None) -> None:
    if group is ProductGroup.LPG:
        raise OutOfRangeError(
            "group: LPG is not covered by Tables 53B/54B (generalised products); it uses its own "
            "tables (ASTM D1250 Table 54E / GPA TP-27) and pressure vessels"
        )


def _band_for(
    density: float,
    group: ProductGroup | None,
    edition: Edition,
    field: str,
    strict: bool = True,
) -> _Band:
    """The band for a density; ``strict=False`` lets solver iterates stray past the table ends."""
    _require_finite(density, field)
    _check_group(group)
    bands = _bands(edition)
    low, high = bands[0].low, bands[-1].high
    basis = "ρ₁₅" if edition is Edition.E1980 else "ρ₆₀"
    if not strict:
        density = min(max(density, low), high)
    if not low <= density <= high:
        hint = " (LPG uses its own tables)" if density < low else ""
        raise OutOfRangeError(
            f"{field}: {basis} = {density} kg/m³ is outside the {edition} generalised-products "
            f"range {low} to {high} kg/m³{hint}; the standard is not extrapolated"
        )
    if group is not None:
        return next(band for band in bands if band.group is group)
    return next(band for band in bands if band.low <= density < band.high or band is bands[-1])


def _alpha(band: _Band, density: float) -> float:
    return band.k0 / density**2 + band.k1 / density + band.k2


def product_group_for_density(
    density_15_kg_m3: float, edition: Edition = Edition.E1980
) -> ProductGroup:
    """The Table 54B product group whose density band holds ρ₁₅ (1980 bands on ρ₁₅).

    For the 2004 edition the band is chosen on ρ₆₀, derived from ρ₁₅ as in API MPMS 11.1-2004.
    """
    if edition is Edition.E1980:
        return _band_for(density_15_kg_m3, None, edition, "density_15_kg_m3").group
    return _rho60_and_band(density_15_kg_m3, None)[1].group


def alpha_15(density_15_kg_m3: float, group: ProductGroup | None = None) -> float:
    """Thermal expansion coefficient α₁₅ (per °C) of ASTM D1250-80 Table 54B.

    α₁₅ = K0/ρ₁₅² + K1/ρ₁₅ (transition zone: −0.00336312 + 2680.3206/ρ₁₅²).
    ``group=None`` chooses the band from the density.
    """
    band = _band_for(density_15_kg_m3, group, Edition.E1980, "density_15_kg_m3")
    return _alpha(band, density_15_kg_m3)


def _vcf_1980(
    density_15: float, temperature_c: float, group: ProductGroup | None, strict: bool
) -> float:
    band = _band_for(density_15, group, Edition.E1980, "density_15_kg_m3", strict)
    alpha = _alpha(band, density_15)
    delta_t = temperature_c - 15.0
    return math.exp(-alpha * delta_t * (1.0 + 0.8 * alpha * delta_t))


def _ipts68_f(temperature_c: float) -> float:
    """ITS-90 °C to IPTS-68 °F (API MPMS 11.1-2004 temperature-scale conversion)."""
    tau = temperature_c / 630.0
    shift = 0.0
    for coefficient in reversed(_ITS90_TO_IPTS68):
        shift = (shift + coefficient) * tau
    return 1.8 * (temperature_c - shift) + 32.0


def _ctl_60(rho_60: float, band: _Band, temperature_c: float) -> float:
    """CTL to 60 °F with the base-temperature shift of API MPMS 11.1-2004."""
    half_shift = _DELTA_60F / 2.0
    a = half_shift * ((band.k0 / rho_60 + band.k1) / rho_60 + band.k2)
    b = (2.0 * band.k0 + band.k1 * rho_60) / (band.k0 + (band.k1 + band.k2 * rho_60) * rho_60)
    rho_star = rho_60 * (
        1.0 + (math.exp(a * (1.0 + 0.8 * a)) - 1.0) / (1.0 + a * (1.0 + 1.6 * a) * b)
    )
    alpha_60 = (band.k0 / rho_star + band.k1) / rho_star + band.k2
    delta_t = _ipts68_f(temperature_c) - _BASE_60F_IPTS68
    return math.exp(-alpha_60 * delta_t * (1.0 + 0.8 * alpha_60 * (delta_t + _DELTA_60F)))


def _rho60_and_band(
    density_15: float, group: ProductGroup | None, strict: bool = True
) -> tuple[float, _Band]:
    """Solve ρ₁₅ = ρ₆₀ · CTL(ρ₆₀, 15 °C) for ρ₆₀ (API MPMS 11.1-2004, 15 °C base)."""
    _require_finite(density_15, "density_15_kg_m3")
    _check_group(group)
    rho_60 = density_15
    for _ in range(50):
        band = _band_for(rho_60, group, Edition.E2004, "density_15_kg_m3", strict)
        updated = density_15 / _ctl_60(rho_60, band, 15.0)
        if abs(updated - rho_60) < 1e-9:
            return updated, _band_for(updated, group, Edition.E2004, "density_15_kg_m3", strict)
        rho_60 = updated
    raise OutOfRangeError(f"density_15_kg_m3: ρ₆₀ did not converge for ρ₁₅ = {density_15} kg/m³")


def _vcf_2004(
    density_15: float, temperature_c: float, group: ProductGroup | None, strict: bool
) -> float:
    rho_60, band = _rho60_and_band(density_15, group, strict)
    return _ctl_60(rho_60, band, temperature_c) / _ctl_60(rho_60, band, 15.0)


def vcf_exact(
    density_15_kg_m3: float,
    temperature_c: float,
    group: ProductGroup | None = None,
    edition: Edition = Edition.E1980,
) -> float:
    """Unrounded volume correction factor to 15 °C (Table 54B; 2004: API MPMS 11.1-2004 to 15 °C).

    Inputs are used as given (no rounding); use :func:`vcf` for the table value.
    """
    _check_temperature(temperature_c, edition, "temperature_c")
    if edition is Edition.E1980:
        return _vcf_1980(density_15_kg_m3, temperature_c, group, strict=True)
    return _vcf_2004(density_15_kg_m3, temperature_c, group, strict=True)


def vcf(
    density_15_kg_m3: float,
    temperature_c: float,
    group: ProductGroup | None = None,
    edition: Edition = Edition.E1980,
) -> float:
    """Volume correction factor to 15 °C as the table prints it (ASTM D1250 Table 54B).

    ρ₁₅ is rounded to 0.1 kg/m³ and t to 0.05 °C, then VCF is rounded half-up to 4 decimals
    (1980 edition) or 5 decimals (2004 edition). ``group=None`` chooses the density band.
    """
    density = (
        _round(density_15_kg_m3, _DENSITY_STEP)
        if math.isfinite(density_15_kg_m3)
        else density_15_kg_m3
    )
    temperature = (
        _round(temperature_c, _TEMPERATURE_STEP) if math.isfinite(temperature_c) else temperature_c
    )
    exact = vcf_exact(density, temperature, group, edition)
    return _round_places(exact, _VCF_DECIMALS[edition])


def standard_volume_m3(
    observed_volume_m3: float,
    density_15_kg_m3: float,
    temperature_c: float,
    group: ProductGroup | None = None,
    edition: Edition = Edition.E1980,
) -> float:
    """Volume at 15 °C, V₁₅ = V_obs × VCF, with the table VCF (ASTM D1250 Table 54B)."""
    _require_finite(observed_volume_m3, "observed_volume_m3")
    if observed_volume_m3 < 0:
        raise ValueError(f"observed_volume_m3: must not be negative, got {observed_volume_m3}")
    return observed_volume_m3 * vcf(density_15_kg_m3, temperature_c, group, edition)


def hydrometer_glass_factor(temperature_c: float) -> float:
    """Thermal expansion correction of a soda-lime glass hydrometer calibrated at 15 °C.

    Multiplies the scale reading (ASTM D1250 / API MPMS 11.1 Table 53B procedure):
    1 − 0.000023·(t − 15) − 0.00000002·(t − 15)².
    """
    delta_t = temperature_c - 15.0
    return 1.0 - 0.000023 * delta_t - 0.00000002 * delta_t**2


def density_15_from_observed_exact(
    observed_density_kg_m3: float,
    temperature_c: float,
    group: ProductGroup | None = None,
    hydrometer_glass: bool = True,
    edition: Edition = Edition.E1980,
) -> float:
    """Unrounded ρ₁₅ from a density observed at ``temperature_c`` (Table 53B).

    Solves ρ_obs = ρ₁₅ · VCF(ρ₁₅, t) by fixed-point iteration with the unrounded VCF; a
    hydrometer reading is first corrected for glass expansion unless ``hydrometer_glass`` is False
    (e.g. an oscillating-tube density meter).
    """
    _require_finite(observed_density_kg_m3, "observed_density_kg_m3")
    _check_temperature(temperature_c, edition, "temperature_c")
    _check_group(group)
    observed = observed_density_kg_m3
    if hydrometer_glass:
        observed *= hydrometer_glass_factor(temperature_c)
    solutions = [
        root
        for band in _bands(edition)
        if group is None or band.group is group
        if (root := _solve_53b(observed, temperature_c, band, group, edition)) is not None
    ]
    if not solutions and (edge := _band_edge_53b(observed, temperature_c, edition)) is not None:
        solutions = [edge]
    if not solutions:
        bands = _bands(edition)
        raise OutOfRangeError(
            f"observed_density_kg_m3: {observed_density_kg_m3} kg/m³ at {temperature_c} °C "
            f"gives a density outside the {edition} generalised-products range "
            f"{bands[0].low} to {bands[-1].high} kg/m³ (LPG uses its own tables); "
            "the standard is not extrapolated"
        )
    density_15 = min(solutions)
    vcf_exact(density_15, temperature_c, group, edition)  # refuse a result out of range
    return density_15


def _density_15_bracket(
    band: _Band, group: ProductGroup | None, edition: Edition
) -> tuple[float, float]:
    """The ρ₁₅ interval a band covers (the whole table when the group is forced)."""
    bands = _bands(edition)
    low, high = (bands[0].low, bands[-1].high) if group is not None else (band.low, band.high)
    if edition is Edition.E1980:
        return low, high
    return tuple(rho * _ctl_60(rho, band, 15.0) for rho in (low, high))  # type: ignore[return-value]


def _observed_density(
    density_15: float, temperature_c: float, band: _Band, edition: Edition
) -> float:
    group = band.group
    if edition is Edition.E1980:
        return density_15 * _vcf_1980(density_15, temperature_c, group, strict=False)
    return density_15 * _vcf_2004(density_15, temperature_c, group, strict=False)


def _solve_53b(
    observed: float,
    temperature_c: float,
    band: _Band,
    group: ProductGroup | None,
    edition: Edition,
) -> float | None:
    """Root of ρ₁₅ · VCF(ρ₁₅, t) = ρ_obs inside the band (monotonic there), None if absent."""
    low, high = _density_15_bracket(band, group, edition)
    f_low = _observed_density(low, temperature_c, band, edition) - observed
    f_high = _observed_density(high, temperature_c, band, edition) - observed
    if f_low > 0 or f_high < 0:
        return None
    root = brentq(
        lambda rho: _observed_density(rho, temperature_c, band, edition) - observed,
        low,
        high,
        xtol=1e-10,
    )
    return float(root)


def _band_edge_53b(observed: float, temperature_c: float, edition: Edition) -> float | None:
    """ρ₁₅ for a reading that falls in the jump of VCF at a band edge: the edge itself."""
    bands = _bands(edition)
    for lower, upper in itertools.pairwise(bands):
        edge = _density_15_bracket(upper, None, edition)[0]
        jump = sorted(
            _observed_density(edge, temperature_c, band, edition) for band in (lower, upper)
        )
        if jump[0] <= observed <= jump[1]:
            return edge
    return None


def density_15_from_observed(
    observed_density_kg_m3: float,
    temperature_c: float,
    group: ProductGroup | None = None,
    hydrometer_glass: bool = True,
    edition: Edition = Edition.E1980,
) -> float:
    """ρ₁₅ (kg/m³) from a hydrometer reading at the observed temperature, as Table 53B prints it.

    The reading is rounded to 0.1 kg/m³ and t to 0.05 °C; the result is rounded to 0.1 kg/m³.
    """
    _require_finite(observed_density_kg_m3, "observed_density_kg_m3")
    _require_finite(temperature_c, "temperature_c")
    exact = density_15_from_observed_exact(
        _round(observed_density_kg_m3, _DENSITY_STEP),
        _round(temperature_c, _TEMPERATURE_STEP),
        group,
        hydrometer_glass,
        edition,
    )
    return _round(exact, _DENSITY_STEP)


def _check_volume_and_density(volume_15_m3: float, density_15_kg_m3: float) -> None:
    _require_finite(volume_15_m3, "volume_15_m3")
    _require_finite(density_15_kg_m3, "density_15_kg_m3")
    if volume_15_m3 < 0:
        raise ValueError(f"volume_15_m3: must not be negative, got {volume_15_m3}")
    if density_15_kg_m3 <= AIR_BUOYANCY_KG_M3:
        raise ValueError(
            f"density_15_kg_m3: must exceed {AIR_BUOYANCY_KG_M3}, got {density_15_kg_m3}"
        )


def mass_in_vacuum_t(volume_15_m3: float, density_15_kg_m3: float) -> float:
    """Mass in vacuum (tonnes) = V₁₅ × ρ₁₅ (ASTM D1250 Table 56 basis, "in vacuo")."""
    _check_volume_and_density(volume_15_m3, density_15_kg_m3)
    return volume_15_m3 * density_15_kg_m3 / 1000.0


def weight_in_air_t(volume_15_m3: float, density_15_kg_m3: float) -> float:
    """Weight in air (tonnes) = V₁₅ × (ρ₁₅ − 1.1 kg/m³) (ASTM D1250 Table 56): commercial tonnes."""
    _check_volume_and_density(volume_15_m3, density_15_kg_m3)
    return volume_15_m3 * (density_15_kg_m3 - AIR_BUOYANCY_KG_M3) / 1000.0


def tonnes_from_observed(
    observed_volume_l: float,
    observed_temperature_c: float,
    density_15_kg_m3: float,
    basis: Literal["air", "vacuum"] = "air",
    group: ProductGroup | None = None,
    edition: Edition = Edition.E1980,
) -> float:
    """Tonnes in a volume of litres observed at a temperature (Table 54B, then Table 56).

    ``basis="air"`` gives weight in air (commercial tonnes), ``"vacuum"`` mass in vacuum.
    """
    if basis not in ("air", "vacuum"):
        raise ValueError(f"basis: must be 'air' or 'vacuum', got {basis!r}")
    _require_finite(observed_volume_l, "observed_volume_l")
    if observed_volume_l < 0:
        raise ValueError(f"observed_volume_l: must not be negative, got {observed_volume_l}")
    volume_15 = (
        observed_volume_l / 1000.0 * vcf(density_15_kg_m3, observed_temperature_c, group, edition)
    )
    if basis == "air":
        return weight_in_air_t(volume_15, density_15_kg_m3)
    return mass_in_vacuum_t(volume_15, density_15_kg_m3)
