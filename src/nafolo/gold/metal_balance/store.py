"""Saving, signing off and freezing period balances; recording stocktakes.

A balance is prepared (computed and saved) in status ``quarantine`` with its inputs and results
as canonical JSON and the SHA-256 of both. A second person signs it off: refused to the preparer
(separation of duties) and when the stored content no longer matches its hash. Once signed the
record is frozen — the service gives the period no new version and database triggers refuse any
UPDATE or DELETE of the row. A correction is a *restatement*: a new version that references the
signed one and needs its own sign-off. Preparing again while a version is in quarantine supersedes
it (status ``superseded``); every version stays queryable.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection, Engine

from nafolo.gold.metal_balance.errors import (
    BalanceNotFoundError,
    BalanceRefusedError,
    BalanceRule,
)
from nafolo.gold.metal_balance.model import (
    PeriodBalance,
    PeriodInputs,
    Stocktake,
    Unit,
    check_period,
)
from nafolo.gold.metal_balance.period import period_balance
from nafolo.ledger.canonical import format_timestamp
from nafolo.store.metal_balance_tables import balances, stocktakes

Status = Literal["quarantine", "signed", "superseded"]


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same content always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(inputs_json: str, results_json: str) -> str:
    """SHA-256 (hex) of a balance's canonical content, the canonical JSON text
    {"inputs":…,"results":…} (keys sorted, so built by joining the two texts)."""
    text = '{"inputs":' + inputs_json + ',"results":' + results_json + "}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class BalanceRecord(BaseModel):
    """One stored version of a period's balance."""

    model_config = ConfigDict(frozen=True)

    period: str
    version: int
    kind: Literal["balance", "restatement"]
    restates_version: int | None
    reason: str
    status: Status
    source: str
    sha256: str
    prepared_by: str
    prepared_at: str
    signed_by: str | None
    signed_at: str | None
    inputs: PeriodInputs
    balance: PeriodBalance


class StocktakeRecord(BaseModel):
    """A unit's in-process inventory counted at the end of a period."""

    model_config = ConfigDict(frozen=True)

    period: str
    unit: Unit
    fine_oz: Decimal
    sd_oz: Decimal
    note: str
    recorded_at: str
    actor: str

    def as_stocktake(self) -> Stocktake:
        return Stocktake(unit=self.unit, fine_oz=self.fine_oz, sd_oz=self.sd_oz)


def _now() -> str:
    return format_timestamp(datetime.now(UTC))


class MetalBalanceStore:
    """Period balances and stocktakes over one store (engine migrated to head)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- stocktakes ------------------------------------------------------------------------------

    def record_stocktake(
        self,
        period: str,
        unit: Unit,
        fine_oz: Decimal,
        sd_oz: Decimal,
        *,
        actor: str,
        note: str = "",
    ) -> StocktakeRecord:
        """Record a unit's count at the end of `period` (once per unit and period)."""
        check_period(period)
        count = Stocktake(unit=unit, fine_oz=fine_oz, sd_oz=sd_oz)
        with self.engine.begin() as connection:
            exists = connection.execute(
                sa.select(stocktakes.c.id).where(
                    stocktakes.c.period == period, stocktakes.c.unit == count.unit.value
                )
            ).first()
            if exists is not None:
                raise BalanceRefusedError(
                    "unit",
                    f"{count.unit.value}: stocktake for {period} already recorded",
                    BalanceRule.DUPLICATE,
                )
            row = {
                "period": period,
                "unit": count.unit.value,
                "fine_oz": str(count.fine_oz),
                "sd_oz": str(count.sd_oz),
                "note": note,
                "recorded_at": _now(),
                "actor": actor,
            }
            connection.execute(stocktakes.insert().values(**row))
        return StocktakeRecord.model_validate(row)

    def stocktakes(self, period: str) -> list[StocktakeRecord]:
        """The counts at the end of `period`, in process order of the units."""
        check_period(period)
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(stocktakes).where(stocktakes.c.period == period)
            ).mappings()
            records = [StocktakeRecord.model_validate(dict(r)) for r in rows]
        order = list(Unit)
        return sorted(records, key=lambda r: order.index(r.unit))

    # ---- balances --------------------------------------------------------------------------------

    def prepare(
        self, inputs: PeriodInputs, *, actor: str, source: str = "refinery"
    ) -> BalanceRecord:
        """Compute and save a new version in quarantine; refused once the period is signed."""
        return self._save(inputs, actor=actor, source=source, reason=None)

    def restate(
        self, inputs: PeriodInputs, *, actor: str, reason: str, source: str = "refinery"
    ) -> BalanceRecord:
        """Save a restatement of the period's signed balance (in quarantine, needs sign-off)."""
        if not reason.strip():
            raise BalanceRefusedError("reason", "a restatement says why", BalanceRule.STATE)
        return self._save(inputs, actor=actor, source=source, reason=reason.strip())

    def _save(
        self, inputs: PeriodInputs, *, actor: str, source: str, reason: str | None
    ) -> BalanceRecord:
        result = period_balance(inputs)
        inputs_json = canonical_json(inputs.model_dump(mode="json"))
        results_json = canonical_json(result.model_dump(mode="json"))
        with self.engine.begin() as connection:
            rows = self._rows(connection, inputs.period)
            signed = [r for r in rows if r["status"] == "signed"]
            if reason is None and signed:
                raise BalanceRefusedError(
                    "period",
                    f"{inputs.period} is signed off (version {signed[-1]['version']}) and frozen;"
                    " a correction is a restatement",
                    BalanceRule.FROZEN,
                )
            if reason is not None and not signed:
                raise BalanceRefusedError(
                    "period",
                    f"{inputs.period} has no signed balance to restate; prepare one",
                    BalanceRule.STATE,
                )
            connection.execute(
                balances.update()
                .where(balances.c.period == inputs.period, balances.c.status == "quarantine")
                .values(status="superseded")
            )
            version = (rows[-1]["version"] + 1) if rows else 1
            connection.execute(
                balances.insert().values(
                    period=inputs.period,
                    version=version,
                    kind="balance" if reason is None else "restatement",
                    restates_id=signed[-1]["id"] if reason is not None else None,
                    reason=reason or "",
                    status="quarantine",
                    source=source[:200],
                    inputs_json=inputs_json,
                    results_json=results_json,
                    sha256=content_hash(inputs_json, results_json),
                    prepared_by=actor,
                    prepared_at=_now(),
                )
            )
        return self.get(inputs.period, version)

    def sign_off(self, period: str, *, actor: str) -> BalanceRecord:
        """Sign the period's version in quarantine; it is frozen from then on."""
        check_period(period)
        with self.engine.begin() as connection:
            pending = [r for r in self._rows(connection, period) if r["status"] == "quarantine"]
            if not pending:
                self._rows_or_missing(connection, period)
                raise BalanceRefusedError(
                    "period", f"{period} has no balance in quarantine to sign", BalanceRule.STATE
                )
            row = pending[-1]
            if row["prepared_by"] == actor:
                raise BalanceRefusedError(
                    "actor",
                    f"{actor} prepared version {row['version']} of {period} and cannot sign it"
                    " off; a second person must",
                    BalanceRule.SEPARATION_OF_DUTIES,
                )
            if content_hash(row["inputs_json"], row["results_json"]) != row["sha256"]:
                raise BalanceRefusedError(
                    "sha256",
                    f"version {row['version']} of {period} no longer matches the hash stored"
                    " when it was prepared; prepare it again",
                    BalanceRule.INTEGRITY,
                )
            connection.execute(
                balances.update()
                .where(balances.c.id == row["id"], balances.c.status == "quarantine")
                .values(status="signed", signed_by=actor, signed_at=_now())
            )
            version = int(row["version"])
        return self.get(period, version)

    def get(self, period: str, version: int | None = None) -> BalanceRecord:
        """A version of the period's balance; by default the signed one in force if any (the
        latest signed), else the latest."""
        check_period(period)
        with self.engine.connect() as connection:
            rows = self._rows_or_missing(connection, period)
            ids = {r["id"]: r["version"] for r in rows}
            if version is None:
                signed = [r for r in rows if r["status"] == "signed"]
                chosen = signed[-1] if signed else rows[-1]
            else:
                matching = [r for r in rows if r["version"] == version]
                if not matching:
                    raise BalanceNotFoundError(period, version)
                chosen = matching[0]
        return _record(chosen, ids)

    def history(self, period: str) -> list[BalanceRecord]:
        """Every version of the period's balance, oldest first."""
        check_period(period)
        with self.engine.connect() as connection:
            rows = self._rows_or_missing(connection, period)
        ids = {r["id"]: r["version"] for r in rows}
        return [_record(r, ids) for r in rows]

    def periods(self) -> list[str]:
        """Periods with at least one version, newest first."""
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(balances.c.period).distinct().order_by(balances.c.period.desc())
            ).scalars()
            return list(found)

    @staticmethod
    def _rows(connection: Connection, period: str) -> list[dict[str, Any]]:
        result = connection.execute(
            sa.select(balances).where(balances.c.period == period).order_by(balances.c.version)
        ).mappings()
        return [dict(r) for r in result]

    def _rows_or_missing(self, connection: Connection, period: str) -> list[dict[str, Any]]:
        rows = self._rows(connection, period)
        if not rows:
            raise BalanceNotFoundError(period)
        return rows


def _record(row: dict[str, Any], versions_by_id: dict[int, int]) -> BalanceRecord:
    restates = row["restates_id"]
    return BalanceRecord(
        period=row["period"],
        version=row["version"],
        kind=row["kind"],
        restates_version=None if restates is None else versions_by_id.get(restates),
        reason=row["reason"],
        status=row["status"],
        source=row["source"],
        sha256=row["sha256"],
        prepared_by=row["prepared_by"],
        prepared_at=row["prepared_at"],
        signed_by=row["signed_by"],
        signed_at=row["signed_at"],
        inputs=PeriodInputs.model_validate_json(row["inputs_json"]),
        balance=PeriodBalance.model_validate_json(row["results_json"]),
    )
