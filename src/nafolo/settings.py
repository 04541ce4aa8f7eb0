"""Nafolo's settings: one pydantic-settings class read from `NAFOLO_*` environment variables."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LedgerWriter = Literal["auto", "python"]
"""How SQLite appends run: auto (the compiled writer when the extension is built), python."""


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

    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Key signing session cookies (NAFOLO_SECRET_KEY); empty: generated once and "
        "kept in <data_dir>/secret_key (mode 0600).",
    )
    auth_enabled: bool = Field(
        default=True,
        description="Require a signed-in user or an API token; False only on a single-user "
        "workstation listening on 127.0.0.1 (every request then acts as admin 'local').",
    )
    session_max_age_s: int = Field(
        default=8 * 3600, ge=60, description="How long a web session lasts after sign-in."
    )
    read_cache_s: float = Field(
        default=10.0,
        ge=0,
        description="Keep API read models (stocks, cover, alerts, registers) while the store is "
        "unchanged, for at most this many seconds; 0 computes every answer afresh.",
    )
    ledger_writer: LedgerWriter = Field(
        default="auto",
        description="SQLite file stores append through the compiled writer when the extension "
        "is built (auto), or always in Python (python, the reference); docs/ledger.md.",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Send cookies only over HTTPS; None: when the request came over https.",
    )

    @model_validator(mode="after")
    def _default_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'nafolo.sqlite'}"
        return self

    def session_secret(self) -> str:
        """The key signing session cookies: `secret_key`, or the one kept in the data dir
        (created on first use, readable by its owner only)."""
        key = self.secret_key.get_secret_value()
        if key:
            if len(key) < MIN_SECRET_KEY_LENGTH:
                raise ValueError(
                    f"NAFOLO_SECRET_KEY must have at least {MIN_SECRET_KEY_LENGTH} characters"
                )
            return key
        return _stored_secret(self.data_dir / SECRET_KEY_FILE)


SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32
_log = logging.getLogger(__name__)


def _stored_secret(path: Path) -> str:
    """The secret in `path`, generated (mode 0600, exclusive create) if the file is absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    secret = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(secret + "\n")
    return secret


def _read_secret(path: Path) -> str:
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        _log.warning("%s is readable by others: chmod 600 it", path)
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < MIN_SECRET_KEY_LENGTH:
        raise ValueError(
            f"{path} holds no usable secret key (at least {MIN_SECRET_KEY_LENGTH} characters)"
        )
    return secret
