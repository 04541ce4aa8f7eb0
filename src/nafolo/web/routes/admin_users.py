"""Users, for administrators: list them, create one with a role, deactivate one.

Everything goes through `nafolo.auth.users.UserStore` — the service `nafolo user create` uses —
so the password policy, the argon2 hash and the audit log (`user_created`, `user_deactivated`,
with the signed-in administrator as actor) are the real ones. Every page and post needs the
`admin_users` permission; posts carry the CSRF token (checked by `require_page`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from nafolo.api.deps import StateDep
from nafolo.auth.passwords import MIN_PASSWORD_LENGTH
from nafolo.auth.roles import Permission, Role
from nafolo.auth.users import LANGUAGES, User, UserError, UserStore
from nafolo.auth.web import require_page
from nafolo.web.deps import Kit, KitDep
from nafolo.web.forms import FormErrors, Reader, form_messages
from nafolo.web.labels import code_label
from nafolo.web.templates import flash, render

router = APIRouter()
Admin = Annotated[User, Depends(require_page(Permission.ADMIN_USERS))]
FIELDS = ("username", "full_name", "role", "language", "password")


def _context(
    users: UserStore, kit: Kit, values: Mapping[str, Any], errors: FormErrors | None
) -> dict[str, Any]:
    return {
        "users": users.list_users(),
        "roles": [(role.value, code_label(role, kit._)) for role in Role],
        "languages": LANGUAGES,
        "values": values,
        "errors": errors or FormErrors(),
        "min_password_length": MIN_PASSWORD_LENGTH,
    }


def refusal_message(error: UserError, kit: Kit) -> str:
    """The service's refusal in the page's language, beside its field."""
    _ = kit._
    if error.field == "username":
        if "already exists" in error.message:
            return _("A user with this name already exists.")
        if error.message.startswith("no user"):
            return _("There is no such user.")
        return _("2 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
    if error.field == "password":
        return _("The password does not meet the policy: {problems}.").format(
            problems=error.message
        )
    return error.message


@router.get("/admin/users", response_class=HTMLResponse, name="web_admin_users")
def users_page(request: Request, user: Admin, kit: KitDep, state: StateDep) -> HTMLResponse:
    values = {"role": Role.VIEWER.value, "language": "fr"}
    return render(request, "admin_users.html", _context(state.users, kit, values, None))


@router.post("/admin/users", response_class=HTMLResponse, name="web_admin_users_create")
async def create_user(
    request: Request,
    user: Admin,
    kit: KitDep,
    state: StateDep,
    username: Annotated[str, Form(max_length=200)] = "",
    full_name: Annotated[str, Form(max_length=400)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Create an active user with the chosen role; refusals are shown beside their field and
    nothing is stored."""
    values = {"username": username, "full_name": full_name, "role": role, "language": language}
    reader = Reader({**values, "password": password}, form_messages(kit._))
    name = reader.text("username")
    chosen_role = reader.choice("role", [r.value for r in Role])
    chosen_language = reader.choice("language", list(LANGUAGES))
    if not password:
        reader.errors.add("password", form_messages(kit._)["required"])
    if not reader.errors and chosen_role is not None and chosen_language is not None:
        try:
            created = await run_in_threadpool(
                lambda: state.users.create_user(
                    name,
                    password,
                    Role(chosen_role),
                    full_name=full_name,
                    language=chosen_language,
                    actor=user.username,
                )
            )
        except UserError as error:
            field = error.field if error.field in FIELDS else "username"
            reader.errors.add(field, refusal_message(error, kit))
        else:
            response = RedirectResponse("/admin/users", status_code=303)
            message = kit._("User {username} created with the role {role}.").format(
                username=created.username, role=code_label(created.role, kit._)
            )
            flash(request, response, message)
            return response
    context = _context(state.users, kit, values, reader.errors)
    return render(request, "admin_users.html", context, status_code=422)


@router.post(
    "/admin/users/{username}/deactivate",
    response_class=HTMLResponse,
    name="web_admin_users_deactivate",
)
async def deactivate_user(
    request: Request, user: Admin, kit: KitDep, state: StateDep, username: str
) -> Response:
    """Deactivate a user: their sessions and API tokens stop working at once. An administrator
    cannot deactivate themselves (the last one would lock everyone out)."""
    response = RedirectResponse("/admin/users", status_code=303)
    if username.casefold() == user.username.casefold():
        flash(request, response, kit._("You cannot deactivate yourself."), "error")
        return response
    try:
        await run_in_threadpool(
            lambda: state.users.set_active(username, False, actor=user.username)
        )
    except UserError as error:
        flash(request, response, refusal_message(error, kit), "error")
        return response
    flash(request, response, kit._("User {username} deactivated.").format(username=username))
    return response
