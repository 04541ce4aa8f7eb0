"""Auth fixtures: the API app over a fresh migrated store (SQLite, and PostgreSQL when
configured) with a known secret key, its user store (cheap argon2), and clients per role."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from auth_support import PASSWORD, SECRET, fast_hasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nafolo.api import create_app
from nafolo.auth.roles import Role
from nafolo.auth.users import UserStore
from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.settings import Settings

RoleClient = Callable[..., TestClient]


@functools.cache
def mali_network() -> Network:
    """The bundled Mali network, loaded once for every app of the session."""
    return load_network()


@pytest.fixture
def auth_settings(store_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=store_url, data_dir=tmp_path, secret_key=SECRET)


@pytest.fixture
def auth_app(auth_settings: Settings) -> Iterator[FastAPI]:
    """The API app (no user yet)."""
    app = create_app(auth_settings, network=mali_network())
    yield app
    app.state.nafolo.engine.dispose()


@pytest.fixture
def users(auth_app: FastAPI) -> UserStore:
    """The app's user store, hashing with cheap argon2 parameters."""
    return UserStore(auth_app.state.nafolo.engine, hasher=fast_hasher())


@pytest.fixture
def browser(auth_app: FastAPI) -> TestClient:
    """A client with no credentials that keeps cookies, as a browser does (base http://testserver)."""
    return TestClient(auth_app)


@pytest.fixture
def as_role(auth_app: FastAPI, users: UserStore) -> RoleClient:
    """`as_role(role, username=None)`: a Bearer-token client of a new user with that role."""

    def make(role: Role, username: str | None = None) -> TestClient:
        user = users.create_user(username or f"{role.value}.user", PASSWORD, role)
        token = users.create_token(user.id, "tests")
        return TestClient(auth_app, headers={"Authorization": f"Bearer {token}"})

    return make
