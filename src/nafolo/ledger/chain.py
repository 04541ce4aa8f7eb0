"""Whole-chain operations on one consistent snapshot: verification and JSON Lines export.

Both stream the journal through a raw DB-API cursor in large batches: verification must keep
pace with a journal of millions of entries (target ≥ 300,000 entries/s). That target needs the
compiled verifier (`_chaincheck.c`, built when a C compiler is present); the pure-Python one here
is the fallback and the reference: both name the same first problem and the same balances.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType
from typing import IO, Any

from sqlalchemy.engine import Engine

from nafolo.ledger.canonical import (
    FIELD_COUNT,
    FORMAT,
    GENESIS_HASH,
    compiled_extension,
    format_timestamp,
)
from nafolo.ledger.model import (
    BalanceProblem,
    ChainHead,
    ChainProblem,
    LedgerError,
    VerificationReport,
)
from nafolo.store.engine import sqlite_file

BATCH_SIZE = 20_000
EXPORT_FORMAT = "nafolo-ledger-export-v1"
VERIFIER_ENV = "NAFOLO_LEDGER_VERIFIER"
VERIFIERS = ("auto", "compiled", "python")
_ENTRY_COLUMNS = (
    "seq, entry_id, commodity, quantity_minor, from_account, to_account, kind, recorded_at,"
    " effective_at, actor, document_ref, idempotency_key, attributes, corrects, prev_hash, hash"
)
_COPY_ENTRIES = f"COPY (SELECT {_ENTRY_COLUMNS} FROM ledger_entries ORDER BY seq) TO STDOUT"
_STORED_BALANCES = "SELECT account, commodity, quantity_minor FROM ledger_balances"
PG_DIRECT_COPY = True
"""PostgreSQL: let the compiled verifier read the COPY through psycopg's libpq connection."""

Progress = Callable[[int, int], None]

_ROUTE_TOTALS = (
    "SELECT from_account, to_account, commodity, SUM(quantity_minor) FROM ledger_entries{hint}"
    " GROUP BY from_account, to_account, commodity"
)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_REQUIRED = (
    "seq", "entry_id", "commodity", "quantity_minor", "from_account", "to_account", "kind",
    "recorded_at", "effective_at", "actor", "attributes", "prev_hash",
)  # fmt: skip


def _canonical_expression(scales: dict[str, int], postgres: bool) -> str:
    """SQL building an entry's canonical text (canonical.py) from the stored fields of `e`.

    NULL when a required field is NULL or the commodity is undefined. PostgreSQL joins the
    fields with `||`; SQLite, where that is slow, formats them with one `printf` per scale.
    """
    if postgres:
        return _concatenated_expression(scales)
    by_scale: dict[int, list[str]] = {}
    for code, scale in sorted(scales.items()):
        by_scale.setdefault(scale, []).append(_sql_text(code))
    required = " AND ".join(f"e.{name} IS NOT NULL" for name in _REQUIRED)
    separator = "' || char(31) || '"
    fields = (
        "e.from_account, e.to_account, e.kind, e.recorded_at, e.effective_at, e.actor, "
        "e.document_ref, e.idempotency_key, e.attributes, e.corrects, e.prev_hash"
    )
    cases = []
    for scale, codes in sorted(by_scale.items()):
        quantity = f"%d.%0{scale}d" if scale else "%d"
        template = separator.join([FORMAT, "%d", "%s", "%s", quantity] + ["%s"] * 11)
        amount = (
            f"e.quantity_minor / {10**scale}, e.quantity_minor % {10**scale}"
            if scale
            else "e.quantity_minor"
        )
        cases.append(
            f"WHEN e.commodity IN ({', '.join(codes)}) THEN printf('{template}', e.seq, "
            f"e.entry_id, e.commodity, {amount}, {fields})"
        )
    if not cases:
        return "NULL"
    # %d would truncate a quantity stored as a real number; such a row must not match its hash
    not_integer = separator.join([FORMAT, "%d", "%s", "%s", "~%s"] + ["%s"] * 11)
    return (
        f"CASE WHEN NOT ({required}) THEN NULL "
        "WHEN typeof(e.quantity_minor) <> 'integer' AND e.commodity IN "
        f"({', '.join(_sql_text(code) for code in sorted(scales))}) "
        f"THEN printf('{not_integer}', e.seq, e.entry_id, e.commodity, e.quantity_minor, {fields}) "
        f"{' '.join(cases)} END"
    )


def _concatenated_expression(scales: dict[str, int]) -> str:
    quantity_cases = " ".join(
        f"WHEN {_sql_text(code)} THEN "
        + (
            "CAST(e.quantity_minor AS TEXT)"
            if scale == 0
            else f"CAST(e.quantity_minor / {10**scale} AS TEXT) || '.' || "
            f"SUBSTR(CAST({10**scale} + e.quantity_minor % {10**scale} AS TEXT), 2)"
        )
        for code, scale in sorted(scales.items())
    )
    quantity = f"CASE e.commodity {quantity_cases} END" if scales else "NULL"
    fields = [
        _sql_text(FORMAT),
        "CAST(e.seq AS TEXT)",
        "e.entry_id",
        "e.commodity",
        quantity,
        "e.from_account",
        "e.to_account",
        "e.kind",
        "e.recorded_at",
        "e.effective_at",
        "e.actor",
        "COALESCE(e.document_ref, '')",
        "COALESCE(e.idempotency_key, '')",
        "e.attributes",
        "COALESCE(CAST(e.corrects AS TEXT), '')",
        "e.prev_hash",
    ]
    assert len(fields) == FIELD_COUNT
    return " || chr(31) || ".join(fields)


def _canonical_sql(scales: dict[str, int], postgres: bool) -> str:
    """A query yielding (seq, canonical bytes, hash) per entry in seq order.

    The database joins the stored fields into the canonical text (see canonical.py), so that
    only three values per entry cross into Python, which hashes and compares.
    """
    canonical = _canonical_expression(scales, postgres)
    as_bytes = f"convert_to({canonical}, 'UTF8')" if postgres else f"CAST({canonical} AS BLOB)"
    return f"SELECT e.seq, {as_bytes}, e.hash FROM ledger_entries AS e ORDER BY e.seq"


class _Snapshot:
    """A read-only transaction on a raw DB-API connection that sees one state of the store."""

    def __init__(self, dbapi: Any, postgres: bool) -> None:
        self.dbapi = dbapi
        self.postgres = postgres

    def all(self, sql: str) -> list[tuple[Any, ...]]:
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def stream(self, sql: str) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.dbapi.cursor(name="nafolo_stream") if self.postgres else self.dbapi.cursor()
        try:
            if self.postgres:
                cursor.itersize = BATCH_SIZE
            if self.postgres:
                cursor.execute(sql, binary=True)  # binary rows decode faster
            else:
                cursor.execute(sql)
            while batch := cursor.fetchmany(BATCH_SIZE):
                yield batch
        finally:
            cursor.close()


@contextmanager
def _snapshot(engine: Engine) -> Iterator[_Snapshot]:
    postgres = engine.dialect.name == "postgresql"
    pooled = engine.raw_connection()
    dbapi: Any = pooled.driver_connection
    try:
        cursor = dbapi.cursor()
        if postgres:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            cursor.execute("BEGIN")
        cursor.close()
        yield _Snapshot(dbapi, postgres)
    finally:
        dbapi.rollback()
        pooled.close()


def _read_head(snapshot: _Snapshot) -> ChainHead:
    seq, digest = snapshot.all("SELECT seq, hash FROM ledger_head WHERE id = 1")[0]
    return ChainHead(int(seq), digest)


def _read_scales(snapshot: _Snapshot) -> dict[str, int]:
    return {code: int(scale) for code, scale in snapshot.all("SELECT code, scale FROM commodities")}


def _quantity_formats(scales: dict[str, int]) -> dict[str, tuple[int, str]]:
    return {
        code: (10**scale, f"%d.%0{scale}d" if scale else "%d") for code, scale in scales.items()
    }


class CompiledVerifierError(LedgerError, RuntimeError):
    """The compiled verifier was asked for (`verifier="compiled"`) but cannot check this store."""


compiled_verifier = compiled_extension
"""The C extension `nafolo.ledger._chaincheck`, or None when it was not built."""


def verifier_choice(verifier: str | None) -> str:
    """`verifier`, or NAFOLO_LEDGER_VERIFIER when None (default auto); ValueError if unknown."""
    choice = verifier if verifier is not None else os.environ.get(VERIFIER_ENV, "auto")
    if choice not in VERIFIERS:
        source = "verifier" if verifier is not None else VERIFIER_ENV
        raise ValueError(f"{source}: must be one of {', '.join(VERIFIERS)} (got {choice!r})")
    return choice


def verify(
    engine: Engine, progress: Progress | None = None, verifier: str | None = None
) -> VerificationReport:
    """Check seq contiguity, prev links, every hash, the head record and the balances projection.

    `verifier`: "compiled" (the C extension: SQLite files and PostgreSQL), "python" (this
    module, the reference) or "auto" (compiled when built and the store qualifies, else Python);
    None reads NAFOLO_LEDGER_VERIFIER (default auto). `progress(done, total)` is called after
    each BATCH_SIZE entries and at the end.
    """
    choice = verifier_choice(verifier)
    started = time.perf_counter()
    if choice != "python":
        module = compiled_verifier()
        reason = "the extension nafolo.ledger._chaincheck is not built"
        if module is not None:
            try:
                return _verify_compiled(module, engine, progress, started)
            except module.UnsupportedError as error:
                reason = str(error)
        if choice == "compiled":
            raise CompiledVerifierError(f"the compiled verifier cannot run: {reason}")
    with _snapshot(engine) as snapshot:
        recorded_head = _read_head(snapshot)
        scales = _read_scales(snapshot)
        checked, last, problem = _verify_entries(snapshot, scales, recorded_head, progress)
        balance_problems = _verify_balances(snapshot, scales)
    return _report(checked, recorded_head, last, problem, balance_problems, started, "python")


def _report(
    checked: int,
    recorded_head: ChainHead,
    last: ChainHead,
    problem: ChainProblem | None,
    balance_problems: list[BalanceProblem],
    started: float,
    verifier: str,
) -> VerificationReport:
    """The verification's report; the head record is checked when the chain itself held."""
    return VerificationReport(
        entries_checked=checked,
        recorded_head=recorded_head,
        computed_head=last,
        chain_problem=problem if problem is not None else _head_problem(recorded_head, last),
        balance_problems=balance_problems,
        seconds=time.perf_counter() - started,
        verifier=verifier,
    )


def _verify_compiled(
    module: ModuleType, engine: Engine, progress: Progress | None, started: float
) -> VerificationReport:
    """The same checks by the C extension; `module.UnsupportedError` when Python must do them."""
    if engine.dialect.name == "sqlite":
        path = sqlite_file(engine)
        if path is None:
            raise module.UnsupportedError("not a SQLite database file")
        outcome = module.verify_sqlite(path, progress, BATCH_SIZE)
        seq, digest = outcome["head_rows"][0]
        recorded_head = ChainHead(int(seq), digest)
        scales = {code: int(scale) for code, scale in outcome["scale_rows"]}
        sums = outcome["sums"]
        if sums is None:
            sums = _route_sums(outcome["route_rows"])
        balance_problems = _compare_balances(sums, outcome["balance_rows"], scales)
    elif engine.dialect.name == "postgresql":
        with _snapshot(engine) as snapshot:
            if snapshot.dbapi.info.encoding != "utf-8":
                raise module.UnsupportedError("the connection's client encoding is not UTF8")
            recorded_head = _read_head(snapshot)
            scales = _read_scales(snapshot)
            checker = module.Checker(scales, progress, recorded_head.seq, BATCH_SIZE)
            cursor = snapshot.dbapi.cursor()
            try:
                # read along the primary key: a sort of the whole journal (the plan chosen
                # before ANALYZE) costs more than the COPY itself
                cursor.execute("SET LOCAL enable_sort = off")
                _copy_entries(module, checker, snapshot.dbapi, cursor)
            finally:
                cursor.close()
            outcome = checker.finish()
            sums = outcome["sums"]
            if sums is None:
                sums = _route_sums(snapshot.all(_ROUTE_TOTALS.format(hint="")))
            balance_problems = _compare_balances(sums, snapshot.all(_STORED_BALANCES), scales)
    else:
        raise module.UnsupportedError(f"no compiled driver for {engine.dialect.name}")
    checked = outcome["checked"]
    last = ChainHead(checked, outcome["last_hash"])
    problem = _problem_of(outcome["problem"], last)
    return _report(checked, recorded_head, last, problem, balance_problems, started, "compiled")


def _copy_entries(module: ModuleType, checker: Any, dbapi: Any, cursor: Any) -> None:
    """Stream `_COPY_ENTRIES` into the checker: straight from libpq when the extension finds the
    libpq psycopg loaded (psycopg costs ~2 µs per row, more than the checking), else through
    psycopg's `cursor.copy`, block by block."""
    if PG_DIRECT_COPY:
        try:
            with dbapi.lock:
                checker.copy_from(dbapi.pgconn.pgconn_ptr, _COPY_ENTRIES)
        except module.UnsupportedError:
            pass
        else:
            return
    with cursor.copy(_COPY_ENTRIES) as copy:
        for block in copy:
            checker.feed(block)


def _problem_of(found: tuple[str, int, Any] | None, last: ChainHead) -> ChainProblem | None:
    """The ChainProblem for the compiled verifier's (kind, seq, detail), worded as in Python."""
    if found is None:
        return None
    kind, seq, detail = found
    if kind == "missing":
        return _missing_entry(seq, detail)
    if kind == "empty":
        return _empty_field(seq)
    if kind == "link":
        return _broken_link(seq, detail, last.hash)
    return _hash_mismatch(seq)


def _missing_entry(expected: int, seq: int) -> ChainProblem:
    return ChainProblem(expected, f"entry {expected} is missing (the next stored entry is {seq})")


def _empty_field(seq: int) -> ChainProblem:
    return ChainProblem(seq, "a required field is empty or its commodity is undefined")


def _broken_link(seq: int, tail: bytes, previous: str) -> ChainProblem:
    prev = bytes(tail).decode(errors="replace")
    return ChainProblem(
        seq, f"prev_hash {prev[:12]}… is not the hash of entry {seq - 1} ({previous[:12]}…)"
    )


def _hash_mismatch(seq: int) -> ChainProblem:
    return ChainProblem(seq, "hash does not match the entry's content (a field was changed)")


def _head_problem(recorded_head: ChainHead, last: ChainHead) -> ChainProblem | None:
    if recorded_head == last:
        return None
    missing = last.seq + 1
    return ChainProblem(
        max(missing, recorded_head.seq) if recorded_head.seq > last.seq else last.seq,
        f"the head record says the chain ends at entry {recorded_head.seq} "
        f"(hash {recorded_head.hash[:12]}…) but it ends at entry {last.seq} "
        f"(hash {last.hash[:12]}…)"
        + (f": entry {missing} onwards is missing" if recorded_head.seq > last.seq else ""),
    )


def _verify_entries(
    snapshot: _Snapshot,
    scales: dict[str, int],
    recorded_head: ChainHead,
    progress: Progress | None,
) -> tuple[int, ChainHead, ChainProblem | None]:
    separators = FIELD_COUNT - 1
    sha256 = hashlib.sha256
    expected, previous, previous_bytes = 1, GENESIS_HASH, GENESIS_HASH.encode()
    total = recorded_head.seq
    for batch in snapshot.stream(_canonical_sql(scales, snapshot.postgres)):
        for seq, data, digest in batch:
            if seq != expected:
                return (
                    expected - 1,
                    ChainHead(expected - 1, previous),
                    _missing_entry(expected, seq),
                )
            if data is None:
                return expected - 1, ChainHead(seq - 1, previous), _empty_field(seq)
            if not data.endswith(previous_bytes):
                return (
                    expected - 1,
                    ChainHead(seq - 1, previous),
                    _broken_link(seq, data[-64:], previous),
                )
            if sha256(data).hexdigest() != digest or data.count(b"\x1f") != separators:
                return expected - 1, ChainHead(seq - 1, previous), _hash_mismatch(seq)
            previous, previous_bytes = digest, digest.encode()
            expected += 1
        if progress is not None:
            progress(expected - 1, total)
    return expected - 1, ChainHead(expected - 1, previous), None


def _verify_balances(snapshot: _Snapshot, scales: dict[str, int]) -> list[BalanceProblem]:
    hint = "" if snapshot.postgres else " NOT INDEXED"  # SQLite: one sequential scan is faster
    sums = _route_sums(snapshot.all(_ROUTE_TOTALS.format(hint=hint)))
    return _compare_balances(sums, snapshot.all(_STORED_BALANCES), scales)


def _route_sums(route_totals: list[tuple[Any, ...]]) -> dict[tuple[str, str], int]:
    """Balance per (account, commodity) from the totals per (from, to, commodity)."""
    sums: dict[tuple[str, str], int] = {}
    for source, target, commodity, quantity in route_totals:
        sums[(source, commodity)] = sums.get((source, commodity), 0) - int(quantity)
        sums[(target, commodity)] = sums.get((target, commodity), 0) + int(quantity)
    return sums


def _compare_balances(
    sums: dict[tuple[str, str], int], stored_rows: list[tuple[Any, ...]], scales: dict[str, int]
) -> list[BalanceProblem]:
    """The stored balances (account, commodity, quantity_minor rows) that differ from `sums`."""
    recomputed = {key: quantity for key, quantity in sums.items() if quantity != 0}
    stored = {(a, c): int(q) for a, c, q in stored_rows if int(q) != 0}
    problems = []
    for account, commodity in sorted(recomputed.keys() | stored.keys()):
        want, have = recomputed.get((account, commodity), 0), stored.get((account, commodity), 0)
        if want != have:
            scale = scales.get(commodity, 0)
            problems.append(
                BalanceProblem(
                    account, commodity, Decimal(have).scaleb(-scale), Decimal(want).scaleb(-scale)
                )
            )
    return problems


def export(engine: Engine, out: IO[str], progress: Progress | None = None) -> ChainHead:
    """Write header, one line per entry (hashed fields + hash) and trailer, from one snapshot."""
    with _snapshot(engine) as snapshot:
        head = _read_head(snapshot)
        formats = _quantity_formats(_read_scales(snapshot))
        header = {
            "format": EXPORT_FORMAT,
            "canonical": FORMAT,
            "genesis_prev_hash": GENESIS_HASH,
            "head_seq": head.seq,
            "head_hash": head.hash,
            "exported_at": format_timestamp(datetime.now(UTC)),
        }
        out.write(json.dumps(header) + "\n")
        written = 0
        sql = (
            "SELECT seq, entry_id, commodity, quantity_minor, from_account, to_account, kind,"
            " recorded_at, effective_at, actor, document_ref, idempotency_key, attributes,"
            " corrects, prev_hash, hash FROM ledger_entries ORDER BY seq"
        )
        for batch in snapshot.stream(sql):
            for row in batch:
                unit, pattern = formats[row[2]]
                minor = row[3]
                line = {
                    "seq": row[0],
                    "entry_id": row[1],
                    "commodity": row[2],
                    "quantity": pattern % divmod(minor, unit) if unit > 1 else pattern % minor,
                    "from_account": row[4],
                    "to_account": row[5],
                    "kind": row[6],
                    "recorded_at": row[7],
                    "effective_at": row[8],
                    "actor": row[9],
                    "document_ref": row[10],
                    "idempotency_key": row[11],
                    "attributes": json.loads(row[12]),
                    "corrects": row[13],
                    "prev_hash": row[14],
                    "hash": row[15],
                }
                out.write(json.dumps(line) + "\n")
                written += 1
            if progress is not None:
                progress(written, head.seq)
        out.write(json.dumps({"end": EXPORT_FORMAT, "entries": written, **_head(head)}) + "\n")
    return head


def _head(head: ChainHead) -> dict[str, Any]:
    return {"head_seq": head.seq, "head_hash": head.hash}
