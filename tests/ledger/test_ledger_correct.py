"""Corrections: a reversing entry linked to the one it corrects; never an edit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ledger_support import Draft

from nafolo.ledger import EntriesRefusedError, Ledger


def test_correction_reverses_the_movement_and_links_to_it(ledger: Ledger, draft: Draft) -> None:
    (lifting,) = ledger.append([draft()])
    reversal = ledger.correct(lifting.seq, actor="supervisor.dakar", reason="wrong truck")
    assert (reversal.corrects, reversal.kind) == (1, "correction")
    assert (reversal.from_account, reversal.to_account) == ("PORT:DAKAR", "SUPPLIER:CONTRACT")
    assert reversal.quantity == lifting.quantity
    assert reversal.effective_at == lifting.effective_at
    assert reversal.attributes == {"reason": "wrong truck"}
    assert ledger.balance("PORT:DAKAR", "GO") == Decimal("0.000")
    assert ledger.entry(1) == lifting


def test_an_entry_is_corrected_only_once(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft()])
    ledger.correct(1, actor="supervisor", reason="wrong truck")
    with pytest.raises(EntriesRefusedError, match="already corrected by 2"):
        ledger.correct(1, actor="supervisor", reason="again")
    assert ledger.head().seq == 2


def test_a_correction_is_not_corrected(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft()])
    ledger.correct(1, actor="supervisor", reason="wrong truck")
    with pytest.raises(EntriesRefusedError, match="itself a correction"):
        ledger.correct(2, actor="supervisor", reason="undo")


def test_correcting_a_missing_entry_is_refused(ledger: Ledger) -> None:
    with pytest.raises(EntriesRefusedError, match="no entry 7"):
        ledger.correct(7, actor="supervisor", reason="typo")


def test_correction_needs_a_reason(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft()])
    with pytest.raises(EntriesRefusedError, match="reason: must not be empty"):
        ledger.correct(1, actor="supervisor", reason=" ")
