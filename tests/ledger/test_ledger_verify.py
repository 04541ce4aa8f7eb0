"""Verification: every edit, deletion, insertion or reordering made in the database is named."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from ledger_support import Draft, Tamper
from sqlalchemy.engine import Engine

from nafolo.ledger import Ledger


@pytest.fixture
def five(ledger: Ledger, draft: Draft) -> Ledger:
    ledger.append([draft(quantity=Decimal(n)) for n in range(1, 6)])
    return ledger


def test_untouched_ledger_verifies(five: Ledger) -> None:
    report = five.verify()
    assert report.ok
    assert report.entries_checked == 5
    assert report.computed_head == report.recorded_head == five.head()


def test_empty_ledger_verifies(ledger: Ledger) -> None:
    assert ledger.verify().ok


def test_progress_is_reported(five: Ledger) -> None:
    calls: list[tuple[int, int]] = []
    five.verify(lambda done, total: calls.append((done, total)))
    assert calls[-1] == (5, 5)


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE ledger_entries SET quantity_minor = 9000 WHERE seq = 3", "entry 3: hash does not"),
        ("UPDATE ledger_entries SET actor = 'intruder' WHERE seq = 2", "entry 2: hash does not"),
        ("UPDATE ledger_entries SET hash = prev_hash WHERE seq = 4", "entry 4: hash does not"),
        ("DELETE FROM ledger_entries WHERE seq = 2", "entry 2: entry 2 is missing"),
        ("DELETE FROM ledger_entries WHERE seq = 5", "entry 5: the head record says"),
        ("UPDATE ledger_entries SET seq = seq + 10 WHERE seq = 3", "entry 3: entry 3 is missing"),
    ],
)
def test_tampering_is_named_at_the_first_bad_entry(
    five: Ledger, tamper: Tamper, sql: str, problem: str
) -> None:
    tamper(sql, {})
    report = five.verify()
    assert not report.ok
    assert str(report.chain_problem).startswith(problem)


def test_swapped_entries_are_detected(five: Ledger, tamper: Tamper) -> None:
    tamper("UPDATE ledger_entries SET seq = 100 WHERE seq = 2", {})
    tamper("UPDATE ledger_entries SET seq = 2 WHERE seq = 3", {})
    tamper("UPDATE ledger_entries SET seq = 3 WHERE seq = 100", {})
    assert str(five.verify().chain_problem).startswith("entry 2:")


def test_edited_balance_is_detected(five: Ledger, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE ledger_balances SET quantity_minor = 1 "
                                   "WHERE account = 'PORT:DAKAR'"))  # fmt: skip
    report = five.verify()
    assert report.chain_problem is None
    assert [str(p) for p in report.balance_problems] == [
        "balance of PORT:DAKAR in GO: stored 0.001, journal gives 15.000"
    ]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entries SET actor = 'x' WHERE seq = 1",
        "DELETE FROM ledger_entries WHERE seq = 5",
        "UPDATE ledger_head SET seq = 0",
        "DELETE FROM ledger_head",
        "UPDATE commodities SET scale = 2",
    ],
)
def test_database_triggers_refuse_changes(five: Ledger, engine: Engine, sql: str) -> None:
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.execute(sa.text(sql))
    assert five.verify().ok
