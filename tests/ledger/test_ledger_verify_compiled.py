"""The compiled verifier (`_chaincheck.c`) against the Python reference: for every tampering, the
same first problem (seq and message), the same head and the same balance problems."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st
from ledger_support import DISABLE, Draft, Tamper
from sqlalchemy.engine import Engine

from nafolo.ledger import Ledger, chain
from nafolo.ledger.canonical import (
    canonical_bytes,
    entry_hash,
    format_quantity,
    format_timestamp,
)
from nafolo.store import create_engine

COMPILED = chain.compiled_verifier()
pytestmark = pytest.mark.skipif(
    COMPILED is None,
    reason="compiled verifier not built (nafolo.ledger._chaincheck): pip install -e . needs gcc, "
    "libsqlite3-dev and libssl-dev",
)
LEDGER_TABLES = ("ledger_entries", "ledger_head", "ledger_balances")


def outcome(engine: Engine, verifier: str) -> tuple[Any, ...]:
    """What one verifier concluded (or the error it raised), without the timing."""
    try:
        report = chain.verify(engine, None, verifier)
    except Exception as error:  # the Python verifier's own errors must be the compiled one's too
        return ("raised", type(error).__name__, str(error))
    assert report.verifier == verifier or verifier == "auto"
    return (
        report.entries_checked,
        report.recorded_head,
        report.computed_head,
        report.chain_problem,
        report.balance_problems,
    )


def agreed(engine: Engine) -> tuple[Any, ...]:
    """The outcome both verifiers give: fails when they differ."""
    compiled, python = outcome(engine, "compiled"), outcome(engine, "python")
    assert compiled == python
    return python


@pytest.fixture
def five(ledger: Ledger, draft: Draft) -> Ledger:
    gold = {"from_account": "DEPOSITOR:COOP-SADIOLA", "to_account": "VAULT:REFINERY"}
    ledger.append(
        [
            draft(quantity=Decimal(1)),
            draft(quantity=Decimal("2.5"), document_ref="BL-2", idempotency_key="k-2"),
            draft(commodity="XAU", quantity=Decimal("0.001"), **gold),
            draft(quantity=Decimal(4), attributes={"density": Decimal("0.845")}),
            draft(quantity=Decimal(5), from_account="PORT:DAKAR", to_account="DEPOT:KAYES"),
        ]
    )
    return ledger


def test_intact_and_empty_ledgers_agree(ledger: Ledger, draft: Draft, engine: Engine) -> None:
    assert agreed(engine)[3] is None
    ledger.append([draft(quantity=Decimal(n)) for n in range(1, 4)])
    checked, recorded, computed, problem, balances = agreed(engine)
    assert (checked, problem, balances) == (3, None, [])
    assert recorded == computed == ledger.head()


def us(engine: Engine) -> str:
    return "chr(31)" if engine.dialect.name == "postgresql" else "char(31)"


@pytest.mark.parametrize(
    ("statements", "seq"),
    [
        (["UPDATE ledger_entries SET quantity_minor = 9000 WHERE seq = 3"], 3),
        (["UPDATE ledger_entries SET quantity_minor = 3000.6 WHERE seq = 4"], 4),
        (["UPDATE ledger_entries SET actor = 'intruder' WHERE seq = 2"], 2),
        (["UPDATE ledger_entries SET actor = 'op' || {us} WHERE seq = 2"], 2),
        (["UPDATE ledger_entries SET attributes = 'a\\b\tc\nd' WHERE seq = 1"], 1),
        (["UPDATE ledger_entries SET document_ref = NULL WHERE seq = 2"], 2),
        (["UPDATE ledger_entries SET hash = prev_hash WHERE seq = 4"], 4),
        (["UPDATE ledger_entries SET hash = upper(hash) WHERE seq = 1"], 1),
        (["UPDATE ledger_entries SET prev_hash = hash WHERE seq = 5"], 5),
        (["UPDATE ledger_entries SET prev_hash = 'x' || substr(prev_hash, 2) WHERE seq = 3"], 3),
        (["UPDATE ledger_entries SET prev_hash = 'short' WHERE seq = 2"], 2),
        (["DELETE FROM ledger_entries WHERE seq = 2"], 2),
        (["DELETE FROM ledger_entries WHERE seq = 1"], 1),
        (["DELETE FROM ledger_entries WHERE seq = 5"], 5),
        (["UPDATE ledger_entries SET seq = seq + 10 WHERE seq = 3"], 3),
        (["UPDATE ledger_entries SET seq = 1000000000 WHERE seq = 4"], 4),
        (
            [
                "UPDATE ledger_entries SET seq = 100 WHERE seq = 2",
                "UPDATE ledger_entries SET seq = 2 WHERE seq = 3",
                "UPDATE ledger_entries SET seq = 3 WHERE seq = 100",
            ],
            2,
        ),
        (["UPDATE ledger_head SET seq = 7"], 7),
        (["UPDATE ledger_head SET hash = 'x' || substr(hash, 2)"], 5),
        (
            [
                "UPDATE ledger_head SET seq = 4, "
                "hash = (SELECT hash FROM ledger_entries WHERE seq = 4)"
            ],
            5,
        ),
    ],
)
def test_tampering_is_named_alike(
    five: Ledger, engine: Engine, tamper: Tamper, statements: list[str], seq: int
) -> None:
    for statement in statements:
        tamper(statement.format(us=us(engine)), {})
    problem = agreed(engine)[3]
    assert problem is not None and problem.seq == seq


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_balances SET quantity_minor = 1 WHERE account = 'PORT:DAKAR'",
        "DELETE FROM ledger_balances WHERE account = 'VAULT:REFINERY'",
        "UPDATE ledger_balances SET commodity = 'XAU' WHERE account = 'DEPOT:KAYES'",
        "UPDATE ledger_entries SET to_account = 'REGION:BAMAKO' WHERE seq = 5",
        "UPDATE ledger_entries SET quantity_minor = quantity_minor * 1000",
    ],
)
def test_balance_problems_are_named_alike(five: Ledger, engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        for disable in DISABLE[engine.dialect.name]:
            connection.exec_driver_sql(disable)
        connection.exec_driver_sql(statement)
    assert agreed(engine)[4]


def test_a_forged_last_entry_leaves_only_the_balances_wrong(five: Ledger, engine: Engine) -> None:
    last = five.entries()[-1]
    forged = canonical_bytes(
        last.seq, str(last.entry_id), last.commodity, format_quantity(9_999_999, 3),
        last.from_account, last.to_account, last.kind,
        format_timestamp(last.recorded_at), format_timestamp(last.effective_at),
        last.actor, last.document_ref, last.idempotency_key, "{}", last.corrects, last.prev_hash,
    )  # fmt: skip
    digest = entry_hash(forged)
    with engine.begin() as connection:
        for disable in DISABLE[engine.dialect.name]:
            connection.exec_driver_sql(disable)
        connection.execute(
            sa.text("UPDATE ledger_entries SET quantity_minor = 9999999, hash = :h WHERE seq = 5"),
            {"h": digest},
        )
        connection.execute(sa.text("UPDATE ledger_head SET hash = :h"), {"h": digest})
    _, _, computed, problem, balances = agreed(engine)
    assert problem is None and computed.hash == digest
    assert [(b.account, b.recomputed) for b in balances] == [
        ("DEPOT:KAYES", Decimal("9999.999")),
        ("PORT:DAKAR", Decimal("7.500") - Decimal("9999.999")),
    ]


def loosen(engine: Engine, columns: list[str]) -> None:
    """Let the given ledger_entries columns hold NULL, as only a schema change would."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for column in columns:
                connection.exec_driver_sql(
                    f"ALTER TABLE ledger_entries ALTER COLUMN {column} DROP NOT NULL"
                )
            return
        for statement in DISABLE["sqlite"]:
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("ALTER TABLE ledger_entries RENAME TO ledger_entries_strict")
        connection.exec_driver_sql(
            "CREATE TABLE ledger_entries AS SELECT * FROM ledger_entries_strict"
        )


@pytest.mark.parametrize(
    ("column", "seq"),
    [("actor", 2), ("prev_hash", 3), ("hash", 4), ("quantity_minor", 1), ("from_account", 5)],
)
def test_null_fields_are_named_alike(
    five: Ledger, engine: Engine, tamper: Tamper, column: str, seq: int
) -> None:
    loosen(engine, [column])
    tamper(f"UPDATE ledger_entries SET {column} = NULL WHERE seq = {seq}", {})
    agreed(engine)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET quantity_minor = '2500 t' WHERE seq = 2",
        "UPDATE ledger_entries SET hash = CAST(hash AS BLOB) WHERE seq = 2",
    ],
)
def test_sqlite_type_oddities_are_named_alike(
    five: Ledger, engine: Engine, tamper: Tamper, statement: str
) -> None:
    if engine.dialect.name == "postgresql":
        pytest.skip("SQLite only: PostgreSQL columns hold their declared types")
    tamper(statement, {})
    problem = agreed(engine)[3]
    assert problem is not None and problem.seq == 2


def test_a_sum_sqlite_cannot_compute_is_left_to_python(
    five: Ledger, engine: Engine, tamper: Tamper
) -> None:
    if engine.dialect.name == "postgresql":
        pytest.skip("SQLite only: PostgreSQL sums bigints as numeric")
    tamper("UPDATE ledger_entries SET quantity_minor = 9223372036854775807 WHERE seq = 2", {})
    with pytest.raises(chain.CompiledVerifierError, match="integer overflow"):
        chain.verify(engine, verifier="compiled")
    assert outcome(engine, "auto") == outcome(engine, "python")
    assert outcome(engine, "python")[0] == "raised"


def remove_commodity_definition(engine: Engine, code: str) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE commodities DISABLE TRIGGER ALL")
            connection.exec_driver_sql(f"DELETE FROM commodities WHERE code = '{code}'")
        return
    path = engine.url.database
    assert path is not None
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("DROP TRIGGER commodities_no_delete")
        raw.execute(f"DELETE FROM commodities WHERE code = '{code}'")
    finally:
        raw.close()


def test_a_commodity_without_scale_is_named_alike(five: Ledger, engine: Engine) -> None:
    remove_commodity_definition(engine, "XAU")
    problem = agreed(engine)[3]
    assert problem is not None and problem.seq == 3


def test_a_scale_the_compiled_verifier_cannot_format_falls_back(
    five: Ledger, engine: Engine
) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE commodities DISABLE TRIGGER USER")
            connection.exec_driver_sql(
                "ALTER TABLE commodities DROP CONSTRAINT ck_commodities_scale"
            )
            connection.exec_driver_sql("UPDATE commodities SET scale = 19 WHERE code = 'XAU'")
    else:
        assert engine.url.database is not None
        raw = sqlite3.connect(engine.url.database, isolation_level=None)
        try:
            raw.execute("PRAGMA ignore_check_constraints = ON")
            raw.execute("DROP TRIGGER commodities_no_update")
            raw.execute("UPDATE commodities SET scale = 19 WHERE code = 'XAU'")
        finally:
            raw.close()
    with pytest.raises(chain.CompiledVerifierError, match="scale 19"):
        chain.verify(engine, verifier="compiled")
    report = chain.verify(engine, verifier="auto")
    assert report.verifier == "python"
    assert report.chain_problem is not None and report.chain_problem.seq == 3


def recorder(seen: list[tuple[int, int]]) -> chain.Progress:
    def record(done: int, total: int) -> None:
        seen.append((done, total))

    return record


def test_progress_is_reported_alike(
    five: Ledger, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chain, "BATCH_SIZE", 2)
    calls: dict[str, list[tuple[int, int]]] = {"compiled": [], "python": []}
    for verifier, seen in calls.items():
        chain.verify(engine, recorder(seen), verifier)
    assert calls["compiled"] == calls["python"] == [(2, 5), (4, 5), (5, 5)]


def test_a_failing_progress_callback_stops_the_compiled_verifier(
    five: Ledger, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chain, "BATCH_SIZE", 2)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        chain.verify(engine, cancel, "compiled")


def test_the_environment_variable_chooses_the_verifier(
    five: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(chain.VERIFIER_ENV, "python")
    assert five.verify().verifier == "python"
    monkeypatch.setenv(chain.VERIFIER_ENV, "compiled")
    assert five.verify().verifier == "compiled"
    monkeypatch.delenv(chain.VERIFIER_ENV)
    assert five.verify().verifier == "compiled"
    monkeypatch.setenv(chain.VERIFIER_ENV, "fast")
    with pytest.raises(ValueError, match=chain.VERIFIER_ENV):
        five.verify()


def test_in_memory_sqlite_is_left_to_python() -> None:
    engine = create_engine("sqlite://")
    try:
        with pytest.raises(chain.CompiledVerifierError, match="not a SQLite database file"):
            chain.verify(engine, verifier="compiled")
    finally:
        engine.dispose()


@pytest.mark.parametrize("direct", [True, False], ids=["libpq", "psycopg-copy"])
def test_both_postgresql_copy_paths_agree(
    five: Ledger, engine: Engine, tamper: Tamper, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite is read with sqlite3_step")
    monkeypatch.setattr(chain, "PG_DIRECT_COPY", direct)
    tamper("UPDATE ledger_entries SET actor = 'a\\b' || chr(9) || 'c' WHERE seq = 3", {})
    problem = agreed(engine)[3]
    assert problem is not None and problem.seq == 3


def test_the_libpq_copy_reports_server_errors_and_bad_rows(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    assert COMPILED is not None
    pooled = engine.raw_connection()
    try:
        dbapi: Any = pooled.driver_connection
        pointer = dbapi.pgconn.pgconn_ptr
        checker = COMPILED.Checker({"GO": 3}, None, 1, 20_000)
        with pytest.raises(RuntimeError, match="no_such_table"):
            checker.copy_from(pointer, "COPY no_such_table TO STDOUT")
        dbapi.rollback()
        with pytest.raises(ValueError, match="fewer fields"):
            checker.copy_from(pointer, "COPY (SELECT 1, 2) TO STDOUT")
        assert dbapi.execute("SELECT 42").fetchone() == (42,)
    finally:
        pooled.close()


# ---- the COPY text parser, without a server ----------------------------------------------------

COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f",
                "\v": "\\v"}  # fmt: skip


def copy_field(value: object) -> str:
    if value is None:
        return "\\N"
    return "".join(COPY_ESCAPES.get(c, c) for c in str(value))


def chain_rows(actors: list[str]) -> list[list[object]]:
    """Stored rows (16 columns) of a valid chain, one entry per actor."""
    rows, previous = [], "0" * 64
    for seq, actor in enumerate(actors, start=1):
        fields: list[object] = [
            seq, f"id-{seq}", "GO", 1000 * seq + 7, "A", "B", "move", "2026-06-01T08:00:00.000000Z",
            "2026-06-01T08:00:00.000000Z", actor, None, None, "{}", None, previous,
        ]  # fmt: skip
        hashed: list[Any] = [*fields[:3], format_quantity(1000 * seq + 7, 3), *fields[4:]]
        digest = entry_hash(canonical_bytes(*hashed))
        rows.append([*fields, digest])
        previous = digest
    return rows


ACTORS = ["tab\there", "new\nline", "back\\slash", "ctl\b\f\v\r", "é€𝄞", "\\N", "plain"]


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64, 100_000])
def test_copy_rows_split_anywhere_verify(block: int) -> None:
    assert COMPILED is not None
    rows = chain_rows(ACTORS)
    data = "".join("\t".join(copy_field(v) for v in row) + "\n" for row in rows).encode()
    checker = COMPILED.Checker({"GO": 3}, None, len(rows), 20_000)
    for start in range(0, len(data), block):
        checker.feed(memoryview(data)[start : start + block])
    result = checker.finish()
    assert result["problem"] is None and result["checked"] == len(rows)
    assert result["last_hash"] == rows[-1][-1]
    total = sum(1000 * seq + 7 for seq in range(1, len(rows) + 1))
    assert result["sums"] == {("A", "GO"): -total, ("B", "GO"): total}


def test_octal_and_hex_escapes_are_decoded() -> None:
    assert COMPILED is not None
    rows = chain_rows(["AB", "xyz"])
    text = "".join("\t".join(copy_field(v) for v in row) + "\n" for row in rows)
    text = text.replace("\tAB\t", "\t\\101\\x42\t").replace("\txyz\t", "\t\\x\\171\\172\t")
    checker = COMPILED.Checker({"GO": 3}, None, 2, 20_000)
    checker.feed(text.encode())
    assert checker.finish()["problem"] is None


def test_malformed_copy_data_is_refused() -> None:
    assert COMPILED is not None
    checker = COMPILED.Checker({"GO": 3}, None, 1, 20_000)
    with pytest.raises(ValueError, match="fewer fields"):
        checker.feed(b"1\tonly two\n")
    checker = COMPILED.Checker({"GO": 3}, None, 1, 20_000)
    checker.feed(b"1\tunfinished")
    with pytest.raises(ValueError, match="ends inside a row"):
        checker.finish()


# ---- random tamperings -------------------------------------------------------------------------

TEXT_COLUMNS = ["entry_id", "kind", "actor", "document_ref", "attributes", "recorded_at"]
odd_text = st.text(alphabet=st.sampled_from("aZ0.\t\n\r\\\x1f\x08\x0b\x0céN€𝄞"), max_size=8)
tamperings = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(TEXT_COLUMNS), st.integers(1, 5), odd_text),
    st.tuples(st.just("set"), st.just("quantity_minor"), st.integers(1, 5), st.integers(1, 10**17)),
    st.tuples(
        st.just("set"),
        st.sampled_from(["hash", "prev_hash"]),
        st.integers(1, 5),
        st.sampled_from(["0" * 64, "", "f" * 64, "A" * 64]),
    ),
    st.tuples(st.just("set"), st.just("seq"), st.integers(1, 5), st.integers(0, 10**12)),
    st.tuples(st.just("delete"), st.just(""), st.integers(1, 5), st.none()),
    st.tuples(st.just("balance"), st.just(""), st.integers(1, 5), st.integers(-(10**18), 10**18)),
    st.tuples(st.just("head"), st.just(""), st.integers(0, 7), st.none()),
)


def apply(connection: sa.Connection, tampering: tuple[str, str, int, Any]) -> None:
    action, column, seq, value = tampering
    if action == "set":
        connection.execute(
            sa.text(f"UPDATE ledger_entries SET {column} = :v WHERE seq = :s"),
            {"v": value, "s": seq},
        )
    elif action == "delete":
        connection.execute(sa.text("DELETE FROM ledger_entries WHERE seq = :s"), {"s": seq})
    elif action == "balance":
        connection.execute(
            sa.text(
                "UPDATE ledger_balances SET quantity_minor = :v WHERE account = "
                "(SELECT to_account FROM ledger_entries WHERE seq = :s)"
            ),
            {"v": value, "s": seq},
        )
    else:
        connection.execute(sa.text("UPDATE ledger_head SET seq = :s"), {"s": seq})


@pytest.fixture
def restorable(five: Ledger, engine: Engine) -> Iterator[Engine]:
    """The five-entry store with its triggers off and its ledger tables saved, to restore."""
    with engine.begin() as connection:
        for statement in DISABLE[engine.dialect.name]:
            connection.exec_driver_sql(statement)
        for table in LEDGER_TABLES:
            connection.exec_driver_sql(f"CREATE TABLE saved_{table} AS SELECT * FROM {table}")
    yield engine


def restore(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("ledger_entries", "ledger_balances"):
            connection.exec_driver_sql(f"DELETE FROM {table}")
            connection.exec_driver_sql(f"INSERT INTO {table} SELECT * FROM saved_{table}")
        connection.exec_driver_sql(  # the head row itself cannot be deleted
            "UPDATE ledger_head SET seq = (SELECT seq FROM saved_ledger_head), "
            "hash = (SELECT hash FROM saved_ledger_head)"
        )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(tamperings, min_size=1, max_size=3))
def test_random_tamperings_are_named_alike(
    restorable: Engine, changes: list[tuple[str, str, int, Any]]
) -> None:
    try:
        with restorable.begin() as connection:
            for change in changes:
                apply(connection, change)
    except sa.exc.DBAPIError:
        reject()  # a constraint the intruder would have to drop first
    try:
        result = agreed(restorable)
        problem = result[0] if result[0] == "raised" else result[3]
        named = str(problem)[9:30] if problem else None
        event(f"chain problem: {named}; balances: {result[-1] != []}")
    finally:
        restore(restorable)
