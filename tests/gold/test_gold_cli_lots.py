"""`nafolo gold` from depositor to settlement: refusals exit non-zero naming the rule and store
nothing."""

from __future__ import annotations

import json

from gold_cli_steps import approved_depositor, assayed_lot, run


def test_a_lot_of_an_unassessed_depositor_is_refused_with_exit_1(store_url: str) -> None:
    run(store_url, "depositor", "add", "D2", "Comptoir", "--type", "trader")
    result = run(
        store_url,
        *("lot", "register", "L9", "--depositor", "D2", "--origin", "NOWHERE"),
        *("--arrived", "2026-06-02", "--gross-g", "500", "--au", "900", "--seal", "S9"),
        code=1,
    )
    assert "[admission]" in result.output
    assert "not found" in run(store_url, "lot", "show", "L9", code=1).output


def test_the_assayer_cannot_settle_and_another_person_can(store_url: str) -> None:
    approved_depositor(store_url)
    assayed_lot(store_url)
    refused = run(store_url, "settle", "L1", "--actor", "lab.1", code=1)
    assert "separation_of_duties" in refused.output
    done = run(store_url, "settle", "L1", "--actor", "boss", "--json")
    settlement = json.loads(done.output)
    assert (settlement["credited_au_oz"], settlement["approved_by"]) == ("427.246", "boss")


def test_lot_show_prints_the_custody_timeline(store_url: str) -> None:
    approved_depositor(store_url)
    assayed_lot(store_url)
    shown = json.loads(run(store_url, "lot", "show", "L1", "--json").output)
    events = [e["event"] for e in shown["custody"]]
    assert events[:2] == ["registered", "received"] and "assayed" in events
    assert shown["lot"]["fine_au_oz"] == "427.674"


def test_a_malformed_value_exits_2_naming_the_field(store_url: str) -> None:
    approved_depositor(store_url)
    result = run(
        store_url,
        *("lot", "register", "L1", "--depositor", "SYAMA", "--origin", "SYAMA-PIT"),
        *("--arrived", "2026-06-02", "--gross-g", "-3", "--au", "950", "--seal", "S1"),
        code=2,
    )
    assert "declared_gross_g" in result.output


def test_depositor_list_shows_the_decision(store_url: str) -> None:
    approved_depositor(store_url)
    listed = json.loads(run(store_url, "depositor", "list", "--json").output)
    assert [(d["depositor_id"], d["decision"]) for d in listed] == [("SYAMA", "approve")]
