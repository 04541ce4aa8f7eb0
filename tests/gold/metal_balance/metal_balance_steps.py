"""Running `nafolo gold …` in-process for the metal balance tests, and the steps that bring a
store to a settled lot refined into a bar with a residue (a support module, not a test file)."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from nafolo.cli.main import app

runner = CliRunner()


def run(db: str, *args: str, code: int = 0) -> Result:
    """`nafolo gold ARGS --db DB`; asserts the exit code."""
    result = runner.invoke(app, ["gold", *args, "--db", db])
    assert result.exit_code == code, result.output
    return result


def refined_lot(db: str) -> None:
    """L1 (14,000 g at ~950 ‰) settled, planned in batch B1 (Miller + Wohlwill), one bar cast
    on 2026-06-12 and a 100 g slag at 50 ‰ recorded."""
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
    run(
        db,
        *("lot", "register", "L1", "--depositor", "SYAMA", "--origin", "SYAMA-PIT"),
        *("--arrived", "2026-06-02", "--gross-g", "14000", "--au", "950", "--ag", "40"),
        *("--seal", "S-L1"),
    )
    receive = ("--scale", "SC1", "--gross-g", "14010", "--tare-g", "10")
    run(db, "lot", "receive", "L1", *receive, "--at", "2026-06-02T09:00:00")
    seal = ("--refiner", "A:SA", "--depositor", "B:SB", "--umpire", "C:SC")
    run(db, "assay", "seal", "L1", *seal, "--at", "2026-06-02T10:00:00")
    for role, au in (("refiner", "950.10,950.12"), ("depositor", "950.20")):
        args = ("--role", role, "--lab", "Sénou", "--au", au, "--ag", "40.0")
        run(db, "assay", "record", "L1", *args, "--actor", "lab.1", "--at", "2026-06-04T15:00:00")
    run(db, "assay", "exchange", "L1", "--at", "2026-06-05T09:00:00")
    run(db, "settle", "L1", "--actor", "boss", "--at", "2026-06-08T11:00:00")
    plan = ("--on", "2026-06-10", "--lot", "L1", "--at", "2026-06-10T08:00:00")
    run(db, "batch", "plan", "B1", *plan)
    run(db, "location", "add", "VAULT-A", "Vault A")
    bar = ("--bar", "A0001:420.127:999.9", "--at", "2026-06-12T10:00:00")
    run(db, "bar", "cast", "B1", "--location", "VAULT-A", *bar)
    slag = ("--kind", "slag", "--gross-g", "100", "--au", "50", "--at", "2026-06-12T16:00:00")
    run(db, "batch", "residue", "B1", "R1", *slag)
