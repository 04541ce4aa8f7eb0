"""`nafolo fuel plan`: the weekly supply plan."""

from __future__ import annotations

from nafolo.cli.fuel import fuel_app  # noqa: F401
