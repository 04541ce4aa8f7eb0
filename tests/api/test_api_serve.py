"""`nafolo serve` and the app's own documentation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from nafolo.cli.main import app as cli
from nafolo.store import upgrade


def test_openapi_documents_every_resource(offline_client: TestClient) -> None:
    assert offline_client.get("/docs").status_code == 200
    paths = offline_client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/ledger/entries",
        "/api/ledger/export",
        "/api/fuel/network/depots",
        "/api/fuel/plans",
        "/api/fuel/convoys/{convoy}/events",
        "/api/fuel/cover",
        "/api/fuel/imports",
    ):
        assert path in paths


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `uvicorn.run` was called with (it serves nothing)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    return calls


@pytest.fixture
def served_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    upgrade(url)
    return url


def test_serve_runs_uvicorn_on_the_given_store(
    served_url: str, uvicorn_calls: list[dict[str, Any]]
) -> None:
    calls = uvicorn_calls
    result = CliRunner().invoke(cli, ["serve", "--db", served_url, "--port", "8123"])
    assert result.exit_code == 0, result.output
    [call] = calls
    assert isinstance(call["app"], FastAPI)
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)


def test_serve_refuses_a_store_without_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}"])
    assert result.exit_code == 2
    assert "nafolo db upgrade" in result.output


def test_serve_with_workers_hands_uvicorn_the_app_factory_and_the_store(
    served_url: str, uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAFOLO_DATABASE_URL", "")  # restored after the test
    result = CliRunner().invoke(cli, ["serve", "--db", served_url, "--workers", "2"])
    assert result.exit_code == 0, result.output
    [call] = uvicorn_calls
    assert (call["app"], call["factory"], call["workers"]) == ("nafolo.api:create_app", True, 2)
    assert os.environ["NAFOLO_DATABASE_URL"] == served_url
