"""Typed dependencies of the dashboard's pages: who may see or do what (redirect to /login or a
403 page, CSRF checked on form posts) and the request's language and formats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from nafolo.auth.roles import Permission
from nafolo.auth.users import User
from nafolo.auth.web import optional_user, require_page
from nafolo.web.i18n import Formats, Language, translations
from nafolo.web.templates import page_language

Viewer = Annotated[User, Depends(require_page(Permission.VIEW))]
Planner = Annotated[User, Depends(require_page(Permission.PLAN))]
Operator = Annotated[User, Depends(require_page(Permission.FUEL_OPERATE))]
Verifier = Annotated[User, Depends(require_page(Permission.LEDGER_VERIFY))]
Reporter = Annotated[User, Depends(require_page(Permission.REPORTS))]


@dataclass(frozen=True)
class Kit:
    """The request's language, its number/date formats and its `gettext`."""

    language: Language
    formats: Formats

    def _(self, message: str) -> str:
        return translations(self.language).gettext(message)


async def get_kit(request: Request) -> Kit:
    await optional_user(request)
    language = page_language(request)
    return Kit(language, Formats(language))


KitDep = Annotated[Kit, Depends(get_kit)]
