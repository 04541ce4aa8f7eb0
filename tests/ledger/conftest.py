"""Ledger fixtures, defined in ledger_support (importable by tests under a unique module name)."""

from ledger_support import draft, ledger, tamper

__all__ = ["draft", "ledger", "tamper"]
