"""A small demo (two weeks) built through the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from demo_store_support import POSTGRES_URL, SMALL_WEEKS, empty_store
from sqlalchemy.engine import Engine

from nafolo.auth.users import UserStore
from nafolo.demo import DEMO_USERS, DemoSummary, build_demo, is_demo_store
from nafolo.ledger import Ledger

KINDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="NAFOLO_TEST_POSTGRES_URL is not set"),
        ],
    ),
]


@pytest.fixture(scope="module", params=KINDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, DemoSummary]]:
    with empty_store(str(request.param), tmp_path_factory.mktemp("demo")) as engine:
        yield engine, build_demo(engine, weeks=SMALL_WEEKS)


def test_the_demo_records_every_kind_of_operation(demo: tuple[Engine, DemoSummary]) -> None:
    _, summary = demo
    fuel, gold = summary.fuel, summary.gold
    assert min(fuel.liftings, fuel.convoys, fuel.receipts, fuel.withdrawals, fuel.dips) > 0
    assert min(gold.lots, gold.settled, gold.batches, gold.bars) > 0
    assert gold.settled == gold.lots


def test_the_demo_ledger_verifies(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    report = Ledger(engine).verify()
    assert report.ok, (report.chain_problem, report.balance_problems[:3])
    assert report.entries_checked == summary.ledger_entries


def test_every_commodity_is_conserved_across_accounts(demo: tuple[Engine, DemoSummary]) -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for balance in Ledger(demo[0]).balances():
        totals[balance.commodity] += balance.quantity
    assert totals and all(total == 0 for total in totals.values()), totals


def test_no_depot_tank_holds_a_negative_stock(demo: tuple[Engine, DemoSummary]) -> None:
    stocks = [b for b in Ledger(demo[0]).balances() if b.account.startswith("DEPOT:")]
    assert stocks and all(b.quantity >= 0 for b in stocks)


def test_no_depositor_metal_account_is_negative(demo: tuple[Engine, DemoSummary]) -> None:
    metal = [b for b in Ledger(demo[0]).balances() if b.account.startswith("METAL:")]
    assert metal and all(b.quantity >= 0 for b in metal)


def test_every_demo_user_can_sign_in(demo: tuple[Engine, DemoSummary]) -> None:
    users = UserStore(demo[0])
    assert all(users.authenticate(u.username, u.password) for u in DEMO_USERS)
    assert is_demo_store(demo[0])


def test_gold_steps_are_dated_in_their_demo_week(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    ledger = Ledger(engine)
    for kind, weekday, hour in (
        ("assay_adjustment", 3, 8),
        ("settlement", 3, 10),
        ("batch_input", 3, 12),
        ("refining_loss", 4, 17),
    ):
        found = ledger.entries(kind=kind, limit=10_000)
        assert found, kind
        assert {(e.effective_at.weekday(), e.effective_at.hour) for e in found} == {
            (weekday, hour)
        }, kind
        assert all(summary.period.start <= e.effective_at < summary.period.end for e in found)
