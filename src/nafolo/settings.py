"""Nafolo's settings: one pydantic-settings class read from `NAFOLO_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where Nafolo keeps its data and which database it talks to.

    `NAFOLO_DATA_DIR` (default `./data`) holds the default SQLite store; `NAFOLO_DATABASE_URL`
    overrides it with any SQLAlchemy URL (e.g. `postgresql://user@host/db`).
    """

    model_config = SettingsConfigDict(env_prefix="NAFOLO_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Folder for the default SQLite store.")
    database_url: str = Field(
        default="", description="SQLAlchemy URL of the store; empty means <data_dir>/nafolo.sqlite."
    )

    @model_validator(mode="after")
    def _default_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'nafolo.sqlite'}"
        return self
