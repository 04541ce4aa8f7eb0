"""The append hot path's column shortcuts give exactly the canonical texts, for any input."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger_support import Draft

from nafolo.ledger import Ledger
from nafolo.ledger.canonical import (
    attributes_json,
    format_quantity,
    format_timestamp,
    plain_attributes,
)
from nafolo.ledger.drafts import (
    Batch,
    _attributes_json,
    _utc_texts,
    check_drafts,
)
from nafolo.ledger.journal import _exact_quantities, _uuid4_texts

utc_moments = st.datetimes(
    min_value=datetime(1969, 12, 31), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
)


@given(st.lists(utc_moments, min_size=1, max_size=40))
def test_utc_texts_are_the_canonical_timestamps(column: list[datetime]) -> None:
    assert _utc_texts(column) == [format_timestamp(m) for m in column]


@given(st.lists(st.sampled_from([0, 999_999]), min_size=1, max_size=5))
def test_utc_texts_with_and_without_microseconds(microseconds: list[int]) -> None:
    column = [datetime(2026, 6, 1, 23, 59, 59, us, tzinfo=UTC) for us in microseconds]
    assert _utc_texts(column) == [format_timestamp(m) for m in column]


attribute_values = st.one_of(
    st.text(),
    st.sampled_from(["\x1e", '"', '\x1e"', "}\x1e{", "\x7f", "é", "\u2028", "\\", "/"]),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.booleans(),
    st.none(),
    st.decimals(allow_nan=False, allow_infinity=False),
)
flat_attributes = st.dictionaries(
    st.one_of(st.text(), st.sampled_from(["\x1e", '"', "{", "a\x1e{b"])), attribute_values
)


@given(st.lists(flat_attributes, min_size=1, max_size=8))
def test_attributes_json_of_a_column_is_the_canonical_json(
    column: list[dict[str, object]],
) -> None:
    assert _attributes_json(column) == [attributes_json(plain_attributes(a)) for a in column]


@pytest.mark.parametrize(
    "column",
    [[{"density": Decimal("NaN")}], [{"density": 0.845}], [{1: "one"}], [{"n": [1]}], [[]]],
)
def test_attributes_json_leaves_odd_attributes_to_the_full_check(column: list[object]) -> None:
    assert _attributes_json([{}, *column]) is None


@given(
    st.lists(
        st.decimals(min_value=Decimal("1E-12"), max_value=Decimal("1E+20"), allow_nan=False),
        min_size=1,
        max_size=10,
    ),
    st.integers(min_value=0, max_value=9),
)
def test_exact_quantities_are_the_minor_units_and_canonical_texts(
    quantities: list[Decimal], scale: int
) -> None:
    exact = _exact_quantities(quantities, scale)
    scaled = [q.scaleb(scale) for q in quantities]
    fits = all(s == int(s) < 2**63 for s in scaled)
    written = all(q.as_tuple().exponent == -scale for q in quantities)
    if exact is None:
        assert not (fits and written and scale <= 6)
        return
    minors = [int(s) for s in scaled]
    assert fits and exact == (minors, [format_quantity(m, scale) for m in minors])


@pytest.mark.parametrize(
    ("quantities", "scale"),
    [
        ([Decimal("123")], 3),
        ([Decimal("30.5")], 3),
        ([Decimal("1.000E+5")], 3),
        ([Decimal("1.2E+5")], 4),
        ([Decimal("1E-7")], 7),
        ([Decimal("30.0")], 0),
        ([Decimal("1E+1")], 0),
        ([Decimal("9223372036854775.808")], 3),
        ([Decimal("30.000"), Decimal("30")], 3),
    ],
)
def test_exact_quantities_leave_other_writings_to_the_general_path(
    quantities: list[Decimal], scale: int
) -> None:
    assert _exact_quantities(quantities, scale) is None


@pytest.mark.parametrize("count", [1, 15, 16, 17, 500])
def test_uuid_texts_are_random_version_4(count: int) -> None:
    texts = _uuid4_texts(count)
    made = [uuid.UUID(t) for t in texts]
    assert [str(u) for u in made] == texts and len(set(texts)) == count
    assert all(u.version == 4 and u.variant == uuid.RFC_4122 for u in made)


def test_batch_of_checked_drafts_gives_them_back(draft: Draft) -> None:
    checked, problems = check_drafts([draft(), draft(document_ref=None, quantity=Decimal("2"))])
    assert problems == [] and Batch.of(checked).drafts() == checked


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"quantity": Decimal("30.5"), "document_ref": None, "idempotency_key": None},
        {"quantity": Decimal("7"), "attributes": {"density": Decimal("0.8450"), "ok": True}},
        {"effective_at": datetime(2026, 6, 1, 0, 30, 0, 7, timezone(timedelta(hours=1)))},
        {"attributes": {"seal": "Sénou «n°7»", "trucks": ["T1", "T2"]}},
    ],
)
def test_one_draft_is_stored_as_in_a_batch(
    ledger: Ledger, draft: Draft, fields: dict[str, object]
) -> None:
    keyed = "idempotency_key" not in fields
    first = {"idempotency_key": "one", **fields} if keyed else fields
    (single,) = ledger.append([draft(**first)])
    second = {"idempotency_key": "two", **fields} if keyed else fields
    in_batch = ledger.append([draft(**second), *[draft()] * 4])[0]
    assert ledger.entry(single.seq) == single and ledger.entry(in_batch.seq) == in_batch
    same = ("commodity", "quantity", "effective_at", "document_ref", "attributes")
    assert all(getattr(single, f) == getattr(in_batch, f) for f in same)
    assert ledger.verify().ok
    if keyed:
        assert ledger.append([draft(**first)]) == [single]
