"""FastAPI glue: who is asking (session cookie or API token), what they may do, and CSRF.

- Browsers sign in with a password (`nafolo.auth.routes`) and get `SESSION_COOKIE`: a session id
  signed with itsdangerous (HttpOnly, SameSite=Lax, Secure over https). The session is also kept
  server-side (digest only), so logout, a password change or deactivation end it at once.
- Programs send `Authorization: Bearer nfl_…` (an API token); they need no CSRF token.
- A cookie-authenticated request that changes something (POST, PUT, PATCH, DELETE) must carry the
  session's CSRF token in the `X-CSRF-Token` header or the `csrf_token` form field; the token is
  an HMAC of the session id, so it needs no storage. A cross-site `Origin` is refused outright.
- Every /api route needs one permission (`route_permission`); `require(p)` answers 401/403 as
  problem+json, `require_page(p)` redirects to /login or shows a 403 page.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, cast
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute

from nafolo.api.problems import ProblemError
from nafolo.auth.roles import Permission, Role, allowed
from nafolo.auth.tokens import digest
from nafolo.auth.users import AuthEvent, User, UserStore
from nafolo.settings import Settings

SESSION_COOKIE = "nafolo_session"
LOGIN_COOKIE = "nafolo_login"
"""Before sign-in: a signed nonce binding the login form's CSRF token to this browser."""
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PERMISSION_KEY = "x-permission"
"""Where each API route's permission is kept (its OpenAPI extension, shown in /docs)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

LOCAL_USER = User(
    id=0, username="local", full_name="Local workstation", role=Role.ADMIN, language="fr",
    active=True,
)  # fmt: skip
"""Who acts when `auth_enabled` is False (a single-user workstation)."""

_log = logging.getLogger(__name__)
bearer_scheme = HTTPBearer(auto_error=False, description="An API token: `nafolo user token`.")


# ---- app state ---------------------------------------------------------------------------------


def _state(request: Request) -> Any:
    return request.app.state.nafolo


def _users(request: Request) -> UserStore:
    users = _state(request).users
    assert isinstance(users, UserStore)
    return users


def _settings(request: Request) -> Settings:
    settings = _state(request).settings
    assert isinstance(settings, Settings)
    return settings


@functools.lru_cache(maxsize=16)
def _secret(data_dir: str, key: str) -> str:
    settings = Settings(data_dir=data_dir, secret_key=key)  # type: ignore[arg-type, unused-ignore]
    return settings.session_secret()


def signing_key(settings: Settings) -> str:
    """The session-signing key of `settings` (read once per data dir)."""
    return _secret(str(settings.data_dir), settings.secret_key.get_secret_value())


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key(settings), salt=salt)


def _hmac(settings: Settings, purpose: str, value: str) -> str:
    key = hashlib.sha256(("nafolo.csrf:" + signing_key(settings)).encode()).digest()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def _secure(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


# ---- sessions ----------------------------------------------------------------------------------


def session_id(request: Request) -> str | None:
    """The session id in the request's cookie if its signature and age are good (no DB check)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    settings = _settings(request)
    try:
        payload = _serializer(settings, "nafolo.session").loads(
            cookie, max_age=settings.session_max_age_s
        )
    except BadSignature:
        return None
    sid = payload.get("sid") if isinstance(payload, dict) else None
    return sid if isinstance(sid, str) else None


def start_session(
    response: Response, user: User, settings: Settings, *, request: Request | None = None
) -> str:
    """Sign `user` in: a new server-side session and its signed cookie on `response`.

    `request` (required in practice) gives the store and whether the connection is https; a new
    session id is issued at every sign-in (no session fixation). Returns the session id.
    """
    if request is None:
        raise ValueError("start_session needs request= (the app's user store and scheme)")
    users = _users(request)
    previous = session_id(request)
    if previous is not None:
        users.close_session(previous)
    sid = users.open_session(user, settings.session_max_age_s)
    cookie = _serializer(settings, "nafolo.session").dumps({"sid": sid})
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=_secure(request, settings),
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/")
    request.state.nafolo_session = sid
    return sid


def end_session(response: Response, request: Request | None = None) -> None:
    """Sign out: the cookie is deleted, and with `request` the session is closed server-side."""
    if request is not None:
        sid = session_id(request)
        if sid is not None:
            _users(request).close_session(sid)
    response.delete_cookie(SESSION_COOKIE, path="/")


# ---- who is asking -----------------------------------------------------------------------------


async def optional_user(request: Request) -> User | None:
    """The signed-in user (session cookie) or the API token's user; None when anonymous.

    A request carrying an `Authorization` header is judged by it alone. Cached on the request.
    """
    if hasattr(request.state, "nafolo_user"):
        return cast(User | None, request.state.nafolo_user)
    settings = _settings(request)
    user: User | None = None
    via = "none"
    if not settings.auth_enabled:
        user, via = LOCAL_USER, "local"
    elif (authorization := request.headers.get("authorization")) is not None:
        scheme, _, token = authorization.partition(" ")
        via = "token"
        if scheme.lower() == "bearer" and token.strip():
            user = await run_in_threadpool(_token_user, request, token.strip())
    elif (sid := session_id(request)) is not None:
        via = "session"
        user = await run_in_threadpool(_users(request).user_for_session, sid)
        if user is not None:
            request.state.nafolo_session = sid
    request.state.nafolo_user = user
    request.state.nafolo_auth_via = via if user is not None else "none"
    return user


def _token_user(request: Request, token: str) -> User | None:
    """`UserStore.user_for_token`, kept in the app's read cache (when it has one) under the
    token's digest: any write to the store (a revocation, a deactivation) drops it; an expiry
    is seen at most `Settings.read_cache_s` late."""
    users = _users(request)
    cache = getattr(_state(request), "read_cache", None)
    if cache is None:
        return users.user_for_token(token)
    found: User | None = cache.get(
        ("token-user", digest(token)), lambda: users.user_for_token(token)
    )
    return found


async def current_user(request: Request) -> User:
    """The user behind the request; 401 problem+json when there is none."""
    user = await optional_user(request)
    if user is None:
        raise ProblemError(
            401,
            "unauthenticated",
            "sign in at /login, or send an API token: Authorization: Bearer nfl_…",
            title="Authentication required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def _denied(request: Request, user: User, permission: Permission) -> ProblemError:
    _users(request).record(
        AuthEvent.ACCESS_DENIED,
        user.username,
        user.username,
        ip=client_address(request),
        detail=f"{request.method} {request.url.path} needs {permission.value}",
    )
    return ProblemError(
        403,
        "forbidden",
        f"{user.username} ({user.role.value}) lacks the permission {permission.value!r} that "
        f"{request.method} {request.url.path} needs",
        title="Not allowed",
        permission=permission.value,
        role=user.role.value,
    )


def require(permission: Permission) -> Callable[..., Awaitable[User]]:
    """API dependency: the user, if their role grants `permission` (else 401/403 problem+json);
    a cookie-authenticated write must also pass the CSRF check."""

    async def dependency(request: Request) -> User:
        user = await current_user(request)
        if not allowed(user.role, permission):
            raise await run_in_threadpool(_denied, request, user, permission)
        await verify_csrf(request)
        return user

    dependency.__name__ = f"require_{permission.value}"
    return dependency


class LoginRequiredError(Exception):
    """A page was asked for without signing in: the handler redirects to /login?next=…"""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageForbiddenError(Exception):
    """A signed-in user asked for a page their role does not grant: the handler shows a 403."""

    def __init__(self, user: User, permission: Permission) -> None:
        super().__init__(permission.value)
        self.user = user
        self.permission = permission


def require_page(permission: Permission) -> Callable[..., Awaitable[User]]:
    """Page dependency: redirect to /login?next=… when anonymous, a 403 page when not allowed;
    form posts must carry the CSRF token."""

    async def dependency(request: Request) -> User:
        user = await optional_user(request)
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequiredError(target)
        if not allowed(user.role, permission):
            await run_in_threadpool(
                _users(request).record,
                AuthEvent.ACCESS_DENIED,
                user.username,
                user.username,
                ip=client_address(request),
                detail=f"{request.method} {request.url.path} needs {permission.value}",
            )
            raise PageForbiddenError(user, permission)
        await verify_csrf(request)
        return user

    dependency.__name__ = f"require_page_{permission.value}"
    return dependency


# ---- CSRF --------------------------------------------------------------------------------------


def _login_nonce(request: Request) -> str | None:
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie:
        return None
    try:
        nonce = _serializer(_settings(request), "nafolo.login").loads(cookie, max_age=3600)
    except BadSignature:
        return None
    return nonce if isinstance(nonce, str) else None


def csrf_token(request: Request) -> str:
    """The CSRF token to put in forms (`csrf_token` field) and in the `X-CSRF-Token` header.

    Signed in: bound to the session. Before sign-in (the login form): bound to a nonce kept in a
    signed cookie, which `set_login_cookie` sets on the response.
    """
    settings = _settings(request)
    sid = getattr(request.state, "nafolo_session", None) or session_id(request)
    if sid is not None:
        return _hmac(settings, "session", sid)
    nonce = getattr(request.state, "nafolo_login_nonce", None) or _login_nonce(request)
    if nonce is None:
        nonce = secrets.token_urlsafe(24)
    request.state.nafolo_login_nonce = nonce
    return _hmac(settings, "login", nonce)


def set_login_cookie(request: Request, response: Response) -> None:
    """Keep the login form's nonce (made by `csrf_token`) in a signed cookie on `response`."""
    nonce = getattr(request.state, "nafolo_login_nonce", None)
    if nonce is None:
        return
    settings = _settings(request)
    response.set_cookie(
        LOGIN_COOKIE,
        _serializer(settings, "nafolo.login").dumps(nonce),
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request, settings),
        path="/",
    )


def _csrf_refused(detail: str) -> ProblemError:
    return ProblemError(403, "csrf", detail, title="Cross-site request refused")


def _check_origin(request: Request) -> None:
    """Refuse a write whose browser says it comes from another site. Behind a reverse proxy the
    public host must reach us as `Host` or `X-Forwarded-Host` (a cross-site page cannot set the
    latter without a CORS preflight, which this app never grants)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise _csrf_refused("cross-site request refused (Sec-Fetch-Site: cross-site)")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        hosts = {
            host.strip().lower()
            for name in ("host", "x-forwarded-host")
            for host in request.headers.get(name, "").split(",")
            if host.strip()
        }
        if urlsplit(origin).netloc.lower() not in hosts:
            raise _csrf_refused(f"request from origin {origin!r} refused: not this site")


async def verify_csrf(request: Request) -> None:
    """Dependency for form posts and cookie-authenticated API writes: the session's (or the login
    form's) CSRF token must come in `X-CSRF-Token` or the `csrf_token` field. Requests with an API
    token, and reads, are exempt. 403 problem+json otherwise."""
    if request.method in SAFE_METHODS:
        return
    _check_origin(request)
    await optional_user(request)
    via = getattr(request.state, "nafolo_auth_via", "none")
    if via in ("token", "local"):
        return
    provided = request.headers.get(CSRF_HEADER)
    if provided is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        provided = value if isinstance(value, str) else None
    if not provided:
        raise _csrf_refused(f"missing CSRF token: send the {CSRF_HEADER} header")
    settings = _settings(request)
    sid = getattr(request.state, "nafolo_session", None)
    if sid is not None:
        expected = _hmac(settings, "session", sid)
    else:
        nonce = _login_nonce(request)
        if nonce is None:
            raise _csrf_refused("CSRF check failed: reload the page and try again")
        expected = _hmac(settings, "login", nonce)
    if not hmac.compare_digest(provided, expected):
        raise _csrf_refused("CSRF check failed: reload the page and try again")


# ---- every API route needs one permission ------------------------------------------------------


def needs(permission: Permission) -> dict[str, Any]:
    """`openapi_extra` for a route whose permission differs from its router's default."""
    return {PERMISSION_KEY: permission.value}


def route_permission(route: APIRoute) -> Permission | None:
    """The permission an API route declares (set by `assign_permissions` or `needs`)."""
    value = (route.openapi_extra or {}).get(PERMISSION_KEY)
    return None if value is None else Permission(value)


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[tuple[str, APIRoute]]:
    """Every API route under `routes` with its full path, nested routers included."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before routers were included lazily: routes are flat
        for route in routes:
            if isinstance(route, APIRoute):
                yield route.path, route
        return
    for context in iter_route_contexts(routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            yield context.path or route.path, route


def assign_permissions(routes: Sequence[BaseRoute], read: Permission, write: Permission) -> None:
    """Give each route without a declared permission its default: `read` for GET/HEAD, `write`
    for anything else."""
    for _, route in api_routes(routes):
        if route_permission(route) is None:
            permission = read if set(route.methods or ()) <= SAFE_METHODS else write
            route.openapi_extra = {**(route.openapi_extra or {}), **needs(permission)}


async def enforce_route_permission(
    request: Request,
    _bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
) -> User:
    """The one API dependency: the matched route's permission (fail closed: a route declaring
    none needs ADMIN_USERS), with CSRF for cookie-authenticated writes."""
    route = request.scope.get("route")
    permission = route_permission(route) if isinstance(route, APIRoute) else None
    return await require(permission or Permission.ADMIN_USERS)(request)


# ---- answers for pages -------------------------------------------------------------------------


def safe_next(target: str | None) -> str:
    """A post-login destination: only a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def render_page(request: Request, name: str, context: dict[str, Any], status: int) -> Response:
    """The web helper's template `name` (nafolo.web.templates.render), or minimal HTML."""
    try:
        render = importlib.import_module("nafolo.web.templates").render
    except (ImportError, AttributeError):
        render = None
    if render is not None:
        try:
            response = render(request, name, context)
            response.status_code = status
            return cast(Response, response)
        except Exception:  # a missing or broken template must not hide the refusal
            _log.exception("template %s failed; answering minimal HTML", name)
    return HTMLResponse(_minimal_html(name, context), status_code=status)


def _minimal_html(name: str, context: dict[str, Any]) -> str:
    from html import escape

    if name == "login.html":
        error = f"<p role='alert'>{escape(str(context['error']))}</p>" if context["error"] else ""
        return (
            "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Nafolo — "
            "Connexion</title></head><body><h1>Nafolo — Connexion</h1>"
            f"{error}<form method='post' action='/login'>"
            f"<input type='hidden' name='{CSRF_FIELD}' value='{escape(context['csrf_token'])}'>"
            f"<input type='hidden' name='next' value='{escape(context['next'])}'>"
            "<label>Identifiant <input name='username' autocomplete='username' required></label>"
            "<label>Mot de passe <input type='password' name='password' "
            "autocomplete='current-password' required></label>"
            "<button type='submit'>Se connecter</button></form></body></html>"
        )
    message = escape(str(context.get("message", "")))
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Nafolo</title>"
        f"</head><body><h1>403</h1><p>{message}</p></body></html>"
    )


def install_auth_handlers(app: FastAPI) -> None:
    """Answer page refusals: anonymous → 303 to /login?next=…, not allowed → a 403 page."""

    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequiredError)
        return RedirectResponse(f"/login?next={quote(safe_next(exc.next_url))}", status_code=303)

    async def on_forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageForbiddenError)
        message = (
            f"{exc.user.username} ({exc.user.role.value}) n'a pas la permission "
            f"« {exc.permission.value} » nécessaire pour cette page."
        )
        context = {"user": exc.user, "permission": exc.permission.value, "message": message}
        return render_page(request, "403.html", context, 403)

    app.add_exception_handler(LoginRequiredError, on_login_required)
    app.add_exception_handler(PageForbiddenError, on_forbidden)
