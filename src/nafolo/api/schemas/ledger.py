"""Ledger bodies. A ledger quantity's unit is its commodity's ledger unit, given in `unit`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from nafolo.ledger import Balance, ChainHead, Entry, VerificationReport


class EntryOut(BaseModel):
    """A recorded, hash-chained journal entry."""

    seq: int
    entry_id: UUID
    commodity: str
    quantity: Decimal = Field(description="In `unit`, exact (a decimal string in JSON).")
    unit: str = Field(description="The commodity's ledger unit, e.g. 't'.")
    from_account: str
    to_account: str
    kind: str
    recorded_at: datetime
    effective_at: datetime
    actor: str
    document_ref: str | None
    idempotency_key: str | None
    attributes: dict[str, Any]
    corrects: int | None = Field(description="The entry this one reverses, if a correction.")
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, entry: Entry, unit: str) -> EntryOut:
        return cls(
            seq=entry.seq,
            entry_id=entry.entry_id,
            commodity=entry.commodity,
            quantity=entry.quantity,
            unit=unit,
            from_account=entry.from_account,
            to_account=entry.to_account,
            kind=entry.kind,
            recorded_at=entry.recorded_at,
            effective_at=entry.effective_at,
            actor=entry.actor,
            document_ref=entry.document_ref,
            idempotency_key=entry.idempotency_key,
            attributes=dict(entry.attributes),
            corrects=entry.corrects,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )


class BalanceOut(BaseModel):
    """What an account holds of a commodity (received − sent)."""

    account: str
    account_kind: str
    commodity: str
    quantity: Decimal = Field(description="In `unit`, exact (a decimal string in JSON).")
    unit: str

    @classmethod
    def of(cls, balance: Balance) -> BalanceOut:
        return cls(
            account=balance.account,
            account_kind=balance.account_kind,
            commodity=balance.commodity,
            quantity=balance.quantity,
            unit=balance.unit,
        )


class HeadOut(BaseModel):
    seq: int
    hash: str

    @classmethod
    def of(cls, head: ChainHead) -> HeadOut:
        return cls(seq=head.seq, hash=head.hash)


class ChainProblemOut(BaseModel):
    seq: int = Field(description="The first entry whose stored form differs from its content.")
    message: str


class BalanceProblemOut(BaseModel):
    account: str
    commodity: str
    stored: Decimal
    recomputed: Decimal
    unit: str


class VerificationOut(BaseModel):
    """The chain and the balances recomputed from one consistent snapshot."""

    ok: bool
    entries_checked: int
    recorded_head: HeadOut
    computed_head: HeadOut
    chain_problem: ChainProblemOut | None
    balance_problems: list[BalanceProblemOut]
    duration_s: float
    entries_per_s: float | None = Field(description="null when too fast to measure.")

    @classmethod
    def of(cls, report: VerificationReport, units: dict[str, str]) -> VerificationOut:
        chain = report.chain_problem
        rate = report.entries_per_second
        return cls(
            ok=report.ok,
            entries_checked=report.entries_checked,
            recorded_head=HeadOut.of(report.recorded_head),
            computed_head=HeadOut.of(report.computed_head),
            chain_problem=None
            if chain is None
            else ChainProblemOut(seq=chain.seq, message=chain.message),
            balance_problems=[
                BalanceProblemOut(
                    account=p.account,
                    commodity=p.commodity,
                    stored=p.stored,
                    recomputed=p.recomputed,
                    unit=units.get(p.commodity, ""),
                )
                for p in report.balance_problems
            ],
            duration_s=report.seconds,
            entries_per_s=None if rate == float("inf") else rate,
        )


class CorrectionIn(BaseModel):
    """Reverse an entry: who does it and why (the reversal is linked to the entry it corrects)."""

    model_config = ConfigDict(extra="forbid")

    actor: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=200)
    document_ref: str | None = Field(default=None, min_length=1, max_length=200)
