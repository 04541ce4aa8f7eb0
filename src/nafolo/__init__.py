"""Nafolo: Mali's strategic supply programmes (fuel and gold) on one hash-chained ledger."""

__version__ = "0.1.0"
