"""docs/network-format.md is generated from the sheet metadata and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from nafolo.fuel.network.docs import render_markdown
from nafolo.fuel.network.schema import SHEETS

DOC = Path(__file__).parents[3] / "docs" / "network-format.md"


def test_committed_format_doc_equals_generated_text() -> None:
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "regenerate with: python -m nafolo.fuel.network.docs > docs/network-format.md"
    )


def test_doc_covers_every_sheet_and_planner_parameter() -> None:
    text = render_markdown()
    assert all(f"## `{spec.name}`" in text for spec in SHEETS)
    assert "| `shortage_penalty_xof_per_t` | XOF/t | 5 000 000 |" in text
