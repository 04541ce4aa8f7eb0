"""The REST API's application factory: `create_app(settings)` wires the store, the ledger and the
fuel network behind one FastAPI app (OpenAPI at /docs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from nafolo import __version__
from nafolo.api.deps import AppState
from nafolo.api.problems import install_problem_handlers
from nafolo.api.routes import fuel_operations, fuel_readmodels, imports, ledger, network, plans
from nafolo.fuel.network.model import Network
from nafolo.ledger import Ledger
from nafolo.settings import Settings
from nafolo.store import create_engine

API_PREFIX = "/api"
ROUTERS = (
    ledger.router,
    network.router,
    plans.router,
    fuel_operations.router,
    fuel_readmodels.router,
    imports.router,
)

DESCRIPTION = """\
Nafolo's REST API: the hash-chained ledger, the fuel network, plans, fuel operations and their
read models. Quantities carry their unit in the field name (`stock_t`, `volume_l`) or, where the
unit depends on the commodity, in a sibling `unit` field. Errors are RFC 9457 problem details
(`application/problem+json`) naming each field at fault. See docs/api.md.
"""


def create_app(settings: Settings | None = None, *, network: Network | None = None) -> FastAPI:
    """The API over the store named by `settings` (default: from `NAFOLO_*` variables).

    `network` is the fuel network operated (default: the bundled Mali network, loaded on first
    use). The store must already be migrated (`nafolo db upgrade`).
    """
    settings = settings or Settings()
    engine = create_engine(settings.database_url)
    state = AppState(settings=settings, engine=engine, ledger=Ledger(engine), network=network)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Nafolo",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.nafolo = state
    install_problem_handlers(app)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    return app
