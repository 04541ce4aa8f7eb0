"""`nafolo serve`: the REST API and the dashboard over the store, with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from nafolo.cli.db import DbOption


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: DbOption = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Server processes (a multi-user server: about one per core; each keeps its own "
            "read cache).",
        ),
    ] = 1,
) -> None:
    """Serve the REST API on http://HOST:PORT (OpenAPI at /docs) over a migrated store."""
    import uvicorn

    from nafolo.api import create_app
    from nafolo.settings import Settings
    from nafolo.store import current_revision, database_url

    settings = Settings(database_url=db) if db else Settings()
    shown = database_url(settings.database_url).render_as_string(hide_password=True)
    if current_revision(settings.database_url) is None:
        typer.echo(f"{shown} has no schema yet: run `nafolo db upgrade --db …` first", err=True)
        raise typer.Exit(2)
    typer.echo(f"Serving {shown} on http://{host}:{port} (API docs at /docs)", err=True)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port)
        return
    os.environ["NAFOLO_DATABASE_URL"] = settings.database_url  # read by each worker's create_app
    uvicorn.run("nafolo.api:create_app", factory=True, host=host, port=port, workers=workers)
