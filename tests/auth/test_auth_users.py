"""The user store: users, case-insensitive names, authentication, API tokens, audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from auth_support import PASSWORD, fast_hasher
from sqlalchemy.engine import Engine

from nafolo.auth.roles import Role
from nafolo.auth.tokens import digest
from nafolo.auth.users import AuthEvent, UserError, UserStore
from nafolo.store.auth_tables import api_tokens, auth_events, users


@pytest.fixture
def store(engine: Engine) -> UserStore:
    return UserStore(engine, hasher=fast_hasher())


def test_a_created_user_signs_in_with_their_password(store: UserStore) -> None:
    created = store.create_user("Awa.Traore", PASSWORD, Role.LAB_ANALYST, full_name="Awa Traoré")
    assert (created.username, created.role, created.language) == (
        "Awa.Traore",
        Role.LAB_ANALYST,
        "fr",
    )
    assert store.authenticate("awa.traore", PASSWORD) == created


def test_the_password_is_kept_only_as_an_argon2_hash(store: UserStore, engine: Engine) -> None:
    store.create_user("awa", PASSWORD, Role.VIEWER)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_wrong_password_or_unknown_user_signs_nobody_in(store: UserStore) -> None:
    store.create_user("awa", PASSWORD, Role.VIEWER)
    assert store.authenticate("awa", "wrong password!!") is None
    assert store.authenticate("nobody", PASSWORD) is None


def test_usernames_are_unique_whatever_their_case(store: UserStore) -> None:
    store.create_user("Moussa", PASSWORD, Role.VIEWER)
    with pytest.raises(UserError, match="already exists") as refused:
        store.create_user("MOUSSA", PASSWORD, Role.ADMIN)
    assert refused.value.field == "username"


@pytest.mark.parametrize(
    ("username", "password", "role", "field"),
    [
        ("a b", PASSWORD, "viewer", "username"),
        ("-dash", PASSWORD, "viewer", "username"),
        ("awa", "short", "viewer", "password"),
        ("awa", PASSWORD, "superuser", "role"),
    ],
)
def test_a_bad_user_is_refused_naming_the_field(
    store: UserStore, username: str, password: str, role: str, field: str
) -> None:
    with pytest.raises(UserError) as refused:
        store.create_user(username, password, role)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert store.list_users() == []


def test_a_deactivated_user_cannot_sign_in_nor_use_a_token(store: UserStore) -> None:
    user = store.create_user("awa", PASSWORD, Role.VIEWER)
    token = store.create_token(user.id, "script")
    store.set_active("awa", False, actor="admin")
    assert store.authenticate("awa", PASSWORD) is None
    assert store.user_for_token(token) is None


def test_a_token_round_trips_and_is_stored_as_its_digest(store: UserStore, engine: Engine) -> None:
    user = store.create_user("awa", PASSWORD, Role.PLANNER)
    token = store.create_token(user.id, "planning script")
    assert token.startswith("nfl_") and len(token) > 40
    assert store.user_for_token(token) == user
    with engine.connect() as connection:
        stored = connection.execute(sa.select(api_tokens.c.token_hash)).scalar_one()
    assert stored == digest(token) and token not in stored
    assert store.user_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_a_revoked_token_no_longer_works(store: UserStore) -> None:
    user = store.create_user("awa", PASSWORD, Role.PLANNER)
    token = store.create_token(user.id, "script")
    [listed] = store.tokens(user.id)
    assert store.revoke_token(listed.id, actor="awa")
    assert store.user_for_token(token) is None
    assert not store.revoke_token(listed.id, actor="awa")
    assert store.tokens(user.id)[0].revoked_at is not None


def test_a_user_may_revoke_only_their_own_tokens(store: UserStore) -> None:
    awa = store.create_user("awa", PASSWORD, Role.PLANNER)
    moussa = store.create_user("moussa", PASSWORD, Role.PLANNER)
    store.create_token(awa.id, "script")
    [token] = store.tokens(awa.id)
    assert not store.revoke_token(token.id, actor="moussa", user_id=moussa.id)


def test_a_role_change_takes_effect_and_is_audited(store: UserStore) -> None:
    user = store.create_user("awa", PASSWORD, Role.VIEWER, actor="admin")
    store.set_role("awa", Role.VAULT_KEEPER, actor="admin")
    assert store.get(user.id).role is Role.VAULT_KEEPER  # type: ignore[union-attr]
    [changed] = store.events(event=AuthEvent.ROLE_CHANGED)
    assert (changed.actor, changed.subject, changed.detail) == (
        "admin",
        "awa",
        "viewer -> vault_keeper",
    )
    [created] = store.events(event=AuthEvent.USER_CREATED)
    assert (created.actor, created.subject) == ("admin", "awa")


def test_the_audit_log_refuses_updates_and_deletes(store: UserStore, engine: Engine) -> None:
    store.record(AuthEvent.LOGIN_FAILED, "awa", "awa", ip="10.0.0.1")
    for statement in (auth_events.update().values(actor="x"), auth_events.delete()):
        with pytest.raises(sa.exc.DatabaseError, match="insert-only"), engine.begin() as c:
            c.execute(statement)
    assert len(store.events()) == 1


def test_a_password_change_ends_open_sessions(store: UserStore) -> None:
    user = store.create_user("awa", PASSWORD, Role.VIEWER)
    session = store.open_session(user, 3600)
    assert store.user_for_session(session) == user
    store.set_password("awa", "another long passphrase", actor="awa")
    assert store.user_for_session(session) is None
    assert store.authenticate("awa", "another long passphrase") == user
