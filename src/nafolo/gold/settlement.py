"""Toll-refining settlement: what a lot credits to the depositor's metal account, step by step.

Source: shared/domain/gold.md (Toll-refining settlement). Credited fine metal = net dry weight ×
settled fineness × payable % − charges taken in metal. Every commercial number is a
:class:`Contract` parameter. Roundings (each shown on the statement):

- net dry weight: grams → troy oz, stated to 0.001 oz rounded down;
- payable fine gold and silver: rounded down to the contract's step (0.001 fine oz);
- charges taken in metal: rounded up to the same step (both in the refiner's favour);
- money (charges invoiced, sale proceeds): to the currency's minor unit (XOF: 1), half-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nafolo.gold.assays import (
    AssayResult,
    ExchangeOutcome,
    Metal,
    UmpireRule,
    assay_exchange,
)
from nafolo.measurement.precious import fine_weight, grams_to_troy_oz, round_down

__all__ = [
    "ChargeBasis",
    "Contract",
    "LotForSettlement",
    "ReturnAsBars",
    "ReturnMode",
    "SaleProceeds",
    "SettlementStatement",
    "StatementLine",
    "bars_to_return",
    "return_date",
    "sale_proceeds",
    "settle_assays",
    "settle_lot",
]

WEIGHT_STEP_OZ = Decimal("0.001")
METAL_ACCOUNT = "XAU"


class ChargeBasis(StrEnum):
    MONEY = "money"
    """Charges are invoiced in the contract currency."""
    METAL = "metal"
    """Charges are taken in fine gold ounces from the credit."""


class ReturnMode(StrEnum):
    BARS = "bars"
    SALE = "sale"


class Contract(BaseModel):
    """A toll-refining contract's commercial terms, each with a default (gold.md: per contract).

    Percentages are of contained metal; splitting limits are absolute, in ‰ (0.05 % = 0.5 ‰).
    Charges are per gross (net dry) ounce of doré and per lot, with a minimum per lot, in the
    contract currency (``charge_basis`` MONEY) or in fine gold ounces (METAL).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    contract_id: str = Field(min_length=1)
    currency: str = Field(default="XOF", pattern=r"^[A-Z]{3}$")
    currency_decimals: int = Field(default=0, ge=0, le=4)
    au_payable_pct: Decimal = Field(default=Decimal("99.90"), gt=0, le=100)
    ag_payable_pct: Decimal = Field(default=Decimal("98.00"), ge=0, le=100)
    charge_basis: ChargeBasis = ChargeBasis.MONEY
    charge_per_gross_oz: Decimal = Field(default=Decimal(300), ge=0)
    charge_per_lot: Decimal = Field(default=Decimal(25_000), ge=0)
    minimum_charge_per_lot: Decimal = Field(default=Decimal(100_000), ge=0)
    au_splitting_limit_per_mille: Decimal = Field(default=Decimal("0.5"), ge=0)
    ag_splitting_limit_per_mille: Decimal = Field(default=Decimal("2.0"), ge=0)
    umpire_rule: UmpireRule = UmpireRule.CLOSEST_PARTY
    fine_oz_step: Decimal = Field(default=WEIGHT_STEP_OZ, gt=0)
    return_days: int = Field(default=10, ge=0)
    return_mode: ReturnMode = ReturnMode.BARS

    @model_validator(mode="after")
    def _metal_charge_below_an_ounce(self) -> Contract:
        if self.charge_basis is ChargeBasis.METAL and self.charge_per_gross_oz >= 1:
            raise ValueError(
                "charge_per_gross_oz: in metal it is fine oz per gross oz and must be below 1, "
                f"got {self.charge_per_gross_oz} (set the metal charges, not the XOF defaults)"
            )
        return self

    def splitting_limit(self, metal: Metal) -> Decimal:
        if metal is Metal.AU:
            return self.au_splitting_limit_per_mille
        return self.ag_splitting_limit_per_mille

    @property
    def charge_unit(self) -> str:
        return self.currency if self.charge_basis is ChargeBasis.MONEY else "fine oz Au"


@dataclass(frozen=True, slots=True)
class LotForSettlement:
    """A lot as received: net dry weight in grams (scale, tare and moisture already applied)."""

    lot_id: str
    depositor_id: str
    received_on: date
    net_dry_weight_g: Decimal

    def __post_init__(self) -> None:
        if self.net_dry_weight_g <= 0:
            raise ValueError(f"lot {self.lot_id}: net_dry_weight_g must be positive")


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One step of a settlement: what was computed, its value and unit, and any rounding."""

    step: str
    value: Decimal
    unit: str
    rounding: str = "exact"


@dataclass(frozen=True, slots=True)
class SettlementStatement:
    """A lot's settlement: credits to the depositor's metal account and charges, with every step."""

    lot_id: str
    depositor_id: str
    contract_id: str
    net_dry_oz: Decimal
    au: ExchangeOutcome
    ag: ExchangeOutcome
    payable_au_oz: Decimal
    payable_ag_oz: Decimal
    charges: Decimal
    charge_unit: str
    credited_au_oz: Decimal
    credited_ag_oz: Decimal
    uncovered_charge_oz: Decimal
    return_on: date
    lines: tuple[StatementLine, ...]


def settle_assays(
    refiner: AssayResult,
    depositor: AssayResult,
    contract: Contract,
    umpire: AssayResult | None = None,
) -> tuple[ExchangeOutcome, ExchangeOutcome]:
    """The settled Au and Ag of a lot by assay exchange under ``contract`` (Au, Ag)."""
    au, ag = (
        assay_exchange(
            metal,
            refiner.per_mille(metal),
            depositor.per_mille(metal),
            contract.splitting_limit(metal),
            None if umpire is None else umpire.per_mille(metal),
            contract.umpire_rule,
        )
        for metal in (Metal.AU, Metal.AG)
    )
    return au, ag


def _money(value: Decimal, contract: Contract) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-contract.currency_decimals), ROUND_HALF_UP)


def _round_up(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def return_date(received_on: date, contract: Contract) -> date:
    """The agreed date the metal is returned: receipt + the contract's return days."""
    return received_on + timedelta(days=contract.return_days)


def settle_lot(
    lot: LotForSettlement, au: ExchangeOutcome, ag: ExchangeOutcome, contract: Contract
) -> SettlementStatement:
    """Settle a lot from its settled Au and Ag fineness under ``contract``."""
    if au.metal is not Metal.AU or ag.metal is not Metal.AG:
        raise ValueError(f"lot {lot.lot_id}: give the Au outcome then the Ag outcome")
    step = contract.fine_oz_step
    lines: list[StatementLine] = [
        StatementLine("net dry weight", lot.net_dry_weight_g, "g"),
    ]
    dry_oz = round_down(grams_to_troy_oz(lot.net_dry_weight_g), WEIGHT_STEP_OZ)
    lines.append(StatementLine("net dry weight ÷ 31.1034768", dry_oz, "oz", "down to 0.001 oz"))
    payable: dict[Metal, Decimal] = {}
    for outcome, pct in ((au, contract.au_payable_pct), (ag, contract.ag_payable_pct)):
        metal = outcome.metal
        lines.append(
            StatementLine(
                f"settled {metal} ({outcome.branch.name})", outcome.settled_per_mille, "‰"
            )
        )
        contained = fine_weight(dry_oz, outcome.settled_per_mille)
        lines.append(StatementLine(f"contained fine {metal}", contained, f"fine oz {metal}"))
        payable[metal] = round_down(contained * pct / 100, step)
        lines.append(
            StatementLine(
                f"payable fine {metal} at {pct} %",
                payable[metal],
                f"fine oz {metal}",
                f"down to {step} oz",
            )
        )
    raw_charge = max(
        dry_oz * contract.charge_per_gross_oz + contract.charge_per_lot,
        contract.minimum_charge_per_lot,
    )
    if contract.charge_basis is ChargeBasis.METAL:
        charges = _round_up(raw_charge, step)
        rounding = f"up to {step} oz"
    else:
        charges = _money(raw_charge, contract)
        rounding = (
            f"half-up to {Decimal(1).scaleb(-contract.currency_decimals)} {contract.currency}"
        )
    lines.append(
        StatementLine(
            f"charges: max({dry_oz} oz × {contract.charge_per_gross_oz} + "
            f"{contract.charge_per_lot}, minimum {contract.minimum_charge_per_lot})",
            charges,
            contract.charge_unit,
            rounding,
        )
    )
    credited_au = payable[Metal.AU]
    uncovered = Decimal(0)
    if contract.charge_basis is ChargeBasis.METAL:
        credited_au = max(payable[Metal.AU] - charges, Decimal(0))
        uncovered = max(charges - payable[Metal.AU], Decimal(0))
        if uncovered:
            lines.append(StatementLine("charges not covered by the gold", uncovered, "fine oz Au"))
    lines.append(StatementLine("credited fine Au", credited_au, "fine oz Au"))
    lines.append(StatementLine("credited fine Ag", payable[Metal.AG], "fine oz Ag"))
    return SettlementStatement(
        lot_id=lot.lot_id,
        depositor_id=lot.depositor_id,
        contract_id=contract.contract_id,
        net_dry_oz=dry_oz,
        au=au,
        ag=ag,
        payable_au_oz=payable[Metal.AU],
        payable_ag_oz=payable[Metal.AG],
        charges=charges,
        charge_unit=contract.charge_unit,
        credited_au_oz=credited_au,
        credited_ag_oz=payable[Metal.AG],
        uncovered_charge_oz=uncovered,
        return_on=return_date(lot.received_on, contract),
        lines=tuple(lines),
    )


@dataclass(frozen=True, slots=True)
class SaleProceeds:
    """Metal sold at a price instead of returned: gross proceeds, money charges, net to pay."""

    au_proceeds: Decimal
    ag_proceeds: Decimal
    money_charges: Decimal
    net_payable: Decimal
    currency: str


def sale_proceeds(
    statement: SettlementStatement,
    contract: Contract,
    au_price_per_oz: Decimal,
    ag_price_per_oz: Decimal,
) -> SaleProceeds:
    """Sell the credited metal at the given prices (per fine oz, contract currency); money
    charges are netted. Each amount is rounded half-up to the currency unit; a negative net
    (charges above proceeds) is kept: the depositor owes it."""
    if statement.contract_id != contract.contract_id:
        raise ValueError(
            f"contract: statement of lot {statement.lot_id} was settled under "
            f"{statement.contract_id}, not {contract.contract_id}"
        )
    for name, price in (("au_price_per_oz", au_price_per_oz), ("ag_price_per_oz", ag_price_per_oz)):
        if price < 0:
            raise ValueError(f"{name}: must not be negative, got {price}")
    au_value = _money(statement.credited_au_oz * au_price_per_oz, contract)
    ag_value = _money(statement.credited_ag_oz * ag_price_per_oz, contract)
    money_charges = statement.charges if contract.charge_basis is ChargeBasis.MONEY else Decimal(0)
    return SaleProceeds(
        au_value, ag_value, money_charges, au_value + ag_value - money_charges, contract.currency
    )


@dataclass(frozen=True, slots=True)
class ReturnAsBars:
    """Credited gold returned as whole bars; what does not make a whole bar stays on account."""

    bars: int
    fine_oz_per_bar: Decimal
    fine_oz_in_bars: Decimal
    remaining_fine_oz: Decimal


def bars_to_return(credited_fine_oz: Decimal, fine_oz_per_bar: Decimal) -> ReturnAsBars:
    """How many whole bars of ``fine_oz_per_bar`` the credit buys (e.g. kilobars of 32.146 oz)."""
    if fine_oz_per_bar <= 0:
        raise ValueError(f"fine_oz_per_bar: must be positive, got {fine_oz_per_bar}")
    if credited_fine_oz < 0:
        raise ValueError(f"credited_fine_oz: must not be negative, got {credited_fine_oz}")
    count = int(credited_fine_oz // fine_oz_per_bar)
    in_bars = fine_oz_per_bar * count
    return ReturnAsBars(count, fine_oz_per_bar, in_bars, credited_fine_oz - in_bars)
