"""The refinery's settings: brand, capacity by phase, weighing tolerance, CAHRA list, contract."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nafolo.gold.diligence import DEFAULT_CAHRA, DiligencePolicy
from nafolo.gold.settlement import Contract
from nafolo.measurement.precious import grams_to_troy_oz

OZ_PER_TONNE = grams_to_troy_oz(Decimal(1_000_000))


class RefineryConfig(BaseModel):
    """Parameters of the refinery (every commercial or plant figure is a parameter)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    brand: str = Field(default="SENOU", min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$")
    phase: Literal[1, 2] = 2
    capacity_t_per_year: dict[int, Decimal] = Field(
        default_factory=lambda: {1: Decimal(100), 2: Decimal(200)}
    )
    working_days_per_year: int = Field(default=250, ge=1, le=366)
    weighing_tolerance_pct: Decimal = Field(default=Decimal("0.1"), ge=0)
    cahra: frozenset[tuple[str, str | None]] = DEFAULT_CAHRA
    default_contract: Contract = Field(default_factory=lambda: Contract(contract_id="STANDARD"))

    @property
    def daily_capacity_fine_oz(self) -> Decimal:
        """Fine Au a working day may take into batches: t/yr × oz/t ÷ working days, 0.001 down."""
        per_year = self.capacity_t_per_year[self.phase] * OZ_PER_TONNE
        return (per_year / self.working_days_per_year).quantize(Decimal("0.001"), ROUND_DOWN)

    @property
    def policy(self) -> DiligencePolicy:
        return DiligencePolicy(cahra=self.cahra)
