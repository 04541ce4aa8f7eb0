"""Secrets handed to clients — API tokens and session ids: random (`secrets.token_urlsafe`),
shown once, stored only as their SHA-256 digest so that a copy of the database grants nothing."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "nfl_"
"""API tokens start with this, so that a leaked one is recognisable (e.g. by secret scanners)."""
TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh API token: the prefix and 256 random bits, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def new_session_id() -> str:
    """A fresh session id (256 random bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(secret: str) -> str:
    """The SHA-256 hex digest stored in place of `secret`."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(token: str) -> str:
    """The first characters of a token, kept to tell tokens apart in listings."""
    return token[: len(TOKEN_PREFIX) + 6]
