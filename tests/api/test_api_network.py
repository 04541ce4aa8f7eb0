"""The network over HTTP: summary and reference lists, each column's unit alongside."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_summary_counts_the_bundled_network(offline_client: TestClient) -> None:
    body = offline_client.get("/api/fuel/network").json()
    assert body["name"] == "mali"
    assert body["counts"]["depots"] == 7
    assert body["counts"]["corridors"] == 18
    assert body["units"]["shortage_penalty_xof_per_t"] == "XOF/t"


def test_depots_come_with_their_tanks_and_units(offline_client: TestClient) -> None:
    body = offline_client.get("/api/fuel/network/depots", params={"region": "KAYES"}).json()
    assert [d["depot"] for d in body["items"]] == ["KAYES"]
    assert {t["product"] for t in body["items"][0]["tanks"]} >= {"GASOIL"}
    assert body["units"]["throughput_t_per_week"] == "t/week"
    assert body["units"]["tanks.days_of_cover_target"] == "d"


def test_corridors_filter_by_port_and_depot(offline_client: TestClient) -> None:
    body = offline_client.get(
        "/api/fuel/network/corridors", params={"port": "DAKAR", "depot": "KAYES"}
    ).json()
    assert [(c["port"], c["depot"]) for c in body["items"]] == [("DAKAR", "KAYES")]
    assert body["units"]["distance_km"] == "km"


def test_products_regions_ports_and_contracts_are_listed(offline_client: TestClient) -> None:
    sizes = {
        name: len(offline_client.get(f"/api/fuel/network/{name}").json()["items"])
        for name in ("products", "regions", "ports", "contracts")
    }
    assert sizes == {"products": 5, "regions": 11, "ports": 8, "contracts": 1}


def test_an_unknown_region_is_refused_naming_the_filter(offline_client: TestClient) -> None:
    response = offline_client.get("/api/fuel/network/depots", params={"region": "ATLANTIS"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "region"]
    assert "ATLANTIS" in response.json()["errors"][0]["message"]
