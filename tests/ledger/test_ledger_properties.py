"""Properties: valid appends never create or destroy a commodity; any single tampering is caught."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ledger_support import DISABLE, FUEL_ACCOUNTS, JUNE_1, setup_network

from nafolo.ledger import EntryDraft, Ledger
from nafolo.store import create_engine

HYPOTHESIS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ACCOUNTS = sorted(FUEL_ACCOUNTS)
LOSS_OR_GAIN = {code for code, kind in FUEL_ACCOUNTS.items() if kind in ("loss", "gain")}
OUTSIDE = {code for code, kind in FUEL_ACCOUNTS.items() if kind == "supplier"}

movements = st.lists(
    st.tuples(
        st.sampled_from(ACCOUNTS),
        st.sampled_from(ACCOUNTS),
        st.integers(min_value=1, max_value=10**9).map(lambda minor: Decimal(minor).scaleb(-3)),
    ).filter(lambda m: m[0] != m[1]),
    min_size=1,
    max_size=12,
)


def drafts_of(batch: list[tuple[str, str, Decimal]]) -> list[EntryDraft]:
    return [
        EntryDraft("GO", quantity, source, target, "move", JUNE_1 + timedelta(hours=i), "prop")
        for i, (source, target, quantity) in enumerate(batch)
    ]


@HYPOTHESIS
@given(batches=st.lists(movements, min_size=1, max_size=4), corrections=st.integers(0, 3))
def test_valid_appends_conserve_every_commodity(
    ledger: Ledger, batches: list[list[tuple[str, str, Decimal]]], corrections: int
) -> None:
    before = {(b.account, b.commodity): b.quantity for b in ledger.balances()}
    expected: dict[str, Decimal] = defaultdict(Decimal)
    appended = []
    for batch in batches:
        for entry in ledger.append(drafts_of(batch)):
            appended.append(entry)
            expected[entry.from_account] -= entry.quantity
            expected[entry.to_account] += entry.quantity
    for entry in appended[-corrections:] if corrections else []:
        ledger.correct(entry.seq, actor="prop", reason="property test")
        expected[entry.from_account] += entry.quantity
        expected[entry.to_account] -= entry.quantity
    after = {b.account: b.quantity for b in ledger.balances(commodity="GO")}
    assert sum(after.values()) == 0
    for account in ACCOUNTS:
        change = after.get(account, Decimal(0)) - before.get((account, "GO"), Decimal(0))
        assert change == expected[account]
    physical = set(ACCOUNTS) - LOSS_OR_GAIN - OUTSIDE
    assert sum(after.get(a, Decimal(0)) for a in physical) == -sum(
        after.get(a, Decimal(0)) for a in LOSS_OR_GAIN | OUTSIDE
    )
    assert ledger.verify().ok


EDITS = {
    "entry_id": "'00000000-0000-4000-8000-000000000000'",
    "commodity": "'XAU'",
    "quantity_minor": "quantity_minor + 1",
    "from_account": "'DEPOT:KAYES'",
    "to_account": "'REGION:BAMAKO'",
    "kind": "'kind_x'",
    "recorded_at": "'2020-01-01T00:00:00.000000Z'",
    "effective_at": "'2020-01-01T00:00:00.000000Z'",
    "actor": "'intruder'",
    "document_ref": "'FORGED'",
    "idempotency_key": "'forged-key'",
    "attributes": '\'{"density":"0.9"}\'',
    "corrects": "seq - 1",
    "prev_hash": "hash",
    "hash": "prev_hash",
    "seq": "seq + 1000",
}
TAMPERINGS = [f"edit {column}" for column in EDITS] + ["delete", "insert", "swap"]


def tamper_sql(action: str, seq: int, head: int) -> list[str]:
    if action.startswith("edit "):
        column = action[5:]
        return [f"UPDATE ledger_entries SET {column} = {EDITS[column]} WHERE seq = {seq}"]
    if action == "delete":
        return [f"DELETE FROM ledger_entries WHERE seq = {seq}"]
    if action == "insert":
        columns = ("commodity, quantity_minor, from_account, to_account, kind, recorded_at, "
                   "effective_at, actor, attributes, prev_hash, hash")  # fmt: skip
        return [
            f"INSERT INTO ledger_entries (seq, entry_id, {columns}) SELECT {head + 1}, "
            f"'11111111-1111-4111-8111-111111111111', {columns} "
            f"FROM ledger_entries WHERE seq = {seq}"
        ]
    other = seq % head + 1
    return [
        f"UPDATE ledger_entries SET seq = -1 WHERE seq = {seq}",
        f"UPDATE ledger_entries SET seq = {seq} WHERE seq = {other}",
        f"UPDATE ledger_entries SET seq = {other} WHERE seq = -1",
    ]


@HYPOTHESIS
@given(action=st.sampled_from(TAMPERINGS), seq=st.integers(1, 6))
def test_any_single_tampering_is_detected(make_store: Any, action: str, seq: int) -> None:
    assume(not (action == "edit corrects" and seq == 1))
    assume(not (action == "swap" and seq % 6 + 1 == seq))
    engine = create_engine(make_store())
    try:
        ledger = Ledger(engine)
        setup_network(ledger)
        ledger.append(
            drafts_of([("SUPPLIER:CONTRACT", "PORT:DAKAR", Decimal(n)) for n in range(1, 7)])
        )
        with engine.begin() as connection:
            for statement in DISABLE[engine.dialect.name]:
                connection.exec_driver_sql(statement)
            for statement in tamper_sql(action, seq, 6):
                connection.execute(sa.text(statement))
        report = ledger.verify()
        assert report.chain_problem is not None, action
        assert report.chain_problem.seq <= max(seq, 2) or action == "insert"
    finally:
        engine.dispose()


@pytest.mark.parametrize("field", ["quantity", "to_account", "attributes", "effective_at"])
def test_refused_input_leaves_stored_data_untouched(ledger: Ledger, field: str) -> None:
    ledger.append(drafts_of([("SUPPLIER:CONTRACT", "PORT:DAKAR", Decimal(5))]))
    before = (ledger.head(), ledger.balances(), ledger.entries())
    bad: dict[str, Any] = {
        "quantity": Decimal("-1"),
        "to_account": "PORT:ATLANTIS",
        "attributes": {"density": 0.84},
        "effective_at": JUNE_1.replace(tzinfo=None),
    }
    good = drafts_of([("PORT:DAKAR", "DEPOT:KAYES", Decimal(1))])[0]
    values = {f: getattr(good, f) for f in good.__dataclass_fields__}
    values[field] = bad[field]
    with pytest.raises(ValueError, match=field):
        ledger.append([good, EntryDraft(**values)])
    assert (ledger.head(), ledger.balances(), ledger.entries()) == before
