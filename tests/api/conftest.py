"""API fixtures: a TestClient over a fresh migrated store (SQLite, and PostgreSQL when configured),
the ledger behind it, and a small fuel chart seeded straight into the ledger."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fuel_payloads import DISPATCH, LIFTING, post
from sqlalchemy.engine import Engine

from nafolo.api import create_app
from nafolo.fuel.network.io import load_network
from nafolo.fuel.operations import FuelOperations
from nafolo.ledger import EntryDraft, Ledger
from nafolo.settings import Settings
from nafolo.store import create_engine, upgrade

JUNE_1 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
CHART = {
    "SUPPLIER:SUPPLY-2026": "supplier",
    "PORT:DAKAR": "port",
    "DEPOT:BKO-SENOU": "depot",
    "DEPOT:KAYES": "depot",
    "REGION:BAMAKO": "region",
}


@pytest.fixture(scope="session")
def charted_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store holding the Mali network's chart of accounts (no entries)."""
    path = tmp_path_factory.mktemp("template") / "charted.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    FuelOperations(Ledger(engine), load_network()).ensure_chart()
    engine.dispose()
    return path


@pytest.fixture
def store_url(
    engine_kind: str, make_store: Callable[[], str], charted_sqlite: Path, tmp_path: Path
) -> str:
    """A fresh store: on SQLite a copy of `charted_sqlite` (one account at a time is slow to
    create with durable commits); on PostgreSQL an empty migrated schema."""
    if engine_kind != "sqlite":
        return make_store()
    path = tmp_path / "store.sqlite"
    shutil.copyfile(charted_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The API over a fresh, migrated, empty store."""
    with TestClient(create_app(Settings(database_url=store_url, data_dir=tmp_path))) as client:
        yield client


Snapshot = tuple[int, list[tuple[str, str, Decimal]]]


@pytest.fixture
def stored(engine: Engine) -> Callable[[], Snapshot]:
    """What the store holds: chain head seq and every balance (a refusal must not change it)."""
    ledger = Ledger(engine)

    def snapshot() -> Snapshot:
        balances = [(b.account, b.commodity, b.quantity) for b in ledger.balances()]
        return ledger.head().seq, balances

    return snapshot


@pytest.fixture
def engine_ledger(engine: Engine) -> Ledger:
    """The ledger of the client's store, as it is."""
    return Ledger(engine)


@pytest.fixture
def offline_client(tmp_path: Path) -> Iterator[TestClient]:
    """The API over a fresh SQLite store, for routes that do not touch the store."""
    url = f"sqlite:///{tmp_path / 'offline.sqlite'}"
    upgrade(url)
    with TestClient(create_app(Settings(database_url=url, data_dir=tmp_path))) as client:
        yield client


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    """The ledger the client's store holds, with gasoil and a few fuel accounts defined."""
    ledger = Ledger(engine)
    ledger.ensure_commodity("GASOIL", "fuel", "t", 3)
    ledger.ensure_commodity("SUPER", "fuel", "t", 3)
    for code, kind in CHART.items():
        ledger.ensure_account(code, kind, "fuel", code.split(":", 1)[1])
    return ledger


Movement = Callable[..., EntryDraft]


def movement(
    quantity: str,
    from_account: str,
    to_account: str,
    kind: str,
    day: int,
    commodity: str = "GASOIL",
) -> EntryDraft:
    return EntryDraft(
        commodity=commodity,
        quantity=Decimal(quantity),
        from_account=from_account,
        to_account=to_account,
        kind=kind,
        effective_at=JUNE_1.replace(day=day),
        actor="operator.test",
        document_ref=f"DOC-{kind}-{day}",
    )


@pytest.fixture
def move() -> Movement:
    """`movement(quantity, from_account, to_account, kind, day, commodity="GASOIL")`: a draft."""
    return movement


@pytest.fixture
def five(ledger: Ledger) -> Ledger:
    """Five entries, June 1st to 5th: lifting 1000 t, two deliveries, a withdrawal, super."""
    ledger.append(
        [
            movement("1000.000", "SUPPLIER:SUPPLY-2026", "PORT:DAKAR", "lifting", 1),
            movement("400.250", "PORT:DAKAR", "DEPOT:BKO-SENOU", "receipt", 2),
            movement("300.000", "PORT:DAKAR", "DEPOT:KAYES", "receipt", 3),
            movement("120.125", "DEPOT:BKO-SENOU", "REGION:BAMAKO", "withdrawal", 4),
            movement("50.000", "SUPPLIER:SUPPLY-2026", "PORT:DAKAR", "lifting", 5, "SUPER"),
        ]
    )
    return ledger


@pytest.fixture
def dispatched(client: TestClient) -> dict[str, Any]:
    """1000 t lifted at Dakar on June 1st and a two-truck convoy dispatched to Bamako (Sénou)."""
    post(client, "liftings", LIFTING)
    return dict(post(client, "convoys", DISPATCH))
