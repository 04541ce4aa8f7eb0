"""Large SQLite appends run pipelined (chunks checked while the previous one is inserted): all
or nothing, refusals named by their place in the whole batch, replays answered as usual."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from ledger_support import Draft

from nafolo.ledger import EntriesRefusedError, EntryDraft, Ledger
from nafolo.ledger.journal import _PIPELINE_CHUNK, _PIPELINE_FROM

LARGE = _PIPELINE_FROM + 3 * _PIPELINE_CHUNK


def _drafts(draft: Draft, count: int = LARGE, prefix: str = "k") -> list[EntryDraft]:
    return [
        draft(quantity=Decimal(n).scaleb(-3), idempotency_key=f"{prefix}-{n}")
        for n in range(1, count + 1)
    ]


def _on_sqlite(ledger: Ledger, sizes: list[int]) -> list[int]:
    """What a pipelined-append spy records: PostgreSQL appends are not pipelined (COPY)."""
    return sizes if ledger.engine.dialect.name == "sqlite" else []


@pytest.fixture
def pipelined(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the appends that went through the pipeline to the end."""
    sizes: list[int] = []
    run = Ledger._pipeline

    def counted(self: Ledger, drafts: list[EntryDraft], *args: Any) -> None:
        run(self, drafts, *args)
        sizes.append(len(drafts))

    monkeypatch.setattr(Ledger, "_pipeline", counted)
    return sizes


def test_a_large_append_chains_and_balances(
    ledger: Ledger, draft: Draft, pipelined: list[int]
) -> None:
    entries = ledger.append(_drafts(draft))
    assert pipelined == _on_sqlite(ledger, [LARGE])
    assert [e.seq for e in entries] == list(range(1, LARGE + 1))
    assert list(entries) == [ledger.entry(e.seq) for e in entries]
    assert ledger.balance("PORT:DAKAR", "GO") == Decimal(LARGE * (LARGE + 1) // 2).scaleb(-3)
    assert ledger.verify().ok


def test_a_bad_draft_in_a_late_chunk_writes_nothing_and_is_named(
    ledger: Ledger, draft: Draft
) -> None:
    ledger.append([draft()])
    drafts = _drafts(draft)
    row = LARGE - 2
    drafts[row] = draft(quantity=Decimal("-1"))
    with pytest.raises(EntriesRefusedError) as refused:
        ledger.append(drafts)
    assert [(p.row, p.field) for p in refused.value.problems] == [(row, "quantity")]
    assert ledger.head().seq == 1 and ledger.count_entries() == 1
    assert ledger.verify().ok


def test_a_replayed_large_append_returns_the_recorded_entries(ledger: Ledger, draft: Draft) -> None:
    first = list(ledger.append(_drafts(draft)))
    again = ledger.append(_drafts(draft))
    assert list(again) == first and ledger.head().seq == LARGE


def test_recorded_keys_in_a_late_chunk_are_answered_and_the_rest_appended(
    ledger: Ledger, draft: Draft
) -> None:
    recorded = ledger.append([draft(quantity=Decimal("0.777"), idempotency_key="k-700")])
    drafts = _drafts(draft)
    drafts[699] = draft(quantity=Decimal("0.777"), idempotency_key="k-700")
    entries = ledger.append(drafts)
    assert entries[699] == recorded[0] and ledger.head().seq == LARGE
    assert ledger.verify().ok


def test_a_key_repeated_across_chunks_is_refused_naming_it(ledger: Ledger, draft: Draft) -> None:
    drafts = _drafts(draft)
    drafts[-1] = draft(idempotency_key="k-1")
    with pytest.raises(EntriesRefusedError) as refused:
        ledger.append(drafts)
    assert "idempotency_key" in {p.field for p in refused.value.problems}
    assert ledger.count_entries() == 0
