"""Opening stock: what a depot holds when its operations start being recorded on the ledger."""

from __future__ import annotations

from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.catalogue import (
    Catalogue,
    FieldProblem,
    OperationRefusedError,
    tonnes_to_kilogram_problem,
    unknown,
)
from nafolo.fuel.operations.inputs import OpeningStock
from nafolo.ledger import EntryDraft

KIND = "opening_stock"


def opening_key(document_ref: str) -> str:
    return f"fuel:opening:{document_ref}"


def opening_entries(opening: OpeningStock, catalogue: Catalogue) -> list[EntryDraft]:
    """OPENING → depot; refused for a depot without a tank of the product."""
    problems: list[FieldProblem] = []
    if not catalogue.has_depot(opening.depot):
        problems.append(FieldProblem("depot", unknown("depot", opening.depot, "depots")))
    elif catalogue.tank(opening.depot, opening.product) is None:
        problems.append(
            FieldProblem("product", f"depot {opening.depot} has no {opening.product} tank")
        )
    if (precision := tonnes_to_kilogram_problem(opening.quantity_t)) is not None:
        problems.append(precision)
    if problems:
        raise OperationRefusedError(problems)
    return [
        EntryDraft(
            commodity=opening.product,
            quantity=opening.quantity_t,
            from_account=accounts.OPENING,
            to_account=accounts.depot(opening.depot),
            kind=KIND,
            effective_at=opening.at,
            actor=opening.actor,
            document_ref=opening.document_ref,
            idempotency_key=opening_key(opening.document_ref),
            attributes={
                "depot": opening.depot,
                "weight_basis": "weight in air (ASTM D1250 Table 56)",
            },
        )
    ]
