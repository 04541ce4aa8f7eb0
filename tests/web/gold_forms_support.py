"""Helpers of the refinery form tests: a lot brought to a given step through the services, and
posting a refinery form with the page's CSRF token."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from web_support import csrf_of

STEPS = ("registered", "received", "sampled", "assayed")


def new_code(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def lot_at(url: str, step: str, *, assayer: str = "clerk") -> str:
    """A new lot of DEP-EXAMPLE brought to `step` (one of STEPS) through the gold services."""
    from nafolo.gold.assays import AssayMethod, SampleRole
    from nafolo.gold.service import AssayIn, NewLot, Refinery, SampleIn, SampleSetIn, WeighingIn

    lot_id = new_code("L")
    engine = create_engine(url)
    try:
        refinery = Refinery(engine)
        refinery.lots.register(
            NewLot(lot_id=lot_id, depositor_id="DEP-EXAMPLE", origin_id="OR-EXAMPLE",
                   arrived_on=date(2026, 1, 20), declared_gross_g=Decimal(10000),
                   declared_au_per_mille=Decimal(900), declared_ag_per_mille=Decimal(50),
                   seal_numbers=["S-1"], transport_documents=[], export_documents=[]),
            actor="clerk",
        )  # fmt: skip
        if STEPS.index(step) >= 1:
            refinery.lots.receive(
                WeighingIn(lot_id=lot_id, scale_id="SC-1",
                           weighed_at=datetime(2026, 1, 20, 9, tzinfo=UTC),
                           gross_g=Decimal(10010), tare_g=Decimal(10)),
                actor="clerk",
            )  # fmt: skip
        if STEPS.index(step) >= 2:
            refinery.lab.seal_samples(
                SampleSetIn(lot_id=lot_id, **{
                    role: SampleIn(sample_id=f"{lot_id}-{role[0].upper()}", seal_number=f"{role}-1")
                    for role in ("refiner", "depositor", "umpire")
                }),
                actor="clerk",
            )  # fmt: skip
        if STEPS.index(step) >= 3:
            for role in (SampleRole.REFINER, SampleRole.DEPOSITOR):
                refinery.lab.record_assay(
                    AssayIn(lot_id=lot_id, role=role, laboratory="Lab",
                            method=AssayMethod.FIRE_ASSAY,
                            au_replicates_per_mille=[Decimal("900.0"), Decimal("900.1")],
                            ag_replicates_per_mille=[Decimal("50.0"), Decimal("50.0")]),
                    actor=assayer,
                )  # fmt: skip
            refinery.lab.exchange(lot_id, actor=assayer)
        return lot_id
    finally:
        engine.dispose()


def lot_status(url: str, lot_id: str) -> str | None:
    from nafolo.gold.service import GoldNotFoundError, Refinery

    engine = create_engine(url)
    try:
        return str(Refinery(engine).lots.get(lot_id).status)
    except GoldNotFoundError:
        return None
    finally:
        engine.dispose()


def post_form(
    client: TestClient, page: str, name: str, data: dict[str, Any], *, csrf: bool = True
) -> httpx.Response:
    """Post the refinery form `name` as a browser would from `page` (no redirect followed)."""
    token = csrf_of(client.get(page).text) if csrf else None
    body = {**data, **({"csrf_token": token} if token else {})}
    return client.post(f"/gold/forms/{name}", data=body, follow_redirects=False)
