"""`nafolo demo --no-serve`, and the demo's determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nafolo.cli.main import app
from nafolo.demo import build_demo, is_demo_store, ledger_content_digest
from nafolo.store import create_engine, upgrade

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder of the commands (plans are kept there), never the working tree's."""
    folder = tmp_path / "data"
    monkeypatch.setenv("NAFOLO_DATA_DIR", str(folder))
    return folder


def test_same_seed_gives_the_same_ledger_content(tmp_path: Path) -> None:
    digests = []
    for name in ("a", "b"):
        engine = create_engine(f"sqlite:///{tmp_path / name}.sqlite")
        build_demo(engine, weeks=1, seed=7)
        digests.append(ledger_content_digest(engine))
        engine.dispose()
    assert digests[0] == digests[1]


def test_demo_no_serve_builds_the_store_and_exits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = runner.invoke(app, ["demo", "--db", url, "--weeks", "1", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "DEMO ONLY" in result.output
    engine = create_engine(url)
    assert is_demo_store(engine)
    engine.dispose()


def test_demo_rebuilds_a_demo_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--db", url, "--weeks", "1", "--no-serve"])
        assert result.exit_code == 0, result.output


def test_demo_refuses_to_overwrite_a_store_that_is_not_a_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    upgrade(url)
    result = runner.invoke(app, ["demo", "--db", url, "--weeks", "1", "--no-serve"])
    assert result.exit_code == 2
    assert "not a Nafolo demo" in result.output


def test_demo_no_serve_keeps_a_weekly_plan_in_the_data_folder(
    tmp_path: Path, data_dir: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = runner.invoke(app, ["demo", "--db", url, "--weeks", "1", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (data_dir / "plans").iterdir()] == ["demo-20261123-1w"]
