"""Lifting: product landed for Mali at a coastal port against a supply contract."""

from __future__ import annotations

from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.catalogue import (
    Catalogue,
    FieldProblem,
    OperationRefusedError,
    tonnes_to_kilogram_problem,
    unknown,
)
from nafolo.fuel.operations.inputs import Lifting
from nafolo.ledger import EntryDraft

KIND = "lifting"


def lifting_key(document_ref: str) -> str:
    return f"fuel:lifting:{document_ref}"


def lifting_entries(lifting: Lifting, catalogue: Catalogue) -> list[EntryDraft]:
    """Supplier → port for the lifted tonnes; refused if the contract does not supply them there."""
    problems: list[FieldProblem] = []
    if not catalogue.has_contract(lifting.contract):
        problems.append(
            FieldProblem("contract", unknown("contract", lifting.contract, "contracts"))
        )
    if not catalogue.has_port(lifting.port):
        problems.append(FieldProblem("port", unknown("port", lifting.port, "ports")))
    if catalogue.product(lifting.product) is None:
        problems.append(FieldProblem("product", unknown("product", lifting.product, "products")))
    if not problems and not catalogue.supplies(lifting.contract, lifting.port, lifting.product):
        problems.append(
            FieldProblem(
                "product",
                f"contract {lifting.contract} does not supply {lifting.product} at "
                f"{lifting.port} (supply sheet)",
            )
        )
    if (precision := tonnes_to_kilogram_problem(lifting.quantity_t)) is not None:
        problems.append(precision)
    if problems:
        raise OperationRefusedError(problems)
    return [
        EntryDraft(
            commodity=lifting.product,
            quantity=lifting.quantity_t,
            from_account=accounts.supplier(lifting.contract),
            to_account=accounts.port(lifting.port),
            kind=KIND,
            effective_at=lifting.lifted_at,
            actor=lifting.actor,
            document_ref=lifting.document_ref,
            idempotency_key=lifting_key(lifting.document_ref),
            attributes={
                "contract": lifting.contract,
                "port": lifting.port,
                "weight_basis": "weight in air (ASTM D1250 Table 56)",
            },
        )
    ]
