"""The language switch: remembers the choice in a cookie and goes back to the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import RedirectResponse

from nafolo.auth.web import safe_next
from nafolo.web.i18n import LANGUAGE_COOKIE, LANGUAGES

router = APIRouter()
ONE_YEAR_S = 365 * 24 * 3600


@router.get("/language/{language}", name="web_language")
def switch_language(
    language: Annotated[str, Path(description="fr or en")],
    next: Annotated[str, Query(max_length=2000)] = "/",
) -> RedirectResponse:
    """Set the page language (fr, en) and return to `next` (a path on this site)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=ONE_YEAR_S, httponly=True, samesite="lax", path="/"
        )
    return response
