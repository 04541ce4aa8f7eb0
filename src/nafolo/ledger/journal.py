"""The ledger: append-only, hash-chained journal of movements, with its balances projection."""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import os
import threading
import typing
import uuid
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from nafolo.ledger import chain
from nafolo.ledger.canonical import (
    FORMAT,
    SEPARATOR,
    attributes_json,
    chain_hashes,
    compiled_extension,
    format_timestamp,
    parse_timestamp,
)
from nafolo.ledger.drafts import (
    CODE_PATTERN,
    COMMODITY_PATTERN,
    CORRECTION_KIND,
    KNOWN_VALUES,
    Batch,
    CheckedDraft,
    _utc_text,
    check_batch,
    check_drafts,
    quantity_minor,
    text_problem,
)
from nafolo.ledger.model import (
    Account,
    AppendedEntries,
    Balance,
    ChainHead,
    Commodity,
    DefinitionConflictError,
    EntriesRefusedError,
    Entry,
    EntryDraft,
    EntryProblem,
    NotFoundError,
    VerificationReport,
)
from nafolo.settings import LedgerWriter
from nafolo.store import ACCOUNT_KINDS, DOMAINS, WRITE_LOCK_OPTION, sqlite_file
from nafolo.store.tables import (
    accounts,
    commodities,
    ledger_balances,
    ledger_entries,
    ledger_head,
)

_UPSERT_BALANCE = (
    "INSERT INTO ledger_balances (account, commodity, quantity_minor, last_seq) "
    "VALUES (?, ?, ?, ?) "
    "ON CONFLICT (account, commodity) DO UPDATE SET "
    "quantity_minor = ledger_balances.quantity_minor + excluded.quantity_minor, "
    "last_seq = excluded.last_seq"
)
_UPDATE_HEAD = "UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1"
_READ_HEAD = "SELECT seq, hash FROM ledger_head WHERE id = 1"
_LOCK_HEAD = _READ_HEAD + " FOR UPDATE"
_COMPARED_FIELDS = (
    "commodity",
    "quantity_minor",
    "from_account",
    "to_account",
    "kind",
    "effective_at",
    "actor",
    "document_ref",
    "attributes",
)
_LOOKUP_CHUNK = 500
_MINOR_LIMIT = 2**63
_CHECK_COLUMNS_FROM = 4
"""Batches of at least this many drafts are checked column by column (`check_batch`)."""
_COPY_FROM = 16
"""Batches of at least this many entries go into PostgreSQL with COPY rather than INSERT."""
_COMMODITY_OF = operator.attrgetter("commodity")
_SOURCE_OF = operator.attrgetter("from_account")
_TARGET_OF = operator.attrgetter("to_account")
_ENTRY_COLUMNS = tuple(column.name for column in ledger_entries.columns)
_COPY_ENTRIES = f"COPY ledger_entries ({', '.join(_ENTRY_COLUMNS)}) FROM STDIN"
WRITER_ENV = "NAFOLO_LEDGER_WRITER"
WRITERS: tuple[str, ...] = typing.get_args(LedgerWriter)
_COMPILED = compiled_extension()
_WRITE_FAILED: tuple[type[Exception], ...] = (
    (_COMPILED.WriteError,) if _COMPILED is not None else ()
)


class _HeadMovedError(Exception):
    """The chain head is not the one an optimistic append was chained onto."""


class Ledger:
    """The journal in the store behind `engine` (migrated with `nafolo.store.upgrade`).

    Every write is one transaction holding the chain-head lock, so the chain stays linear
    under concurrent writers (PostgreSQL: `SELECT … FOR UPDATE` on the head row; SQLite:
    `BEGIN IMMEDIATE`); a small PostgreSQL batch first tries without the lock, refused if the
    head moved (docs/ledger.md). There is no update or delete; a correction is a reversing entry.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._commodities: dict[str, Commodity] = {}
        marker = "%s" if engine.dialect.paramstyle in ("format", "pyformat") else "?"
        self._insert_sql = (
            f"INSERT INTO ledger_entries ({', '.join(_ENTRY_COLUMNS)}) "
            f"VALUES ({', '.join([marker] * len(_ENTRY_COLUMNS))})"
        )
        self._upsert_sql = _UPSERT_BALANCE.replace("?", marker)
        self._head_sql = _UPDATE_HEAD.replace("?", marker)
        self._accounts: dict[str, Account] = {}
        dbapi = engine.dialect.loaded_dbapi
        self._retryable = (
            sa.exc.IntegrityError,
            sa.exc.OperationalError,
            dbapi.IntegrityError,
            dbapi.OperationalError,
            _HeadMovedError,
        )
        self._head_hint: ChainHead | None = None
        self._writer_choice = writer_choice()

    # ---- reference data -------------------------------------------------------------------

    def ensure_commodity(self, code: str, domain: str, unit: str, scale: int) -> Commodity:
        """The commodity `code`, created if absent; refused if it exists with another definition."""
        wanted = Commodity(code, domain, unit, scale)
        problems = []
        if not isinstance(code, str) or not COMMODITY_PATTERN.fullmatch(code):
            problems.append(EntryProblem(None, "code", f"{code!r} is not a commodity code"))
        if domain not in DOMAINS:
            problems.append(EntryProblem(None, "domain", f"{domain!r} is not one of {DOMAINS}"))
        if text_problem(unit, optional=False) or len(unit) > 16:
            problems.append(EntryProblem(None, "unit", f"{unit!r} is not a unit symbol"))
        if not isinstance(scale, int) or isinstance(scale, bool) or not 0 <= scale <= 9:
            problems.append(EntryProblem(None, "scale", f"must be an integer 0–9 (got {scale!r})"))
        if problems:
            raise EntriesRefusedError(problems)
        with self._write() as connection:
            existing = self._load_commodities(connection, [code]).get(code)
            if existing is None:
                connection.execute(
                    commodities.insert(),
                    [{"code": code, "domain": domain, "unit": unit, "scale": scale}],
                )
                existing = wanted
        if existing != wanted:
            raise DefinitionConflictError(
                f"commodity {code} already exists as {existing}, not {wanted}"
            )
        return existing

    def ensure_account(self, code: str, kind: str, domain: str, name: str) -> Account:
        """The account `code`, created if absent; refused if its kind or domain differ."""
        problems = []
        if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
            problems.append(EntryProblem(None, "code", f"{code!r} is not an account code"))
        if kind not in ACCOUNT_KINDS:
            problems.append(EntryProblem(None, "kind", f"{kind!r} is not one of {ACCOUNT_KINDS}"))
        if domain not in DOMAINS:
            problems.append(EntryProblem(None, "domain", f"{domain!r} is not one of {DOMAINS}"))
        name_problem = text_problem(name, optional=False)
        if name_problem:
            problems.append(EntryProblem(None, "name", name_problem))
        if problems:
            raise EntriesRefusedError(problems)
        wanted = Account(code, kind, domain, name)
        with self._write() as connection:
            existing = self._load_accounts(connection, [code]).get(code)
            if existing is None:
                connection.execute(
                    accounts.insert(),
                    [{"code": code, "kind": kind, "domain": domain, "name": name}],
                )
                existing = wanted
        if (existing.kind, existing.domain) != (kind, domain):
            raise DefinitionConflictError(
                f"account {code} already exists as {existing}, not {wanted}"
            )
        return existing

    def commodities(self) -> list[Commodity]:
        """Every commodity, by code."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(commodities).order_by(commodities.c.code))
            return [Commodity(r.code, r.domain, r.unit, r.scale) for r in rows]

    def accounts(self, kind: str | None = None, domain: str | None = None) -> list[Account]:
        """Accounts, optionally of one kind and/or domain, by code."""
        query = sa.select(accounts).order_by(accounts.c.code)
        if kind is not None:
            query = query.where(accounts.c.kind == kind)
        if domain is not None:
            query = query.where(accounts.c.domain == domain)
        with self.engine.connect() as connection:
            return [Account(r.code, r.kind, r.domain, r.name) for r in connection.execute(query)]

    # ---- writing --------------------------------------------------------------------------

    def append(self, drafts: Sequence[EntryDraft]) -> Sequence[Entry]:
        """Record `drafts` in one transaction, all or nothing; returns the entries in draft order.

        A draft whose idempotency key is already recorded with the same content returns the
        original entry and writes nothing; with different content the batch is refused.
        Raises `EntriesRefusedError` listing every problem (field and position in the batch).
        The entries returned are built when first read (`AppendedEntries`).
        """
        if not isinstance(drafts, list | tuple):
            drafts = list(drafts)  # read once: the column check and the full check both read it
        count = len(drafts)
        checked: list[CheckedDraft] | None = None
        batch: Batch | None = None
        write: Callable[[Any, ChainHead], Sequence[Entry]] | None = None
        keyless = False
        writer = self._compiled_writer()
        if writer is not None and count == 1:  # checked and written in one compiled call
            try:
                one = writer.append_one(
                    drafts[0], self._commodities, self._accounts, *KNOWN_VALUES, Decimal
                )
            except _WRITE_FAILED:
                return self._redo_in_python(_checked_or_refused(drafts))
            if one is not None:
                row, recorded, scale = one
                return AppendedEntries([row], [drafts[0].effective_at], recorded, {row[2]: scale})
        if count < _CHECK_COLUMNS_FROM:  # a few drafts: checked one by one at less cost
            checked = _checked_or_refused(drafts)
            if not checked:
                return []
            keyless = all(c.idempotency_key is None for c in checked)
            if count == 1 and writer is None:
                single = self._single_prepared(checked[0])
                if single is not None:
                    minor, quantity, scale = single
                    write = functools.partial(
                        self._write_single, draft=checked[0], minor=minor, quantity=quantity,
                        scale=scale,
                    )  # fmt: skip
            else:  # with a compiled writer, a draft append_one left to Python goes as a batch
                batch = Batch.of(checked)
        else:
            batch = check_batch(drafts)
            if batch is not None:
                keyless = batch.idempotency_key.count(None) == count
        prepared = self._prepared(batch) if batch is not None else None
        if prepared is not None:
            assert batch is not None
            if writer is not None:
                try:
                    return self._append_compiled(writer, batch, *prepared)
                except _WRITE_FAILED:
                    return self._redo_in_python(checked or batch.drafts())
            write = functools.partial(
                self._write_batch, batch=batch, minors=prepared[0], quantities=prepared[1]
            )
        if write is None and checked is None:
            checked = _checked_or_refused(drafts)
        # Optimistic first: fresh keys are the rule, and the unique index refuses a recorded
        # one; on PostgreSQL a small batch chains onto the last head this ledger wrote, and the
        # seq primary key and a conditional head update refuse it if another writer moved the
        # head. Either refusal rolls the attempt back, and the batch is redone under the head
        # lock, looking the keys up first.
        hint = self._head_hint if self._postgres and count < _COPY_FROM else None
        if write is not None:
            if hint is None and keyless:
                with self._write_driver() as dbapi:
                    return write(dbapi, self._lock_head(dbapi))
            try:
                with self._write_driver(one_statement=hint is not None) as dbapi:
                    return write(dbapi, hint or self._lock_head(dbapi))
            except self._retryable:
                pass
            if checked is None:
                assert batch is not None
                checked = batch.drafts()
        else:
            assert checked is not None
            if hint is not None or any(c.idempotency_key is not None for c in checked):
                try:
                    with self._write_driver(one_statement=hint is not None) as dbapi:
                        return self._append_checked(dbapi, checked, look_up_keys=False, head=hint)
                except self._retryable:
                    pass
        with self._write_driver() as dbapi:
            return self._append_checked(dbapi, checked)

    def correct(
        self, seq: int, actor: str, reason: str, *, document_ref: str | None = None
    ) -> Entry:
        """Reverse entry `seq` with a `correction` entry linked to it (`corrects = seq`).

        The reversal moves the same quantity back, effective when the original was; the reason
        is kept in its attributes. An entry can be corrected once; corrections are not corrected.
        """
        problems = [
            EntryProblem(None, field, problem)
            for field, value, optional in (
                ("actor", actor, False),
                ("reason", reason, False),
                ("document_ref", document_ref, True),
            )
            if (problem := text_problem(value, optional=optional))
        ]
        if problems:
            raise EntriesRefusedError(problems)
        with self._write() as connection:
            original = self._entry_row(connection, seq)
            if original is None:
                raise EntriesRefusedError(
                    [EntryProblem(None, "seq", f"no entry {seq} in the ledger")]
                )
            if original.corrects is not None:
                raise EntriesRefusedError(
                    [EntryProblem(None, "seq", f"entry {seq} is itself a correction")]
                )
            corrector = connection.execute(
                sa.select(ledger_entries.c.seq).where(ledger_entries.c.corrects == seq)
            ).scalar()
            if corrector is not None:
                raise EntriesRefusedError(
                    [EntryProblem(None, "seq", f"entry {seq} is already corrected by {corrector}")]
                )
            commodity = self._load_commodities(connection, [original.commodity])[original.commodity]
            reversal = CheckedDraft(
                row=0,
                commodity=original.commodity,
                quantity=Decimal(original.quantity_minor).scaleb(-commodity.scale),
                from_account=original.to_account,
                to_account=original.from_account,
                kind=CORRECTION_KIND,
                effective_at=original.effective_at,
                effective_moment=parse_timestamp(original.effective_at),
                actor=actor,
                document_ref=document_ref,
                idempotency_key=None,
                attributes_json=attributes_json({"reason": reason}),
                corrects=seq,
            )
            return self._append_checked(_driver(connection), [reversal])[0]

    def _append_checked(
        self,
        dbapi: Any,
        checked: list[CheckedDraft],
        *,
        look_up_keys: bool = True,
        head: ChainHead | None = None,
    ) -> Sequence[Entry]:
        """Append under the head lock, or, given the expected `head`, refuse if it moved.

        The general path: references read if not cached, idempotency keys looked up (unless
        `look_up_keys` is false and nothing was refused), each problem named. `dbapi` is the
        driver's connection, inside the write transaction.
        """
        if head is None:
            head = self._lock_head(dbapi)
        minors, problems = self._resolve_references(dbapi, checked)
        keys = [c.idempotency_key for c in checked if c.idempotency_key is not None]
        look_up_keys = look_up_keys or bool(problems)
        recorded = self._rows_by_key(dbapi, keys) if keys and look_up_keys else {}
        results: dict[int, Entry] = {}
        fresh: list[CheckedDraft] = []
        fresh_minors: list[int] = []
        for draft, minor in zip(checked, minors, strict=True):
            if minor is None:
                continue
            original = recorded.get(draft.idempotency_key) if draft.idempotency_key else None
            if original is None:
                fresh.append(draft)
                fresh_minors.append(minor)
                continue
            differing = [f for f in _COMPARED_FIELDS if _stored(draft, minor, f) != original[f]]
            if differing:
                problems.append(
                    EntryProblem(
                        draft.row,
                        "idempotency_key",
                        f"{draft.idempotency_key!r} was recorded as entry {original['seq']} with "
                        f"different {', '.join(differing)}; refusing the replay",
                    )
                )
            else:
                results[draft.row] = self._entry_from_mapping(original)
        if problems:
            raise EntriesRefusedError(sorted(problems, key=lambda p: (p.row or 0, p.field)))
        if not fresh:
            return [results[draft.row] for draft in checked]
        formats = {code: _quantity_format(c.scale) for code, c in self._commodities.items()}
        quantities = [
            pattern % divmod(minor, unit) if unit > 1 else pattern % minor
            for minor, (unit, pattern) in zip(
                fresh_minors, map(formats.__getitem__, (d.commodity for d in fresh)), strict=True
            )
        ]
        entries = self._write_batch(dbapi, head, Batch.of(fresh), fresh_minors, quantities)
        if not results:
            return entries
        for draft, entry in zip(fresh, entries, strict=True):
            results[draft.row] = entry
        return [results[draft.row] for draft in checked]

    def _single_prepared(self, draft: CheckedDraft) -> tuple[int, str, int] | None:
        """Minor units, canonical quantity text and scale of one draft `_prepared` would take
        (references cached, accounts of the commodity's domain, quantity exact), else None."""
        commodity = self._commodities.get(draft.commodity)
        source = self._accounts.get(draft.from_account)
        target = self._accounts.get(draft.to_account)
        if commodity is None or source is None or target is None:
            return None
        if source.domain != commodity.domain or target.domain != commodity.domain:
            return None
        exact = _exact_quantities([draft.quantity], commodity.scale)
        if exact is not None:
            return exact[0][0], exact[1][0], commodity.scale
        scaled = draft.quantity.scaleb(commodity.scale)
        minor = int(scaled)
        if minor != scaled or minor >= _MINOR_LIMIT:
            return None
        unit, pattern = _quantity_format(commodity.scale)
        text = pattern % divmod(minor, unit) if unit > 1 else pattern % minor
        return minor, text, commodity.scale

    def _redo_in_python(self, checked: list[CheckedDraft]) -> Sequence[Entry]:
        """After the database refused a compiled append (rolled back: a recorded idempotency
        key, a busy store), the same drafts on the general Python path, which looks the keys up
        and names any problem."""
        with self._write_driver() as dbapi:
            return self._append_checked(dbapi, checked)

    def _prepared(self, batch: Batch) -> tuple[list[int], list[str]] | None:
        """Quantities in minor units and as canonical text, for a batch whose commodities
        and accounts are cached, of one scale, and whose accounts are of the commodity's
        domain; None for anything else (the general path names any problem).
        """
        commodity_of, account_of = self._commodities, self._accounts
        codes = set(batch.commodity)
        routes = set(zip(batch.commodity, batch.from_account, batch.to_account, strict=True))
        if not codes <= commodity_of.keys():
            return None
        for commodity, source, target in routes:
            domain = commodity_of[commodity].domain
            from_account, to_account = account_of.get(source), account_of.get(target)
            if from_account is None or to_account is None:
                return None
            if from_account.domain != domain or to_account.domain != domain:
                return None
        scales = {commodity_of[code].scale for code in codes}
        if len(scales) != 1:
            return None
        scale = scales.pop()
        exact = _exact_quantities(batch.quantity, scale)
        if exact is not None:
            return exact
        scaled = list(map(Decimal.scaleb, batch.quantity, repeat(scale)))
        minors = list(map(int, scaled))
        if not all(map(Decimal.__eq__, scaled, minors)) or max(minors) >= _MINOR_LIMIT:
            return None
        unit, pattern = _quantity_format(scale)
        if unit == 1:
            return minors, list(map(pattern.__mod__, minors))
        return minors, list(map(pattern.__mod__, map(divmod, minors, repeat(unit))))

    def _compiled_writer(self) -> Any | None:
        """This thread's compiled writer (`_chaincheck.Writer`) on this store, or None when
        appends run in Python: PostgreSQL, in-memory SQLite, the extension not built, or
        NAFOLO_LEDGER_WRITER=python."""
        if self._writer_choice == "python" or self._postgres or _COMPILED is None:
            return None
        return _writers_of(self.engine).current(self.engine)

    def _append_compiled(
        self, writer: Any, batch: Batch, minors: list[int], quantities: list[str]
    ) -> AppendedEntries:
        """`_write_batch` in C, transaction included: the same rows, hashes, balances and head
        (tests/ledger pin the equivalence); raises `_chaincheck.WriteError`, rolled back, when
        the database refuses (a recorded idempotency key, a busy store)."""
        recorded_moment = datetime.now(UTC)
        recorded_at = _utc_text(recorded_moment)
        entry_ids = _uuid4_texts(len(minors))
        head_seq, head_hash, hashes = writer.append(
            entry_ids, batch.commodity, quantities, minors, batch.from_account, batch.to_account,
            batch.kind, recorded_at, batch.effective_at, batch.actor, batch.document_ref,
            batch.idempotency_key, batch.attributes_json, batch.corrects,
        )  # fmt: skip
        rows = _stored_rows(
            batch, minors, entry_ids, recorded_at, ChainHead(head_seq, head_hash), hashes
        )
        return self._entries(batch, rows, recorded_moment)

    def _entries(
        self, batch: Batch, rows: list[tuple[Any, ...]], recorded_moment: datetime
    ) -> AppendedEntries:
        scales = {code: self._commodities[code].scale for code in set(batch.commodity)}
        return AppendedEntries(rows, batch.effective_moment, recorded_moment, scales)

    def _write_batch(
        self,
        dbapi: Any,
        head: ChainHead,
        batch: Batch,
        minors: list[int],
        quantities: list[str],
    ) -> AppendedEntries:
        """Chain the batch onto `head`, write it, move the balances and the head.

        Column by column: the canonical fields (`canonical.canonical_bytes`, optional fields
        '' when absent) go to `canonical.chain_hashes` as columns, which joins, hashes and
        chains them in C when the extension is built; the batch's UUIDs come from one draw of
        randomness. Entries are built when first read.
        """
        recorded_moment = datetime.now(UTC)
        recorded_at = _utc_text(recorded_moment)
        count = len(minors)
        seqs = range(head.seq + 1, head.seq + 1 + count)
        entry_ids = _uuid4_texts(count)
        documents, keys, corrects = batch.document_ref, batch.idempotency_key, batch.corrects
        absent = (
            "" if corrects.count(None) == count else ["" if c is None else str(c) for c in corrects]
        )
        documents_text = [d or "" for d in documents]
        keys_text = [k or "" for k in keys]
        hashes = chain_hashes(
            (
                FORMAT, list(map(str, seqs)), entry_ids, batch.commodity, quantities,
                batch.from_account, batch.to_account, batch.kind, recorded_at, batch.effective_at,
                batch.actor, documents_text, keys_text, batch.attributes_json, absent,
            ),
            count,
            head.hash,
        )  # fmt: skip
        rows = _stored_rows(batch, minors, entry_ids, recorded_at, head, hashes)
        moved: dict[tuple[str, str, str], int] = {}
        get = moved.get
        routes = zip(batch.commodity, batch.from_account, batch.to_account, strict=True)
        for route, minor in zip(routes, minors, strict=True):
            moved[route] = get(route, 0) + minor
        deltas: dict[tuple[str, str], int] = defaultdict(int)
        for (commodity, source, target), minor in moved.items():
            deltas[(source, commodity)] -= minor
            deltas[(target, commodity)] += minor
        self._write_rows(dbapi, rows, deltas)
        self._head_hint = ChainHead(rows[-1][0], rows[-1][-1])
        return self._entries(batch, rows, recorded_moment)

    def _write_single(
        self,
        dbapi: Any,
        head: ChainHead,
        *,
        draft: CheckedDraft,
        minor: int,
        quantity: str,
        scale: int,
    ) -> AppendedEntries:
        """`_write_batch` for one draft, written out: the same row, text and hash, on a path
        short enough to stay cheap when the interpreter's caches are cold (one entry per call).
        """
        recorded_moment = datetime.now(UTC)
        recorded_at = _utc_text(recorded_moment)
        seq = head.seq + 1
        (entry_id,) = _uuid4_texts(1)
        commodity, source, target = draft.commodity, draft.from_account, draft.to_account
        document, key, corrects = draft.document_ref, draft.idempotency_key, draft.corrects
        text = SEPARATOR.join(
            (
                FORMAT, str(seq), entry_id, commodity, quantity, source, target, draft.kind,
                recorded_at, draft.effective_at, draft.actor, document or "", key or "",
                draft.attributes_json, "" if corrects is None else str(corrects), head.hash,
            )
        )  # fmt: skip
        digest = hashlib.sha256(text.encode()).hexdigest()
        row = (
            seq, entry_id, commodity, minor, source, target, draft.kind, recorded_at,
            draft.effective_at, draft.actor, document, key, draft.attributes_json, corrects,
            head.hash, digest,
        )  # fmt: skip
        self._write_rows(dbapi, [row], {(source, commodity): -minor, (target, commodity): minor})
        self._head_hint = ChainHead(seq, digest)
        return AppendedEntries([row], [draft.effective_moment], recorded_moment, {commodity: scale})

    def _write_rows(
        self, dbapi: Any, rows: list[tuple[Any, ...]], deltas: dict[tuple[str, str], int]
    ) -> None:
        """Insert the entries' `rows`, then move the balances and the head.

        Through the driver's cursor. On PostgreSQL a large batch goes in with COPY; a small
        one, with the balances and the head, in one statement (one round trip).
        """
        last_seq, last_hash = rows[-1][0], rows[-1][-1]
        cursor = dbapi.cursor()
        try:
            if self._postgres and len(rows) < _COPY_FROM:
                balances = _balance_rows(deltas, last_seq)
                cursor.execute(
                    _small_batch_sql(len(rows), len(balances)),
                    [last_seq, last_hash, rows[0][0] - 1, rows[0][-2]]
                    + [value for row in rows for value in row]
                    + [value for row in balances for value in row],
                )
                if cursor.fetchone()[0] != 1:
                    raise _HeadMovedError
                return
            if self._postgres:
                with cursor.copy(_COPY_ENTRIES) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self._insert_sql, rows)
            with dbapi.pipeline() if self._postgres else nullcontext():
                cursor.executemany(self._upsert_sql, _balance_rows(deltas, last_seq))
                cursor.execute(self._head_sql, (last_seq, last_hash))
        finally:
            cursor.close()

    def _resolve_references(
        self, dbapi: Any, checked: list[CheckedDraft]
    ) -> tuple[list[int | None], list[EntryProblem]]:
        """Each draft's quantity in minor units (None if refused), and the reference problems."""
        commodity_codes = set(map(_COMMODITY_OF, checked))
        account_codes = set(map(_SOURCE_OF, checked))
        account_codes.update(map(_TARGET_OF, checked))
        if not (
            self._commodities.keys() >= commodity_codes and self._accounts.keys() >= account_codes
        ):
            self._cache_references(dbapi, commodity_codes, account_codes)
        known_commodities, known_accounts = self._commodities, self._accounts
        domain_of = {
            code: known_accounts[code].domain for code in account_codes if code in known_accounts
        }
        problems: list[EntryProblem] = []
        minors: list[int | None] = []
        for draft in checked:
            commodity = known_commodities.get(draft.commodity)
            minor: int | str | None = None
            if commodity is not None:
                scaled = draft.quantity.scaleb(commodity.scale)
                minor = int(scaled)
                if minor != scaled or minor >= _MINOR_LIMIT:
                    minor = quantity_minor(draft.quantity, commodity)
                domain = commodity.domain
                if domain_of.get(draft.from_account) == domain == domain_of.get(draft.to_account):
                    if isinstance(minor, str):
                        problems.append(EntryProblem(draft.row, "quantity", minor))
                        minor = None
                    minors.append(minor)
                    continue
            else:
                problems.append(
                    EntryProblem(
                        draft.row, "commodity", f"{draft.commodity!r} is not a known commodity"
                    )
                )
            if isinstance(minor, str):
                problems.append(EntryProblem(draft.row, "quantity", minor))
                minor = None
            for field in ("from_account", "to_account"):
                code = getattr(draft, field)
                account = known_accounts.get(code)
                if account is None:
                    problems.append(
                        EntryProblem(draft.row, field, f"{code!r} is not a known account")
                    )
                elif commodity is not None and account.domain != commodity.domain:
                    problems.append(
                        EntryProblem(
                            draft.row,
                            field,
                            f"account {code} is a {account.domain} account; "
                            f"{commodity.code} is a {commodity.domain} commodity",
                        )
                    )
            minors.append(minor)
        return minors, problems

    # ---- reading --------------------------------------------------------------------------

    def head(self) -> ChainHead:
        """The recorded chain head: last seq and its hash."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(ledger_head.c.seq, ledger_head.c.hash)).one()
            return ChainHead(row.seq, row.hash)

    def entry(self, seq: int) -> Entry:
        """Entry `seq`; raises NotFoundError if there is none."""
        with self.engine.connect() as connection:
            row = self._entry_row(connection, seq)
            if row is None:
                raise NotFoundError(f"no entry {seq} in the ledger")
            return self._entry_from_row(row)

    def entries(
        self,
        *,
        account: str | None = None,
        commodity: str | None = None,
        kind: str | None = None,
        effective_from: datetime | None = None,
        effective_until: datetime | None = None,
        after_seq: int | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Entry]:
        """Entries in seq order matching every filter given.

        `account` matches either side of a movement; the effective window is
        [effective_from, effective_until). `after_seq` is keyset pagination (faster than offset).
        """
        if not 1 <= limit <= 10_000:
            raise EntriesRefusedError(
                [EntryProblem(None, "limit", f"must be 1–10000 (got {limit})")]
            )
        if offset < 0:
            raise EntriesRefusedError([EntryProblem(None, "offset", f"must be ≥ 0 (got {offset})")])
        table = ledger_entries
        query = sa.select(table).where(
            *_entry_clauses(account, commodity, kind, effective_from, effective_until)
        )
        if after_seq is not None:
            query = query.where(table.c.seq > after_seq)
        order = table.c.seq.desc() if newest_first else table.c.seq
        query = query.order_by(order).limit(limit).offset(offset)
        with self.engine.connect() as connection:
            return [self._entry_from_row(row) for row in connection.execute(query)]

    def count_entries(
        self,
        *,
        account: str | None = None,
        commodity: str | None = None,
        kind: str | None = None,
        effective_from: datetime | None = None,
        effective_until: datetime | None = None,
    ) -> int:
        """How many entries match the filters of `entries` (for a page's total)."""
        query = (
            sa.select(sa.func.count())
            .select_from(ledger_entries)
            .where(*_entry_clauses(account, commodity, kind, effective_from, effective_until))
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def balance(self, account: str, commodity: str) -> Decimal:
        """What `account` holds of `commodity` (received − sent), from the projection."""
        with self.engine.connect() as connection:
            unit = self._load_commodities(connection, [commodity]).get(commodity)
            if unit is None:
                raise NotFoundError(f"commodity: {commodity!r} is not a known commodity")
            if account not in self._load_accounts(connection, [account]):
                raise NotFoundError(f"account: {account!r} is not a known account")
            minor = connection.execute(
                sa.select(ledger_balances.c.quantity_minor).where(
                    ledger_balances.c.account == account, ledger_balances.c.commodity == commodity
                )
            ).scalar()
        return Decimal(minor or 0).scaleb(-unit.scale)

    def balances(
        self,
        *,
        account_kind: str | None = None,
        commodity: str | None = None,
        domain: str | None = None,
        as_of: datetime | None = None,
    ) -> list[Balance]:
        """Balances per account and commodity, by account then commodity; zero balances omitted.

        Without `as_of` this reads the projection (one small indexed read, whatever the journal
        size). With `as_of` it sums the journal's entries effective at or before that moment.
        """
        if account_kind is not None and account_kind not in ACCOUNT_KINDS:
            raise EntriesRefusedError(
                [
                    EntryProblem(
                        None, "account_kind", f"{account_kind!r} is not one of {ACCOUNT_KINDS}"
                    )
                ]
            )
        source = _journal_balances(as_of) if as_of is not None else ledger_balances
        query = (
            sa.select(
                source.c.account,
                accounts.c.kind,
                source.c.commodity,
                commodities.c.unit,
                commodities.c.scale,
                source.c.quantity_minor,
            )
            .join(accounts, accounts.c.code == source.c.account)
            .join(commodities, commodities.c.code == source.c.commodity)
            .where(source.c.quantity_minor != 0)
            .order_by(source.c.account, source.c.commodity)
        )
        if account_kind is not None:
            query = query.where(accounts.c.kind == account_kind)
        if commodity is not None:
            query = query.where(source.c.commodity == commodity)
        if domain is not None:
            query = query.where(accounts.c.domain == domain)
        with self.engine.connect() as connection:
            return [
                Balance(
                    r.account,
                    r.kind,
                    r.commodity,
                    r.unit,
                    Decimal(int(r.quantity_minor)).scaleb(-r.scale),
                )
                for r in connection.execute(query)
            ]

    def rebuild_balances(self) -> int:
        """Recompute the balances projection from the journal; returns the number of rows."""
        with self._write() as connection:
            self._lock_head(_driver(connection))
            connection.execute(ledger_balances.delete())
            journal = _journal_balances(None)
            rows = connection.execute(sa.select(journal).where(journal.c.quantity_minor != 0)).all()
            last_seq = self._lock_head(_driver(connection)).seq
            if rows:
                connection.execute(
                    ledger_balances.insert(),
                    [
                        {
                            "account": r.account,
                            "commodity": r.commodity,
                            "quantity_minor": int(r.quantity_minor),
                            "last_seq": last_seq,
                        }
                        for r in rows
                    ],
                )
            return len(rows)

    # ---- audit ----------------------------------------------------------------------------

    def verify(
        self, progress: Callable[[int, int], None] | None = None, verifier: str | None = None
    ) -> VerificationReport:
        """Recompute the whole chain and the balances from one consistent snapshot.

        `progress(done, total)` is called after each batch of entries. `verifier`: "compiled",
        "python" or "auto"; None reads NAFOLO_LEDGER_VERIFIER (see `chain.verify`).
        """
        return chain.verify(self.engine, progress, verifier)

    def export(
        self, out: Path | str | IO[str], progress: Callable[[int, int], None] | None = None
    ) -> ChainHead:
        """Write the chain as JSON Lines (header, entries, trailer); returns the exported head."""
        if isinstance(out, Path | str):
            with Path(out).open("w", encoding="utf-8", newline="\n") as stream:
                return chain.export(self.engine, stream, progress)
        return chain.export(self.engine, out, progress)

    # ---- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE_LOCK_OPTION: True})
            with connection.begin():
                yield connection

    @contextmanager
    def _write_driver(self, one_statement: bool = False) -> Iterator[Any]:
        """A write transaction on the driver's connection: committed, or rolled back on error.

        Straight from the pool, so a one-entry append pays no Core bookkeeping: on SQLite with
        `BEGIN IMMEDIATE` issued here (as `_write` does through the engine's begin hook); on
        PostgreSQL psycopg opens the transaction with the first statement. `one_statement`
        (PostgreSQL, the optimistic small append): the only write is one statement, atomic on
        its own, so it runs in autocommit — no BEGIN and COMMIT round trips.
        """
        pooled = self.engine.raw_connection()
        try:
            dbapi: Any = pooled.driver_connection
            if self._postgres and one_statement:
                dbapi.autocommit = True
                try:
                    yield dbapi
                finally:
                    dbapi.autocommit = False
                return
            if not self._postgres:
                dbapi.execute("BEGIN IMMEDIATE")
            try:
                yield dbapi
            except BaseException:
                dbapi.rollback()
                raise
            dbapi.commit()
        finally:
            pooled.close()

    def _lock_head(self, dbapi: Any) -> ChainHead:
        cursor = dbapi.cursor()
        try:
            cursor.execute(_LOCK_HEAD if self._postgres else _READ_HEAD)
            seq, digest = cursor.fetchone()
        finally:
            cursor.close()
        return ChainHead(int(seq), digest)

    def _load_commodities(self, connection: Connection, codes: Any) -> dict[str, Commodity]:
        missing = [c for c in codes if c not in self._commodities]
        if missing:
            for row in connection.execute(
                sa.select(commodities).where(commodities.c.code.in_(missing))
            ):
                self._commodities[row.code] = Commodity(row.code, row.domain, row.unit, row.scale)
        return {c: self._commodities[c] for c in codes if c in self._commodities}

    def _load_accounts(self, connection: Connection, codes: Any) -> dict[str, Account]:
        missing = [c for c in codes if c not in self._accounts]
        for start in range(0, len(missing), _LOOKUP_CHUNK):
            chunk = missing[start : start + _LOOKUP_CHUNK]
            for row in connection.execute(sa.select(accounts).where(accounts.c.code.in_(chunk))):
                self._accounts[row.code] = Account(row.code, row.kind, row.domain, row.name)
        return {c: self._accounts[c] for c in codes if c in self._accounts}

    def _rows_by_key(self, dbapi: Any, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The recorded entries (column → value) carrying these idempotency keys."""
        columns = ", ".join(_ENTRY_COLUMNS)
        if self._postgres:  # one array parameter: a long IN list gets a slow generic plan
            chunks = [keys]
            sql = f"SELECT {columns} FROM ledger_entries WHERE idempotency_key = ANY(%s)"
        else:
            chunks = [keys[i : i + _LOOKUP_CHUNK] for i in range(0, len(keys), _LOOKUP_CHUNK)]
        found: dict[str, dict[str, Any]] = {}
        cursor = dbapi.cursor()
        try:
            for chunk in chunks:
                if self._postgres:
                    cursor.execute(sql, (chunk,))
                else:
                    marks = ", ".join("?" * len(chunk))
                    cursor.execute(
                        f"SELECT {columns} FROM ledger_entries WHERE idempotency_key IN ({marks})",
                        chunk,
                    )
                for row in cursor.fetchall():
                    mapping = dict(zip(_ENTRY_COLUMNS, row, strict=True))
                    found[mapping["idempotency_key"]] = mapping
        finally:
            cursor.close()
        return found

    def _cache_references(
        self, dbapi: Any, commodity_codes: set[str], account_codes: set[str]
    ) -> None:
        """Read the commodities and accounts not yet cached (definitions never change)."""
        for row in self._rows_by_code(dbapi, "commodities", "code, domain, unit, scale",
                                      commodity_codes.difference(self._commodities)):  # fmt: skip
            self._commodities[row[0]] = Commodity(*row)
        for row in self._rows_by_code(dbapi, "accounts", "code, kind, domain, name",
                                      account_codes.difference(self._accounts)):  # fmt: skip
            self._accounts[row[0]] = Account(*row)

    def _rows_by_code(
        self, dbapi: Any, table: str, columns: str, codes: set[str]
    ) -> list[tuple[Any, ...]]:
        marker = "%s" if self._postgres else "?"
        missing = sorted(codes)
        rows: list[tuple[Any, ...]] = []
        cursor = dbapi.cursor()
        try:
            for start in range(0, len(missing), _LOOKUP_CHUNK):
                chunk = missing[start : start + _LOOKUP_CHUNK]
                marks = ", ".join([marker] * len(chunk))
                cursor.execute(f"SELECT {columns} FROM {table} WHERE code IN ({marks})", chunk)
                rows.extend(cursor.fetchall())
        finally:
            cursor.close()
        return rows

    @staticmethod
    def _entry_row(connection: Connection, seq: int) -> Row[Any] | None:
        return connection.execute(
            sa.select(ledger_entries).where(ledger_entries.c.seq == seq)
        ).first()

    def _entry_from_row(self, row: Row[Any]) -> Entry:
        return self._entry_from_mapping(dict(row._mapping))

    def _entry_from_mapping(self, row: dict[str, Any]) -> Entry:
        commodity = self._commodities.get(row["commodity"])
        if commodity is None:
            with self.engine.connect() as connection:
                commodity = self._load_commodities(connection, [row["commodity"]])[row["commodity"]]
        return Entry(
            seq=row["seq"],
            entry_id=uuid.UUID(row["entry_id"]),
            commodity=row["commodity"],
            quantity=Decimal(row["quantity_minor"]).scaleb(-commodity.scale),
            from_account=row["from_account"],
            to_account=row["to_account"],
            kind=row["kind"],
            recorded_at=parse_timestamp(row["recorded_at"]),
            effective_at=parse_timestamp(row["effective_at"]),
            actor=row["actor"],
            document_ref=row["document_ref"],
            idempotency_key=row["idempotency_key"],
            attributes=json.loads(row["attributes"]),
            corrects=row["corrects"],
            prev_hash=row["prev_hash"],
            hash=row["hash"],
        )


def _stored_rows(
    batch: Batch,
    minors: list[int],
    entry_ids: list[str],
    recorded_at: str,
    head: ChainHead,
    hashes: list[str],
) -> list[tuple[Any, ...]]:
    """The journal rows (column order) of a batch chained onto `head` with these hashes."""
    return list(
        zip(
            range(head.seq + 1, head.seq + 1 + len(minors)), entry_ids, batch.commodity, minors,
            batch.from_account, batch.to_account, batch.kind, repeat(recorded_at),
            batch.effective_at, batch.actor, batch.document_ref, batch.idempotency_key,
            batch.attributes_json, batch.corrects, [head.hash, *hashes[:-1]], hashes,
        )
    )  # fmt: skip


class _Writers:
    """The compiled writers kept for one engine: one per thread, each opened on first use and
    closed when the engine is disposed; one inherited across fork() is abandoned, not closed."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.opened: list[Any] = []
        self.lock = threading.Lock()
        self.generation = 0

    def current(self, engine: Engine) -> Any | None:
        local, generation = self.local, (self.generation, _fork_generation)
        writer = getattr(local, "writer", None)
        if writer is not None and local.generation == generation:
            return writer
        path = sqlite_file(engine)
        if path is None:
            return None
        assert _COMPILED is not None
        writer = _COMPILED.Writer(path)
        with self.lock:
            self.opened.append(writer)
        local.writer, local.generation = writer, generation
        return writer

    def close_all(self, *_: object) -> None:
        """Close every writer (the engine is disposed); threads open new ones if used again."""
        with self.lock:
            opened, self.opened = self.opened, []
            self.generation += 1
        for writer in opened:
            writer.close()

    def abandon_all(self) -> None:
        """In a child process after fork(): the connections are the parent's."""
        for writer in self.opened:
            writer.abandon()
        self.opened = []
        self.lock = threading.Lock()


_writers: weakref.WeakKeyDictionary[Engine, _Writers] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()
_fork_generation = 0
"""Incremented in a child process after fork(): writers of an earlier generation are inherited."""


def _forked() -> None:
    global _fork_generation, _writers_lock
    _fork_generation += 1
    _writers_lock = threading.Lock()
    for writers in list(_writers.values()):
        writers.abandon_all()


os.register_at_fork(after_in_child=_forked)


def _writers_of(engine: Engine) -> _Writers:
    """The compiled writers kept for `engine` (they live as long as the engine)."""
    writers = _writers.get(engine)
    if writers is None:
        with _writers_lock:
            writers = _writers.get(engine)
            if writers is None:
                writers = _writers[engine] = _Writers()
                sa.event.listen(engine, "engine_disposed", writers.close_all)
    return writers


def writer_choice() -> str:
    """NAFOLO_LEDGER_WRITER (default auto); ValueError naming it if unknown.

    auto: SQLite file stores append through the compiled writer when the extension is built;
    python: every append runs in Python (the reference).
    """
    value = os.environ.get(WRITER_ENV, "auto")
    if value not in WRITERS:
        raise ValueError(f"{WRITER_ENV}: must be one of {', '.join(WRITERS)} (got {value!r})")
    return value


def _checked_or_refused(drafts: Sequence[EntryDraft]) -> list[CheckedDraft]:
    """The drafts in stored form, checked one by one; refused naming every problem."""
    checked, problems = check_drafts(drafts)
    if problems:
        raise EntriesRefusedError(problems)
    return checked


def _driver(connection: Connection) -> Any:
    """The driver's connection under a Core connection (same transaction)."""
    return connection.connection.driver_connection


_UUID_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_UUID_VARIANT_RFC_4122 = bytes((b & 0x3F) | 0x80 for b in range(256))


def _uuid4_hex(count: int) -> str:
    """`count` random (version 4) UUIDs as one string of 32 hex digits each, from one draw."""
    random = bytearray(os.urandom(16 * count))
    random[6::16] = random[6::16].translate(_UUID_VERSION_4)
    random[8::16] = random[8::16].translate(_UUID_VARIANT_RFC_4122)
    return random.hex()


def _uuid4_texts(count: int) -> list[str]:
    """`count` random (version 4) UUIDs in their 8-4-4-4-12 text form, from one draw."""
    digits = _uuid4_hex(count)
    if count < _UUID_COLUMNS_FROM:
        return [
            f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
            for h in map(digits.__getitem__, map(slice, range(0, 32 * count, 32), repeat(None)))
        ]
    hexadecimal = digits.encode()
    texts = bytearray(b" " * (37 * count))
    for column, source in enumerate(_UUID_LAYOUT):
        texts[column::37] = b"-" * count if source < 0 else hexadecimal[source::32]
    return texts.decode().split()


_UUID_COLUMNS_FROM = 16
"""From this many UUIDs, their texts are laid out column by column (one slice per character)."""
_UUID_LAYOUT = [*range(8), -1, *range(8, 12), -1, *range(12, 16), -1, *range(16, 20), -1,
                *range(20, 32)]  # fmt: skip
"""Where each character of a UUID's text comes from: a hex digit's position, or -1 for '-'."""


def _exact_quantities(quantities: list[Decimal], scale: int) -> tuple[list[int], list[str]] | None:
    """Minor units and canonical text of positive finite quantities written with exactly `scale`
    decimals (the usual case), read off `str(quantity)`; None if any is written otherwise.

    With exponent -scale and no 'E' (which a tiny one at scale 7-9 would get), a Decimal prints
    as 'digits.scale-digits', no sign, no leading zero but the one before the point: the text
    `_quantity_format` gives, and without the point, the minor units.
    """
    if not all(map(Decimal.same_quantum, quantities, repeat(Decimal(1).scaleb(-scale)))):
        return None
    texts = list(map(str, quantities))
    if "E" in "".join(texts):
        return None
    minors = list(map(int, map(str.replace, texts, repeat("."), repeat(""))))
    if max(minors) >= _MINOR_LIMIT:
        return None
    return minors, texts


def _quantity_format(scale: int) -> tuple[int, str]:
    """(10^scale, the %-format of a `divmod(minor, 10^scale)`): `canonical.format_quantity`."""
    return 10**scale, f"%d.%0{scale}d" if scale else "%d"


def _balance_rows(deltas: dict[tuple[str, str], int], seq: int) -> list[tuple[str, str, int, int]]:
    return [
        (account, commodity, delta, seq) for (account, commodity), delta in sorted(deltas.items())
    ]


@functools.cache
def _small_batch_sql(entries: int, balances: int) -> str:
    """PostgreSQL: move the head if it is still the one the rows are chained onto, and only then
    insert the rows and upsert the balances, in one statement; it returns 1 if it wrote, 0 if
    the head had moved (nothing written). One statement is atomic on its own: with a head hint
    it runs in autocommit, one round trip in all."""
    entry_values = ", ".join(["(" + ", ".join(_ENTRY_MARKS) + ")"] * entries)
    balance_values = ", ".join(["(%s::text, %s::text, %s::bigint, %s::bigint)"] * balances)
    return (
        "WITH head AS (UPDATE ledger_head SET seq = %s, hash = %s "
        "WHERE id = 1 AND seq = %s AND hash = %s RETURNING id), "
        f"entries AS (INSERT INTO ledger_entries ({', '.join(_ENTRY_COLUMNS)}) "
        f"SELECT * FROM (VALUES {entry_values}) AS v WHERE EXISTS (SELECT FROM head)), "
        "balances AS (INSERT INTO ledger_balances (account, commodity, quantity_minor, last_seq) "
        f"SELECT * FROM (VALUES {balance_values}) AS b WHERE EXISTS (SELECT FROM head) "
        "ON CONFLICT (account, commodity) DO UPDATE SET "
        "quantity_minor = ledger_balances.quantity_minor + excluded.quantity_minor, "
        "last_seq = excluded.last_seq) "
        "SELECT count(*) FROM head"
    )


_ENTRY_MARKS = [
    "%s::text" if isinstance(column.type, sa.String) else "%s::bigint"
    for column in ledger_entries.columns
]
"""Typed parameter markers of a journal row (VALUES in a sub-select has no target types; no
length in the cast, so that the column, not the cast, refuses an over-long text)."""


def _stored(draft: CheckedDraft, minor: int, field: str) -> object:
    if field == "quantity_minor":
        return minor
    if field == "attributes":
        return draft.attributes_json
    return getattr(draft, field)


def _timestamp(field: str, moment: datetime) -> str:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise EntriesRefusedError([EntryProblem(None, field, "must be a timezone-aware datetime")])
    return format_timestamp(moment)


def _journal_balances(as_of: datetime | None) -> sa.Subquery:
    """Balances summed from the journal (optionally only entries effective at or before `as_of`)."""
    table = ledger_entries
    incoming = sa.select(
        table.c.to_account.label("account"), table.c.commodity, table.c.quantity_minor
    )
    outgoing = sa.select(
        table.c.from_account.label("account"),
        table.c.commodity,
        (-table.c.quantity_minor).label("quantity_minor"),
    )
    if as_of is not None:
        cutoff = _timestamp("as_of", as_of)
        incoming = incoming.where(table.c.effective_at <= cutoff)
        outgoing = outgoing.where(table.c.effective_at <= cutoff)
    moves = sa.union_all(incoming, outgoing).subquery("moves")
    return (
        sa.select(
            moves.c.account,
            moves.c.commodity,
            sa.func.sum(moves.c.quantity_minor).label("quantity_minor"),
        )
        .group_by(moves.c.account, moves.c.commodity)
        .subquery("journal_balances")
    )


def _entry_clauses(
    account: str | None,
    commodity: str | None,
    kind: str | None,
    effective_from: datetime | None,
    effective_until: datetime | None,
) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of an entry query; `account` matches either side of a movement."""
    table = ledger_entries
    clauses: list[sa.ColumnElement[bool]] = []
    if account is not None:
        clauses.append(sa.or_(table.c.from_account == account, table.c.to_account == account))
    if commodity is not None:
        clauses.append(table.c.commodity == commodity)
    if kind is not None:
        clauses.append(table.c.kind == kind)
    if effective_from is not None:
        clauses.append(table.c.effective_at >= _timestamp("effective_from", effective_from))
    if effective_until is not None:
        clauses.append(table.c.effective_at < _timestamp("effective_until", effective_until))
    return clauses
