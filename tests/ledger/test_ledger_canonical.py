"""The canonical serialisation: the exact bytes documented in docs/ledger.md."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nafolo.ledger.canonical import (
    GENESIS_HASH,
    canonical_attributes,
    canonical_bytes,
    entry_hash,
    format_quantity,
)


def test_canonical_bytes_match_the_documented_example() -> None:
    data = canonical_bytes(
        1, "0b7e4f8e-1b1c-4c55-9d43-8f5b1e0c2a11", "GO", "30.125", "SUPPLIER:CONTRACT",
        "PORT:DAKAR", "lifting", "2026-06-01T08:00:05.000000Z", "2026-06-01T08:00:00.000000Z",
        "operator.dakar", "BL-7", None, '{"density_kg_l":"0.8450"}', None, GENESIS_HASH,
    )  # fmt: skip
    assert data == (
        b"nafolo-ledger-v1\x1f1\x1f0b7e4f8e-1b1c-4c55-9d43-8f5b1e0c2a11\x1fGO\x1f30.125\x1f"
        b"SUPPLIER:CONTRACT\x1fPORT:DAKAR\x1flifting\x1f2026-06-01T08:00:05.000000Z\x1f"
        b"2026-06-01T08:00:00.000000Z\x1foperator.dakar\x1fBL-7\x1f\x1f"
        b'{"density_kg_l":"0.8450"}\x1f\x1f' + GENESIS_HASH.encode()
    )
    assert entry_hash(data) == "f33bbbde34456c8f12967bb6517209378098e3d412abc89b53c30839a533d16d"


@pytest.mark.parametrize(
    ("minor", "scale", "text"),
    [(30125, 3, "30.125"), (5, 3, "0.005"), (1200, 0, "1200"), (1000, 3, "1.000")],
)
def test_quantity_has_exactly_the_commodity_scale(minor: int, scale: int, text: str) -> None:
    assert format_quantity(minor, scale) == text


def test_attributes_sort_keys_without_spaces_in_ascii() -> None:
    text = canonical_attributes({"temp_c": Decimal("31.5"), "density": "0.845", "seal": "Ségou"})
    assert text == '{"density":"0.845","seal":"S\\u00e9gou","temp_c":"31.5"}'
