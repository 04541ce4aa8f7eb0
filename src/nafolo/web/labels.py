"""Words the pages show that come from data, marked here so that the catalogue extraction
(babel.cfg) finds them.

`CODE_LABELS` is the one mapping from a stored code (a role, a status, a kind of alert, event or
ledger entry) to its label, an English source string translated by the catalogues; every template
shows codes through the `label` filter (`code_label`), never raw. `DATA_WORDS` holds the other
words that come from data (navigation, planner limits, messages); templates translate them with
`_()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType


def N_(message: str) -> str:  # noqa: N802 — gettext's conventional name for "mark only"
    """Mark `message` for extraction without translating it now."""
    return message


CODE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        # roles (nafolo.auth.roles.Role)
        "viewer": N_("viewer"),
        "planner": N_("planner"),
        "depot_operator": N_("depot operator"),
        "lab_analyst": N_("lab analyst"),
        "refinery_operator": N_("refinery operator"),
        "compliance_officer": N_("compliance officer"),
        "vault_keeper": N_("vault keeper"),
        "admin": N_("administrator"),
        # a contract's month against its band (nafolo.fuel.readmodels.compliance)
        "below": N_("below the band"),
        "within": N_("within the band"),
        "above": N_("above the band"),
        # background jobs (nafolo.web.jobs)
        "queued": N_("queued"),
        "running": N_("running"),
        "done": N_("done"),
        "failed": N_("failed"),
        # solver statuses of a plan
        "optimal": N_("optimal"),
        "feasible": N_("feasible"),
        "infeasible": N_("infeasible"),
        "time_limit": N_("time limit reached"),
        # alert kinds (nafolo.fuel.alerts.AlertKind)
        "cover_below_target": N_("cover below target"),
        "convoy_overdue": N_("convoy overdue"),
        "transit_variance_above_tolerance": N_("transit variance above tolerance"),
        "dip_variance_above_tolerance": N_("dip variance above tolerance"),
        # convoy events (nafolo.fuel.operations.inputs.ConvoyEventKind)
        "departed": N_("departed"),
        "escorted": N_("escorted"),
        "delayed": N_("delayed"),
        "attacked": N_("attacked"),
        "truck_lost": N_("truck lost"),
        "arrived": N_("arrived"),
        "in_transit": N_("in transit"),
        # a gold lot's status and chain of custody (LotStatus, CustodyEvent)
        "registered": N_("registered"),
        "quarantined": N_("quarantined"),
        "released": N_("released"),
        "received": N_("received"),
        "sampled": N_("sampled"),
        "assayed": N_("assayed"),
        "settled": N_("settled"),
        "in_batch": N_("in a batch"),
        "into_batch": N_("put into a batch"),
        "refined": N_("refined"),
        "bar_cast": N_("cast into a bar"),
        "vaulted": N_("in the vault"),
        "shipped": N_("shipped"),
        # refining batches, vault releases
        "open": N_("open"),
        "closed": N_("closed"),
        "pending": N_("pending approval"),
        "miller_wohlwill": N_("Miller then Wohlwill"),
        "miller": N_("Miller (chlorination)"),
        "wohlwill": N_("Wohlwill (electrolysis)"),
        "aqua_regia": N_("aqua regia"),
        # assays: whose sample
        "refiner": N_("refinery"),
        "depositor": N_("depositor"),
        "umpire": N_("umpire"),
        # depositors' due diligence (nafolo.gold.diligence)
        "industrial mine": N_("industrial mine"),
        "artisanal cooperative": N_("artisanal cooperative"),
        "trader / comptoir": N_("trader / comptoir"),
        "recycler": N_("recycler"),
        "approve": N_("approved"),
        "enhanced due diligence": N_("enhanced due diligence"),
        "suspend": N_("suspended"),
        "terminate": N_("terminated"),
        "low": N_("low"),
        "medium": N_("medium"),
        "high": N_("high"),
        # kinds of ledger entry (fuel and gold services)
        "opening_stock": N_("opening stock"),
        "lifting": N_("lifting"),
        "dispatch": N_("dispatch"),
        "receipt": N_("receipt"),
        "transit_loss": N_("transit loss"),
        "transit_gain": N_("transit gain"),
        "withdrawal": N_("withdrawal"),
        "dip_loss": N_("dip loss"),
        "dip_gain": N_("dip gain"),
        "loss_write_off": N_("loss write-off"),
        "correction": N_("correction"),
        "assay_adjustment": N_("assay adjustment"),
        "settlement": N_("settlement"),
        "batch_input": N_("batch input"),
        "refining_loss": N_("refining loss"),
        "shipment": N_("shipment"),
        "return": N_("return"),
    }
)


def code_label(code: object, gettext: Callable[[str], str]) -> str:
    """The label of `code` (a string or an enum) in the language of `gettext`; '—' for no code,
    and an unknown code as it is (new codes show rather than fail)."""
    text = getattr(code, "value", code)
    if text is None or text == "":
        return "—"
    source = CODE_LABELS.get(str(text))
    return gettext(source) if source is not None else str(text)


DATA_WORDS = (
    # navigation groups and items (nafolo.web.templates.NAVIGATION)
    N_("Fuel"),
    N_("Gold"),
    N_("Overview"),
    N_("Network"),
    N_("Plan"),
    N_("Scenarios"),
    N_("Operations"),
    N_("Alerts"),
    N_("Refinery"),
    N_("Reports"),
    N_("Ledger"),
    N_("Users"),
    # binding limits of the planner (nafolo.web.routes.fuel_plan.BLOCK_NAMES)
    N_("Corridor capacity"),
    N_("Escorted convoys"),
    N_("Fleet"),
    N_("Port storage"),
    N_("Port loading"),
    N_("Depot tankage"),
    N_("Depot receiving"),
    N_("Depot loading-out"),
    N_("Contract maximum"),
    N_("Contract minimum"),
    # messages of recorded operations (nafolo.web.routes.fuel_operations.FORMS)
    N_("Lifting recorded."),
    N_("Convoy dispatched."),
    N_("Convoy event recorded."),
    N_("Receipt recorded."),
    N_("Withdrawal recorded."),
    N_("Dip recorded."),
)
