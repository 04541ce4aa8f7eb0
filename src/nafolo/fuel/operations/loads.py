"""A measured load in standard terms: volume at 15 °C, mass in vacuum and tonnes weight in air.

The petroleum arithmetic (ASTM D1250 Tables 53B, 54B and 56) is nafolo.measurement's; this module
only applies it to a load and rounds the ledger quantity to the kilogram.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from nafolo.fuel.network.schema import ProductGroup
from nafolo.fuel.operations.inputs import MeasuredLoad
from nafolo.measurement import petroleum
from nafolo.measurement.petroleum import Edition

KILOGRAM = Decimal("0.001")


@dataclass(frozen=True)
class StandardLoad:
    """A load measured at observed conditions and its standard quantities."""

    volume_l: Decimal
    temperature_c: Decimal
    density_kg_m3: Decimal
    density_temperature_c: Decimal
    density_15_kg_m3: Decimal
    vcf: Decimal
    volume_15_l: Decimal
    mass_vacuum_kg: Decimal
    weight_in_air_t: Decimal
    table: str

    def attributes(self) -> dict[str, object]:
        """The measurement as ledger entry attributes (exact decimals, units in the names)."""
        return {
            "volume_l": self.volume_l,
            "temperature_c": self.temperature_c,
            "density_kg_m3": self.density_kg_m3,
            "density_temperature_c": self.density_temperature_c,
            "density_15_kg_m3": self.density_15_kg_m3,
            "vcf": self.vcf,
            "volume_15_l": self.volume_15_l,
            "mass_vacuum_kg": self.mass_vacuum_kg,
            "weight_basis": "weight in air (ASTM D1250 Table 56)",
            "table": self.table,
        }


def standard_load(
    load: MeasuredLoad, group: ProductGroup, edition: Edition = Edition.E1980
) -> StandardLoad:
    """The load's standard quantities; `OutOfRangeError` (a ValueError) outside the tables.

    ρ15 from the hydrometer reading (Table 53B), the table VCF at the product temperature
    (Table 54B), V15 = V_obs × VCF, then weight in air and mass in vacuum (Table 56).
    """
    reading_c = (
        load.temperature_c if load.density_temperature_c is None else load.density_temperature_c
    )
    table_group = petroleum.ProductGroup(group.value)
    density_15 = petroleum.density_15_from_observed(
        float(load.density_kg_m3), float(reading_c), table_group, edition=edition
    )
    factor = petroleum.vcf(density_15, float(load.temperature_c), table_group, edition)
    volume_15_l = load.volume_l * Decimal(repr(factor))
    volume_15_m3 = float(volume_15_l) / 1000.0
    return StandardLoad(
        volume_l=load.volume_l,
        temperature_c=load.temperature_c,
        density_kg_m3=load.density_kg_m3,
        density_temperature_c=reading_c,
        density_15_kg_m3=Decimal(repr(density_15)),
        vcf=Decimal(repr(factor)),
        volume_15_l=volume_15_l,
        mass_vacuum_kg=_decimal(petroleum.mass_in_vacuum_t(volume_15_m3, density_15) * 1000),
        weight_in_air_t=to_kilogram(_decimal(petroleum.weight_in_air_t(volume_15_m3, density_15))),
        table=f"ASTM D1250-{edition.value} Tables 53B, 54B, 56",
    )


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.001"))


def to_kilogram(tonnes: Decimal) -> Decimal:
    """Tonnes rounded half-even to the kilogram, the ledger's scale."""
    return tonnes.quantize(KILOGRAM, rounding=ROUND_HALF_EVEN)
