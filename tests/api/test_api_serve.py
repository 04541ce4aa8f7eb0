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


def test_serve_runs_uvicorn_on_the_given_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    upgrade(url)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    result = CliRunner().invoke(cli, ["serve", "--db", url, "--port", "8123"])
    assert result.exit_code == 0, result.output
    [call] = calls
    assert isinstance(call["app"], FastAPI)
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)


def test_serve_refuses_a_store_without_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}"])
    assert result.exit_code == 2
    assert "nafolo db upgrade" in result.output


def test_serve_with_workers_hands_uvicorn_the_app_factory_and_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    upgrade(url)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    monkeypatch.setenv("NAFOLO_DATABASE_URL", "")  # restored after the test
    result = CliRunner().invoke(cli, ["serve", "--db", url, "--workers", "2"])
    assert result.exit_code == 0, result.output
    [call] = calls
    assert (call["app"], call["factory"], call["workers"]) == ("nafolo.api:create_app", True, 2)
    assert os.environ["NAFOLO_DATABASE_URL"] == url
