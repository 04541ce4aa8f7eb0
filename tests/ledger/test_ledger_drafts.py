"""Checking drafts in bulk: the fast path gives exactly the canonical attribute JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from ledger_support import Draft

from nafolo.ledger import canonical_attributes
from nafolo.ledger.canonical import plain_attributes
from nafolo.ledger.drafts import check_batch, check_drafts


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        {"density_kg_l": Decimal("0.8450"), "temperature_c": Decimal("31.5")},
        {"z": "last", "a": "first", "M": "upper"},
        {"seal": "Sénou «n°7»", "note": 'quote " back\\slash', "emoji": "\U0001f69a"},
        {"count": 12, "big": 2**70, "sealed": True, "broken": False, "remark": None},
        {"trucks": ["T1", "T2"], "nested": {"b": Decimal("1.10"), "a": 1}},
    ],
)
def test_attributes_take_their_canonical_forms(draft: Draft, attributes: dict[str, object]) -> None:
    checked, problems = check_drafts([draft(attributes=attributes)])
    assert problems == []
    assert checked[0].attributes_json == canonical_attributes(attributes)
    assert json.loads(checked[0].attributes_json) == plain_attributes(attributes)
    batch = check_batch([draft(attributes=attributes)])
    assert batch is None or batch.drafts() == checked


def test_a_bad_draft_after_good_ones_is_named_by_row(draft: Draft) -> None:
    checked, problems = check_drafts([draft(), draft(), draft(actor=" ")])
    assert len(checked) == 2
    assert [(p.row, p.field) for p in problems] == [(2, "actor")]


def test_a_value_seen_before_is_still_checked_by_type(draft: Draft) -> None:
    check_drafts([draft(kind="receipt")])
    _, problems = check_drafts([draft(kind=b"receipt")])
    assert [(p.row, p.field) for p in problems] == [(0, "kind")]


def test_decimal_attributes_keep_their_written_decimals(draft: Draft) -> None:
    checked, _ = check_drafts([draft(attributes={"density_kg_l": Decimal("0.8450")})])
    assert checked[0].attributes_json == '{"density_kg_l":"0.8450"}'
