"""Convoys: dispatch from a port with every compartment measured, and trucks lost on the road."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.catalogue import Catalogue, FieldProblem, OperationRefusedError, unknown
from nafolo.fuel.operations.inputs import ConvoyDispatch, ConvoyEvent, ConvoyEventKind
from nafolo.fuel.operations.loads import standard_load
from nafolo.ledger import EntryDraft

DISPATCH = "dispatch"
TRUCK_LOST = "truck_lost"


def dispatch_key(convoy: str, truck: str, compartment: int) -> str:
    return f"fuel:dispatch:{convoy}:{truck}:{compartment}"


def truck_lost_key(convoy: str, truck: str, compartment: int) -> str:
    return f"fuel:truck-lost:{convoy}:{truck}:{compartment}"


@dataclass(frozen=True)
class DispatchedCompartment:
    """A compartment as it left the port, read back from its dispatch entry."""

    convoy: str
    corridor: str
    contract: str
    truck: str
    compartment: int
    carrier: str
    product: str
    quantity_t: Decimal
    dispatched_at: datetime
    escorted: bool

    @classmethod
    def from_entry(
        cls,
        commodity: str,
        quantity: Decimal,
        effective_at: datetime,
        attributes: Mapping[str, object],
    ) -> DispatchedCompartment:
        return cls(
            convoy=str(attributes["convoy"]),
            corridor=str(attributes["corridor"]),
            contract=str(attributes["contract"]),
            truck=str(attributes["truck"]),
            compartment=int(str(attributes["compartment"])),
            carrier=str(attributes.get("carrier", "")),
            product=commodity,
            quantity_t=quantity,
            dispatched_at=effective_at,
            escorted=bool(attributes.get("escorted", False)),
        )

    @property
    def transit_account(self) -> str:
        return accounts.transit(self.corridor, self.convoy)


def dispatch_entries(dispatch: ConvoyDispatch, catalogue: Catalogue) -> list[EntryDraft]:
    """Port → the convoy's transit account, one entry per compartment at its standard weight."""
    problems: list[FieldProblem] = []
    corridor = catalogue.corridor(dispatch.corridor)
    if corridor is None:
        problems.append(
            FieldProblem("corridor", unknown("corridor", dispatch.corridor, "corridors"))
        )
    if not catalogue.has_contract(dispatch.contract):
        problems.append(
            FieldProblem("contract", unknown("contract", dispatch.contract, "contracts"))
        )
    seen: set[tuple[str, int]] = set()
    drafts: list[EntryDraft] = []
    for i, c in enumerate(dispatch.compartments):
        where = f"compartments[{i}]"
        if (c.truck, c.compartment) in seen:
            problems.append(
                FieldProblem(
                    f"{where}.compartment", f"truck {c.truck} compartment {c.compartment} twice"
                )
            )
        seen.add((c.truck, c.compartment))
        product = catalogue.product(c.product)
        if product is None:
            problems.append(
                FieldProblem(f"{where}.product", unknown("product", c.product, "products"))
            )
            continue
        if corridor is not None and not catalogue.supplies(
            dispatch.contract, corridor.port, c.product
        ):
            problems.append(
                FieldProblem(
                    f"{where}.product",
                    f"contract {dispatch.contract} does not supply {c.product} at {corridor.port}",
                )
            )
        try:
            load = standard_load(c.load, product.group)
        except ValueError as error:
            problems.append(FieldProblem(f"{where}.load", str(error)))
            continue
        if corridor is None or problems:
            continue
        drafts.append(
            EntryDraft(
                commodity=c.product,
                quantity=load.weight_in_air_t,
                from_account=accounts.port(corridor.port),
                to_account=accounts.transit(corridor.corridor, dispatch.convoy),
                kind=DISPATCH,
                effective_at=dispatch.dispatched_at,
                actor=dispatch.actor,
                document_ref=dispatch.document_ref,
                idempotency_key=dispatch_key(dispatch.convoy, c.truck, c.compartment),
                attributes={
                    "convoy": dispatch.convoy,
                    "corridor": corridor.corridor,
                    "contract": dispatch.contract,
                    "escorted": dispatch.escorted,
                    "truck": c.truck,
                    "compartment": c.compartment,
                    "carrier": c.carrier,
                    **load.attributes(),
                },
            )
        )
    if problems:
        raise OperationRefusedError(problems)
    return drafts


def truck_lost_entries(
    event: ConvoyEvent, on_board: Sequence[DispatchedCompartment]
) -> list[EntryDraft]:
    """The lost truck's compartments still on the road → the corridor's attack-loss account."""
    if event.event is not ConvoyEventKind.TRUCK_LOST:
        return []
    if event.truck is None:
        raise OperationRefusedError([FieldProblem("truck", "truck_lost needs the truck lost")])
    lost = [c for c in on_board if c.truck == event.truck]
    if not lost:
        raise OperationRefusedError(
            [
                FieldProblem(
                    "truck",
                    f"truck {event.truck} has no load on the road in convoy {event.convoy}",
                )
            ]
        )
    return [
        EntryDraft(
            commodity=c.product,
            quantity=c.quantity_t,
            from_account=c.transit_account,
            to_account=accounts.attack_loss(c.corridor),
            kind=TRUCK_LOST,
            effective_at=event.at,
            actor=event.actor,
            document_ref=event.document_ref,
            idempotency_key=truck_lost_key(c.convoy, c.truck, c.compartment),
            attributes={
                "convoy": c.convoy,
                "corridor": c.corridor,
                "contract": c.contract,
                "truck": c.truck,
                "compartment": c.compartment,
                "carrier": c.carrier,
                "note": event.note,
            },
        )
        for c in lost
    ]
