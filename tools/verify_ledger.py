#!/usr/bin/env python3
"""Verify a Nafolo ledger export (JSON Lines) with the Python standard library only.

    python3 tools/verify_ledger.py ledger.jsonl [--anchor HEAD_HASH]

Recomputes every entry's SHA-256 over the canonical serialisation `nafolo-ledger-v1` (see
docs/ledger.md), checks that seq runs 1, 2, 3… without gaps, that each prev_hash is the previous
entry's hash, and that header and trailer name the last entry. Prints the head seq and hash for
comparison with a published anchor (or compares it with --anchor). Exit status 0 when the file
verifies, 1 naming the first bad line and entry otherwise, 2 for an unreadable file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys

EXPORT_FORMAT = "nafolo-ledger-export-v1"
CANONICAL_FORMAT = "nafolo-ledger-v1"
GENESIS_HASH = "0" * 64
SEPARATOR = "\x1f"
TEXT_FIELDS = (
    "entry_id",
    "commodity",
    "quantity",
    "from_account",
    "to_account",
    "kind",
    "recorded_at",
    "effective_at",
    "actor",
)
OPTIONAL_TEXT_FIELDS = ("document_ref", "idempotency_key")
QUANTITY = re.compile(r"[0-9]+(\.[0-9]+)?")
HASH = re.compile(r"[0-9a-f]{64}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ExportError(Exception):
    """The export does not verify; the message names the line and the entry."""


def canonical_bytes(entry: dict[str, object]) -> bytes:
    """The bytes hashed for one entry: 16 fields joined by U+001F, encoded as UTF-8."""
    for name in TEXT_FIELDS:
        value = entry.get(name)
        if not isinstance(value, str) or CONTROL.search(value):
            raise ValueError(f"{name} must be text without control characters")
    for name in OPTIONAL_TEXT_FIELDS:
        value = entry.get(name)
        if value is not None and (not isinstance(value, str) or not value or CONTROL.search(value)):
            raise ValueError(f"{name} must be null or non-empty text without control characters")
    if not QUANTITY.fullmatch(str(entry["quantity"])):
        raise ValueError("quantity must be plain decimal digits")
    seq, corrects = entry.get("seq"), entry.get("corrects")
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise ValueError("seq must be an integer")
    if corrects is not None and (not isinstance(corrects, int) or isinstance(corrects, bool)):
        raise ValueError("corrects must be null or an integer")
    attributes = entry.get("attributes")
    if not isinstance(attributes, dict):
        raise ValueError("attributes must be an object")
    fields = [
        CANONICAL_FORMAT,
        str(seq),
        entry["entry_id"],
        entry["commodity"],
        entry["quantity"],
        entry["from_account"],
        entry["to_account"],
        entry["kind"],
        entry["recorded_at"],
        entry["effective_at"],
        entry["actor"],
        entry.get("document_ref") or "",
        entry.get("idempotency_key") or "",
        json.dumps(attributes, sort_keys=True, separators=(",", ":"), ensure_ascii=True),
        "" if corrects is None else str(corrects),
        entry["prev_hash"],
    ]
    return SEPARATOR.join(str(field) for field in fields).encode("utf-8")


def verify(lines: list[str]) -> tuple[int, str]:
    """(head seq, head hash) of a verified export; raises ExportError at the first problem."""
    if len(lines) < 2:
        raise ExportError("the file needs a header line and a trailer line")
    header = _json(lines[0], 1)
    if header.get("format") != EXPORT_FORMAT or header.get("canonical") != CANONICAL_FORMAT:
        raise ExportError(f"line 1: not a {EXPORT_FORMAT} header with canonical {CANONICAL_FORMAT}")
    previous, seq = GENESIS_HASH, 0
    for number, line in enumerate(lines[1:-1], start=2):
        entry = _json(line, number)
        where = f"line {number}, entry {entry.get('seq')}"
        if entry.get("seq") != seq + 1:
            raise ExportError(
                f"{where}: expected entry {seq + 1} (missing, inserted or reordered entry)"
            )
        prev_hash, digest = entry.get("prev_hash"), entry.get("hash")
        if not isinstance(digest, str) or not HASH.fullmatch(digest):
            raise ExportError(f"{where}: hash is not 64 lower-case hexadecimal digits")
        if prev_hash != previous:
            raise ExportError(f"{where}: prev_hash is not the hash of entry {seq}")
        try:
            data = canonical_bytes(entry)
        except (KeyError, ValueError) as error:
            raise ExportError(f"{where}: {error}") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise ExportError(f"{where}: hash does not match the entry's content")
        previous, seq = digest, seq + 1
    trailer = _json(lines[-1], len(lines))
    if trailer.get("end") != EXPORT_FORMAT or trailer.get("entries") != seq:
        raise ExportError(
            f"line {len(lines)}: trailer missing or counts {trailer.get('entries')} entries, "
            f"the file holds {seq} (truncated file?)"
        )
    for name, record in (("header", header), ("trailer", trailer)):
        if (record.get("head_seq"), record.get("head_hash")) != (seq, previous):
            raise ExportError(
                f"{name}: head {record.get('head_seq')} {record.get('head_hash')} is not "
                f"the last entry {seq} {previous}"
            )
    return seq, previous


def _json(line: str, number: int) -> dict[str, object]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise ExportError(f"line {number}: not JSON ({error})") from None
    if not isinstance(value, dict):
        raise ExportError(f"line {number}: not a JSON object")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="JSON Lines file written by `nafolo ledger export`")
    parser.add_argument("--anchor", help="published head hash to compare with")
    args = parser.parse_args(argv)
    try:
        with open(args.export, encoding="utf-8") as stream:  # noqa: PTH123 (stdlib-only script)
            lines = stream.read().splitlines()
    except OSError as error:
        print(f"cannot read {args.export}: {error}", file=sys.stderr)
        return 2
    try:
        seq, head_hash = verify(lines)
    except ExportError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    print(f"OK: {seq} entries; head seq {seq}, head hash {head_hash}")
    if args.anchor is not None and args.anchor.lower() != head_hash:
        print(f"FAILED: head hash differs from the anchor {args.anchor}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
