"""Quarantine, sign-off by a second person, freezing (service and triggers), restatement —
on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from metal_balance_data import simple_inputs
from sqlalchemy.engine import Engine

from nafolo.gold.metal_balance import Unit
from nafolo.gold.metal_balance.errors import (
    BalanceNotFoundError,
    BalanceRefusedError,
    BalanceRule,
)
from nafolo.gold.metal_balance.store import MetalBalanceStore, content_hash

PERIOD = "2026-01"


@pytest.fixture
def store(engine: Engine) -> MetalBalanceStore:
    return MetalBalanceStore(engine)


@pytest.fixture
def signed(store: MetalBalanceStore) -> MetalBalanceStore:
    store.prepare(simple_inputs(), actor="alice")
    store.sign_off(PERIOD, actor="bob")
    return store


def _sql(engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(statement))


def test_a_prepared_balance_waits_in_quarantine_with_its_hash(store: MetalBalanceStore) -> None:
    record = store.prepare(simple_inputs(), actor="alice")
    assert (record.version, record.status, record.prepared_by) == (1, "quarantine", "alice")
    assert record.balance.unaccounted.fine_oz == Decimal("1.000")
    assert record.inputs == simple_inputs()
    assert len(record.sha256) == 64


def test_sign_off_by_the_preparer_is_refused(store: MetalBalanceStore) -> None:
    store.prepare(simple_inputs(), actor="alice")
    with pytest.raises(BalanceRefusedError) as refused:
        store.sign_off(PERIOD, actor="alice")
    assert refused.value.rule is BalanceRule.SEPARATION_OF_DUTIES
    assert store.get(PERIOD).status == "quarantine"


def test_a_second_person_signs_it_off(signed: MetalBalanceStore) -> None:
    record = signed.get(PERIOD)
    assert (record.status, record.signed_by) == ("signed", "bob")
    assert record.signed_at is not None


def test_sign_off_is_refused_when_the_stored_content_no_longer_matches_its_hash(
    store: MetalBalanceStore, engine: Engine
) -> None:
    store.prepare(simple_inputs(), actor="alice")
    _sql(
        engine,
        "UPDATE gold_metal_balances SET results_json = "
        "REPLACE(results_json, '\"1.000\"', '\"0.000\"')",
    )
    with pytest.raises(BalanceRefusedError) as refused:
        store.sign_off(PERIOD, actor="bob")
    assert refused.value.rule is BalanceRule.INTEGRITY


def test_a_signed_period_gets_no_new_version(signed: MetalBalanceStore) -> None:
    with pytest.raises(BalanceRefusedError) as refused:
        signed.prepare(simple_inputs(), actor="alice")
    assert refused.value.rule is BalanceRule.FROZEN
    assert [r.version for r in signed.history(PERIOD)] == [1]


def test_direct_sql_update_of_a_signed_balance_is_refused_by_a_trigger(
    signed: MetalBalanceStore, engine: Engine
) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="frozen"):
        _sql(engine, "UPDATE gold_metal_balances SET results_json = '{}'")
    assert signed.get(PERIOD).balance.unaccounted.fine_oz == Decimal("1.000")


def test_direct_sql_delete_of_a_signed_balance_is_refused_by_a_trigger(
    signed: MetalBalanceStore, engine: Engine
) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="frozen"):
        _sql(engine, "DELETE FROM gold_metal_balances")
    assert len(signed.history(PERIOD)) == 1


def test_a_restatement_references_the_signed_balance_and_needs_its_own_sign_off(
    signed: MetalBalanceStore,
) -> None:
    restated = signed.restate(simple_inputs(k=Decimal("1")), actor="carol", reason="recount")
    assert (restated.version, restated.kind, restated.restates_version) == (2, "restatement", 1)
    assert restated.status == "quarantine" and restated.balance.significant
    assert signed.get(PERIOD).version == 1  # the signed one stays in force until signed
    with pytest.raises(BalanceRefusedError, match="separation_of_duties"):
        signed.sign_off(PERIOD, actor="carol")
    signed.sign_off(PERIOD, actor="bob")
    assert signed.get(PERIOD).version == 2
    assert [(r.version, r.status) for r in signed.history(PERIOD)] == [
        (1, "signed"),
        (2, "signed"),
    ]


def test_restating_an_unsigned_period_is_refused(store: MetalBalanceStore) -> None:
    store.prepare(simple_inputs(), actor="alice")
    with pytest.raises(BalanceRefusedError) as refused:
        store.restate(simple_inputs(), actor="alice", reason="why not")
    assert refused.value.rule is BalanceRule.STATE


def test_preparing_again_supersedes_the_version_in_quarantine(store: MetalBalanceStore) -> None:
    store.prepare(simple_inputs(), actor="alice")
    store.prepare(simple_inputs(k=Decimal("1")), actor="alice")
    history = store.history(PERIOD)
    assert [(r.version, r.status) for r in history] == [(1, "superseded"), (2, "quarantine")]
    assert store.sign_off(PERIOD, actor="bob").version == 2


def test_an_unknown_period_is_not_found(store: MetalBalanceStore) -> None:
    with pytest.raises(BalanceNotFoundError):
        store.get("2025-12")


def test_the_hash_is_that_of_the_canonical_content(
    store: MetalBalanceStore, engine: Engine
) -> None:
    record = store.prepare(simple_inputs(), actor="alice")
    with engine.connect() as connection:
        inputs_json, results_json = connection.execute(
            sa.text("SELECT inputs_json, results_json FROM gold_metal_balances")
        ).one()
    assert content_hash(inputs_json, results_json) == record.sha256
    assert '"period":"2026-01"' in inputs_json  # sorted keys, no spaces


def test_a_stocktake_is_recorded_once_per_unit_and_period(store: MetalBalanceStore) -> None:
    store.record_stocktake(PERIOD, Unit.RECOVERY, Decimal("12.5"), Decimal("0.6"), actor="ops")
    with pytest.raises(BalanceRefusedError) as refused:
        store.record_stocktake(PERIOD, Unit.RECOVERY, Decimal("13"), Decimal("0.6"), actor="ops")
    assert refused.value.rule is BalanceRule.DUPLICATE
    (count,) = store.stocktakes(PERIOD)
    assert (count.unit, count.fine_oz, count.actor) == (Unit.RECOVERY, Decimal("12.5"), "ops")


def test_stocktakes_are_insert_only_in_the_database(
    store: MetalBalanceStore, engine: Engine
) -> None:
    store.record_stocktake(PERIOD, Unit.MELTING, Decimal("1"), Decimal("0"), actor="ops")
    with pytest.raises(sa.exc.DBAPIError, match="insert-only"):
        _sql(engine, "UPDATE gold_stocktakes SET fine_oz = '2'")
