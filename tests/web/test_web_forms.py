"""Forms: every control has a label, refusals are shown beside the field at fault with nothing
recorded, a receipt moves stock from the road into the depot, and form posts need the session's
CSRF token."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from web_support import PAGES, csrf_of, read_page

CV_0301 = {
    "document_ref": "REC-CV-0301-011",
    "convoy": "CV-0301",
    "truck": "ML-2201-301",
    "compartment": "1",
    "depot": "BKO-SENOU",
    "received_at": "2026-01-27T09:30",
    "volume_l": "15000",
    "temperature_c": "31.2",
    "density_kg_m3": "833.2",
}


def _stock_t(client: TestClient, depot: str = "BKO-SENOU", product: str = "GASOIL") -> Decimal:
    items = client.get(f"/api/fuel/stocks?depot={depot}&product={product}").json()["items"]
    return Decimal(str(items[0]["stock_t"]))


def test_every_form_control_has_a_label(client: TestClient) -> None:
    for page in PAGES:
        _assert_labelled(page, client.get(page).text)


def _assert_labelled(page: str, html: str) -> None:
    reader = read_page(html)
    for form in reader.forms:
        for control in form.controls:
            kind = control.attrs.get("type")
            if control.tag == "button" or kind in ("hidden", "submit"):
                continue
            labelled = (
                control.attrs.get("id") in reader.label_for
                or id(control) in reader.wrapped
                or control.attrs.get("aria-label")
            )
            assert labelled, (page, control.attrs)


def test_ids_are_unique_on_each_page(client: TestClient) -> None:
    for page in PAGES:
        ids = read_page(client.get(page).text).ids
        assert len(ids) == len(set(ids)), (page, [i for i in ids if ids.count(i) > 1])


def test_the_receipt_form_lists_what_is_still_on_board(client: TestClient) -> None:
    text = client.get("/fuel/operations?tab=receipts&convoy=CV-0301").text
    assert "ML-2201-301" in text
    assert "Compartiments de CV-0301 encore à bord" in text


def test_a_receipt_moves_stock_into_the_depot(client: TestClient) -> None:
    before = _stock_t(client)
    second = {**CV_0301, "document_ref": "REC-CV-0301-012", "compartment": "2"}
    response = client.post("/fuel/operations/receipts", data=second, follow_redirects=False)
    assert response.status_code == 303, response.text[:3000]
    assert response.headers["location"] == "/fuel/operations?tab=receipts&convoy=CV-0301"
    after = _stock_t(client)
    assert Decimal("12") < after - before < Decimal("13")
    page = client.get(response.headers["location"])
    assert "Réception enregistrée." in page.text


def test_an_htmx_receipt_answers_a_redirect_for_htmx(client: TestClient) -> None:
    response = client.post(
        "/fuel/operations/receipts", data=CV_0301, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"].startswith("/fuel/operations?tab=receipts")


def test_a_refused_receipt_shows_the_error_beside_the_field(client: TestClient) -> None:
    before = _stock_t(client)
    bad = {**CV_0301, "volume_l": "beaucoup", "depot": ""}
    response = client.post("/fuel/operations/receipts", data=bad, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'id="volume_l-error"' in response.text
    assert 'id="depot-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Saisissez un nombre" in response.text
    assert _stock_t(client) == before


def test_a_receipt_of_an_unknown_truck_is_refused_by_the_service(client: TestClient) -> None:
    response = client.post("/fuel/operations/receipts", data={**CV_0301, "truck": "NO-SUCH-TRUCK"})
    assert response.status_code == 422
    assert "NO-SUCH-TRUCK" in response.text or 'id="truck-error"' in response.text


def test_a_lifting_is_recorded_from_its_form(client: TestClient) -> None:
    data = {
        "document_ref": "BL-WEB-1",
        "contract": "SUPPLY-2026",
        "port": "DAKAR",
        "product": "GASOIL",
        "lifted_at": "2026-01-27T08:00",
        "quantity_t": "1 000,5",
    }
    response = client.post("/fuel/operations/liftings", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    assert "BL-WEB-1" in client.get("/fuel/operations?tab=liftings").text


def test_a_signed_in_form_post_needs_the_csrf_token(signed_in: TestClient) -> None:
    refused = signed_in.post("/fuel/operations/receipts", data=CV_0301)
    assert refused.status_code == 403
    token = csrf_of(signed_in.get("/fuel/operations?tab=receipts").text)
    third = {**CV_0301, "document_ref": "REC-CV-0301-013", "compartment": "3"}
    accepted = signed_in.post(
        "/fuel/operations/receipts", data={**third, "csrf_token": token}, follow_redirects=False
    )
    assert accepted.status_code == 303, accepted.text[:2000]


def test_ledger_verification_from_the_page(client: TestClient) -> None:
    response = client.post("/ledger/verify", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Le registre est intact." in response.text
