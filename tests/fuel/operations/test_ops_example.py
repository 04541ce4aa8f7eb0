"""The shipped example operations workbook: current, importable, and showing what it promises."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from nafolo.fuel.alerts import AlertKind, alerts
from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import import_operations
from nafolo.fuel.operations.example import bundled_example_path, write_example
from nafolo.fuel.readmodels import compliance
from nafolo.ledger import Ledger

AS_OF = datetime(2026, 1, 26, tzinfo=UTC)


def test_the_shipped_example_is_what_the_generator_writes(tmp_path: Path, mali: Network) -> None:
    write_example(tmp_path / "ops", mali)
    shipped = bundled_example_path()
    for written in sorted((tmp_path / "ops").iterdir()):
        assert written.read_bytes() == (shipped / written.name).read_bytes(), written.name


def test_the_example_shows_a_late_convoy_a_loss_and_a_dip_beyond_tolerance(
    ledger: Ledger, mali: Network
) -> None:
    import_operations(bundled_example_path(), ledger, mali)
    found = alerts(ledger, mali, now=AS_OF)
    by_kind = {kind: [a.subject for a in found if a.kind is kind] for kind in AlertKind}
    assert by_kind[AlertKind.CONVOY_OVERDUE] == ["CV-0301"]
    assert {s.split("/")[1] for s in by_kind[AlertKind.TRANSIT_VARIANCE]} == {"ML-2206-202"}
    assert by_kind[AlertKind.DIP_VARIANCE] == ["SIKASSO/GASOIL"]
    assert compliance(ledger, mali, "2026-01").contracts[0].status == "within"
    assert ledger.verify().ok
