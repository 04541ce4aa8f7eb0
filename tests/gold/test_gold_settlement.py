"""Toll settlement worked by hand: 10,000.00 g of doré at Au 912.225 ‰, Ag 80.0 ‰."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from nafolo.gold.assays import AssayMethod, AssayResult, ExchangeBranch, Metal, assay_exchange
from nafolo.gold.settlement import (
    ChargeBasis,
    Contract,
    LotForSettlement,
    ReturnAsBars,
    SettlementStatement,
    bars_to_return,
    sale_proceeds,
    settle_assays,
    settle_lot,
)

D = Decimal
CONTRACT = Contract(contract_id="TOLL-1")
METAL_CHARGES = Contract(
    contract_id="TOLL-2",
    charge_basis=ChargeBasis.METAL,
    charge_per_gross_oz=D("0.0005"),
    charge_per_lot=D("0.01"),
    minimum_charge_per_lot=D("0.05"),
)
AU = assay_exchange(Metal.AU, D("912.40"), D("912.05"), D("0.5"))  # mean 912.225
AG = assay_exchange(Metal.AG, D("81.0"), D("79.0"), D("2.0"))  # mean 80.0


def _lot(grams: str = "10000.00") -> LotForSettlement:
    return LotForSettlement("L1", "DEP1", date(2027, 1, 4), D(grams))


def _settle(contract: Contract = CONTRACT, grams: str = "10000.00") -> SettlementStatement:
    return settle_lot(_lot(grams), AU, AG, contract)


def test_net_dry_weight_in_ounces_rounded_down() -> None:
    assert _settle().net_dry_oz == D("321.507")  # 321.50746…


def test_payable_gold_by_hand() -> None:
    # 321.507 × 0.912225 = 293.286723075 contained; × 99.90 % = 292.99343… → 292.993
    assert _settle().payable_au_oz == D("292.993")


def test_payable_silver_by_hand() -> None:
    # 321.507 × 0.080 = 25.72056; × 98 % = 25.2061488 → 25.206
    assert _settle().credited_ag_oz == D("25.206")


def test_money_charges_per_gross_ounce_and_lot() -> None:
    statement = _settle()
    # 321.507 × 300 + 25,000 = 121,452.1 → 121,452 XOF; the gold credit is untouched
    assert (statement.charges, statement.charge_unit, statement.credited_au_oz) == (
        D("121452"),
        "XOF",
        D("292.993"),
    )


def test_minimum_charge_applies_to_a_small_lot() -> None:
    assert _settle(grams="500").charges == D("100000")  # 16.075 × 300 + 25,000 = 29,822.5


def test_metal_charges_are_rounded_up_and_deducted() -> None:
    statement = _settle(METAL_CHARGES)
    # 321.507 × 0.0005 + 0.01 = 0.1707535 → 0.171 oz; 292.993 − 0.171
    assert (statement.charges, statement.credited_au_oz) == (D("0.171"), D("292.822"))


def test_metal_charges_above_the_gold_leave_nothing_and_are_shown() -> None:
    statement = _settle(METAL_CHARGES, grams="1")
    assert statement.credited_au_oz == 0
    assert statement.uncovered_charge_oz == D("0.05") - statement.payable_au_oz


def test_statement_lists_every_step_and_rounding() -> None:
    lines = {line.step: line for line in _settle().lines}
    assert lines["net dry weight ÷ 31.1034768"].rounding == "down to 0.001 oz"
    assert lines["contained fine Au"].value == D("293.286723075")
    assert lines["payable fine Au at 99.90 %"].rounding == "down to 0.001 oz"


def test_metal_returned_after_the_contract_days() -> None:
    assert _settle().return_on == date(2027, 1, 14)


def test_sale_at_a_price_nets_money_charges() -> None:
    proceeds = sale_proceeds(_settle(), CONTRACT, D(1_500_000), D(18_000))
    # 292.993 × 1,500,000 = 439,489,500; 25.206 × 18,000 = 453,708; − 121,452
    assert proceeds.net_payable == D("439821756")


def test_return_as_kilobars_keeps_the_remainder_on_account() -> None:
    assert bars_to_return(D("292.993"), D("32.146")) == ReturnAsBars(
        9, D("32.146"), D("289.314"), D("3.679")
    )


def test_settle_assays_uses_contract_limits() -> None:
    refiner = AssayResult("R", "refinery", AssayMethod.FIRE_ASSAY, (D("912.40"),), (D("81.0"),))
    depositor = AssayResult("D", "mine lab", AssayMethod.FIRE_ASSAY, (D("912.05"),), (D("79.0"),))
    au, ag = settle_assays(refiner, depositor, CONTRACT)
    assert (au.settled_per_mille, ag.branch) == (D("912.225"), ExchangeBranch.SPLIT)


def test_contract_refuses_payable_over_100_percent() -> None:
    with pytest.raises(ValidationError, match="au_payable_pct"):
        Contract(contract_id="X", au_payable_pct=D("100.5"))


def test_outcomes_in_the_wrong_order_are_refused() -> None:
    with pytest.raises(ValueError, match="Au outcome then the Ag"):
        settle_lot(_lot(), AG, AU, CONTRACT)


def test_metal_charges_left_at_money_defaults_are_refused() -> None:
    with pytest.raises(ValidationError, match="charge_per_gross_oz"):
        Contract(contract_id="X", charge_basis=ChargeBasis.METAL)


def test_sale_under_another_contract_is_refused() -> None:
    with pytest.raises(ValueError, match="settled under TOLL-1, not TOLL-2"):
        sale_proceeds(_settle(), METAL_CHARGES, D(1_500_000), D(18_000))
