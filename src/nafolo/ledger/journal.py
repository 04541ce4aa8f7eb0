"""The ledger: append-only, hash-chained journal of movements, with its balances projection."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine, Row

from nafolo.ledger import chain
from nafolo.ledger.canonical import (
    FORMAT,
    SEPARATOR,
    attributes_json,
    format_timestamp,
    parse_timestamp,
)
from nafolo.ledger.drafts import (
    CODE_PATTERN,
    COMMODITY_PATTERN,
    CORRECTION_KIND,
    CheckedDraft,
    check_drafts,
    quantity_minor,
    text_problem,
)
from nafolo.ledger.model import (
    Account,
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
from nafolo.store import ACCOUNT_KINDS, DOMAINS, WRITE_LOCK_OPTION
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
_COPY_FROM = 16
"""Batches of at least this many entries go into PostgreSQL with COPY rather than INSERT."""
_PREFIX = FORMAT + SEPARATOR
_ENTRY_COLUMNS = tuple(column.name for column in ledger_entries.columns)
_COPY_ENTRIES = f"COPY ledger_entries ({', '.join(_ENTRY_COLUMNS)}) FROM STDIN"


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

    def append(self, drafts: Sequence[EntryDraft]) -> list[Entry]:
        """Record `drafts` in one transaction, all or nothing; returns the entries in draft order.

        A draft whose idempotency key is already recorded with the same content returns the
        original entry and writes nothing; with different content the batch is refused.
        Raises `EntriesRefusedError` listing every problem (field and position in the batch).
        """
        checked, problems = check_drafts(drafts)
        if problems:
            raise EntriesRefusedError(problems)
        if not checked:
            return []
        # Optimistic first: fresh keys are the rule, and the unique index refuses a recorded
        # one; on PostgreSQL a small batch chains onto the last head this ledger wrote, and the
        # seq primary key and a conditional head update refuse it if another writer moved the
        # head. Either refusal rolls the attempt back, and the batch is redone under the head
        # lock, looking the keys up first.
        hint = self._head_hint if self._postgres and len(checked) < _COPY_FROM else None
        if hint is not None or any(c.idempotency_key is not None for c in checked):
            try:
                with self._write() as connection:
                    return self._append_checked(connection, checked, look_up_keys=False, head=hint)
            except self._retryable:
                pass
        with self._write() as connection:
            return self._append_checked(connection, checked)

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
                attributes={"reason": reason},
                corrects=seq,
            )
            return self._append_checked(connection, [reversal])[0]

    def _append_checked(
        self,
        connection: Connection,
        checked: list[CheckedDraft],
        *,
        look_up_keys: bool = True,
        head: ChainHead | None = None,
    ) -> list[Entry]:
        """Append under the head lock, or, given the expected `head`, refuse if it moved."""
        if head is None:
            head = self._lock_head(connection)
        minors, problems = self._resolve_references(connection, checked)
        keys = [c.idempotency_key for c in checked if c.idempotency_key is not None]
        look_up_keys = look_up_keys or bool(problems)
        recorded = self._rows_by_key(connection, keys) if keys and look_up_keys else {}
        results: dict[int, Entry] = {}
        fresh: list[tuple[CheckedDraft, int]] = []
        for draft, minor in zip(checked, minors, strict=True):
            if minor is None:
                continue
            original = recorded.get(draft.idempotency_key) if draft.idempotency_key else None
            if original is None:
                fresh.append((draft, minor))
                continue
            differing = [
                f for f in _COMPARED_FIELDS if _stored(draft, minor, f) != original._mapping[f]
            ]
            if differing:
                problems.append(
                    EntryProblem(
                        draft.row,
                        "idempotency_key",
                        f"{draft.idempotency_key!r} was recorded as entry {original.seq} with "
                        f"different {', '.join(differing)}; refusing the replay",
                    )
                )
            else:
                results[draft.row] = self._entry_from_row(original)
        if problems:
            raise EntriesRefusedError(sorted(problems, key=lambda p: (p.row or 0, p.field)))
        if not fresh:
            return [results[draft.row] for draft in checked]
        entries: list[Entry] = []
        deltas: dict[tuple[str, str], int] = defaultdict(int)
        rows = self._chain_rows(head, fresh, entries, deltas)
        self._write_rows(connection, rows, len(fresh), entries, deltas)
        self._head_hint = ChainHead(entries[-1].seq, entries[-1].hash)
        if not results:
            return entries
        for (draft, _), entry in zip(fresh, entries, strict=True):
            results[draft.row] = entry
        return [results[draft.row] for draft in checked]

    def _write_rows(
        self,
        connection: Connection,
        rows: Iterator[tuple[Any, ...]],
        count: int,
        entries: list[Entry],
        deltas: dict[tuple[str, str], int],
    ) -> None:
        """Insert the entries as `rows` yields them, then move the balances and the head.

        Through the driver's cursor. On PostgreSQL a large batch streams in with COPY (the
        server stores rows while the next ones are hashed); a small one goes, with the balances
        and the head, in one statement (one round trip).
        """
        dbapi: Any = connection.connection.driver_connection
        cursor = dbapi.cursor()
        try:
            if self._postgres and count < _COPY_FROM:
                rows = iter(list(rows))
                balances = _balance_rows(deltas, entries[-1].seq)
                cursor.execute(
                    _small_batch_sql(count, len(balances)),
                    [value for row in rows for value in row]
                    + [value for row in balances for value in row]
                    + [entries[-1].seq, entries[-1].hash, entries[0].seq - 1, entries[0].prev_hash],
                )
                if cursor.rowcount != 1:
                    raise _HeadMovedError
                return
            if self._postgres:
                with cursor.copy(_COPY_ENTRIES) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self._insert_sql, rows)
            last = entries[-1]
            with dbapi.pipeline() if self._postgres else nullcontext():
                cursor.executemany(self._upsert_sql, _balance_rows(deltas, last.seq))
                cursor.execute(self._head_sql, (last.seq, last.hash))
        finally:
            cursor.close()

    def _chain_rows(
        self,
        head: ChainHead,
        fresh: list[tuple[CheckedDraft, int]],
        entries: list[Entry],
        deltas: dict[tuple[str, str], int],
    ) -> Iterator[tuple[Any, ...]]:
        """Rows to insert (in `_ENTRY_COLUMNS` order), one by one, each chained to the last;
        the entries and the balance changes accumulate in `entries` and `deltas`.

        The canonical text is `canonical.canonical_bytes` written inline (the hot loop).
        """
        recorded_moment = datetime.now(UTC)
        recorded_at = format_timestamp(recorded_moment)
        seq, prev_hash = head.seq, head.hash
        random_bytes = os.urandom(16 * len(fresh))
        formats = {
            code: (10**c.scale, f"%d.%0{c.scale}d" if c.scale else "%d", -c.scale)
            for code, c in self._commodities.items()
        }
        sha256, make_uuid, make_entry = hashlib.sha256, uuid.UUID, Entry
        for index, (draft, minor) in enumerate(fresh):
            seq += 1
            uid = make_uuid(bytes=random_bytes[16 * index : 16 * index + 16], version=4)
            entry_id = str(uid)
            commodity, source, target = draft.commodity, draft.from_account, draft.to_account
            unit, pattern, exponent = formats[commodity]
            quantity = pattern % divmod(minor, unit) if unit > 1 else pattern % minor
            corrects = draft.corrects
            digest = sha256(
                f"{_PREFIX}{seq}\x1f{entry_id}\x1f{commodity}\x1f{quantity}\x1f{source}"
                f"\x1f{target}\x1f{draft.kind}\x1f{recorded_at}\x1f{draft.effective_at}"
                f"\x1f{draft.actor}\x1f{draft.document_ref or ''}"
                f"\x1f{draft.idempotency_key or ''}\x1f{draft.attributes_json}"
                f"\x1f{'' if corrects is None else corrects}\x1f{prev_hash}".encode()
            ).hexdigest()
            row = (
                seq,
                entry_id,
                commodity,
                minor,
                source,
                target,
                draft.kind,
                recorded_at,
                draft.effective_at,
                draft.actor,
                draft.document_ref,
                draft.idempotency_key,
                draft.attributes_json,
                corrects,
                prev_hash,
                digest,
            )
            entries.append(
                make_entry(
                    seq,
                    uid,
                    commodity,
                    Decimal(minor).scaleb(exponent),
                    source,
                    target,
                    draft.kind,
                    recorded_moment,
                    draft.effective_moment,
                    draft.actor,
                    draft.document_ref,
                    draft.idempotency_key,
                    draft.attributes,
                    corrects,
                    prev_hash,
                    digest,
                )
            )
            deltas[(source, commodity)] -= minor
            deltas[(target, commodity)] += minor
            prev_hash = digest
            yield row

    def _resolve_references(
        self, connection: Connection, checked: list[CheckedDraft]
    ) -> tuple[list[int | None], list[EntryProblem]]:
        """Each draft's quantity in minor units (None if refused), and the reference problems."""
        known_commodities = self._load_commodities(connection, {c.commodity for c in checked})
        known_accounts = self._load_accounts(
            connection, {a for c in checked for a in (c.from_account, c.to_account)}
        )
        domain_of = {code: account.domain for code, account in known_accounts.items()}
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
            self._lock_head(connection)
            connection.execute(ledger_balances.delete())
            journal = _journal_balances(None)
            rows = connection.execute(sa.select(journal).where(journal.c.quantity_minor != 0)).all()
            last_seq = self._lock_head(connection).seq
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

    def verify(self, progress: Callable[[int, int], None] | None = None) -> VerificationReport:
        """Recompute the whole chain and the balances from one consistent snapshot.

        `progress(done, total)` is called after each batch of entries.
        """
        return chain.verify(self.engine, progress)

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

    def _lock_head(self, connection: Connection) -> ChainHead:
        dbapi: Any = connection.connection.driver_connection
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

    def _rows_by_key(self, connection: Connection, keys: list[str]) -> dict[str, Row[Any]]:
        found: dict[str, Row[Any]] = {}
        if self._postgres:  # one array parameter: a long IN list gets a slow generic plan
            keys_array = sa.bindparam("keys", keys, type_=postgresql.ARRAY(sa.String))
            query = sa.select(ledger_entries).where(
                ledger_entries.c.idempotency_key == sa.any_(keys_array)
            )
            return {row.idempotency_key: row for row in connection.execute(query)}
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start : start + _LOOKUP_CHUNK]
            query = sa.select(ledger_entries).where(ledger_entries.c.idempotency_key.in_(chunk))
            for row in connection.execute(query):
                found[row.idempotency_key] = row
        return found

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


def _balance_rows(deltas: dict[tuple[str, str], int], seq: int) -> list[tuple[str, str, int, int]]:
    return [
        (account, commodity, delta, seq) for (account, commodity), delta in sorted(deltas.items())
    ]


@functools.cache
def _small_batch_sql(entries: int, balances: int) -> str:
    """PostgreSQL: insert `entries` rows, upsert `balances` rows and move the head, at once."""
    entry_values = ", ".join(["(" + ", ".join(["%s"] * len(_ENTRY_COLUMNS)) + ")"] * entries)
    balance_values = ", ".join(["(%s, %s, %s, %s)"] * balances)
    return (
        f"WITH entries AS (INSERT INTO ledger_entries ({', '.join(_ENTRY_COLUMNS)}) "
        f"VALUES {entry_values}), "
        "balances AS (INSERT INTO ledger_balances (account, commodity, quantity_minor, last_seq) "
        f"VALUES {balance_values} ON CONFLICT (account, commodity) DO UPDATE SET "
        "quantity_minor = ledger_balances.quantity_minor + excluded.quantity_minor, "
        "last_seq = excluded.last_seq) "
        "UPDATE ledger_head SET seq = %s, hash = %s WHERE id = 1 AND seq = %s AND hash = %s"
    )


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
