"""Users, their API tokens and web sessions, and the security audit log, in the store.

`UserStore` is the one way in: it hashes passwords (argon2id), keeps tokens and session ids only
as SHA-256 digests, and appends an audit event for every security action (login ok or failed,
logout, user created, role changed, token created or revoked…) with its actor and time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from argon2 import PasswordHasher
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from nafolo.auth.passwords import Passwords, password_problems
from nafolo.auth.roles import Role
from nafolo.auth.throttle import LoginThrottle
from nafolo.auth.tokens import TOKEN_PREFIX, digest, display_prefix, new_session_id, new_token
from nafolo.ledger.canonical import format_timestamp, parse_timestamp
from nafolo.store.auth_tables import api_tokens, auth_events, auth_sessions, users

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")


class AuthEvent:
    """The kinds of security event the audit log records."""

    LOGIN_OK = "login_ok"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_locked"
    LOGOUT = "logout"
    USER_CREATED = "user_created"
    ROLE_CHANGED = "role_changed"
    USER_ACTIVATED = "user_activated"
    USER_DEACTIVATED = "user_deactivated"
    PASSWORD_CHANGED = "password_changed"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    ACCESS_DENIED = "access_denied"


class User(BaseModel, frozen=True):
    """Who is acting: what the pages and endpoints know of a signed-in user."""

    id: int
    username: str
    full_name: str
    role: Role
    language: Language
    active: bool


class ApiToken(BaseModel):
    """An API token as listed (never the token itself)."""

    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def usable(self) -> bool:
        now = datetime.now(UTC)
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEvent(BaseModel):
    """One row of the security audit log."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    event: str
    actor: str
    subject: str
    ip: str
    detail: str


class UserError(ValueError):
    """A user operation refused, naming the field at fault; nothing was stored."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _now() -> datetime:
    return datetime.now(UTC)


def _user(row: sa.Row[object]) -> User:
    m = row._mapping
    language = str(m["language"])
    return User(
        id=int(m["id"]),  # type: ignore[call-overload, unused-ignore]
        username=str(m["username"]),
        full_name=str(m["full_name"]),
        role=Role(m["role"]),
        language="en" if language == "en" else "fr",
        active=bool(m["active"]),
    )


def _moment(text: object) -> datetime | None:
    return None if text is None else parse_timestamp(str(text))


def check_username(username: str) -> str:
    """`username` stripped, or UserError: 2–64 letters, digits, '.', '_' or '-'."""
    name = username.strip()
    if not USERNAME.match(name):
        raise UserError(
            "username",
            f"{username!r} is not a valid username: 2 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
        )
    return name


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError(
            "role", f"{role!r} is not a role: one of {', '.join(r.value for r in Role)}"
        ) from None


class UserStore:
    """Users, API tokens, sessions and the audit log over one store."""

    def __init__(self, engine: Engine, *, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.passwords = Passwords(hasher)
        self.throttle = LoginThrottle()

    # ---- users --------------------------------------------------------------------------------

    def create_user(
        self,
        username: str,
        password: str,
        role: Role,
        *,
        full_name: str = "",
        language: str = "fr",
        actor: str = "system",
    ) -> User:
        """A new active user; refused (UserError) for a bad or taken username, an unknown role or
        language, or a password that does not meet the policy."""
        name = check_username(username)
        checked_role = check_role(role)
        if language not in LANGUAGES:
            raise UserError("language", f"{language!r} is not one of fr, en")
        if len(full_name) > 200:
            raise UserError("full_name", "must have at most 200 characters")
        problems = password_problems(password, name)
        if problems:
            raise UserError("password", "; ".join(problems))
        if self.by_username(name) is not None:
            raise UserError("username", f"a user {name!r} already exists (case ignored)")
        password_hash = self.passwords.hash(password)
        now = format_timestamp(_now())
        try:
            with self.engine.begin() as connection:
                user_id = connection.execute(
                    users.insert().returning(users.c.id),
                    {
                        "username": name,
                        "username_key": name.casefold(),
                        "full_name": full_name.strip(),
                        "role": checked_role.value,
                        "language": language,
                        "active": True,
                        "password_hash": password_hash,
                        "created_at": now,
                        "created_by": actor,
                    },
                ).scalar_one()
                self._record(
                    connection, AuthEvent.USER_CREATED, actor, name, detail=checked_role.value
                )
        except IntegrityError:
            raise UserError("username", f"a user {name!r} already exists (case ignored)") from None
        user = self.get(int(user_id))
        assert user is not None
        return user

    def get(self, user_id: int) -> User | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(users).where(users.c.id == user_id)).first()
        return None if row is None else _user(row)

    def by_username(self, username: str) -> User | None:
        """The user named `username`, whatever its case."""
        key = username.strip().casefold()
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(users).where(users.c.username_key == key)).first()
        return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(users).order_by(users.c.username_key)).all()
        return [_user(r) for r in rows]

    def _existing(self, username: str) -> User:
        user = self.by_username(username)
        if user is None:
            raise UserError("username", f"no user {username!r}")
        return user

    def set_role(self, username: str, role: Role, *, actor: str) -> User:
        """Change a user's role (effective on their next request)."""
        user = self._existing(username)
        new = check_role(role)
        with self.engine.begin() as connection:
            connection.execute(users.update().where(users.c.id == user.id).values(role=new.value))
            self._record(
                connection,
                AuthEvent.ROLE_CHANGED,
                actor,
                user.username,
                detail=f"{user.role.value} -> {new.value}",
            )
        return user.model_copy(update={"role": new})

    def set_active(self, username: str, active: bool, *, actor: str) -> User:
        """Deactivate (or reactivate) a user: a deactivated user's sessions and tokens stop
        working at once."""
        user = self._existing(username)
        event = AuthEvent.USER_ACTIVATED if active else AuthEvent.USER_DEACTIVATED
        with self.engine.begin() as connection:
            connection.execute(users.update().where(users.c.id == user.id).values(active=active))
            self._record(connection, event, actor, user.username)
        return user.model_copy(update={"active": active})

    def set_password(self, username: str, password: str, *, actor: str) -> None:
        """Replace a user's password; their open web sessions are ended."""
        user = self._existing(username)
        problems = password_problems(password, user.username)
        if problems:
            raise UserError("password", "; ".join(problems))
        password_hash = self.passwords.hash(password)
        now = format_timestamp(_now())
        with self.engine.begin() as connection:
            connection.execute(
                users.update().where(users.c.id == user.id).values(password_hash=password_hash)
            )
            connection.execute(
                auth_sessions.update()
                .where(auth_sessions.c.user_id == user.id, auth_sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            self._record(connection, AuthEvent.PASSWORD_CHANGED, actor, user.username)

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user whose password this is, else None (the same time is spent for an
        unknown username). Hashes made with weaker parameters are upgraded on the way."""
        key = username.strip().casefold()
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(users).where(users.c.username_key == key)).first()
        if row is None:
            self.passwords.burn(password)
            return None
        stored = str(row._mapping["password_hash"])
        if not self.passwords.verify(stored, password):
            return None
        user = _user(row)
        if not user.active:
            return None
        if self.passwords.needs_rehash(stored):
            with self.engine.begin() as connection:
                connection.execute(
                    users.update()
                    .where(users.c.id == user.id)
                    .values(password_hash=self.passwords.hash(password))
                )
        return user

    # ---- API tokens ---------------------------------------------------------------------------

    def create_token(
        self,
        user_id: int,
        name: str,
        *,
        expires_days: int | None = None,
        actor: str | None = None,
    ) -> str:
        """A new API token for the user: the plain token, shown once; only its digest is kept."""
        user = self.get(user_id)
        if user is None:
            raise UserError("user_id", f"no user {user_id}")
        label = name.strip()
        if not label or len(label) > 100:
            raise UserError("name", "a token needs a name of 1 to 100 characters")
        if expires_days is not None and not 1 <= expires_days <= 3660:
            raise UserError("expires_days", "must be between 1 and 3660 days")
        token = new_token()
        now = _now()
        expires = None if expires_days is None else now + timedelta(days=expires_days)
        with self.engine.begin() as connection:
            connection.execute(
                api_tokens.insert(),
                {
                    "user_id": user.id,
                    "name": label,
                    "token_hash": digest(token),
                    "prefix": display_prefix(token),
                    "created_at": format_timestamp(now),
                    "expires_at": None if expires is None else format_timestamp(expires),
                    "revoked_at": None,
                },
            )
            self._record(
                connection,
                AuthEvent.TOKEN_CREATED,
                actor or user.username,
                user.username,
                detail=f"{label} ({display_prefix(token)}…)",
            )
        return token

    def user_for_token(self, token: str) -> User | None:
        """The active user holding `token`, if it is neither revoked nor expired."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        now = format_timestamp(_now())
        query = (
            sa.select(users)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == digest(token),
                api_tokens.c.revoked_at.is_(None),
                sa.or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now),
                users.c.active.is_(True),
            )
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _user(row)

    def tokens(self, user_id: int | None = None) -> list[ApiToken]:
        """API tokens (of one user, or all), oldest first."""
        query = sa.select(api_tokens).order_by(api_tokens.c.id)
        if user_id is not None:
            query = query.where(api_tokens.c.user_id == user_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            ApiToken(
                id=r.id,
                user_id=r.user_id,
                name=r.name,
                prefix=r.prefix,
                created_at=parse_timestamp(r.created_at),
                expires_at=_moment(r.expires_at),
                revoked_at=_moment(r.revoked_at),
            )
            for r in rows
        ]

    def revoke_token(self, token_id: int, *, actor: str, user_id: int | None = None) -> bool:
        """Revoke a token (only the user's own when `user_id` is given); False if none such
        was still unrevoked."""
        clauses = [api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None)]
        if user_id is not None:
            clauses.append(api_tokens.c.user_id == user_id)
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(api_tokens.c.name, api_tokens.c.prefix, users.c.username)
                .join(users, users.c.id == api_tokens.c.user_id)
                .where(*clauses)
            ).first()
            if row is None:
                return False
            connection.execute(
                api_tokens.update().where(*clauses).values(revoked_at=format_timestamp(_now()))
            )
            self._record(
                connection,
                AuthEvent.TOKEN_REVOKED,
                actor,
                row.username,
                detail=f"{row.name} ({row.prefix}…)",
            )
        return True

    # ---- web sessions -------------------------------------------------------------------------

    def open_session(self, user: User, max_age_s: int) -> str:
        """A new session for `user`: its id (for the signed cookie); only the digest is kept."""
        session_id = new_session_id()
        now = _now()
        with self.engine.begin() as connection:
            connection.execute(
                auth_sessions.insert(),
                {
                    "session_hash": digest(session_id),
                    "user_id": user.id,
                    "created_at": format_timestamp(now),
                    "expires_at": format_timestamp(now + timedelta(seconds=max_age_s)),
                    "revoked_at": None,
                },
            )
        return session_id

    def user_for_session(self, session_id: str) -> User | None:
        """The active user of an open, unexpired session."""
        now = format_timestamp(_now())
        query = (
            sa.select(users)
            .join(auth_sessions, auth_sessions.c.user_id == users.c.id)
            .where(
                auth_sessions.c.session_hash == digest(session_id),
                auth_sessions.c.revoked_at.is_(None),
                auth_sessions.c.expires_at > now,
                users.c.active.is_(True),
            )
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _user(row)

    def close_session(self, session_id: str) -> None:
        """End a session server-side: its cookie no longer signs anyone in, even if kept."""
        with self.engine.begin() as connection:
            connection.execute(
                auth_sessions.update()
                .where(
                    auth_sessions.c.session_hash == digest(session_id),
                    auth_sessions.c.revoked_at.is_(None),
                )
                .values(revoked_at=format_timestamp(_now()))
            )

    # ---- audit log ----------------------------------------------------------------------------

    def record(
        self, event: str, actor: str, subject: str = "", *, ip: str = "", detail: str = ""
    ) -> None:
        """Append a security event to the audit log."""
        with self.engine.begin() as connection:
            self._record(connection, event, actor, subject, ip=ip, detail=detail)

    @staticmethod
    def _record(
        connection: Connection,
        event: str,
        actor: str,
        subject: str = "",
        *,
        ip: str = "",
        detail: str = "",
    ) -> None:
        connection.execute(
            auth_events.insert(),
            {
                "at": format_timestamp(_now()),
                "event": event,
                "actor": actor[:100],
                "subject": subject[:100],
                "ip": ip[:64],
                "detail": detail[:300],
            },
        )

    def events(
        self, *, limit: int = 100, event: str | None = None, subject: str | None = None
    ) -> list[AuditEvent]:
        """The latest audit events, newest first."""
        query = sa.select(auth_events).order_by(auth_events.c.id.desc()).limit(limit)
        if event is not None:
            query = query.where(auth_events.c.event == event)
        if subject is not None:
            query = query.where(auth_events.c.subject == subject)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            AuditEvent(
                id=r.id,
                at=parse_timestamp(r.at),
                event=r.event,
                actor=r.actor,
                subject=r.subject,
                ip=r.ip,
                detail=r.detail,
            )
            for r in rows
        ]
