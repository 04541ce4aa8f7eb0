"""Ledger benchmarks: append (single and batched) against raw SQL inserts of the same rows, chain
verification throughput, and days of cover for every depot at a large journal size.

    .venv/bin/python -m benchmarks.ledger [--entries 1000000] [--postgres-url URL]

SQLite always runs; PostgreSQL runs when --postgres-url or NAFOLO_TEST_POSTGRES_URL is set (in a
fresh schema, dropped afterwards). Prints one table with PASS/FAIL per target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from nafolo.ledger import Entry, EntryDraft, Ledger
from nafolo.ledger.canonical import attributes_json, format_timestamp
from nafolo.store import create_engine, upgrade

APPEND_RATIO_TARGET = 0.8
VERIFY_TARGET_PER_S = 300_000
COVER_TARGET_MS = 100.0
PRODUCTS = {"GO": Decimal("0.8450"), "PMS": Decimal("0.7400"), "JET": Decimal("0.7950")}
DEPOTS = [
    f"DEPOT:{name}"
    for name in (
        "BKO-SENOU",
        "KAYES",
        "SIKASSO",
        "SEGOU",
        "MOPTI",
        "GAO",
        "TOMBOUCTOU",
        "KOUTIALA",
        "KIDAL",
        "NIORO",
    )
]
PORTS = [f"PORT:{name}" for name in ("DAKAR", "ABIDJAN", "CONAKRY", "NOUAKCHOTT", "LOME")]
TRANSITS = [f"TRANSIT:{p[5:]}-{d[6:]}" for p in PORTS for d in DEPOTS[:3]]
REGIONS = [f"REGION:{name}" for name in ("BAMAKO", "KAYES", "SIKASSO", "SEGOU", "MOPTI", "GAO")]
COLUMNS = (
    "seq", "entry_id", "commodity", "quantity_minor", "from_account", "to_account", "kind",
    "recorded_at", "effective_at", "actor", "document_ref", "idempotency_key", "attributes",
    "corrects", "prev_hash", "hash",
)  # fmt: skip


@dataclass(frozen=True)
class Result:
    measure: str
    engine: str
    figure: str
    reference: str
    target: str
    passed: bool


@contextmanager
def fresh_store(kind: str, postgres_url: str | None, workdir: Path) -> Iterator[Engine]:
    """A migrated, empty store: a new SQLite file, or a new PostgreSQL schema dropped after."""
    if kind == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.sqlite"
        engine = create_engine(f"sqlite:///{path}")
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    assert postgres_url is not None
    admin = create_engine(postgres_url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_url else "?"
    engine = create_engine(f"{postgres_url}{separator}options=-csearch_path%3D{schema}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def define_network(ledger: Ledger) -> None:
    for code in PRODUCTS:
        ledger.ensure_commodity(code, "fuel", "t", 3)
    ledger.ensure_account("SUPPLIER:CONTRACT", "supplier", "fuel", "Contract supplier")
    ledger.ensure_account("LOSS:TRANSIT", "loss", "fuel", "Transit losses")
    for group, kind in ((PORTS, "port"), (DEPOTS, "depot"), (TRANSITS, "transit"),
                        (REGIONS, "region")):  # fmt: skip
        for code in group:
            ledger.ensure_account(code, kind, "fuel", code.split(":", 1)[1].title())


def operations(count: int, start: int = 0) -> list[EntryDraft]:
    """A plausible mix of liftings, dispatches, receipts, losses and withdrawals."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    drafts = []
    for i in range(start, start + count):
        product = ("GO", "PMS", "JET")[i % 3]
        port, depot = PORTS[i % len(PORTS)], DEPOTS[i % len(DEPOTS)]
        transit = TRANSITS[i % len(TRANSITS)]
        step = i % 5
        source, target, kind = (
            ("SUPPLIER:CONTRACT", port, "lifting"),
            (port, transit, "dispatch"),
            (transit, depot, "receipt"),
            (transit, "LOSS:TRANSIT", "transit_loss"),
            (depot, REGIONS[i % len(REGIONS)], "withdrawal"),
        )[step]
        drafts.append(
            EntryDraft(
                commodity=product,
                quantity=Decimal(30_000 + (i * 7919) % 9_000).scaleb(-3),
                from_account=source,
                to_account=target,
                kind=kind,
                effective_at=base + timedelta(minutes=i),
                actor="bench",
                document_ref=f"DOC-{i}",
                idempotency_key=f"bench-{i}",
                attributes={"density": PRODUCTS[product], "temperature_c": Decimal("31.5")},
            )
        )
    return drafts


def row_of(entry: Entry, scale: int = 3) -> tuple[Any, ...]:
    return (
        entry.seq, str(entry.entry_id), entry.commodity, int(entry.quantity.scaleb(scale)),
        entry.from_account, entry.to_account, entry.kind, format_timestamp(entry.recorded_at),
        format_timestamp(entry.effective_at), entry.actor, entry.document_ref,
        entry.idempotency_key, attributes_json(dict(entry.attributes)), entry.corrects,
        entry.prev_hash, entry.hash,
    )  # fmt: skip


class RawInserter:
    """The reference: plain DB-API INSERTs of given rows, one transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self._pooled = engine.raw_connection()
        self.dbapi: Any = self._pooled.driver_connection
        self.postgres = engine.dialect.name == "postgresql"
        marks = ", ".join(["%s" if self.postgres else "?"] * len(COLUMNS))
        self.sql = f"INSERT INTO ledger_entries ({', '.join(COLUMNS)}) VALUES ({marks})"

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        cursor = self.dbapi.cursor()
        if not self.postgres:
            cursor.execute("BEGIN")
        cursor.executemany(self.sql, rows)
        self.dbapi.commit()
        cursor.close()

    def close(self) -> None:
        self._pooled.close()


SQLITE_SETTINGS = ("journal_mode", "synchronous", "foreign_keys", "cache_size", "busy_timeout")


def sqlite_settings(engine: Engine) -> dict[str, Any]:
    """The pragmas that weigh on write speed, as a connection of `engine` has them."""
    pooled = engine.raw_connection()
    try:
        cursor = pooled.driver_connection.cursor()  # type: ignore[union-attr]
        return {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_SETTINGS}
    finally:
        pooled.close()


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def bench_append(kind: str, url: str | None, workdir: Path, batches: int, batch: int,
                 singles: int) -> list[Result]:  # fmt: skip
    """Ours and raw inserts alternate, batch by batch, on twin stores configured alike (same
    engine settings; the SQLite pragmas are checked equal). The raw side inserts exactly the
    rows our append stored, hashes included, computed beforehand and not timed.
    """
    results = []
    with (
        fresh_store(kind, url, workdir) as ours_engine,
        fresh_store(kind, url, workdir) as raw_engine,
    ):
        ours, twin = Ledger(ours_engine), Ledger(raw_engine)
        define_network(ours)
        define_network(twin)
        if kind == "sqlite":
            settings = sqlite_settings(ours_engine)
            assert settings == sqlite_settings(raw_engine), "the twin stores differ"
            assert settings["journal_mode"] == "wal" and settings["synchronous"] == 2, settings
            writer = ours._compiled_writer()  # appends run on a connection of its own
            if writer is not None:
                writer_settings = {name: writer.pragma(name) for name in SQLITE_SETTINGS}
                assert writer_settings == settings, ("the writer differs", writer_settings)
        raw = RawInserter(raw_engine)
        ours_s = raw_s = read_s = 0.0
        for b in range(batches):
            drafts = operations(batch, b * batch)
            spent, entries = timed(lambda drafts=drafts: ours.append(drafts))
            ours_s += spent
            read_s += timed(lambda entries=entries: list(entries))[0]
            rows = [row_of(e) for e in entries]
            raw_s += timed(lambda rows=rows: raw.insert(rows))[0]
        n = batches * batch
        results.append(_ratio(f"append, batches of {batch}", kind, n / ours_s, n / raw_s))
        results.append(
            Result(
                "  same, then reading every returned Entry (built on first read)", kind,
                f"{n / (ours_s + read_s):,.0f} entries/s", f"raw INSERT {n / raw_s:,.0f}/s",
                f"— (got {raw_s / (ours_s + read_s):.2f}×)", True,
            )
        )  # fmt: skip
        ours_s = raw_s = 0.0
        for i in range(singles):
            draft = operations(1, n + i)
            spent, entries = timed(lambda draft=draft: ours.append(draft))
            ours_s += spent
            row = [row_of(entries[0])]
            raw_s += timed(lambda row=row: raw.insert(row))[0]
        results.append(_ratio("append, one entry per transaction", kind, singles / ours_s,
                              singles / raw_s))  # fmt: skip
        raw.close()
    return results


def _ratio(measure: str, kind: str, ours: float, raw: float) -> Result:
    return Result(
        measure, kind, f"{ours:,.0f} entries/s", f"raw INSERT {raw:,.0f}/s",
        f"≥ {APPEND_RATIO_TARGET}× raw (got {ours / raw:.2f}×)", ours / raw >= APPEND_RATIO_TARGET,
    )  # fmt: skip


def days_of_cover(stock_t: Decimal, daily_demand_t: Decimal) -> Decimal:
    return stock_t / daily_demand_t


def bench_large(kind: str, url: str | None, workdir: Path, entries: int,
                console: Console) -> list[Result]:  # fmt: skip
    with fresh_store(kind, url, workdir) as engine:
        ledger = Ledger(engine)
        define_network(ledger)
        chunk = 10_000
        build_s = 0.0
        for start in range(0, entries, chunk):
            drafts = operations(min(chunk, entries - start), start)
            build_s += timed(lambda drafts=drafts: ledger.append(drafts))[0]
            if (start + chunk) % 100_000 == 0:
                console.print(f"  {kind}: {start + chunk:,} entries")
        report = ledger.verify(verifier="auto")  # compiled unless the extension is not built
        reference = ledger.verify(verifier="python")
        assert report.ok and reference.ok, (report, reference)
        demand_t = {depot: Decimal(300 + 40 * i) for i, depot in enumerate(DEPOTS)}

        def cover() -> dict[tuple[str, str], Decimal]:
            return {
                (b.account, b.commodity): days_of_cover(b.quantity, demand_t[b.account])
                for b in ledger.balances(account_kind="depot")
            }

        cover()
        timings_ms = [timed(cover)[0] * 1000 for _ in range(30)]
        worst_ms, median_ms = max(timings_ms), statistics.median(timings_ms)
        per_s = report.entries_per_second
        return [
            Result(f"build {entries:,} entries (batches of {chunk:,})", kind,
                   f"{entries / build_s:,.0f} entries/s", f"{build_s:.1f} s", "—", True),
            Result(f"verify {report.entries_checked:,} entries (chain + balances), "
                   f"{report.verifier}",
                   kind, f"{per_s:,.0f} entries/s ({report.seconds:.2f} s)",
                   f"python {reference.entries_per_second:,.0f}/s ({reference.seconds:.2f} s)",
                   f"≥ {VERIFY_TARGET_PER_S:,}/s", per_s >= VERIFY_TARGET_PER_S),
            Result(f"days of cover, every depot × product, at {entries:,} entries", kind,
                   f"median {median_ms:.1f} ms", f"worst of 30: {worst_ms:.1f} ms",
                   f"< {COVER_TARGET_MS:.0f} ms", worst_ms < COVER_TARGET_MS),
        ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ledger", description=__doc__)
    parser.add_argument(
        "--entries", type=int, default=1_000_000, help="journal size for verify/cover"
    )
    parser.add_argument("--batches", type=int, default=20, help="batches in the append benchmark")
    parser.add_argument("--batch", type=int, default=1000, help="entries per batch")
    parser.add_argument("--singles", type=int, default=300, help="one-entry transactions")
    parser.add_argument("--postgres-url", default=os.environ.get("NAFOLO_TEST_POSTGRES_URL"))
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for SQLite files")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    kinds = [k for k in args.engines.split(",") if k == "sqlite" or args.postgres_url]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        for kind in kinds:
            console.print(f"[bold]{kind}[/]: append benchmark")
            results += bench_append(kind, args.postgres_url, Path(folder), args.batches,
                                    args.batch, args.singles)  # fmt: skip
            console.print(f"[bold]{kind}[/]: building {args.entries:,} entries")
            results += bench_large(kind, args.postgres_url, Path(folder), args.entries, console)
    table = Table(title="Nafolo ledger benchmarks")
    for column in ("measure", "engine", "figure", "reference", "target", "result"):
        table.add_column(column)
    for r in results:
        passed = "[green]PASS[/]" if r.passed else "[red]FAIL[/]"
        verdict = "—" if r.target.startswith("—") else passed
        table.add_row(r.measure, r.engine, r.figure, r.reference, r.target, verdict)
    Console(width=200).print(table)
    if "postgresql" in args.engines and not args.postgres_url:
        console.print("PostgreSQL skipped: set --postgres-url or NAFOLO_TEST_POSTGRES_URL")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
