"""The canonical serialisation of a ledger entry and its SHA-256 hash (format `nafolo-ledger-v1`).

docs/ledger.md specifies these bytes; tools/verify_ledger.py re-implements them with the standard
library only. Any change here is a new format version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType

FORMAT = "nafolo-ledger-v1"
SEPARATOR = "\x1f"
FIELD_COUNT = 16
GENESIS_HASH = "0" * 64
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_TEMPLATE = SEPARATOR.join([FORMAT] + ["%s"] * (FIELD_COUNT - 1))


def format_timestamp(moment: datetime) -> str:
    """`moment` in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always 27 characters)."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def parse_timestamp(text: str) -> datetime:
    """The aware UTC datetime written by `format_timestamp`."""
    return datetime.fromisoformat(text)


def format_quantity(quantity_minor: int, scale: int) -> str:
    """`quantity_minor` × 10^-scale as plain decimal digits with exactly `scale` decimals."""
    if scale == 0:
        return str(quantity_minor)
    digits = str(quantity_minor).rjust(scale + 1, "0")
    return f"{digits[:-scale]}.{digits[-scale:]}"


_SCALARS = (str, int, bool, type(None))


def _plain(value: object, path: str) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{path}: {value} is not a finite number")
        return str(value)
    if isinstance(value, float):
        raise ValueError(f"{path}: floats are not exact; give a Decimal or a string ({value!r})")
    if isinstance(value, Mapping):
        plain: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: keys must be strings (got {key!r})")
            plain[key] = _plain(item, f"{path}.{key}")
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise ValueError(f"{path}: {type(value).__name__} values are not allowed")


def plain_attributes(attributes: Mapping[str, object]) -> dict[str, object]:
    """Attributes as plain JSON values (Decimals as strings); ValueError names a bad attribute."""
    if type(attributes) is dict:
        if not attributes:
            return {}
        if all(type(key) is str for key in attributes):
            values = attributes.values()
            if all(type(v) in _SCALARS for v in values):
                return dict(attributes)
            if all(type(v) is Decimal or type(v) in _SCALARS for v in values) and all(
                v.is_finite() for v in values if type(v) is Decimal
            ):
                return {k: str(v) if type(v) is Decimal else v for k, v in attributes.items()}
    if not isinstance(attributes, Mapping):
        raise ValueError(f"attributes: must be a mapping (got {type(attributes).__name__})")
    plain = _plain(attributes, "attributes")
    assert isinstance(plain, dict)
    return plain


def attributes_json(plain: dict[str, object]) -> str:
    """Canonical JSON of plain attributes (see `canonical_attributes`)."""
    if not plain:
        return "{}"
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_attributes(attributes: Mapping[str, object]) -> str:
    """Quality attributes as canonical JSON: sorted keys, no spaces, ASCII, Decimals as strings.

    Raises ValueError naming the attribute for floats and other values without an exact form.
    """
    return attributes_json(plain_attributes(attributes))


def canonical_bytes(
    seq: int,
    entry_id: str,
    commodity: str,
    quantity: str,
    from_account: str,
    to_account: str,
    kind: str,
    recorded_at: str,
    effective_at: str,
    actor: str,
    document_ref: str | None,
    idempotency_key: str | None,
    attributes_json: str,
    corrects: int | None,
    prev_hash: str,
) -> bytes:
    """The bytes that are hashed: the fields above, in this order, joined by U+001F, UTF-8."""
    return (
        _TEMPLATE
        % (
            seq,
            entry_id,
            commodity,
            quantity,
            from_account,
            to_account,
            kind,
            recorded_at,
            effective_at,
            actor,
            document_ref or "",
            idempotency_key or "",
            attributes_json,
            "" if corrects is None else corrects,
            prev_hash,
        )
    ).encode()


def entry_hash(canonical: bytes) -> str:
    """Lower-case hexadecimal SHA-256 of the canonical bytes."""
    return hashlib.sha256(canonical).hexdigest()


def _python_chain_hashes(
    fields: Sequence[str | Sequence[str]], count: int, previous: str
) -> list[str]:
    if len(fields) != FIELD_COUNT - 1:
        raise ValueError(f"chain_hashes: {FIELD_COUNT - 1} fields expected")
    columns = [[f] * count if isinstance(f, str) else f for f in fields]
    hashes: list[str] = []
    keep, sha256 = hashes.append, hashlib.sha256
    for text in map(SEPARATOR.join, zip(*columns, strict=True)):
        previous = sha256(f"{text}{SEPARATOR}{previous}".encode()).hexdigest()
        keep(previous)
    return hashes


def compiled_extension() -> ModuleType | None:
    """The optional C extension `nafolo.ledger._chaincheck`, or None when it was not built."""
    try:
        from nafolo.ledger import _chaincheck
    except ImportError:
        return None
    return _chaincheck


_COMPILED = compiled_extension()
chain_hashes: Callable[[tuple[str | Sequence[str], ...], int, str], list[str]] = (
    _COMPILED.chain_hashes if _COMPILED is not None else _python_chain_hashes
)
"""`chain_hashes(fields, count, previous)`: the hashes of `count` new entries chained onto the
`previous` hash. `fields` is a tuple of every canonical field but the previous hash, in order,
already as text ('' for an absent one), each a str (the same in every entry) or a sequence of
`count` str. Compiled (`_chaincheck.c`) when the extension is built, else `_python_chain_hashes`;
tests/ledger pin the two to `canonical_bytes` + `entry_hash`.
"""
