"""Shared by the browser tests: where Chromium is, how it is launched, where screenshots go."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from web_support import SECRET, copy_sqlite

from nafolo.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "tests-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def shoot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under tests-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` served by uvicorn on a free local port for the duration: its base URL."""
    import uvicorn

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def dashboard_settings(example_sqlite: Path, folder: Path, *, auth_enabled: bool) -> Settings:
    """Settings of a dashboard over a copy of the example store, kept in `folder`."""
    return Settings(
        database_url=copy_sqlite(example_sqlite, folder),
        data_dir=folder / "data",
        auth_enabled=auth_enabled,
        secret_key=SECRET,  # type: ignore[arg-type]
    )
