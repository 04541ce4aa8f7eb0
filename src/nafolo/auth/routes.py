"""Sign-in and sign-out pages (`auth_router`: GET/POST /login, POST /logout) and the account API
(`auth_api_router`, mounted under /api: /auth/me, /auth/tokens, and for admins /auth/users and
/auth/events). Every sign-in attempt, sign-out and token change goes to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from nafolo.api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError, field_error
from nafolo.auth.roles import ROLE_PERMISSIONS, Permission, Role
from nafolo.auth.users import ApiToken, AuditEvent, AuthEvent, User, UserError
from nafolo.auth.web import (
    _settings,
    _users,
    client_address,
    csrf_token,
    current_user,
    end_session,
    needs,
    optional_user,
    render_page,
    safe_next,
    set_login_cookie,
    start_session,
    verify_csrf,
)

auth_router = APIRouter(tags=["sign-in"], include_in_schema=False)
auth_api_router = APIRouter(prefix="/auth", tags=["users and tokens"])

MESSAGES = {
    "fr": {
        "invalid": "Identifiant ou mot de passe incorrect.",
        "locked": "Trop d'essais infructueux : réessayez dans {seconds} s.",
        "csrf": "Le formulaire a expiré : veuillez réessayer.",
    },
    "en": {
        "invalid": "Wrong username or password.",
        "locked": "Too many failed attempts: try again in {seconds} s.",
        "csrf": "The form expired: please try again.",
    },
}


def _language(request: Request) -> str:
    accepted = request.headers.get("accept-language", "").strip().lower()
    return "en" if accepted.startswith("en") else "fr"


def _login_page(request: Request, next_url: str, error: str = "", status: int = 200) -> Response:
    context = {"error": error, "next": safe_next(next_url), "csrf_token": csrf_token(request)}
    response = render_page(request, "login.html", context, status)
    set_login_cookie(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response


@auth_router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form (already signed in: straight on to `next`)."""
    if await optional_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next)


@auth_router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password (argon2), with lockout after repeated failures; on success a new
    session and a 303 to `next`."""
    messages = MESSAGES[_language(request)]
    try:
        await verify_csrf(request)
    except ProblemError:
        return _login_page(request, next, messages["csrf"], 403)
    users = _users(request)
    name = username.strip()
    address = client_address(request)
    wait_s = users.throttle.locked_for_s(name, address)
    if wait_s > 0:
        await run_in_threadpool(
            users.record, AuthEvent.LOGIN_LOCKED, name or "anonymous", name, ip=address
        )
        return _login_page(request, next, messages["locked"].format(seconds=int(wait_s) + 1), 429)
    user = await run_in_threadpool(users.authenticate, name, password)
    if user is None:
        locked = users.throttle.failed(name, address)
        detail = f"locked for {users.throttle.lockout_s:.0f} s" if locked else ""
        await run_in_threadpool(
            users.record,
            AuthEvent.LOGIN_FAILED,
            name or "anonymous",
            name,
            ip=address,
            detail=detail,
        )
        return _login_page(request, next, messages["invalid"], 401)
    users.throttle.succeeded(name)
    await run_in_threadpool(
        users.record, AuthEvent.LOGIN_OK, user.username, user.username, ip=address
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    await run_in_threadpool(start_session, response, user, _settings(request), request=request)
    return response


@auth_router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session server-side and drop its cookie (CSRF token required)."""
    await verify_csrf(request)
    user = await optional_user(request)
    response = RedirectResponse("/login", status_code=303)
    if user is not None:
        users = _users(request)
        await run_in_threadpool(
            users.record, AuthEvent.LOGOUT, user.username, user.username, ip=client_address(request)
        )
    await run_in_threadpool(end_session, response, request)
    return response


# ---- /api/auth ---------------------------------------------------------------------------------

UserDep = Annotated[User, Depends(current_user)]
_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}} for status in (403, 404, 422)
}


class Me(BaseModel):
    """The signed-in user, their permissions and (cookie sessions) their CSRF token."""

    username: str
    full_name: str
    role: Role
    language: str
    permissions: list[Permission]
    csrf_token: str | None = Field(
        default=None, description=f"For cookie sessions: send it as {'X-CSRF-Token'} on writes."
    )


@auth_api_router.get("/me", summary="Who I am")
async def me(request: Request, user: UserDep) -> Me:
    via = getattr(request.state, "nafolo_auth_via", "none")
    return Me(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        language=user.language,
        permissions=sorted(ROLE_PERMISSIONS[user.role]),
        csrf_token=csrf_token(request) if via == "session" else None,
    )


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")
    expires_days: int | None = Field(default=None, ge=1, le=3660)


class TokenCreated(BaseModel):
    """A new API token: `token` is shown this once and cannot be read again."""

    id: int
    name: str
    token: str
    prefix: str
    expires_at: datetime | None


@auth_api_router.post(
    "/tokens", status_code=201, summary="Create an API token for me", responses=_REFUSALS
)
async def create_token(request: Request, user: UserDep, body: TokenIn) -> TokenCreated:
    """Only from a signed-in browser session (or `nafolo user token`): a token cannot mint
    further tokens, so a leaked one cannot entrench itself."""
    if getattr(request.state, "nafolo_auth_via", "none") != "session":
        raise ProblemError(
            403,
            "forbidden",
            "API tokens are created from a signed-in session or with `nafolo user token`, "
            "not with another token",
            title="Not allowed",
        )
    users = _users(request)
    try:
        token = await run_in_threadpool(
            lambda: users.create_token(user.id, body.name, expires_days=body.expires_days)
        )
    except UserError as error:
        raise ProblemError(
            422, "validation", error.message, [field_error(["body", error.field], error.message)]
        ) from error
    created = [t for t in users.tokens(user.id) if token.startswith(t.prefix)][-1]
    return TokenCreated(
        id=created.id,
        name=created.name,
        token=token,
        prefix=created.prefix,
        expires_at=created.expires_at,
    )


@auth_api_router.get("/tokens", summary="My API tokens")
async def my_tokens(request: Request, user: UserDep) -> list[ApiToken]:
    return await run_in_threadpool(_users(request).tokens, user.id)


@auth_api_router.delete(
    "/tokens/{token_id}",
    status_code=204,
    summary="Revoke one of my API tokens",
    responses=_REFUSALS,
    openapi_extra=needs(Permission.VIEW),
)
async def revoke_token(
    request: Request, user: UserDep, token_id: Annotated[int, Path(ge=1)]
) -> Response:
    revoked = await run_in_threadpool(
        lambda: _users(request).revoke_token(token_id, actor=user.username, user_id=user.id)
    )
    if not revoked:
        message = f"you have no unrevoked token {token_id}"
        raise ProblemError(404, "not-found", message, [field_error(["path", "token_id"], message)])
    return Response(status_code=204)


@auth_api_router.get(
    "/users", summary="Users (admins)", openapi_extra=needs(Permission.ADMIN_USERS)
)
async def list_users(request: Request) -> list[User]:
    return await run_in_threadpool(_users(request).list_users)


@auth_api_router.get(
    "/events", summary="Security audit log (admins)", openapi_extra=needs(Permission.ADMIN_USERS)
)
async def audit_events(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    event: Annotated[str | None, Query(description="Only this kind, e.g. login_failed.")] = None,
    subject: Annotated[str | None, Query(description="Only events about this username.")] = None,
) -> list[AuditEvent]:
    """Newest first: sign-ins (ok, failed, locked), sign-outs, users created, roles changed,
    tokens created and revoked, refused accesses."""
    return await run_in_threadpool(
        lambda: _users(request).events(limit=limit, event=event, subject=subject)
    )
