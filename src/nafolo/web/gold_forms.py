"""The refinery's forms: what each one needs (its permission and fields), how its posted text
becomes a gold-service call, and where a refusal's field paths land on the form.

Every form goes through `nafolo.gold.service` (the same services as the API), so the rules —
admission, calibration, separation of duties, four eyes, batch balance — are checked once, there.
A business date posted with a form is passed on only when the service method takes it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from nafolo.auth.roles import Permission
from nafolo.web.forms import Reader
from nafolo.web.labels import N_

Action = Callable[[Any, str], Any]
"""What a valid form does: `action(refinery, actor)` → the service's answer."""

REPLICATES = 3


def _with_dates(method: Callable[..., Any], dates: Mapping[str, Any]) -> dict[str, Any]:
    """The posted business dates that `method` accepts (the others are dropped)."""
    params = inspect.signature(method).parameters
    return {name: value for name, value in dates.items() if name in params and value is not None}


def accepts(method: Callable[..., Any], *names: str) -> bool:
    """Whether the service `method` takes one of the business-date parameters `names`."""
    return any(name in inspect.signature(method).parameters for name in names)


def _utc(r: Reader, name: str, *, required: bool = True) -> datetime | None:
    """A `datetime-local` field read as UTC (the dashboard's moments are UTC, Bamako time)."""
    if not required and not r.text(name, required=False):
        return None
    moment = r.moment(name)
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _codes(raw: str) -> list[str]:
    return [
        part.strip() for part in raw.replace(";", ",").replace("\n", ",").split(",") if part.strip()
    ]


def _replicates(r: Reader, prefix: str) -> list[Decimal]:
    found = [r.decimal(f"{prefix}{n}", required=n == 1) for n in range(1, REPLICATES + 1)]
    return [value for value in found if value is not None]


def _service() -> Any:
    from nafolo.gold import service

    return service


def _register_lot(r: Reader) -> Action:
    s = _service()
    data = {
        "lot_id": r.text("lot_id"),
        "depositor_id": r.text("depositor_id"),
        "origin_id": r.text("origin_id"),
        "arrived_on": r.day("arrived_on"),
        "declared_gross_g": r.decimal("declared_gross_g"),
        "declared_au_per_mille": r.decimal("declared_au_per_mille"),
        "declared_ag_per_mille": r.decimal("declared_ag_per_mille"),
        "seal_numbers": _codes(r.text("seal_numbers")),
        "transport_documents": _codes(r.text("transport_documents", required=False)),
        "export_documents": _codes(r.text("export_documents", required=False)),
    }
    return lambda refinery, actor: refinery.lots.register(s.NewLot(**data), actor=actor)


def _receive(r: Reader) -> Action:
    s = _service()
    data = {
        "lot_id": r.text("lot_id"),
        "scale_id": r.text("scale_id"),
        "weighed_at": _utc(r, "weighed_at"),
        "gross_g": r.decimal("gross_g"),
        "tare_g": r.decimal("tare_g"),
    }
    return lambda refinery, actor: refinery.lots.receive(s.WeighingIn(**data), actor=actor)


def _samples(r: Reader) -> Action:
    s = _service()
    lot_id = r.text("lot_id")
    sealed = {
        role: {"sample_id": r.text(f"{role}_sample"), "seal_number": r.text(f"{role}_seal")}
        for role in ("refiner", "depositor", "umpire")
    }

    def act(refinery: Any, actor: str) -> Any:
        samples = {role: s.SampleIn(**v) for role, v in sealed.items()}
        return refinery.lab.seal_samples(s.SampleSetIn(lot_id=lot_id, **samples), actor=actor)

    return act


def _assay(r: Reader) -> Action:
    s = _service()
    data = {
        "lot_id": r.text("lot_id"),
        "role": r.choice("role", ROLES),
        "laboratory": r.text("laboratory"),
        "method": r.choice("method", METHODS),
        "au_replicates_per_mille": _replicates(r, "au_"),
        "ag_replicates_per_mille": _replicates(r, "ag_"),
    }
    return lambda refinery, actor: refinery.lab.record_assay(s.AssayIn(**data), actor=actor)


def _exchange(r: Reader) -> Action:
    lot_id, at = r.text("lot_id"), _utc(r, "at", required=False)

    def act(refinery: Any, actor: str) -> Any:
        method = refinery.lab.exchange
        return method(lot_id, actor=actor, **_with_dates(method, {"at": at}))

    return act


def _settle(r: Reader) -> Action:
    lot_id, at = r.text("lot_id"), _utc(r, "settled_at", required=False)

    def act(refinery: Any, actor: str) -> Any:
        method = refinery.settlements.settle
        return method(lot_id, actor=actor, **_with_dates(method, {"settled_at": at, "at": at}))

    return act


def _plan_batch(r: Reader) -> Action:
    s = _service()
    lots = _codes(r.text("lot_ids"))
    data = {
        "batch_id": r.text("batch_id"),
        "planned_on": r.day("planned_on"),
        "route": r.choice("route", ROUTES),
    }

    def act(refinery: Any, actor: str) -> Any:
        inputs = [s.BatchInputIn(lot_id=lot) for lot in lots]
        return refinery.refining.plan(s.BatchPlan(**data, inputs=inputs), actor=actor)

    return act


def _close_batch(r: Reader) -> Action:
    s = _service()
    data = {
        "batch_id": r.text("batch_id"),
        "in_process_au_oz": r.decimal("in_process_au_oz"),
        "loss_au_oz": r.decimal("loss_au_oz"),
        "note": r.text("note", required=False),
    }
    return lambda refinery, actor: refinery.refining.close(s.CloseBatch(**data), actor=actor)


def _cast_bars(r: Reader) -> Action:
    s = _service()
    bar = {
        "serial": r.text("serial"),
        "kind": r.choice("kind", BAR_KINDS),
        "scale_reading_oz": r.decimal("scale_reading_oz"),
        "fineness_per_mille": r.decimal("fineness_per_mille"),
    }
    data = {
        "batch_id": r.text("batch_id"),
        "location": r.text("location"),
        "cast_at": _utc(r, "cast_at"),
    }

    def act(refinery: Any, actor: str) -> Any:
        cast = s.CastBars(**data, bars=[s.BarIn(**bar)])
        return refinery.vault.cast_bars(cast, actor=actor)

    return act


def _move_bar(r: Reader) -> Action:
    bar_id, to, at = r.text("bar_id"), r.text("to_location"), _utc(r, "moved_at")

    def act(refinery: Any, actor: str) -> Any:
        method = refinery.vault.move
        return method(bar_id, to, actor=actor, **_with_dates(method, {"at": at}))

    return act


def _request_release(r: Reader) -> Action:
    s = _service()
    kind = r.choice("kind", ("shipment", "return"))
    data = {
        "shipment_id": r.text("shipment_id"),
        "bar_ids": _codes(r.text("bar_ids")),
        "consignee": r.text("consignee"),
        "kind": kind,
        "depositor_id": r.text("depositor_id", required=kind == "return") or None,
        "at": _utc(r, "requested_at"),
    }
    return lambda refinery, actor: refinery.vault.request_release(s.ReleaseIn(**data), actor=actor)


def _approve_release(r: Reader) -> Action:
    shipment_id, at = r.text("shipment_id"), _utc(r, "approved_at")

    def act(refinery: Any, actor: str) -> Any:
        method = refinery.vault.approve_release
        return method(shipment_id, actor=actor, **_with_dates(method, {"at": at}))

    return act


ROLES = ("refiner", "depositor", "umpire")
METHODS = (
    "fire assay (cupellation, ISO 11426)",
    "ICP-OES by difference (ISO 15093)",
    "other",
)
ROUTES = ("miller_wohlwill", "miller", "wohlwill", "aqua_regia")
BAR_KINDS = ("gold_good_delivery", "gold_kilobar", "silver_good_delivery")


@dataclass(frozen=True)
class GoldForm:
    """One refinery form: who may post it, how it is read, what it says when done, where its
    page is (`lot` forms live on the lot's page, the others on a register tab)."""

    permission: Permission
    build: Callable[[Reader], Action]
    done: str
    home: str
    aliases: Mapping[str, str] = field(default_factory=dict)


def _replicate_aliases() -> dict[str, str]:
    aliases = {}
    for metal in ("au", "ag"):
        aliases[f"{metal}_replicates_per_mille"] = f"{metal}_1"
        for n in range(REPLICATES):
            aliases[f"{metal}_replicates_per_mille.{n}"] = f"{metal}_{n + 1}"
    return aliases


def _sample_aliases() -> dict[str, str]:
    aliases = {}
    for role in ROLES:
        aliases[f"{role}.sample_id"] = f"{role}_sample"
        aliases[f"{role}.seal_number"] = f"{role}_seal"
        aliases[role] = f"{role}_sample"
    return aliases


FORMS: dict[str, GoldForm] = {
    "register_lot": GoldForm(
        Permission.GOLD_INTAKE, _register_lot, N_("Lot registered."), "lots",
        {"seal_numbers.0": "seal_numbers", "admission": "lot_id"},
    ),
    "receive": GoldForm(
        Permission.GOLD_INTAKE, _receive, N_("Lot received on the scale."), "lot",
        {"calibration": "scale_id", "net_g": "gross_g"},
    ),
    "samples": GoldForm(
        Permission.LAB_ASSAY, _samples, N_("Samples sealed."), "lot", _sample_aliases()
    ),
    "assay": GoldForm(
        Permission.LAB_ASSAY, _assay, N_("Assay recorded."), "lot", _replicate_aliases()
    ),
    "exchange": GoldForm(
        Permission.LAB_ASSAY, _exchange, N_("Assay results exchanged."), "lot", {"umpire": "lot_id"}
    ),
    "settle": GoldForm(
        Permission.SETTLEMENT_APPROVE, _settle, N_("Settlement approved."), "lot",
        {"actor": "approver"},
    ),
    "plan_batch": GoldForm(
        Permission.REFINE, _plan_batch, N_("Batch planned."), "batches",
        {"inputs": "lot_ids", **{f"inputs.{n}.lot_id": "lot_ids" for n in range(50)}},
    ),
    "close_batch": GoldForm(Permission.REFINE, _close_batch, N_("Batch closed."), "batches"),
    "cast_bars": GoldForm(
        Permission.REFINE, _cast_bars, N_("Bar cast."), "batches",
        {"bars.0.serial": "serial", "bars.0.scale_reading_oz": "scale_reading_oz",
         "bars.0.fineness_per_mille": "fineness_per_mille", "bars.0.kind": "kind",
         "bars.0": "serial", "bars": "serial"},
    ),
    "move_bar": GoldForm(Permission.VAULT, _move_bar, N_("Bar moved."), "bars"),
    "request_release": GoldForm(
        Permission.VAULT, _request_release, N_("Release requested."), "bars",
        {"bar_ids.0": "bar_ids"},
    ),
    "approve_release": GoldForm(
        Permission.VAULT, _approve_release, N_("Release approved."), "bars",
        {"actor": "approver"},
    ),
}  # fmt: skip
"""Every refinery form by name (posted to `/gold/forms/<name>`)."""
