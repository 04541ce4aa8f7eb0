"""Withdrawal: product loaded out of a depot to serve a region."""

from __future__ import annotations

from decimal import Decimal

from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.catalogue import (
    Catalogue,
    FieldProblem,
    OperationRefusedError,
    tonnes_to_kilogram_problem,
    unknown,
)
from nafolo.fuel.operations.inputs import Withdrawal
from nafolo.ledger import EntryDraft

KIND = "withdrawal"


def withdrawal_key(document_ref: str) -> str:
    return f"fuel:withdrawal:{document_ref}"


def withdrawal_entries(
    withdrawal: Withdrawal, catalogue: Catalogue, book_t: Decimal
) -> list[EntryDraft]:
    """Depot → region; refused unless the depot serves the region (region_supply sheet) and
    holds the quantity on its books at that time (`book_t`)."""
    problems: list[FieldProblem] = []
    if not catalogue.has_depot(withdrawal.depot):
        problems.append(FieldProblem("depot", unknown("depot", withdrawal.depot, "depots")))
    if not catalogue.has_region(withdrawal.region):
        problems.append(FieldProblem("region", unknown("region", withdrawal.region, "regions")))
    if catalogue.product(withdrawal.product) is None:
        problems.append(FieldProblem("product", unknown("product", withdrawal.product, "products")))
    if not problems and not catalogue.serves(withdrawal.depot, withdrawal.region):
        problems.append(
            FieldProblem(
                "region",
                f"depot {withdrawal.depot} does not serve region {withdrawal.region} "
                "(region_supply sheet)",
            )
        )
    if not problems and withdrawal.quantity_t > book_t:
        problems.append(
            FieldProblem(
                "quantity_t",
                f"{withdrawal.quantity_t} t exceeds the book stock of {withdrawal.product} at "
                f"{withdrawal.depot} then ({book_t} t)",
            )
        )
    if (precision := tonnes_to_kilogram_problem(withdrawal.quantity_t)) is not None:
        problems.append(precision)
    if problems:
        raise OperationRefusedError(problems)
    return [
        EntryDraft(
            commodity=withdrawal.product,
            quantity=withdrawal.quantity_t,
            from_account=accounts.depot(withdrawal.depot),
            to_account=accounts.region(withdrawal.region),
            kind=KIND,
            effective_at=withdrawal.withdrawn_at,
            actor=withdrawal.actor,
            document_ref=withdrawal.document_ref,
            idempotency_key=withdrawal_key(withdrawal.document_ref),
            attributes={
                "depot": withdrawal.depot,
                "region": withdrawal.region,
                "weight_basis": "weight in air (ASTM D1250 Table 56)",
            },
        )
    ]
