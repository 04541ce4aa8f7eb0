"""The gold refinery's pure domain core: LBMA bar rules, assay exchange and toll settlement,
due-diligence decisions, batch mass balance and genealogy. No I/O: the ledger-backed services,
API and CLI build on these functions. Rules, roundings and defaults: docs/gold.md.
"""
