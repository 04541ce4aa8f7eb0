"""Shared by the web tests: a store holding the example operations, signing in through the
login form, the CSRF token of a page, and an HTML reader that lists forms, inputs and labels."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from nafolo.fuel.network.io import load_network
from nafolo.fuel.operations import import_operations
from nafolo.fuel.operations.example import bundled_example_path
from nafolo.ledger import Ledger
from nafolo.store import create_engine, upgrade

PASSWORD = "correct horse battery staple"
SECRET = "web-tests-secret-" + "w" * 32
NNBSP = "\u202f"
NBSP = "\u00a0"

PAGES = (
    "/",
    "/fuel/network",
    "/fuel/plan",
    "/fuel/scenarios",
    "/fuel/operations?tab=liftings",
    "/fuel/operations?tab=convoys",
    "/fuel/operations?tab=events",
    "/fuel/operations?tab=receipts",
    "/fuel/operations?tab=receipts&convoy=CV-0301",
    "/fuel/operations?tab=withdrawals",
    "/fuel/operations?tab=dips",
    "/fuel/alerts",
    "/gold",
    "/reports",
    "/ledger",
)
"""Every page of the dashboard (the plan and scenario results are tested with their runs)."""


def fast_hasher() -> PasswordHasher:
    """argon2id with tiny parameters: the same code path, milliseconds per hash."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def fill_with_example(url: str) -> None:
    """Migrate the store at `url` and import the example operations (January 2026) into it."""
    upgrade(url)
    engine = create_engine(url)
    try:
        import_operations(bundled_example_path(), Ledger(engine), load_network())
    finally:
        engine.dispose()


def copy_sqlite(template: Path, folder: Path) -> str:
    path = folder / "web.sqlite"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def csrf_of(html: str) -> str:
    """The value of the page's first `csrf_token` input."""
    for tag in re.findall(r"<input[^>]*>", html):
        if re.search(r"name=[\"']csrf_token[\"']", tag):
            value = re.search(r"value=[\"']([^\"']*)[\"']", tag)
            assert value is not None, tag
            return value.group(1)
    raise AssertionError(f"no csrf_token input in {html[:300]}")


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Sign `client` in through the login form."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@dataclass
class Control:
    tag: str
    attrs: dict[str, str | None]


@dataclass
class Form:
    attrs: dict[str, str | None]
    controls: list[Control] = field(default_factory=list)


class PageReader(HTMLParser):
    """The forms of a page with their controls, every label's `for`, and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.wrapped: set[int] = set()
        self._open_labels = 0
        self._form: Form | None = None
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        for name in ("href", "src", "action", "hx-get", "hx-post"):
            if found.get(name):
                self.urls.append(str(found[name]))
        if tag == "form":
            self._form = Form(found)
            self.forms.append(self._form)
        elif tag == "label":
            self._open_labels += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        elif tag in ("input", "select", "textarea", "button") and self._form is not None:
            control = Control(tag, found)
            self._form.controls.append(control)
            if self._open_labels:
                self.wrapped.add(id(control))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "label":
            self._open_labels = max(0, self._open_labels - 1)


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader


def seed_gold(url: str, folder: Path) -> None:
    """The refinery's example: depositor DEP-EXAMPLE (approved, licensed origin OR-EXAMPLE), a
    calibrated scale, a vault, and the shipped example lots imported (received, assayed,
    exchanged). Does nothing if the depositor already exists."""
    from datetime import date
    from decimal import Decimal

    from nafolo.gold.diligence import DepositorType, MiningScale
    from nafolo.gold.service import (
        AssessmentIn,
        GoldNotFoundError,
        LicenceIn,
        NewDepositor,
        OriginIn,
        OwnerIn,
        Refinery,
        import_gold,
        write_gold_example,
    )
    from nafolo.gold.service.lots import ScaleIn

    engine = create_engine(url)
    try:
        refinery = Refinery(engine)
        try:
            refinery.depositors.get("DEP-EXAMPLE")
            return
        except GoldNotFoundError:
            pass
        deps, clerk = refinery.depositors, "clerk"
        deps.register(
            NewDepositor(
                depositor_id="DEP-EXAMPLE",
                name="Mine de Kalana SA",
                depositor_type=DepositorType.INDUSTRIAL_MINE,
            ),
            actor=clerk,
        )
        deps.add_owner(
            OwnerIn(
                depositor_id="DEP-EXAMPLE",
                name="Kalana Holding",
                share_pct=Decimal(100),
                identity_verified=True,
            ),
            actor=clerk,
        )
        licence = {"valid_from": date(2020, 1, 1), "expires_on": date(2030, 12, 31)}
        deps.add_licence(
            LicenceIn(depositor_id="DEP-EXAMPLE", number="PE-2020-01", kind="exploitation",
                      **licence),
            actor=clerk,
        )  # fmt: skip
        deps.register_origin(
            OriginIn(
                origin_id="OR-EXAMPLE",
                depositor_id="DEP-EXAMPLE",
                site="Kalana",
                country="ML",
                region="Sikasso",
                latitude=Decimal("11.03"),
                longitude=Decimal("-8.21"),
                scale=MiningScale.LSM,
                licence_number="PE-2020-01",
                licence_kind="exploitation",
                licence_valid_from=licence["valid_from"],
                licence_expires_on=licence["expires_on"],
            ),
            actor=clerk,
        )
        deps.assess(
            AssessmentIn(depositor_id="DEP-EXAMPLE", assessed_on=date(2026, 1, 10)),
            actor="reviewer",
        )
        refinery.lots.register_scale(
            ScaleIn(scale_id="SC-1", calibrated_on=date(2026, 1, 1),
                    calibration_valid_until=date(2026, 12, 31)),
            actor=clerk,
        )  # fmt: skip
        refinery.vault.add_location("V1", "Chambre forte 1", actor=clerk)
        path = folder / "gold-example.xlsx"
        write_gold_example(path)
        import_gold(engine, path, actor=clerk)
    finally:
        engine.dispose()
