"""What a route needs, as typed FastAPI dependencies: settings, engine, ledger, read cache,
network, pagination (fuel operations: `routes.fuel_operations`), the authenticated user (`UserDep`)
and their username (`ActorDep`, the actor of whatever the request records). Tests may override
them with `app.dependency_overrides`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import Depends, Query, Request
from sqlalchemy.engine import Engine

from nafolo.api.cache import ReadCache
from nafolo.auth.users import User, UserStore
from nafolo.auth.web import current_user
from nafolo.fuel.network.model import Network
from nafolo.ledger import Ledger
from nafolo.settings import Settings
from nafolo.store.version import StoreVersion

if TYPE_CHECKING:
    from nafolo.fuel.operations.service import FuelOperations
    from nafolo.gold.service import Refinery

MAX_PAGE = 1000
T = TypeVar("T")


@dataclass
class AppState:
    """What one app shares across requests (kept on `app.state.nafolo`)."""

    settings: Settings
    engine: Engine
    ledger: Ledger
    users: UserStore
    network: Network | None = None
    operations: FuelOperations | None = None
    refinery: Refinery | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    read_cache: ReadCache | None = None

    def __post_init__(self) -> None:
        if self.read_cache is None:
            self.read_cache = ReadCache(StoreVersion(self.engine), self.settings.read_cache_s)

    def loaded_network(self) -> Network:
        """The network the app operates (default: the bundled Mali network), loaded once."""
        with self.lock:
            if self.network is None:
                from nafolo.fuel.network.io import load_network

                self.network = load_network()
            return self.network

    def fuel_operations(self) -> FuelOperations:
        """The fuel operations service over the app's ledger and network, made once."""
        from nafolo.fuel.operations.service import FuelOperations

        network = self.loaded_network()
        with self.lock:
            if self.operations is None:
                self.operations = FuelOperations(self.ledger, network)
            return self.operations

    def gold_refinery(self) -> Refinery:
        """The gold refinery services over the app's engine and ledger, made once."""
        from nafolo.gold.service import Refinery

        with self.lock:
            if self.refinery is None:
                self.refinery = Refinery(self.engine, ledger=self.ledger)
            return self.refinery


async def get_state(request: Request) -> AppState:
    state = request.app.state.nafolo
    assert isinstance(state, AppState)
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_refinery(state: StateDep) -> Refinery:
    """The gold refinery services (`routes.gold_common.RefineryDep`)."""
    return state.gold_refinery()


async def get_read_cache(state: StateDep) -> ReadCache:
    """Read models kept while the store is unchanged (`nafolo.api.cache`)."""
    assert state.read_cache is not None
    return state.read_cache


ReadCacheDep = Annotated[ReadCache, Depends(get_read_cache)]


async def get_settings(state: StateDep) -> Settings:
    return state.settings


async def get_engine(state: StateDep) -> Engine:
    return state.engine


async def get_ledger(state: StateDep) -> Ledger:
    return state.ledger


def get_network(state: StateDep) -> Network:
    return state.loaded_network()


def aware(moment: datetime | None) -> datetime | None:
    """A query's time: naive times are Bamako time, which is UTC all year."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    """Offset pagination: `limit` items from position `offset`."""

    limit: int
    offset: int

    def slice(self, items: list[T]) -> list[T]:
        return items[self.offset : self.offset + self.limit]


async def get_page(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")] = 100,
    offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
) -> Page:
    return Page(limit, offset)


async def actor_name(user: Annotated[User, Depends(current_user)]) -> str:
    """Who acts: the authenticated user's username (never a name sent by the client)."""
    return user.username


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
LedgerDep = Annotated[Ledger, Depends(get_ledger)]
NetworkDep = Annotated[Network, Depends(get_network)]
PageDep = Annotated[Page, Depends(get_page)]
ActorDep = Annotated[str, Depends(actor_name)]
UserDep = Annotated[User, Depends(current_user)]
