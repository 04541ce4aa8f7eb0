"""Appending entries: chaining, batches all or nothing, idempotency, refusals naming the field."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from ledger_support import JUNE_1, Draft

from nafolo.ledger import GENESIS_HASH, ChainHead, EntriesRefusedError, Ledger


def test_first_entry_links_to_genesis_and_next_to_it(ledger: Ledger, draft: Draft) -> None:
    first, second = ledger.append([draft(), draft(quantity=Decimal("12"))])
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert ledger.head().seq == 2 and ledger.head().hash == second.hash


def test_entry_reads_back_as_recorded(ledger: Ledger, draft: Draft) -> None:
    (written,) = ledger.append(
        [draft(document_ref="BL-2026-0042", attributes={"density_kg_l": Decimal("0.8450")})]
    )
    assert ledger.entry(1) == written
    assert written.quantity == Decimal("30.125")
    assert written.attributes == {"density_kg_l": "0.8450"}
    assert written.recorded_at.tzinfo is not None


def test_effective_time_is_stored_in_utc(ledger: Ledger, draft: Draft) -> None:
    from datetime import timezone

    bamako_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-1)))
    (entry,) = ledger.append([draft(effective_at=bamako_noon)])
    assert entry.effective_at == bamako_noon
    assert ledger.entry(1).effective_at.utcoffset() == timedelta(0)


def test_replayed_idempotency_key_returns_original_and_writes_nothing(
    ledger: Ledger, draft: Draft
) -> None:
    (original,) = ledger.append([draft(idempotency_key="lift-0042")])
    (replayed,) = ledger.append([draft(idempotency_key="lift-0042")])
    assert replayed == original
    assert ledger.head().seq == 1


def test_replay_with_different_content_is_refused(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft(idempotency_key="lift-0042")])
    with pytest.raises(EntriesRefusedError, match=r"different quantity_minor"):
        ledger.append([draft(idempotency_key="lift-0042", quantity=Decimal("31"))])
    assert ledger.head().seq == 1


def test_batch_with_one_bad_entry_writes_nothing(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft()])
    head = ledger.head()
    with pytest.raises(EntriesRefusedError) as refused:
        ledger.append([draft(), draft(to_account="DEPOT:NOWHERE"), draft()])
    assert [(p.row, p.field) for p in refused.value.problems] == [(1, "to_account")]
    assert "'DEPOT:NOWHERE' is not a known account" in str(refused.value)
    assert ledger.head() == head
    assert ledger.balance("PORT:DAKAR", "GO") == Decimal("30.125")


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"quantity": Decimal("0")}, "quantity", "must be positive"),
        ({"quantity": Decimal("-5")}, "quantity", "must be positive"),
        ({"quantity": 30.125}, "quantity", "not float"),
        ({"quantity": Decimal("NaN")}, "quantity", "finite"),
        ({"quantity": Decimal("1.0001")}, "quantity", "more than 3 decimals"),
        ({"commodity": "DIESEL"}, "commodity", "not a known commodity"),
        ({"commodity": "go"}, "commodity", "not a commodity code"),
        ({"from_account": "NOWHERE"}, "from_account", "not a known account"),
        ({"to_account": "SUPPLIER:CONTRACT"}, "to_account", "must differ from from_account"),
        ({"to_account": "VAULT:REFINERY"}, "to_account", "gold account"),
        ({"kind": "Lifting!"}, "kind", "not a kind"),
        ({"kind": "correction"}, "kind", "Ledger.correct"),
        ({"effective_at": datetime(2026, 6, 1)}, "effective_at", "timezone-aware"),
        ({"actor": ""}, "actor", "must not be empty"),
        ({"actor": "op\x1fx"}, "actor", "control characters"),
        ({"document_ref": ""}, "document_ref", "must not be empty"),
        ({"attributes": {"density": 0.845}}, "attributes", "floats are not exact"),
        ({"attributes": {"when": JUNE_1}}, "attributes", "datetime values are not allowed"),
    ],
)
def test_bad_entry_is_refused_naming_the_field(
    ledger: Ledger, draft: Draft, fields: dict[str, object], field: str, reason: str
) -> None:
    ledger.append([draft()])
    head = ledger.head()
    with pytest.raises(EntriesRefusedError) as refused:
        ledger.append([draft(**fields)])
    problem = refused.value.problems[0]
    assert (problem.row, problem.field) == (0, field)
    assert reason in problem.message
    assert ledger.head() == head


def test_idempotency_key_repeated_within_a_batch_is_refused(ledger: Ledger, draft: Draft) -> None:
    with pytest.raises(EntriesRefusedError, match="repeats entry 0"):
        ledger.append([draft(idempotency_key="k"), draft(idempotency_key="k")])
    assert ledger.head().seq == 0


def test_empty_batch_writes_nothing(ledger: Ledger) -> None:
    assert ledger.append([]) == []
    assert ledger.head().seq == 0


def test_entries_filter_by_account_and_paginate(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft(), draft(from_account="PORT:DAKAR", to_account="TRANSIT:DAKAR-BAMAKO")])
    ledger.append([draft(quantity=Decimal(str(n))) for n in range(1, 6)])
    transit = ledger.entries(account="TRANSIT:DAKAR-BAMAKO")
    assert [e.seq for e in transit] == [2]
    assert [e.seq for e in ledger.entries(limit=2, offset=2)] == [3, 4]
    assert [e.seq for e in ledger.entries(after_seq=5)] == [6, 7]
    assert [e.seq for e in ledger.entries(kind="lifting", newest_first=True, limit=1)] == [7]


def test_replayed_and_fresh_entries_in_one_batch(ledger: Ledger, draft: Draft) -> None:
    (original,) = ledger.append([draft(idempotency_key="lift-1")])
    replayed, fresh = ledger.append(
        [draft(idempotency_key="lift-1"), draft(idempotency_key="lift-2", quantity=Decimal(7))]
    )
    assert replayed == original
    assert (fresh.seq, fresh.prev_hash) == (2, original.hash)
    assert ledger.head() == ChainHead(2, fresh.hash)
    assert ledger.balance("PORT:DAKAR", "GO") == Decimal("37.125")


def test_refusal_names_a_changed_replay_alongside_other_problems(
    ledger: Ledger, draft: Draft
) -> None:
    ledger.append([draft(idempotency_key="lift-1")])
    with pytest.raises(EntriesRefusedError) as refused:
        ledger.append(
            [draft(idempotency_key="lift-1", quantity=Decimal(9)), draft(to_account="DEPOT:X")]
        )
    assert [(p.row, p.field) for p in refused.value.problems] == [
        (0, "idempotency_key"),
        (1, "to_account"),
    ]
    assert ledger.head().seq == 1


def test_large_batch_is_chained_and_balanced(ledger: Ledger, draft: Draft) -> None:
    entries = ledger.append(
        [draft(quantity=Decimal(n), document_ref=f"BL-{n}") for n in range(1, 101)]
    )
    assert [e.seq for e in entries] == list(range(1, 101))
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    assert ledger.entry(100) == entries[-1]
    assert ledger.balance("PORT:DAKAR", "GO") == Decimal(5050)
    assert ledger.verify().ok


def test_writers_taking_turns_keep_one_chain(ledger: Ledger, draft: Draft) -> None:
    other = Ledger(ledger.engine)
    first = ledger.append([draft()])[0]
    second = other.append([draft(quantity=Decimal(2))])[0]
    third = ledger.append([draft(quantity=Decimal(3), idempotency_key="lift-3")])[0]
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert ledger.head() == ChainHead(3, third.hash)
    assert ledger.balance("PORT:DAKAR", "GO") == Decimal("35.125")
    assert ledger.verify().ok


def test_a_head_hint_that_was_never_committed_writes_nothing_and_is_redone(
    ledger: Ledger, draft: Draft
) -> None:
    first = ledger.append([draft()])[0]
    ledger._head_hint = ChainHead(first.seq + 1, "f" * 64)  # as after a commit that failed
    second = ledger.append([draft(quantity=Decimal(2))])[0]
    assert (second.seq, second.prev_hash) == (first.seq + 1, first.hash)
    assert ledger.count_entries() == 2 and ledger.verify().ok
