"""The REST API's application factory: `create_app(settings)` wires the store, the ledger and the
fuel network behind one FastAPI app (OpenAPI at /docs)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nafolo import __version__
from nafolo.api.deps import AppState
from nafolo.api.problems import install_problem_handlers
from nafolo.api.routes import (
    fuel_losses,
    fuel_operations,
    fuel_readmodels,
    gold_assays,
    gold_balances,
    gold_bars,
    gold_depositors,
    gold_imports,
    gold_lots,
    gold_refining,
    gold_reports,
    imports,
    ledger,
    network,
    plans,
    reports,
)
from nafolo.auth.roles import Permission
from nafolo.auth.routes import auth_api_router, auth_router
from nafolo.auth.users import UserStore
from nafolo.auth.web import assign_permissions, enforce_route_permission, install_auth_handlers
from nafolo.fuel.network.model import Network
from nafolo.ledger import Ledger
from nafolo.settings import Settings
from nafolo.store import create_engine
from nafolo.web import install_web

API_PREFIX = "/api"
P = Permission
ROUTERS: tuple[APIRouter | tuple[APIRouter, Permission, Permission], ...] = (
    (auth_api_router, P.VIEW, P.VIEW),
    (ledger.router, P.VIEW, P.LEDGER_VERIFY),
    (network.router, P.VIEW, P.PLAN),
    (plans.router, P.VIEW, P.PLAN),
    (fuel_operations.router, P.VIEW, P.FUEL_OPERATE),
    (fuel_losses.router, P.VIEW, P.FUEL_APPROVE_LOSS),
    (fuel_readmodels.router, P.VIEW, P.VIEW),
    (imports.router, P.VIEW, P.FUEL_OPERATE),
    (reports.router, P.REPORTS, P.REPORTS),
    (gold_depositors.router, P.VIEW, P.COMPLIANCE),
    (gold_lots.router, P.VIEW, P.GOLD_INTAKE),
    (gold_imports.router, P.VIEW, P.GOLD_INTAKE),
    (gold_assays.router, P.VIEW, P.LAB_ASSAY),
    (gold_refining.router, P.VIEW, P.REFINE),
    (gold_bars.router, P.VIEW, P.VAULT),
    (gold_reports.router, P.REPORTS, P.REPORTS),
    (gold_balances.router, P.VIEW, P.REFINE),
)
"""Each router with the permission its reads (GET, HEAD) and its writes need; a route may declare
its own (`openapi_extra=nafolo.auth.web.needs(...)`). A bare router's writes need ADMIN_USERS."""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every HTTP response that does not set them itself.

    Plain ASGI rather than `@app.middleware("http")`: no task and stream per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


DESCRIPTION = """\
Nafolo's REST API: the hash-chained ledger, the fuel network, plans, fuel operations and their
read models. Quantities carry their unit in the field name (`stock_t`, `volume_l`) or, where the
unit depends on the commodity, in a sibling `unit` field. Errors are RFC 9457 problem details
(`application/problem+json`) naming each field at fault. See docs/api.md.
"""


_frozen = False


def freeze_startup_objects() -> None:
    """Once per process, at the first app start: move every object alive then (the imported
    libraries, a quarter of a million objects) out of the garbage collector's reach.

    A full collection over them takes about 250 ms on this project's 2-core machine; without
    this, the occasional full collection while serving stalls every request in flight for that
    long (the API's p99 latency). Objects made later are collected as usual.
    """
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


def create_app(settings: Settings | None = None, *, network: Network | None = None) -> FastAPI:
    """The API over the store named by `settings` (default: from `NAFOLO_*` variables).

    `network` is the fuel network operated (default: the bundled Mali network, loaded on first
    use). The store must already be migrated (`nafolo db upgrade`).
    """
    settings = settings or Settings()
    engine = create_engine(settings.database_url)
    state = AppState(
        settings=settings,
        engine=engine,
        ledger=Ledger(engine),
        users=UserStore(engine),
        network=network,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        freeze_startup_objects()
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
    install_auth_handlers(app)
    include_api_routers(app, ROUTERS)
    app.include_router(auth_router)
    install_web(app)

    app.add_middleware(SecurityHeaders)
    return app


def include_api_routers(
    app: FastAPI, routers: tuple[APIRouter | tuple[APIRouter, Permission, Permission], ...]
) -> None:
    """Mount each router under /api behind the one permission check (see `ROUTERS`)."""
    for entry in routers:
        router, read, write = entry if isinstance(entry, tuple) else (entry, P.VIEW, P.ADMIN_USERS)
        assign_permissions(router.routes, read, write)
        app.include_router(
            router, prefix=API_PREFIX, dependencies=[Depends(enforce_route_permission)]
        )
