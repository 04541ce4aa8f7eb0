"""The compiled append path (`_chaincheck.Writer`, `chain_hashes`, `attributes_texts`,
`utc_texts`) against the Python reference: the same stored rows, hashes, balances and head."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_support import setup_network

from nafolo.ledger import EntryDraft, Ledger, journal
from nafolo.ledger.canonical import (
    SEPARATOR,
    _python_chain_hashes,
    canonical_bytes,
    compiled_extension,
    entry_hash,
)
from nafolo.ledger.drafts import _python_attributes_json, _python_utc_texts
from nafolo.store import create_engine, upgrade

COMPILED = compiled_extension()
pytestmark = pytest.mark.skipif(
    COMPILED is None,
    reason="compiled extension not built (nafolo.ledger._chaincheck): pip install -e . needs gcc, "
    "libsqlite3-dev and libssl-dev",
)
JUNE_1 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
texts = st.text(st.characters(blacklist_characters=SEPARATOR, blacklist_categories=("Cs",)))


def sqlite_ledger(path: Path, monkeypatch: pytest.MonkeyPatch, writer: str) -> Ledger:
    monkeypatch.setenv(journal.WRITER_ENV, writer)
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    ledger = Ledger(engine)
    setup_network(ledger)
    return ledger


def stored(ledger: Ledger) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], tuple[Any, ...]]:
    """Every journal row with its SQLite storage classes, the balances and the head."""
    path = ledger.engine.url.database
    assert path is not None
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(ledger_entries)")]
        typed = ", ".join(f"{c}, typeof({c})" for c in columns)
        rows = connection.execute(f"SELECT {typed} FROM ledger_entries ORDER BY seq").fetchall()
        balances = connection.execute(
            "SELECT account, commodity, quantity_minor, typeof(quantity_minor), last_seq "
            "FROM ledger_balances ORDER BY account, commodity"
        ).fetchall()
        head = connection.execute("SELECT seq, hash FROM ledger_head").fetchone()
    return rows, balances, head


def drafts(count: int, start: int = 0, keyed: bool = False, **fields: Any) -> list[EntryDraft]:
    steps = [
        ("SUPPLIER:CONTRACT", "PORT:DAKAR", "lifting"),
        ("PORT:DAKAR", "TRANSIT:DAKAR-BAMAKO", "dispatch"),
        ("TRANSIT:DAKAR-BAMAKO", "DEPOT:BAMAKO-SENOU", "receipt"),
        ("TRANSIT:DAKAR-BAMAKO", "LOSS:TRANSIT", "transit_loss"),
    ]
    made = []
    for i in range(start, start + count):
        source, target, kind = steps[i % len(steps)]
        values: dict[str, Any] = {
            "commodity": "GO",
            "quantity": Decimal(30_000 + i * 7).scaleb(-3),
            "from_account": source,
            "to_account": target,
            "kind": kind,
            "effective_at": JUNE_1 + timedelta(minutes=i),
            "actor": "opérateur",
            "document_ref": f"BL-{i}" if i % 3 else None,
            "idempotency_key": f"key-{i}" if keyed or i % 2 else None,
            "attributes": {"density": Decimal("0.845"), "note": f"n°{i}"},
        }
        values.update(fields)
        made.append(EntryDraft(**values))
    return made


def without_randomness(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows without entry_id, recorded_at, prev_hash and hash (random or time-dependent)."""
    return [row[:2] + row[4:14] + row[16:28] for row in rows]


@pytest.mark.parametrize("batch", [1, 3, 40])
def test_compiled_appends_store_what_python_appends_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    compiled = sqlite_ledger(tmp_path / "compiled.sqlite", monkeypatch, "auto")
    python = sqlite_ledger(tmp_path / "python.sqlite", monkeypatch, "python")
    assert compiled._compiled_writer() is not None and python._compiled_writer() is None
    for start in range(0, 120, batch):
        compiled.append(drafts(batch, start))
        python.append(drafts(batch, start))
    compiled_rows, compiled_balances, compiled_head = stored(compiled)
    python_rows, python_balances, python_head = stored(python)
    assert without_randomness(compiled_rows) == without_randomness(python_rows)
    assert compiled_balances == python_balances
    assert compiled_head[0] == python_head[0] == 120
    assert compiled.verify(verifier="python").ok


def test_compiled_append_returns_the_entries_it_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = sqlite_ledger(tmp_path / "store.sqlite", monkeypatch, "auto")
    entries = ledger.append(drafts(5))
    assert list(entries) == [ledger.entry(seq) for seq in range(1, 6)]
    (single,) = ledger.append(drafts(1, 5))
    assert single == ledger.entry(6) and single.prev_hash == entries[-1].hash


def test_a_replayed_key_through_the_compiled_path_returns_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = sqlite_ledger(tmp_path / "store.sqlite", monkeypatch, "auto")
    first = ledger.append(drafts(8, keyed=True))
    again = ledger.append(drafts(8, keyed=True))
    assert list(again) == list(first)
    assert ledger.head().seq == 8
    (one,) = ledger.append(drafts(1, 1))  # a single keyed draft, already recorded
    assert one == first[1] and ledger.head().seq == 8


def test_a_refused_compiled_batch_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = sqlite_ledger(tmp_path / "store.sqlite", monkeypatch, "auto")
    ledger.append(drafts(4))
    before = stored(ledger)
    clash = drafts(6, 10) + drafts(1, 1, quantity=Decimal("1.000"))  # key-1, other content
    with pytest.raises(journal.EntriesRefusedError, match="key-1"):
        ledger.append(clash)
    assert stored(ledger) == before


def test_the_writer_variable_chooses_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = sqlite_ledger(tmp_path / "store.sqlite", monkeypatch, "python")
    assert ledger._compiled_writer() is None


def test_an_unknown_writer_choice_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(journal.WRITER_ENV, "fast")
    with pytest.raises(ValueError, match="NAFOLO_LEDGER_WRITER: must be one of auto, python"):
        journal.writer_choice()


def test_in_memory_stores_append_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(journal.WRITER_ENV, "auto")
    engine = create_engine("sqlite://")
    upgrade(engine)
    assert Ledger(engine)._compiled_writer() is None


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(texts, texts, st.one_of(st.none(), texts), st.integers(1, 2**40)),
        min_size=1,
        max_size=6,
    ),
    st.text("0123456789abcdef", min_size=64, max_size=64),
)
def test_chain_hashes_are_the_canonical_hashes(
    rows: list[tuple[str, str, str | None, int]], previous: str
) -> None:
    count = len(rows)
    ids, actors, documents, corrects = (list(column) for column in zip(*rows, strict=True))
    fields = (
        "nafolo-ledger-v1", [str(7 + i) for i in range(count)], ids, "GO", "1.000", "A", "B",
        "lifting", "2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.000000Z", actors,
        [d or "" for d in documents], "", "{}", [str(c) for c in corrects],
    )  # fmt: skip
    expected, chained = [], previous
    for i in range(count):
        chained = entry_hash(
            canonical_bytes(
                7 + i, ids[i], "GO", "1.000", "A", "B", "lifting", "2026-01-01T00:00:00.000000Z",
                "2026-01-01T00:00:00.000000Z", actors[i], documents[i], None, "{}", corrects[i],
                chained,
            )
        )  # fmt: skip
        expected.append(chained)
    assert COMPILED is not None
    assert COMPILED.chain_hashes(fields, count, previous) == expected
    assert _python_chain_hashes(fields, count, previous) == expected


def test_chain_hashes_refuse_a_column_of_the_wrong_length() -> None:
    assert COMPILED is not None
    fields = ("nafolo-ledger-v1", ["1"], *(["x", "y"],) * 13)
    with pytest.raises(TypeError, match="field 2 must be a str or a list of 1 str"):
        COMPILED.chain_hashes(fields, 1, "0" * 64)


@given(
    st.lists(
        st.datetimes(min_value=datetime(1, 1, 1), timezones=st.just(UTC)), min_size=1, max_size=9
    )
)
def test_compiled_utc_texts_are_the_python_ones(moments: list[datetime]) -> None:
    assert COMPILED is not None
    assert COMPILED.utc_texts(moments) == _python_utc_texts(moments)


def test_compiled_utc_texts_refuse_another_zone() -> None:
    assert COMPILED is not None
    with pytest.raises(ValueError, match="item 0 is not a UTC datetime"):
        COMPILED.utc_texts([datetime(2026, 1, 1)])


@given(
    st.lists(
        st.dictionaries(
            texts,
            st.one_of(
                texts,
                st.integers(min_value=-(2**70), max_value=2**70),
                st.booleans(),
                st.none(),
                st.decimals(allow_nan=False, allow_infinity=False),
            ),
            max_size=6,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_compiled_attributes_texts_are_the_python_ones(column: list[dict[str, object]]) -> None:
    assert COMPILED is not None
    assert COMPILED.attributes_texts(column, Decimal) == _python_attributes_json(column)


@pytest.mark.parametrize(
    "odd",
    [{"d": Decimal("NaN")}, {"d": Decimal("-Infinity")}, {"f": 0.5}, {"n": [1]}, {"n": {}}],
)
def test_compiled_attributes_texts_leave_odd_values_to_python(odd: dict[str, object]) -> None:
    assert COMPILED is not None
    assert COMPILED.attributes_texts([{}, odd], Decimal) is None


def mostly(valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`valid` values four times in five, `odd` ones otherwise."""
    return st.integers(0, 4).flatmap(lambda roll: odd if roll == 0 else valid)


single_drafts = st.builds(
    EntryDraft,
    commodity=mostly(st.just("GO"), st.sampled_from(["XAU", "go", "ZZ"])),
    quantity=mostly(
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1E+9"), places=3),
        st.one_of(
            st.decimals(allow_nan=True, allow_infinity=True),
            st.sampled_from([Decimal("0.000"), Decimal("-1.000"), Decimal("1E+1"), Decimal("7")]),
            st.decimals(min_value=Decimal("1E+15"), max_value=Decimal("1E+17"), places=3),
        ),
    ),
    from_account=mostly(
        st.sampled_from(["SUPPLIER:CONTRACT", "PORT:DAKAR"]),
        st.sampled_from(["VAULT:REFINERY", "NOPE", "DEPOT:KAYES"]),
    ),
    to_account=mostly(
        st.sampled_from(["TRANSIT:DAKAR-BAMAKO", "DEPOT:KAYES"]),
        st.sampled_from(["PORT:DAKAR", "LOSS:TRANSIT", "bad code!"]),
    ),
    kind=mostly(st.just("receipt"), st.sampled_from(["lifting", "correction", "Bad"])),
    effective_at=mostly(
        st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.just(UTC)),
        st.one_of(
            st.datetimes(min_value=datetime(1960, 1, 1), timezones=st.just(UTC)),
            st.datetimes(timezones=st.timezones()),
            st.datetimes(),
        ),
    ),
    actor=mostly(st.sampled_from(["opérateur", "ops"]), st.text(max_size=3)),
    document_ref=mostly(
        st.one_of(st.none(), st.text(st.characters(categories=["L", "N"]), min_size=1)),
        st.one_of(st.text(max_size=4), st.sampled_from([" ", "a\x00", "\u2028", "x" * 201])),
    ),
    idempotency_key=mostly(st.none(), st.text(min_size=1, max_size=3)),
    attributes=mostly(
        st.dictionaries(
            st.text(max_size=3),
            st.one_of(st.text(max_size=3), st.integers(), st.none(), st.booleans(),
                      st.decimals(allow_nan=False, allow_infinity=False)),
            max_size=3,
        ),
        st.sampled_from([{"nested": {"a": 1}}, {"f": 0.5}, {"d": Decimal("NaN")}, {1: "one"}]),
    ),
)  # fmt: skip


def outcome(ledger: Ledger, draft: EntryDraft) -> tuple[Any, ...]:
    """What appending one draft gave, without its random or time-dependent fields."""
    try:
        (entry,) = ledger.append([draft])
    except journal.EntriesRefusedError as error:
        return ("refused", sorted((p.row or 0, p.field, p.message) for p in error.problems))
    assert entry == ledger.entry(entry.seq)
    return (
        "recorded", entry.seq, entry.commodity, entry.quantity, entry.from_account,
        entry.to_account, entry.kind, entry.effective_at, entry.actor, entry.document_ref,
        entry.idempotency_key, entry.attributes,
    )  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(single_drafts, min_size=1, max_size=12))
def test_one_draft_appends_as_the_python_path_appends_it(
    tmp_path_factory: pytest.TempPathFactory, singles: list[EntryDraft]
) -> None:
    folder = tmp_path_factory.mktemp("single")
    with pytest.MonkeyPatch.context() as monkeypatch:
        compiled = sqlite_ledger(folder / "compiled.sqlite", monkeypatch, "auto")
        python = sqlite_ledger(folder / "python.sqlite", monkeypatch, "python")
    for draft in singles:
        assert outcome(compiled, draft) == outcome(python, draft)
    assert stored(compiled)[1:] != () and stored(compiled)[1] == stored(python)[1]


def test_disposing_the_engine_closes_its_writers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = sqlite_ledger(tmp_path / "store.sqlite", monkeypatch, "auto")
    ledger.append(drafts(2))
    first = ledger._compiled_writer()
    ledger.engine.dispose()
    with pytest.raises(COMPILED.WriteError, match="closed"):  # type: ignore[union-attr]
        first.append_one(drafts(1, 9)[0], {}, {}, set(), set(), set(), set(), Decimal)
    ledger.append(drafts(3, 2))
    assert ledger._compiled_writer() is not first
    assert ledger.head().seq == 5 and ledger.verify(verifier="python").ok


def test_a_closed_writer_falls_back_to_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = sqlite_ledger(tmp_path / "store.sqlite", monkeypatch, "auto")
    ledger.append(drafts(1))
    writer = ledger._compiled_writer()
    assert writer is not None
    writer.close()  # the thread still holds it: every compiled call now raises WriteError
    ledger.append(drafts(1, 1))
    ledger.append(drafts(6, 2))
    assert ledger.head().seq == 8 and ledger.verify(verifier="python").ok


def test_the_writer_connection_is_configured_as_the_engine_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = sqlite_ledger(tmp_path / "store.sqlite", monkeypatch, "auto")
    writer = ledger._compiled_writer()
    assert writer is not None
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "cache_size")
    pooled = ledger.engine.raw_connection()
    try:
        cursor = pooled.driver_connection.cursor()  # type: ignore[union-attr]
        engine_settings = {n: cursor.execute(f"PRAGMA {n}").fetchone()[0] for n in names}
    finally:
        pooled.close()
    assert {n: writer.pragma(n) for n in names} == engine_settings
    with pytest.raises(ValueError, match="is not a pragma name"):
        writer.pragma("synchronous = OFF")
