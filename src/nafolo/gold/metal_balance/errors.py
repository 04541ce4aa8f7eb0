"""Refusals of the metal balance store: each names the field and the rule broken."""

from __future__ import annotations

from enum import StrEnum


class BalanceRule(StrEnum):
    """The rule a refusal applies (API problem type, CLI message)."""

    SEPARATION_OF_DUTIES = "separation_of_duties"
    """The person who prepared a balance cannot sign it off."""
    INTEGRITY = "integrity"
    """The stored content no longer matches the SHA-256 computed when it was prepared."""
    FROZEN = "frozen"
    """A signed period gets no new version; a correction is a restatement."""
    STATE = "state"
    """The operation is not allowed in the record's state (nothing to sign, nothing to restate)."""
    DUPLICATE = "duplicate"
    """A unit's stocktake for a period is recorded once."""


class BalanceRefusedError(ValueError):
    """Refused as a whole, nothing stored."""

    def __init__(self, field: str, message: str, rule: BalanceRule) -> None:
        self.field = field
        self.message = message
        self.rule = rule
        super().__init__(f"{field}: {message} [{rule.value}]")


class BalanceNotFoundError(LookupError):
    """No balance (or version) for that period."""

    def __init__(self, period: str, version: int | None = None) -> None:
        self.period = period
        self.version = version
        what = f"version {version} of " if version is not None else ""
        super().__init__(f"no {what}metal balance for period {period}")
