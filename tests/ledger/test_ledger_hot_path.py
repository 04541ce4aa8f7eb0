"""The append hot path's shortcuts give exactly what the plain constructions give."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger_support import Draft

from nafolo.ledger import Entry, Ledger
from nafolo.ledger.canonical import format_timestamp
from nafolo.ledger.drafts import _utc_text, _utc_texts, check_batch, check_drafts
from nafolo.ledger.journal import _uuid4_hex
from nafolo.ledger.model import _uuid_of, new_entry

FIELDS = (
    7, uuid.uuid4(), "GO", Decimal("30.125"), "PORT:DAKAR", "DEPOT:KAYES", "receipt",
    datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 5, 31, tzinfo=UTC), "op", "BL-7", "k-7",
    {"density_kg_l": "0.8450"}, None, "0" * 64, "f" * 64,
)  # fmt: skip


def test_new_entry_is_an_equal_frozen_entry() -> None:
    made = new_entry(*FIELDS)
    assert type(made) is Entry and made == Entry(*FIELDS) and repr(made) == repr(Entry(*FIELDS))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.seq = 8  # type: ignore[misc]


def test_batch_uuids_are_random_version_4() -> None:
    digits = _uuid4_hex(50)
    made = [_uuid_of(int(digits[i : i + 32], 16)) for i in range(0, len(digits), 32)]
    assert all(u == uuid.UUID(str(u)) and u.version == 4 for u in made)
    assert all(u.variant == uuid.RFC_4122 for u in made)
    assert len(set(made)) == 50


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.just(UTC)
    )
)
def test_utc_text_is_the_canonical_timestamp(moment: datetime) -> None:
    assert _utc_text(moment) == format_timestamp(moment)


@pytest.mark.parametrize("text", ["BL\u00a07", "Sénou n°7", "\u2003BL-7"])
def test_printable_but_unusual_text_is_accepted(draft: Draft, text: str) -> None:
    checked, problems = check_drafts([draft(document_ref=text, idempotency_key=text)])
    assert problems == [] and checked[0].document_ref == text


@pytest.mark.parametrize("text", ["BL\x1f7", "", "   ", "x" * 201, "BL\x7f"])
def test_bad_optional_text_is_refused(draft: Draft, text: str) -> None:
    _, problems = check_drafts([draft(document_ref=text)])
    assert [p.field for p in problems] == ["document_ref"]


def test_unhashable_code_is_refused_naming_the_field(draft: Draft) -> None:
    _, problems = check_drafts([draft(from_account=["PORT:DAKAR"])])
    assert [p.field for p in problems] == ["from_account"]


def test_effective_time_in_another_zone_hashes_as_utc(ledger: Ledger, draft: Draft) -> None:
    bamako = timezone(timedelta(hours=-1))
    (entry,) = ledger.append([draft(effective_at=datetime(2026, 6, 1, 11, 0, 0, 5, bamako))])
    assert format_timestamp(entry.effective_at) == "2026-06-01T12:00:00.000005Z"
    assert ledger.verify().ok


def test_failed_append_leaves_the_connection_usable(ledger: Ledger, draft: Draft) -> None:
    ledger.append([draft(idempotency_key="k")])
    with pytest.raises(ValueError):
        ledger.append([draft(), draft(idempotency_key="k", quantity=Decimal("1"))])
    (entry,) = ledger.append([draft()])
    assert entry.seq == 2 and ledger.verify().ok


def test_a_fresh_ledger_reads_the_references_it_needs(ledger: Ledger, draft: Draft) -> None:
    fresh = Ledger(ledger.engine)
    (entry,) = fresh.append([draft()])
    assert entry.seq == 1 and fresh.balance("PORT:DAKAR", "GO") == Decimal("30.125")
    with pytest.raises(ValueError, match="'PORT:NOWHERE' is not a known account"):
        Ledger(ledger.engine).append([draft(to_account="PORT:NOWHERE")])


_ODD_DRAFTS: list[dict[str, object]] = [
    {},
    {"quantity": Decimal("0.001")},
    {"quantity": Decimal("-1")},
    {"quantity": Decimal("NaN")},
    {"quantity": Decimal("Infinity")},
    {"quantity": 30},
    {"quantity": 30.5},
    {"kind": "correction"},
    {"kind": "Lifting"},
    {"commodity": "go"},
    {"from_account": "PORT:DAKAR"},
    {"actor": " "},
    {"actor": "op\x1f"},
    {"document_ref": ""},
    {"document_ref": "BL\u00a07"},
    {"document_ref": "x" * 201},
    {"idempotency_key": "\t"},
    {"effective_at": datetime(2026, 6, 1)},
    {"effective_at": datetime(1969, 12, 31, tzinfo=UTC)},
    {"effective_at": datetime(2026, 6, 1, 11, 0, 0, 5, timezone(timedelta(hours=-1)))},
    {"attributes": {"density": 0.845}},
    {"attributes": {"density": Decimal("NaN")}},
    {"attributes": {1: "one"}},
    {"attributes": {"seal": "Sénou «n°7»", "ok": True, "n": 2**70, "none": None}},
    {"attributes": {"trucks": ["T1", "T2"]}},
]


@pytest.mark.parametrize("fields", _ODD_DRAFTS)
def test_the_column_check_accepts_only_what_the_full_check_accepts_alike(
    draft: Draft, fields: dict[str, object]
) -> None:
    drafts = [draft(), draft(**fields), draft(quantity=Decimal("2"))]
    checked, problems = check_drafts(drafts)
    batch = check_batch(drafts)
    if problems:
        assert batch is None
    elif batch is not None:
        assert batch.drafts() == checked


def test_a_key_repeated_in_the_batch_leaves_the_naming_to_the_full_check(draft: Draft) -> None:
    assert check_batch([draft(idempotency_key="k"), draft(idempotency_key="k")]) is None


def test_appended_entries_read_back_as_stored(ledger: Ledger, draft: Draft) -> None:
    entries = ledger.append([draft(quantity=Decimal(n), document_ref=f"BL-{n}") for n in (1, 2, 3)])
    stored = [ledger.entry(e.seq) for e in entries]
    assert entries == stored and list(entries) == stored and len(entries) == 3
    assert entries[1:] == stored[1:] and entries[-1] == stored[-1]
    assert list(reversed(entries)) == stored[::-1]
    assert stored + entries == stored * 2 and entries + stored == stored * 2


def test_a_batch_of_thousands_chains_and_balances(ledger: Ledger, draft: Draft) -> None:
    entries = ledger.append([draft(quantity=Decimal(n).scaleb(-3)) for n in range(1, 2502)])
    assert [e.seq for e in entries] == list(range(1, 2502))
    assert ledger.balance("PORT:DAKAR", "GO") == Decimal(2501 * 2502 // 2).scaleb(-3)
    assert ledger.verify().ok


def test_utc_texts_of_a_column_are_the_canonical_timestamps() -> None:
    whole = [datetime(2026, 6, 1, 8, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)]
    fine = [
        datetime(2026, 6, 1, 8, 0, 0, 5, tzinfo=UTC),
        datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    for column in (whole, fine, whole + fine):
        assert _utc_texts(column) == [format_timestamp(m) for m in column]
