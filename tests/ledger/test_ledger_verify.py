"""Verification: every edit, deletion, insertion or reordering made in the database is named."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from ledger_support import Draft, Tamper
from sqlalchemy.engine import Engine

from nafolo.ledger import Ledger, chain


@pytest.fixture(autouse=True, params=["python", "compiled"])
def verifier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with both verifiers (test_ledger_verify_compiled.py compares them)."""
    if request.param == "compiled" and chain.compiled_verifier() is None:
        pytest.skip("compiled verifier not built (nafolo.ledger._chaincheck)")
    monkeypatch.setenv(chain.VERIFIER_ENV, request.param)
    return str(request.param)


@pytest.fixture
def five(ledger: Ledger, draft: Draft) -> Ledger:
    ledger.append([draft(quantity=Decimal(n)) for n in range(1, 6)])
    return ledger


def test_untouched_ledger_verifies(five: Ledger, verifier: str) -> None:
    report = five.verify()
    assert report.ok and report.verifier == verifier
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
        ("UPDATE ledger_entries SET quantity_minor = 3000.6 WHERE seq = 3", "entry 3: hash does"),
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


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification in batches of two entries, so that problems fall on batch boundaries."""
    monkeypatch.setattr(chain, "BATCH_SIZE", 2)


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE ledger_entries SET kind = 'dispatch' WHERE seq = 3", "entry 3: hash does not"),
        ("DELETE FROM ledger_entries WHERE seq = 3", "entry 3: entry 3 is missing"),
        ("UPDATE ledger_entries SET prev_hash = hash WHERE seq = 5", "entry 5: prev_hash"),
        ("UPDATE ledger_entries SET seq = 1000000000 WHERE seq = 4", "entry 4: entry 4 is missing"),
    ],
)
def test_tampering_is_named_across_chunks(
    five: Ledger, tamper: Tamper, small_chunks: None, sql: str, problem: str
) -> None:
    tamper(sql, {})
    assert str(five.verify().chain_problem).startswith(problem)


def test_chunks_report_progress_and_the_head(five: Ledger, small_chunks: None) -> None:
    calls: list[tuple[int, int]] = []
    report = five.verify(lambda done, total: calls.append((done, total)))
    assert report.ok and report.entries_checked == 5
    assert calls[-1] == (5, 5) and len(calls) >= 3


def test_separator_smuggled_into_a_field_is_detected(five: Ledger, tamper: Tamper) -> None:
    unit_separator = "chr(31)" if five.engine.dialect.name == "postgresql" else "char(31)"
    tamper(f"UPDATE ledger_entries SET actor = 'op' || {unit_separator} WHERE seq = 2", {})
    assert str(five.verify().chain_problem).startswith("entry 2: hash does not")


def test_commodities_of_every_scale_verify(ledger: Ledger, draft: Draft, tamper: Tamper) -> None:
    ledger.ensure_commodity("BAR", "gold", "bar", 0)
    ledger.ensure_commodity("XAG", "gold", "ozt", 6)
    gold = {"from_account": "DEPOSITOR:COOP-SADIOLA", "to_account": "VAULT:REFINERY"}
    ledger.append(
        [
            draft(),
            draft(commodity="BAR", quantity=Decimal(7), **gold),
            draft(commodity="XAG", quantity=Decimal("0.000001"), **gold),
            draft(commodity="XAU", quantity=Decimal("12.5"), **gold),
        ]
    )
    assert ledger.verify().ok
    tamper("UPDATE ledger_entries SET quantity_minor = 8 WHERE seq = 2", {})
    assert str(ledger.verify().chain_problem).startswith("entry 2: hash does not")
