"""Tank dips: the physical stock against the book, the difference an explicit stock loss or gain."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nafolo.fuel.operations import accounts
from nafolo.fuel.operations.catalogue import Catalogue, FieldProblem, OperationRefusedError, unknown
from nafolo.fuel.operations.inputs import Dip
from nafolo.fuel.operations.loads import standard_load
from nafolo.fuel.operations.tolerance import Tolerances, Variance
from nafolo.ledger import EntryDraft

DIP_LOSS = "dip_loss"
DIP_GAIN = "dip_gain"


def dip_key(document_ref: str) -> str:
    return f"fuel:dip:{document_ref}"


@dataclass(frozen=True)
class DipEntries:
    """The entry a dip writes (none when book and tank agree) and its variance."""

    drafts: list[EntryDraft]
    variance: Variance


def dip_entries(
    dip: Dip, book_t: Decimal, catalogue: Catalogue, tolerances: Tolerances
) -> DipEntries:
    """Depot → dip loss when the tank holds less than the book, dip gain → depot when more."""
    problems: list[FieldProblem] = []
    product = catalogue.product(dip.product)
    if product is None:
        problems.append(FieldProblem("product", unknown("product", dip.product, "products")))
    if not catalogue.has_depot(dip.depot):
        problems.append(FieldProblem("depot", unknown("depot", dip.depot, "depots")))
    elif product is not None and catalogue.tank(dip.depot, dip.product) is None:
        problems.append(FieldProblem("product", f"depot {dip.depot} has no {dip.product} tank"))
    load = None
    if product is not None:
        try:
            load = standard_load(dip.load, product.group)
        except ValueError as error:
            problems.append(FieldProblem("load", str(error)))
    if problems or load is None:
        raise OperationRefusedError(problems)
    variance = Variance(book_t, load.weight_in_air_t, tolerances.dip_pct)
    difference = variance.difference_t
    if difference == 0:
        return DipEntries([], variance)
    depot = accounts.depot(dip.depot)
    if difference < 0:
        kind, source, target = DIP_LOSS, depot, accounts.dip_loss(dip.depot)
    else:
        kind, source, target = DIP_GAIN, accounts.dip_gain(dip.depot), depot
    draft = EntryDraft(
        commodity=dip.product,
        quantity=abs(difference),
        from_account=source,
        to_account=target,
        kind=kind,
        effective_at=dip.dipped_at,
        actor=dip.actor,
        document_ref=dip.document_ref,
        idempotency_key=dip_key(dip.document_ref),
        attributes={
            "depot": dip.depot,
            "book_t": book_t,
            "physical_t": load.weight_in_air_t,
            "difference_t": difference,
            "variance_pct": variance.variance_pct,
            "tolerance_pct": variance.tolerance_pct,
            "above_tolerance": variance.above_tolerance,
            **load.attributes(),
        },
    )
    return DipEntries([draft], variance)
