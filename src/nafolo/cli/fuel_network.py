"""`nafolo fuel template` and `nafolo fuel check`: the network workbook."""

from __future__ import annotations

from nafolo.cli.fuel import fuel_app  # noqa: F401
