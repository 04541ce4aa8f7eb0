"""Tabular input shared by every import (network, operations, lots): sheets in, every problem out."""

from nafolo.workbook.problems import InputError, Problem

__all__ = ["InputError", "Problem"]
