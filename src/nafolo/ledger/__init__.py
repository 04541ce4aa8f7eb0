"""The ledger: an append-only, hash-chained journal of movements of fuel and gold, with balances.

ledger = Ledger(create_engine(url))
ledger.ensure_commodity("GO", "fuel", "t", 3)
ledger.append([EntryDraft("GO", Decimal("30.125"), "PORT:DAKAR", "TRANSIT:DKR-BKO", ...)])
"""

from nafolo.ledger.canonical import GENESIS_HASH, canonical_attributes, canonical_bytes, entry_hash
from nafolo.ledger.journal import Ledger
from nafolo.ledger.model import (
    Account,
    Balance,
    BalanceProblem,
    ChainHead,
    ChainProblem,
    Commodity,
    DefinitionConflictError,
    EntriesRefusedError,
    Entry,
    EntryDraft,
    EntryProblem,
    LedgerError,
    NotFoundError,
    VerificationReport,
)

__all__ = [
    "GENESIS_HASH",
    "Account",
    "Balance",
    "BalanceProblem",
    "ChainHead",
    "ChainProblem",
    "Commodity",
    "DefinitionConflictError",
    "EntriesRefusedError",
    "Entry",
    "EntryDraft",
    "EntryProblem",
    "Ledger",
    "LedgerError",
    "NotFoundError",
    "VerificationReport",
    "canonical_attributes",
    "canonical_bytes",
    "entry_hash",
]
