"""Words the pages show that come from data (roles, statuses, kinds of alert and event), marked
here so that the catalogue extraction (babel.cfg) finds them; templates translate them with `_()`.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 — gettext's conventional name for "mark only"
    """Mark `message` for extraction without translating it now."""
    return message


DATA_WORDS = (
    # roles (nafolo.auth.roles.Role)
    N_("viewer"),
    N_("planner"),
    N_("depot_operator"),
    N_("lab_analyst"),
    N_("refinery_operator"),
    N_("compliance_officer"),
    N_("vault_keeper"),
    N_("admin"),
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
    # a contract's month against its band
    N_("below"),
    N_("within"),
    N_("above"),
    # background jobs
    N_("queued"),
    N_("running"),
    N_("done"),
    N_("failed"),
    # solver statuses of a plan
    N_("optimal"),
    N_("feasible"),
    N_("infeasible"),
    N_("time_limit"),
    # alert kinds (nafolo.fuel.alerts.AlertKind)
    N_("cover_below_target"),
    N_("convoy_overdue"),
    N_("transit_variance_above_tolerance"),
    N_("dip_variance_above_tolerance"),
    # convoy events (nafolo.fuel.operations.inputs.ConvoyEventKind)
    N_("departed"),
    N_("escorted"),
    N_("delayed"),
    N_("attacked"),
    N_("truck_lost"),
    N_("arrived"),
    # a gold lot's chain of custody (nafolo.gold.service.CustodyEvent)
    N_("registered"),
    N_("quarantined"),
    N_("released"),
    N_("received"),
    N_("sampled"),
    N_("assayed"),
    N_("settled"),
    N_("into_batch"),
    N_("refined"),
    N_("bar_cast"),
    N_("vaulted"),
    N_("shipped"),
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
