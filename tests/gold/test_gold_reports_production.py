"""Monthly production by origin: hand-checked groups, scale subtotals and distinct bar counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from nafolo.gold.diligence import MiningScale
from nafolo.gold.reports import (
    BarShare,
    LotReceived,
    LotSettled,
    OriginKey,
    Period,
    monthly_production,
)

D = Decimal
KAYES = OriginKey("ML", "Kayes", MiningScale.LSM)
SIKASSO = OriginKey("ML", "Sikasso", MiningScale.ASM)
SIGUIRI = OriginKey("GN", "Siguiri", MiningScale.ASM)
RECEIVED = [
    LotReceived("L1", date(2026, 6, 2), KAYES, D("10000.00")),
    LotReceived("L2", date(2026, 6, 3), KAYES, D("5500.50")),
    LotReceived("L3", date(2026, 6, 4), SIKASSO, D("812.25")),
    LotReceived("L4", date(2026, 5, 30), SIGUIRI, D("1000")),
]
SETTLED = [
    LotSettled("L1", date(2026, 6, 10), KAYES, D("293.286723075")),
    LotSettled("L3", date(2026, 6, 12), SIKASSO, D("20.5")),
]
BARS = [
    BarShare("B1", date(2026, 6, 20), KAYES, D("300.000")),
    BarShare("B1", date(2026, 6, 20), SIKASSO, D("50.000")),
    BarShare("B2", date(2026, 6, 21), KAYES, D("400.000")),
]


def report() -> dict[str, dict[str, object]]:
    table = monthly_production(RECEIVED, SETTLED, BARS, Period.month("2026-06"))
    rows = {f"{r['country']}/{r['region']}/{r['scale']}": r for r in table.rows}
    return rows | {str(t["country"]): t for t in table.totals}


def test_groups_by_country_region_and_scale_within_the_month() -> None:
    rows = report()
    assert "GN/Siguiri/ASM" not in rows
    kayes = rows["ML/Kayes/LSM"]
    assert kayes["lots_received"] == 2
    assert kayes["net_weight_kg"] == D("15.5005")
    assert kayes["settled_fine_au_oz"] == D("293.286723075")
    assert (kayes["bars_produced"], kayes["bar_fine_au_oz"]) == (2, D("700.000"))
    sikasso = rows["ML/Sikasso/ASM"]
    assert (sikasso["net_weight_kg"], sikasso["bars_produced"]) == (D("0.81225"), 1)


def test_totals_per_scale_then_overall_count_each_bar_once() -> None:
    rows = report()
    assert rows["total LSM"]["lots_received"] == 2
    assert rows["total ASM"]["bar_fine_au_oz"] == D("50.000")
    assert rows["total recycled"]["lots_received"] == 0
    total = rows["total"]
    assert total["lots_received"] == 3
    assert total["net_weight_kg"] == D("16.31275")
    assert total["settled_fine_au_oz"] == D("313.786723075")
    assert (total["bars_produced"], total["bar_fine_au_oz"]) == (2, D("750.000"))


def test_units_are_named() -> None:
    table = monthly_production([], [], [], Period.month("2026-06"))
    assert table.units() == {
        "lots_received": "lots",
        "net_weight_kg": "kg",
        "settled_fine_au_oz": "fine oz",
        "bars_produced": "bars",
        "bar_fine_au_oz": "fine oz",
    }
    assert table.rows == []


scales = st.sampled_from([KAYES, SIKASSO, SIGUIRI])
grams = st.decimals(min_value=1, max_value=30000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(scales, grams), max_size=25))
def test_the_overall_total_is_the_sum_of_the_rows_and_of_the_scale_totals(
    lots: list[tuple[OriginKey, Decimal]],
) -> None:
    received = [LotReceived(f"L{i}", date(2026, 6, 2), o, g) for i, (o, g) in enumerate(lots)]
    table = monthly_production(received, [], [], Period.month("2026-06"))
    *by_scale, total = table.totals
    for key in ("lots_received", "net_weight_kg"):
        assert total[key] == sum((r[key] for r in table.rows), start=0)  # type: ignore[misc]
        assert total[key] == sum((t[key] for t in by_scale), start=0)  # type: ignore[misc]
    assert total["net_weight_kg"] == sum((g for _, g in lots), Decimal(0)) / 1000
