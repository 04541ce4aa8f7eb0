"""Receipt at a depot: the compartment measured again, its difference an explicit loss or gain."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.catalogue import Catalogue, FieldProblem, OperationRefusedError, unknown
from nafolo.fuel.operations.convoys import DispatchedCompartment
from nafolo.fuel.operations.inputs import Receipt
from nafolo.fuel.operations.loads import standard_load
from nafolo.fuel.operations.tolerance import Tolerances, Variance
from nafolo.ledger import EntryDraft

RECEIPT = "receipt"
TRANSIT_LOSS = "transit_loss"
TRANSIT_GAIN = "transit_gain"


def receipt_key(convoy: str, truck: str, compartment: int) -> str:
    return f"fuel:receipt:{convoy}:{truck}:{compartment}"


@dataclass(frozen=True)
class ReceiptEntries:
    """The entries a receipt writes and its transit variance against the dispatched load."""

    drafts: list[EntryDraft]
    variance: Variance


def receipt_entries(
    receipt: Receipt,
    dispatched: DispatchedCompartment,
    catalogue: Catalogue,
    tolerances: Tolerances,
) -> ReceiptEntries:
    """Transit → depot at the received weight, plus a transit loss (or gain) for the difference.

    The variance is checked against the convoy contract's tolerance; the outcome is kept in the
    entries' attributes so that alerts read it from the ledger.
    """
    problems: list[FieldProblem] = []
    product = catalogue.product(dispatched.product)
    assert product is not None, "dispatched products come from the network"
    if not catalogue.has_depot(receipt.depot):
        problems.append(FieldProblem("depot", unknown("depot", receipt.depot, "depots")))
    else:
        tank = catalogue.tank(receipt.depot, dispatched.product)
        if tank is None or tank.capacity_m3 <= 0:
            problems.append(
                FieldProblem(
                    "depot", f"depot {receipt.depot} has no {dispatched.product} tank capacity"
                )
            )
    if receipt.received_at < dispatched.dispatched_at:
        problems.append(
            FieldProblem(
                "received_at",
                f"{receipt.received_at.isoformat()} is before the dispatch "
                f"({dispatched.dispatched_at.isoformat()})",
            )
        )
    try:
        load = standard_load(receipt.load, product.group)
    except ValueError as error:
        problems.append(FieldProblem("load", str(error)))
    if problems:
        raise OperationRefusedError(problems)
    variance = Variance(
        reference_t=dispatched.quantity_t,
        measured_t=load.weight_in_air_t,
        tolerance_pct=tolerances.transit_pct(dispatched.contract),
    )
    transit = dispatched.transit_account
    key = receipt_key(dispatched.convoy, dispatched.truck, dispatched.compartment)
    common: dict[str, object] = {
        "convoy": dispatched.convoy,
        "corridor": dispatched.corridor,
        "contract": dispatched.contract,
        "truck": dispatched.truck,
        "compartment": dispatched.compartment,
        "carrier": dispatched.carrier,
        "depot": receipt.depot,
        "dispatched_t": dispatched.quantity_t,
        "received_t": load.weight_in_air_t,
        "difference_t": variance.difference_t,
        "variance_pct": variance.variance_pct,
        "tolerance_pct": variance.tolerance_pct,
        "above_tolerance": variance.above_tolerance,
    }

    def draft(kind: str, quantity: Decimal, source: str, target: str, suffix: str) -> EntryDraft:
        return EntryDraft(
            commodity=dispatched.product,
            quantity=quantity,
            from_account=source,
            to_account=target,
            kind=kind,
            effective_at=receipt.received_at,
            actor=receipt.actor,
            document_ref=receipt.document_ref,
            idempotency_key=key + suffix,
            attributes=common if kind != RECEIPT else {**common, **load.attributes()},
        )

    drafts = []
    difference = variance.difference_t
    if difference > 0:
        gain = accounts.transit_gain(dispatched.corridor)
        drafts.append(draft(TRANSIT_GAIN, difference, gain, transit, ":gain"))
    drafts.append(draft(RECEIPT, load.weight_in_air_t, transit, accounts.depot(receipt.depot), ""))
    if difference < 0:
        loss = accounts.transit_loss(dispatched.corridor)
        drafts.append(draft(TRANSIT_LOSS, -difference, transit, loss, ":loss"))
    return ReceiptEntries(drafts, variance)
