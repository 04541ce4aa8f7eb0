"""/api/gold/balances: the period's gold metal balance (AMIRA P754 manner) — prepare it from the
refinery's records (in quarantine), read it and its versions, sign it off (a second person; it is
frozen from then on), restate a signed one, record stocktakes. See docs/metal-balance.md."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from nafolo.api.deps import ActorDep, EngineDep
from nafolo.api.problems import ProblemError, field_error
from nafolo.api.routes.gold_common import REFUSED, RefineryDep
from nafolo.auth.roles import Permission
from nafolo.auth.web import needs
from nafolo.gold.metal_balance.assemble import inputs_from_refinery
from nafolo.gold.metal_balance.errors import (
    BalanceNotFoundError,
    BalanceRefusedError,
    BalanceRule,
)
from nafolo.gold.metal_balance.model import Unit, check_period
from nafolo.gold.metal_balance.store import BalanceRecord, MetalBalanceStore, StocktakeRecord

router = APIRouter(prefix="/gold/balances", tags=["gold metal balance"])


class PrepareIn(BaseModel):
    """Prepare from the refinery's records; with `restate_reason`, restate the signed balance."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    restate_reason: str | None = Field(default=None, max_length=500)


class StocktakeIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    unit: Unit
    fine_oz: Decimal = Field(ge=0, json_schema_extra={"unit": "oz"})
    sd_oz: Decimal = Field(ge=0, json_schema_extra={"unit": "oz"})
    note: str = Field(default="", max_length=500)


@contextmanager
def _balance_call() -> Iterator[None]:
    """Store refusals → 422 (409 for a duplicate) naming field and rule; missing → 404."""
    try:
        yield
    except BalanceRefusedError as error:
        status = 409 if error.rule is BalanceRule.DUPLICATE else 422
        location = "path" if error.field == "period" else "body"
        raise ProblemError(
            status,
            "metal-balance-refused",
            f"nothing recorded: {error}",
            [field_error([location, error.field], f"{error.message} [{error.rule.value}]")],
            title="Refused by the metal balance rules",
            rule=error.rule.value,
        ) from None
    except BalanceNotFoundError as error:
        raise ProblemError(
            404, "not-found", str(error), [field_error(["path", "period"], str(error))]
        ) from None
    except ValueError as error:
        raise ProblemError(
            422, "validation", str(error), [field_error(["path", "period"], str(error))]
        ) from None


@router.get("/{period}", responses=REFUSED, summary="A period's metal balance")
def get_balance(period: str, engine: EngineDep, version: int | None = None) -> BalanceRecord:
    """The balance in force (the latest signed version), else the latest; or `version`."""
    with _balance_call():
        return MetalBalanceStore(engine).get(check_period(period), version)


@router.get("/{period}/history", responses=REFUSED, summary="Every version of a period")
def balance_history(period: str, engine: EngineDep) -> list[BalanceRecord]:
    with _balance_call():
        return MetalBalanceStore(engine).history(check_period(period))


@router.post("/{period}", status_code=201, responses=REFUSED, summary="Prepare a balance")
def prepare_balance(
    period: str,
    refinery: RefineryDep,
    engine: EngineDep,
    actor: ActorDep,
    body: PrepareIn | None = None,
) -> BalanceRecord:
    """Compute the period's balance from the refinery's records and store it in quarantine;
    refused (`frozen`) once the period is signed unless `restate_reason` is given."""
    with _balance_call():
        store = MetalBalanceStore(engine)
        inputs = inputs_from_refinery(refinery, store, check_period(period))
        reason = body.restate_reason if body is not None else None
        if reason is None:
            return store.prepare(inputs, actor=actor)
        return store.restate(inputs, actor=actor, reason=reason)


@router.post(
    "/{period}/sign-off",
    responses=REFUSED,
    summary="Sign off a balance",
    openapi_extra=needs(Permission.SETTLEMENT_APPROVE),
)
def sign_off_balance(period: str, engine: EngineDep, actor: ActorDep) -> BalanceRecord:
    """Sign the version in quarantine: refused to whoever prepared it (`separation_of_duties`)
    and when its content no longer matches its SHA-256 (`integrity`). Frozen from then on."""
    with _balance_call():
        return MetalBalanceStore(engine).sign_off(check_period(period), actor=actor)


@router.post(
    "/{period}/stocktakes", status_code=201, responses=REFUSED, summary="Record a stocktake"
)
def record_stocktake(
    period: str, body: StocktakeIn, engine: EngineDep, actor: ActorDep
) -> StocktakeRecord:
    """A unit's in-process inventory counted at the end of the period (once per unit)."""
    with _balance_call():
        return MetalBalanceStore(engine).record_stocktake(
            check_period(period), body.unit, body.fine_oz, body.sd_oz, actor=actor, note=body.note
        )
