"""The web dashboard: server-rendered pages (Jinja2, French first) enhanced with htmx and ECharts,
mounted in the API's app by `install_web` — pages at /, static files at /static (docs/dashboard.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_MAX_AGE_S = 365 * 24 * 3600


class CachedStaticFiles(StaticFiles):
    """Static files with a long cache: their URLs carry a digest of their content (`?v=`)."""

    async def get_response(self, path: str, scope: Scope) -> Any:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE_S}, immutable"
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def install_web(app: FastAPI) -> None:
    """Mount the dashboard's pages and its static files on `app` (the API stays under /api)."""
    from importlib.resources import files

    from nafolo.web.jobs import Jobs
    from nafolo.web.routes import (
        admin_users,
        fuel_alerts,
        fuel_network,
        fuel_operations,
        fuel_plan,
        fuel_scenarios,
        gold,
        language,
        ledger,
        overview,
        reports,
    )

    app.state.nafolo_jobs = Jobs()
    static = files("nafolo.web").joinpath("static")
    app.mount("/static", CachedStaticFiles(directory=str(static)), name="static")
    for module in (
        overview,
        language,
        fuel_network,
        fuel_plan,
        fuel_scenarios,
        fuel_operations,
        fuel_alerts,
        gold,
        reports,
        ledger,
        admin_users,
    ):
        app.include_router(module.router, include_in_schema=False)
