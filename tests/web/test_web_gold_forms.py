"""The refinery's forms: each records through the gold services, shows a refusal beside the
field at fault with nothing stored, refuses a role without the permission (403) and a post
without the CSRF token (403); separation of duties and four eyes are visible to the user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from gold_forms_support import lot_at, lot_status, new_code, post_form
from web_support import read_page, seed_gold

from nafolo.auth.roles import Role

Signed = Callable[..., TestClient]


@pytest.fixture
def as_role(signed_in_as: Signed, web_store: str, tmp_path: Path) -> Signed:
    """`as_role(role)`: a signed-in browser over a store holding the refinery's example."""
    seed_gold(web_store, tmp_path)
    return signed_in_as


def _lot_form(lot_id: str, **changes: str) -> dict[str, str]:
    return {
        "lot_id": lot_id,
        "depositor_id": "DEP-EXAMPLE",
        "origin_id": "OR-EXAMPLE",
        "arrived_on": "2026-01-20",
        "declared_gross_g": "10 000,5",
        "declared_au_per_mille": "900",
        "declared_ag_per_mille": "50",
        "seal_numbers": "S-1, S-2",
        **changes,
    }


def _error_beside(html: str, field: str) -> str:
    errors = read_page(html)
    assert f'id="{field}-error"' in html, html[:3000]
    del errors
    start = html.index(f'id="{field}-error"')
    return html[start : html.index("</p>", start)]


def test_registering_a_lot_stores_it_and_opens_its_page(as_role: Signed, web_store: str) -> None:
    client = as_role(Role.REFINERY_OPERATOR)
    lot_id = new_code("L")
    response = post_form(client, "/gold?tab=lots", "register_lot", _lot_form(lot_id))
    assert response.status_code == 303, _problems(response.text)
    assert response.headers["location"] == f"/gold/lots/{lot_id}"
    assert lot_status(web_store, lot_id) == "registered"


def test_an_unknown_depositor_is_shown_beside_its_field_and_nothing_is_stored(
    as_role: Signed, web_store: str
) -> None:
    client = as_role(Role.REFINERY_OPERATOR)
    lot_id = new_code("L")
    form = _lot_form(lot_id, depositor_id="NOBODY")
    response = post_form(client, "/gold?tab=lots", "register_lot", form)
    assert response.status_code == 422
    assert "NOBODY" in _error_beside(response.text, "depositor_id")
    assert lot_status(web_store, lot_id) is None


def test_a_bad_number_is_shown_beside_its_field(as_role: Signed, web_store: str) -> None:
    client = as_role(Role.REFINERY_OPERATOR)
    lot_id = new_code("L")
    form = _lot_form(lot_id, declared_gross_g="beaucoup")
    response = post_form(client, "/gold?tab=lots", "register_lot", form)
    assert response.status_code == 422
    assert "nombre" in _error_beside(response.text, "declared_gross_g")
    assert lot_status(web_store, lot_id) is None


def test_a_role_without_lot_intake_is_refused_and_not_offered_the_form(as_role: Signed) -> None:
    client = as_role(Role.LAB_ANALYST)
    page = client.get("/gold?tab=lots").text
    assert 'action="/gold/forms/register_lot"' not in page
    response = post_form(client, "/gold?tab=lots", "register_lot", _lot_form(new_code("L")))
    assert response.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(as_role: Signed, web_store: str) -> None:
    client = as_role(Role.REFINERY_OPERATOR)
    lot_id = new_code("L")
    response = post_form(client, "/", "register_lot", _lot_form(lot_id), csrf=False)
    assert response.status_code == 403
    assert lot_status(web_store, lot_id) is None


def test_receiving_a_lot_on_the_scale(as_role: Signed, web_store: str) -> None:
    client = as_role(Role.REFINERY_OPERATOR)
    lot_id = lot_at(web_store, "registered")
    form = {"lot_id": lot_id, "scale_id": "SC-1", "weighed_at": "2026-01-20T09:00",
            "gross_g": "10 010", "tare_g": "10"}  # fmt: skip
    response = post_form(client, f"/gold/lots/{lot_id}", "receive", form)
    assert response.status_code == 303, _problems(response.text)
    assert lot_status(web_store, lot_id) == "received"


def test_a_scale_out_of_calibration_is_shown_beside_the_scale(
    as_role: Signed, web_store: str
) -> None:
    client = as_role(Role.REFINERY_OPERATOR)
    lot_id = lot_at(web_store, "registered")
    form = {"lot_id": lot_id, "scale_id": "SC-1", "weighed_at": "2027-03-01T09:00",
            "gross_g": "10010", "tare_g": "10"}  # fmt: skip
    response = post_form(client, f"/gold/lots/{lot_id}", "receive", form)
    assert response.status_code == 422
    assert "SC-1" in _error_beside(response.text, "scale_id")
    assert lot_status(web_store, lot_id) == "registered"


def _assay(lot_id: str, role: str, au: str = "900,0") -> dict[str, str]:
    return {"lot_id": lot_id, "role": role, "laboratory": "Labo SENOU",
            "method": "fire assay (cupellation, ISO 11426)",
            "au_1": au, "au_2": "900,1", "ag_1": "50", "ag_2": "50"}  # fmt: skip


def test_samples_assays_and_exchange_assay_the_lot(as_role: Signed, web_store: str) -> None:
    client = as_role(Role.LAB_ANALYST)
    lot_id = lot_at(web_store, "received")
    page = f"/gold/lots/{lot_id}"
    seals = {f"{r}_{k}": f"{lot_id}-{r}-{k}" for r in ("refiner", "depositor", "umpire")
             for k in ("sample", "seal")}  # fmt: skip
    assert post_form(client, page, "samples", {"lot_id": lot_id, **seals}).status_code == 303
    for role in ("refiner", "depositor"):
        response = post_form(client, page, "assay", _assay(lot_id, role))
        assert response.status_code == 303, _problems(response.text)
    response = post_form(client, page, "exchange", {"lot_id": lot_id})
    assert response.status_code == 303, _problems(response.text)
    assert lot_status(web_store, lot_id) == "assayed"


def test_a_fineness_above_1000_is_shown_beside_its_replicate(
    as_role: Signed, web_store: str
) -> None:
    client = as_role(Role.LAB_ANALYST)
    lot_id = lot_at(web_store, "sampled")
    response = post_form(client, f"/gold/lots/{lot_id}", "assay", _assay(lot_id, "refiner", "1200"))
    assert response.status_code == 422
    _error_beside(response.text, "au_1")
    assert lot_status(web_store, lot_id) == "sampled"


def test_the_assayer_may_not_approve_the_settlement(as_role: Signed, web_store: str) -> None:
    admin = as_role(Role.ADMIN)
    username = admin.get("/gold").text  # signed in; find who we are from the lot's assays
    del username
    lot_id = lot_at(web_store, "sampled")
    page = f"/gold/lots/{lot_id}"
    for role in ("refiner", "depositor"):
        assert post_form(admin, page, "assay", _assay(lot_id, role)).status_code == 303
    assert post_form(admin, page, "exchange", {"lot_id": lot_id}).status_code == 303
    html = admin.get(page).text
    assert "séparation des tâches" in html
    response = post_form(admin, page, "settle", {"lot_id": lot_id})
    assert response.status_code == 422
    assert "separation of duties" in _error_beside(response.text, "approver")
    assert lot_status(web_store, lot_id) == "assayed"


def test_a_second_person_approves_the_settlement(as_role: Signed, web_store: str) -> None:
    lot_id = lot_at(web_store, "assayed")
    approver = as_role(Role.COMPLIANCE_OFFICER)
    response = post_form(approver, f"/gold/lots/{lot_id}", "settle", {"lot_id": lot_id})
    assert response.status_code == 303, _problems(response.text)
    assert lot_status(web_store, lot_id) == "settled"


def test_a_viewer_is_not_offered_the_settlement_and_is_refused(
    as_role: Signed, web_store: str
) -> None:
    lot_id = lot_at(web_store, "assayed")
    viewer = as_role(Role.VIEWER)
    page = viewer.get(f"/gold/lots/{lot_id}").text
    assert 'action="/gold/forms/settle"' not in page
    assert post_form(viewer, "/", "settle", {"lot_id": lot_id}).status_code == 403
    assert lot_status(web_store, lot_id) == "assayed"


def _batch(as_role: Signed, web_store: str) -> tuple[TestClient, str]:
    lots = [lot_at(web_store, "assayed") for _ in range(5)]
    operator = as_role(Role.REFINERY_OPERATOR)
    batch_id = new_code("B")
    form = {"batch_id": batch_id, "planned_on": "2026-01-25", "route": "miller_wohlwill",
            "lot_ids": ", ".join(lots)}  # fmt: skip
    response = post_form(operator, "/gold?tab=batches", "plan_batch", form)
    assert response.status_code == 303, _problems(response.text)
    return operator, batch_id


def test_planning_casting_and_closing_a_batch(as_role: Signed, web_store: str) -> None:
    operator, batch_id = _batch(as_role, web_store)
    cast = {"batch_id": batch_id, "location": "V1", "cast_at": "2026-01-26T10:00",
            "serial": new_code("A").replace("-", ""), "kind": "gold_good_delivery",
            "scale_reading_oz": "400,000", "fineness_per_mille": "999,9"}  # fmt: skip
    response = post_form(operator, "/gold?tab=batches", "cast_bars", cast)
    assert response.status_code == 303, _problems(response.text)
    page = operator.get("/gold?tab=batches").text
    assert batch_id in page


def test_closing_an_unbalanced_batch_names_the_gap(as_role: Signed, web_store: str) -> None:
    operator, batch_id = _batch(as_role, web_store)
    close = {"batch_id": batch_id, "in_process_au_oz": "0", "loss_au_oz": "0"}
    response = post_form(operator, "/gold?tab=batches", "close_batch", close)
    assert response.status_code == 422
    assert "unaccounted" in _error_beside(response.text, "in_process_au_oz")


def test_a_release_needs_two_vault_keepers(as_role: Signed, web_store: str) -> None:
    operator, batch_id = _batch(as_role, web_store)
    serial = new_code("A").replace("-", "")
    cast = {"batch_id": batch_id, "location": "V1", "cast_at": "2026-01-26T10:00",
            "serial": serial, "kind": "gold_good_delivery",
            "scale_reading_oz": "400", "fineness_per_mille": "999,9"}  # fmt: skip
    assert post_form(operator, "/gold?tab=batches", "cast_bars", cast).status_code == 303
    bar_id = f"SENOU-2026-{serial}"
    keeper, other = as_role(Role.VAULT_KEEPER), as_role(Role.VAULT_KEEPER)
    shipment = new_code("SH")
    request = {"shipment_id": shipment, "kind": "shipment", "bar_ids": bar_id,
               "consignee": "ACHETEUR-SA", "requested_at": "2026-01-27T10:00"}  # fmt: skip
    response = post_form(keeper, "/gold?tab=bars", "request_release", request)
    assert response.status_code == 303, _problems(response.text)
    approve = {"shipment_id": shipment, "approved_at": "2026-01-27T11:00"}
    refused = post_form(keeper, "/gold?tab=bars", "approve_release", approve)
    assert refused.status_code == 422
    assert "four eyes" in _error_beside(refused.text, "approver")
    assert post_form(other, "/gold?tab=bars", "approve_release", approve).status_code == 303


def test_the_register_pages_one_page_at_a_time(as_role: Signed) -> None:
    client = as_role(Role.VIEWER)
    page = client.get("/gold?tab=lots&offset=0")
    assert page.status_code == 200
    assert 'action="/gold/forms/' not in page.text


def _problems(html: str) -> str:
    """The page's error messages, for an assertion's explanation."""
    import re

    return " | ".join(re.findall(r'class="(?:field-error|problems)"[^>]*>(.*?)</', html, re.S))
