"""Balances: the projection maintained with each append, queried per account and commodity."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from ledger_support import JUNE_1, Draft

from nafolo.ledger import Balance, DefinitionConflictError, Ledger, NotFoundError


def test_balances_follow_a_convoy_with_transit_loss(ledger: Ledger, draft: Draft) -> None:
    ledger.append(
        [
            draft(quantity=Decimal("36.000")),
            draft(from_account="PORT:DAKAR", to_account="TRANSIT:DAKAR-BAMAKO", kind="dispatch",
                  quantity=Decimal("36.000")),
            draft(from_account="TRANSIT:DAKAR-BAMAKO", to_account="DEPOT:BAMAKO-SENOU",
                  kind="receipt", quantity=Decimal("35.820")),
            draft(from_account="TRANSIT:DAKAR-BAMAKO", to_account="LOSS:TRANSIT",
                  kind="transit_loss", quantity=Decimal("0.180")),
        ]
    )  # fmt: skip
    assert ledger.balance("DEPOT:BAMAKO-SENOU", "GO") == Decimal("35.820")
    assert ledger.balance("TRANSIT:DAKAR-BAMAKO", "GO") == Decimal("0")
    assert ledger.balance("LOSS:TRANSIT", "GO") == Decimal("0.180")
    assert ledger.balance("SUPPLIER:CONTRACT", "GO") == Decimal("-36.000")


def test_balances_by_account_kind(ledger: Ledger, draft: Draft) -> None:
    ledger.append(
        [
            draft(to_account="DEPOT:BAMAKO-SENOU", quantity=Decimal("100")),
            draft(to_account="DEPOT:KAYES", quantity=Decimal("40.5")),
            draft(),
        ]
    )
    assert ledger.balances(account_kind="depot") == [
        Balance("DEPOT:BAMAKO-SENOU", "depot", "GO", "t", Decimal("100.000")),
        Balance("DEPOT:KAYES", "depot", "GO", "t", Decimal("40.500")),
    ]


def test_balances_as_of_count_only_entries_effective_by_then(ledger: Ledger, draft: Draft) -> None:
    ledger.append(
        [
            draft(to_account="DEPOT:KAYES", quantity=Decimal("10")),
            draft(to_account="DEPOT:KAYES", quantity=Decimal("5"),
                  effective_at=JUNE_1 + timedelta(days=3)),
        ]
    )  # fmt: skip
    (kayes,) = ledger.balances(account_kind="depot", as_of=JUNE_1 + timedelta(days=1))
    assert kayes.quantity == Decimal("10.000")
    (kayes_now,) = ledger.balances(account_kind="depot")
    assert kayes_now.quantity == Decimal("15.000")


def test_gold_is_kept_in_fine_troy_ounces(ledger: Ledger, draft: Draft) -> None:
    ledger.append(
        [draft(commodity="XAU", quantity=Decimal("412.375"), from_account="DEPOSITOR:COOP-SADIOLA",
               to_account="VAULT:REFINERY", kind="deposit")]
    )  # fmt: skip
    (vault,) = ledger.balances(account_kind="vault")
    assert (vault.quantity, vault.unit) == (Decimal("412.375"), "ozt")


def test_balance_of_unknown_account_is_refused(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError, match="account: 'DEPOT:NOWHERE'"):
        ledger.balance("DEPOT:NOWHERE", "GO")


def test_rebuilt_projection_equals_maintained_one(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft(), draft(to_account="DEPOT:KAYES", quantity=Decimal("3"))])
    before = ledger.balances()
    assert ledger.rebuild_balances() == 3
    assert ledger.balances() == before


def test_ensure_account_is_idempotent_but_refuses_a_new_kind(ledger: Ledger) -> None:
    assert ledger.ensure_account("DEPOT:KAYES", "depot", "fuel", "Kayes").kind == "depot"
    with pytest.raises(DefinitionConflictError, match="DEPOT:KAYES already exists"):
        ledger.ensure_account("DEPOT:KAYES", "region", "fuel", "Kayes")


def test_ensure_commodity_refuses_a_new_scale(ledger: Ledger) -> None:
    with pytest.raises(DefinitionConflictError, match="commodity GO already exists"):
        ledger.ensure_commodity("GO", "fuel", "t", 2)
