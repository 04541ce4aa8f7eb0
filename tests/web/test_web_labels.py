"""Stored codes (statuses, roles, kinds) are shown as translated labels through the one mapping
`nafolo.web.labels.CODE_LABELS`: French by default, English by the switch, never the raw code."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import seed_gold

from nafolo.auth.roles import Role
from nafolo.fuel.alerts import AlertKind
from nafolo.fuel.operations.inputs import ConvoyEventKind
from nafolo.gold.diligence import Decision, DepositorType, Rating
from nafolo.gold.service.common import CustodyEvent
from nafolo.gold.service.lots import LotStatus
from nafolo.gold.service.refining import Route
from nafolo.web.i18n import LANGUAGE_COOKIE, gettext_of
from nafolo.web.labels import CODE_LABELS, code_label

CODED: tuple[type[StrEnum], ...] = (
    Role,
    AlertKind,
    ConvoyEventKind,
    LotStatus,
    CustodyEvent,
    Route,
    Decision,
    Rating,
    DepositorType,
)
SAME_IN_FRENCH = {"correction", "optimal"}
STORED_STATUSES = ("open", "closed", "vaulted", "shipped", "pending", "in_transit")


@pytest.mark.parametrize("codes", CODED, ids=lambda c: c.__name__)
def test_every_code_of_the_services_has_a_label(codes: type[StrEnum]) -> None:
    assert [c.value for c in codes if c.value not in CODE_LABELS] == []


def test_every_stored_status_has_a_label() -> None:
    assert [s for s in STORED_STATUSES if s not in CODE_LABELS] == []


def test_every_label_has_its_french_translation() -> None:
    untranslated = [
        label
        for label in CODE_LABELS.values()
        if gettext_of("fr", label) == label and label not in SAME_IN_FRENCH
    ]
    assert untranslated == []


def test_a_label_is_french_or_english_by_the_catalogue() -> None:
    assert code_label("in_transit", lambda m: gettext_of("fr", m)) == "en transit"
    assert code_label(LotStatus.IN_BATCH, lambda m: gettext_of("en", m)) == "in a batch"


def test_an_unknown_code_shows_as_it_is_and_no_code_as_a_dash() -> None:
    assert code_label("brand_new_status", str) == "brand_new_status"
    assert code_label(None, str) == "—"


@pytest.fixture
def gold_client(client: TestClient, web_store: str, tmp_path: Path) -> TestClient:
    seed_gold(web_store, tmp_path)
    return client


def _status_cells(html: str) -> set[str]:
    return set(re.findall(r"<td>([^<]*)</td>\s*<td class=\"num\">", html))


def test_the_lot_register_shows_statuses_as_french_labels(gold_client: TestClient) -> None:
    cells = _status_cells(gold_client.get("/gold?tab=lots").text)
    french = {gettext_of("fr", CODE_LABELS[s.value]) for s in LotStatus}
    assert cells and cells <= french
    assert not cells & {s.value for s in LotStatus}


def test_the_lot_register_shows_statuses_as_english_labels_after_the_switch(
    gold_client: TestClient,
) -> None:
    gold_client.cookies.set(LANGUAGE_COOKIE, "en")
    cells = _status_cells(gold_client.get("/gold?tab=lots").text)
    assert cells and cells <= {CODE_LABELS[s.value] for s in LotStatus}


def test_the_custody_timeline_shows_events_as_french_labels(gold_client: TestClient) -> None:
    html = gold_client.get("/gold/lots/L-EX-0001").text
    events = set(re.findall(r"<li><strong>([^<]*)</strong>", html))
    assert events and events <= {gettext_of("fr", CODE_LABELS[e.value]) for e in CustodyEvent}
