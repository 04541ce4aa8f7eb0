"""Running `nafolo gold …` in-process for the tests/gold/test_gold_cli_* files, and the steps
that bring a store to a settled lot."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from nafolo.cli.main import app

runner = CliRunner()


def run(db: str, *args: str, code: int = 0) -> Result:
    """`nafolo gold ARGS --db DB`; asserts the exit code."""
    result = runner.invoke(app, ["gold", *args, "--db", db])
    assert result.exit_code == code, result.output
    return result


def approved_depositor(db: str) -> None:
    """SYAMA: a mine with a verified owner, a valid licence, a Sikasso origin; approved."""
    run(db, "depositor", "add", "SYAMA", "Société des Mines de Syama", "--type", "mine")
    run(db, "depositor", "owner", "SYAMA", "Resolute", "--share-pct", "80", "--verified")
    licence = ("--kind", "export", "--from", "2026-01-01", "--until", "2027-12-31")
    run(db, "depositor", "licence", "SYAMA", "EXP-1", *licence)
    run(
        db,
        *("origin", "add", "SYAMA-PIT", "--depositor", "SYAMA", "--site", "Syama"),
        *("--country", "ML", "--region", "Sikasso", "--lat", "10.8", "--lon", "-6.1"),
        *("--scale", "lsm", "--licence", "PE-99", "--licence-until", "2030-01-01"),
    )
    run(db, "depositor", "assess", "SYAMA", "--on", "2026-06-01")
    run(db, "scale", "add", "SC1", "--calibrated-on", "2026-01-01", "--valid-until", "2026-12-31")


def assayed_lot(db: str, lot_id: str = "L1") -> None:
    """A 14,000 g lot at 950 ‰ received, sealed and assayed by lab.1, exchanged."""
    run(
        db,
        *("lot", "register", lot_id, "--depositor", "SYAMA", "--origin", "SYAMA-PIT"),
        *("--arrived", "2026-06-02", "--gross-g", "14000", "--au", "950", "--ag", "40"),
        *("--seal", f"S-{lot_id}"),
    )
    run(db, "lot", "receive", lot_id, "--scale", "SC1", "--gross-g", "14010", "--tare-g", "10")
    seals = [f"--{r}" for r in ("refiner", "depositor", "umpire")]
    samples = [x for i, s in enumerate(seals) for x in (s, f"{lot_id}{i}:SL{lot_id}{i}")]
    run(db, "assay", "seal", lot_id, *samples)
    for role, au in (("refiner", "950.10,950.12"), ("depositor", "950.20")):
        args = ("--role", role, "--lab", "Sénou", "--au", au, "--ag", "40.0")
        run(db, "assay", "record", lot_id, *args, "--actor", "lab.1")
    run(db, "assay", "exchange", lot_id)
