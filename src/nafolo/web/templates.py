"""Server-side rendering of the dashboard: one Jinja2 environment per language (gettext through
`jinja2.ext.i18n`, number/date filters in the language's conventions) and `render`, which every
page — and the sign-in page of `nafolo.auth.routes` — answers with.

Every page carries a strict Content-Security-Policy (scripts and styles from this site only, no
inline script), is never cached (it shows live stock), and says its language in `<html lang>`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from nafolo import __version__
from nafolo.auth.roles import Permission, allowed
from nafolo.auth.users import User
from nafolo.auth.web import CSRF_FIELD, LOCAL_USER, csrf_token, signing_key
from nafolo.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    Formats,
    Language,
    choose_language,
    translations,
)
from nafolo.web.labels import code_label

FLASH_COOKIE = "nafolo_flash"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
"""ECharts draws with inline style attributes, hence 'unsafe-inline' for styles only."""


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # English source string, translated in the template
    permission: Permission
    group: str


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("/", "Overview", Permission.VIEW, ""),
    NavItem("/fuel/network", "Network", Permission.VIEW, "Fuel"),
    NavItem("/fuel/plan", "Plan", Permission.VIEW, "Fuel"),
    NavItem("/fuel/scenarios", "Scenarios", Permission.VIEW, "Fuel"),
    NavItem("/fuel/operations", "Operations", Permission.VIEW, "Fuel"),
    NavItem("/fuel/alerts", "Alerts", Permission.VIEW, "Fuel"),
    NavItem("/gold", "Refinery", Permission.VIEW, "Gold"),
    NavItem("/reports", "Reports", Permission.VIEW, ""),
    NavItem("/ledger", "Ledger", Permission.VIEW, ""),
    NavItem("/admin/users", "Users", Permission.ADMIN_USERS, ""),
)


def page_language(request: Request) -> Language:
    """The request's language (see `choose_language`); the user is the one already resolved."""
    user: User | None = getattr(request.state, "nafolo_user", None)
    setting = user.language if user is not None and user.id != LOCAL_USER.id else None
    return choose_language(
        request.cookies.get(LANGUAGE_COOKIE), setting, request.headers.get("accept-language")
    )


@functools.cache
def static_version(path: str) -> str:
    """A short digest of a static file's content, to bust the long cache when it changes."""
    resource = files("nafolo.web").joinpath("static", *path.split("/"))
    try:
        return hashlib.sha256(resource.read_bytes()).hexdigest()[:10]
    except (FileNotFoundError, IsADirectoryError):
        return __version__


def static_url(path: str) -> str:
    return f"/static/{path}?v={static_version(path)}"


def _json_script(value: Any) -> Markup:
    """JSON safe inside a `<script type="application/json">` element."""
    text = json.dumps(value, ensure_ascii=False, default=_json_default, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _field(obj: Any, name: str) -> Any:
    """`obj.name` as text-ready data: an enum's value, None when absent (interfaces evolve)."""
    value = getattr(obj, name, None)
    return getattr(value, "value", value)


@functools.cache
def environment(language: Language) -> Environment:
    """The Jinja2 environment of `language`: its catalogue, its number and date filters, and
    `label`, which shows a stored code (status, role, kind) as its translated label."""
    env = Environment(
        loader=PackageLoader("nafolo.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    formats = Formats(language)
    env.filters.update(
        number=formats.number,
        quantity=formats.quantity,
        percent=formats.percent,
        unit=formats.unit,
        day=formats.day,
        moment=formats.moment,
        month=formats.month,
        json_script=_json_script,
        pair=lambda value: (value, value),
        get=_field,
        label=functools.partial(code_label, gettext=translations(language).gettext),
    )
    env.globals.update(
        static_url=static_url,
        LANGUAGES=LANGUAGES,
        NAVIGATION=NAVIGATION,
        CSRF_FIELD=CSRF_FIELD,
        allowed=allowed,
        Permission=Permission,
        version=__version__,
    )
    return env


def formats_of(request: Request) -> Formats:
    return Formats(page_language(request))


def gettext_for(request: Request) -> Any:
    """`_` of the request's language, for messages made in Python (flash, form errors)."""
    return translations(page_language(request)).gettext


# ---- flash messages ---------------------------------------------------------------------------


def _flash_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(signing_key(request.app.state.nafolo.settings), salt="nafolo.flash")


def flash(request: Request, response: Response, message: str, level: str = "info") -> None:
    """Show `message` (already translated) on the next page rendered for this browser."""
    value = _flash_serializer(request).dumps([[level, message[:500]]])
    response.set_cookie(FLASH_COOKIE, value, max_age=120, httponly=True, samesite="lax", path="/")


def _read_flashes(request: Request) -> list[tuple[str, str]]:
    cookie = request.cookies.get(FLASH_COOKIE)
    if not cookie:
        return []
    try:
        found = _flash_serializer(request).loads(cookie)
    except BadSignature:
        return []
    return [(str(level), str(text)) for level, text in found if level in ("info", "error")]


# ---- rendering --------------------------------------------------------------------------------


def render(
    request: Request, name: str, context: Mapping[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render template `name` with `context` and the page's common context: the request, the
    language, the user, the CSRF token, the navigation and any flash message."""
    language = page_language(request)
    user: User | None = getattr(request.state, "nafolo_user", None)
    flashes = _read_flashes(request)
    base = {
        "request": request,
        "lang": language,
        "user": user,
        "auth_enabled": bool(request.app.state.nafolo.settings.auth_enabled),
        "csrf_token": csrf_token(request),
        "flashes": flashes,
        "path": request.url.path,
        "partial": request.headers.get("hx-request") == "true"
        and request.headers.get("hx-boosted") != "true",
    }
    html = environment(language).get_template(name).render({**base, **(context or {})})
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Cookie, Accept-Language, HX-Request"
    if flashes:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response
