"""`build_demo`: a migrated store with demo users, a year of fuel operations and of refinery
activity, recorded through the real services. Deterministic given the seed (except what the
services stamp with the wall clock: entry ids, recording times, and the gold steps that the
services date 'now')."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from nafolo.auth.roles import Role
from nafolo.auth.users import UserStore
from nafolo.demo.calendar import DemoPeriod
from nafolo.demo.fuel import FuelHistory, FuelSummary
from nafolo.demo.gold import GoldHistory, GoldSummary
from nafolo.demo.plan import PlanSummary, keep_demo_plan
from nafolo.store import ledger_entries, upgrade

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total), stage one of 'users', 'fuel', 'gold', 'plan'."""

DEMO_PASSWORD = "nafolo-demo-2026"
"""The password of every demo user. DEMO ONLY: anyone who reads the docs knows it."""
DEMO_MARKER = "DEMO"
"""Every demo user's full name starts with this: how `is_demo_store` recognises a demo store."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    password: str


DEMO_USERS = tuple(DemoUser(role.value, role, DEMO_PASSWORD) for role in Role)
"""One user per role, named after the role."""


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` recorded."""

    period: DemoPeriod
    seed: int
    users: tuple[DemoUser, ...]
    fuel: FuelSummary
    gold: GoldSummary
    ledger_entries: int
    plan: PlanSummary | None = None


def build_demo(
    engine: Engine,
    *,
    seed: int = 2026,
    weeks: int = 52,
    progress: Progress | None = None,
    plans_dir: Path | None = None,
) -> DemoSummary:
    """Migrate the store at `engine` (expected empty), create the demo users, then record
    `weeks` weeks of fuel and gold history ending 28 November 2026. With `plans_dir` (the
    served app's `<data_dir>/plans`), also run the weekly planner over the demo's last weeks and
    keep the plan there, for plan versus actual."""
    from nafolo.fuel.network.io import load_network
    from nafolo.fuel.operations import FuelOperations, Tolerances
    from nafolo.fuel.operations.example import CONTRACT
    from nafolo.gold.service import Refinery
    from nafolo.ledger import Ledger

    period = DemoPeriod.of(weeks)
    upgrade(engine)
    with _fast_sqlite(engine):
        _users(engine, progress)
        ledger = Ledger(engine)
        tolerances = Tolerances(
            transit_pct_by_contract={CONTRACT: Tolerances().default_transit_pct}
        )
        network = load_network()
        fuel_ops = FuelOperations(ledger, network, tolerances)
        fuel = FuelHistory(fuel_ops, period, random.Random(seed), progress).run()
        refinery = Refinery(engine, ledger=ledger)
        gold = GoldHistory(refinery, period, random.Random(seed + 1), progress).run()
        with engine.connect() as connection:
            count = connection.execute(sa.select(sa.func.count()).select_from(ledger_entries))
            entries = int(count.scalar_one())
    kept = None
    if plans_dir is not None:
        if progress is not None:
            progress("plan", 0, 1)
        kept = keep_demo_plan(network, period, plans_dir)
        if progress is not None:
            progress("plan", 1, 1)
    return DemoSummary(period, seed, DEMO_USERS, fuel, gold, entries, kept)


def _users(engine: Engine, progress: Progress | None) -> None:
    """One user per role. Their (public) passwords are hashed with light argon2 parameters: the
    hashes protect nothing, and eight full-strength hashes would take seconds."""
    from argon2 import PasswordHasher

    users = UserStore(engine, hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    for n, user in enumerate(DEMO_USERS, 1):
        users.create_user(
            user.username,
            user.password,
            user.role,
            full_name=f"{DEMO_MARKER} — {user.role.value} (demo only)",
            actor="demo",
        )
        if progress is not None:
            progress("users", n, len(DEMO_USERS))


def is_demo_store(engine: Engine) -> bool:
    """True when the store's users are the demo's (built by `build_demo`)."""
    from nafolo.auth.users import UserStore

    try:
        user = UserStore(engine).by_username(Role.ADMIN.value)
    except sa.exc.DBAPIError:
        return False
    return user is not None and user.full_name.startswith(DEMO_MARKER)


def ledger_content_digest(engine: Engine) -> str:
    """SHA-256 over every entry's content in sequence (kind, commodity, quantity, accounts,
    document reference) — equal for two demos built with the same seed, unlike the chain's head
    hash, which also covers the random entry ids and the recording times."""
    t = ledger_entries.c
    query = sa.select(
        t.seq, t.kind, t.commodity, t.quantity_minor, t.from_account, t.to_account, t.document_ref
    ).order_by(t.seq)
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for row in connection.execute(query):
            digest.update("|".join(str(v) for v in row).encode() + b"\n")
    return digest.hexdigest()


@contextmanager
def _fast_sqlite(engine: Engine) -> Iterator[None]:
    """On SQLite, `synchronous = OFF` while the demo is built: a power cut loses nothing that
    cannot be rebuilt, and the build is several times faster. Other engines: unchanged."""
    if engine.dialect.name != "sqlite":
        yield
        return

    def relax(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.close()

    engine.dispose()
    event.listen(engine, "connect", relax)
    try:
        yield
    finally:
        event.remove(engine, "connect", relax)
        engine.dispose()
