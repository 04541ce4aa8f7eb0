"""Nafolo's REST API (FastAPI): `create_app(settings)` builds it, `nafolo serve` runs it."""

from nafolo.api.main import create_app

__all__ = ["create_app"]
