"""Fuel losses as a data-reconciliation problem: which measurements disagree with the balances?

The flowsheet (docs/reconciliation.md, "Fuel losses"):

* each **transit leg** (one compartment from port to depot) is a node: the loading at the port
  enters it, the receipt at the depot and the leg's transit loss leave it;
* the leg losses of a **corridor** meet in a corridor node whose total loss to the outside is
  left unmeasured — the engine estimates it, with its standard deviation;
* each **depot tank between two dips** is a node: the earlier dip enters it (as the stock carried
  over), receipts and opening stocks enter, withdrawals leave, the later dip leaves. This is book
  stock against dips: the balance holds only if the dips agree with the movements booked.

The transit loss of a leg is a *pseudo-measurement*: a normal leg loses about nothing, with a
standard deviation of a share of the contract's tolerance. Without it a leg's loss would simply
absorb whatever was measured and nothing on a leg could be tested.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from nafolo.fuel.losses.model import DipReading, PeriodMovements, TankMovement, TransitLeg
from nafolo.reconciliation import (
    Flowsheet,
    GlobalTest,
    Node,
    NodeKind,
    Stream,
    StreamClass,
    reconcile,
    serial_elimination,
)

OUTSIDE = "outside"


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """Measurement uncertainty assumed, as relative standard deviations (1 σ).

    Defaults: 0.3 % for a meter or a calibrated compartment (loading, receipt, withdrawal), 0.5 %
    for a tank dip (gauge, temperature and density of a large tank). A leg's transit loss is
    expected at 0 with σ = `loss_sd_share_of_tolerance` × the contract's tolerance; None leaves
    it unmeasured (then only depot balances can test the legs).
    """

    meter_rel_sd: float = 0.003
    tank_dip_rel_sd: float = 0.005
    loss_sd_share_of_tolerance: float | None = 0.5

    def __post_init__(self) -> None:
        for name in ("meter_rel_sd", "tank_dip_rel_sd"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name}: must be a positive fraction, got {value!r}")
        share = self.loss_sd_share_of_tolerance
        if share is not None and not (math.isfinite(share) and share > 0):
            raise ValueError(f"loss_sd_share_of_tolerance: must be positive, got {share!r}")


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What a stream of the loss flowsheet stands for, to name it to a person."""

    kind: str  # dispatch, receipt, transit_loss, dip, withdrawals, opening_stock
    subject: str  # leg (convoy/truck/compartment), dip reference or tank interval
    corridor: str = ""
    carrier: str = ""
    depot: str = ""
    product: str = ""


@dataclass(frozen=True, slots=True)
class LossSuspect:
    """A measurement the balances reject: set aside by serial elimination, with the error
    estimated once it was set aside (measured − reconciled, tonnes)."""

    stream: str
    info: StreamInfo
    measured_t: float
    estimated_error_t: float
    normalised_adjustment: float


@dataclass(frozen=True, slots=True)
class CorridorLoss:
    """A corridor's transit losses over the period: as recorded, and reconciled against the
    meters and the depots' dips (± 1 σ from the measurement uncertainty)."""

    corridor: str
    legs: int
    dispatched_t: float
    recorded_loss_t: float
    reconciled_loss_t: float
    reconciled_sd_t: float


@dataclass(frozen=True)
class LossReconciliation:
    """The outcome: global test, suspects and the corridors' reconciled losses."""

    global_test: GlobalTest | None
    critical_value: float
    suspects: tuple[LossSuspect, ...]
    corridor_losses: tuple[CorridorLoss, ...]
    streams: int
    tank_balances: int
    uncertainty: Uncertainty


def loss_flowsheet(
    movements: PeriodMovements, uncertainty: Uncertainty = Uncertainty()
) -> tuple[Flowsheet, dict[str, StreamInfo]]:
    """The flowsheet of a period's legs and dipped tanks, and what each stream stands for."""
    nodes: dict[str, Node] = {OUTSIDE: Node(OUTSIDE, NodeKind.ENVIRONMENT)}
    streams: list[Stream] = []
    info: dict[str, StreamInfo] = {}
    u = uncertainty

    def add(stream: Stream, about: StreamInfo) -> None:
        streams.append(stream)
        info[stream.name] = about

    tanks = _tank_intervals(movements.dips)
    for key, dips in tanks.items():
        depot, product = key
        for i, dip in enumerate(dips):
            source = OUTSIDE if i == 0 else _tank_node(depot, product, i - 1)
            target = OUTSIDE if i == len(dips) - 1 else _tank_node(depot, product, i)
            for node in (source, target):
                if node != OUTSIDE:
                    nodes.setdefault(node, Node(node, NodeKind.TANK))
            add(
                Stream(
                    f"dip {dip.document_ref}",
                    source,
                    target,
                    dip.physical_t,
                    _sd(u.tank_dip_rel_sd, dip.physical_t),
                ),
                StreamInfo("dip", dip.document_ref, depot=depot, product=product),
            )
    moved = _tank_flows(movements.tank_movements, tanks)
    for (node, entering), (quantities, depot, product, until) in sorted(moved.items()):
        total = sum(quantities)
        sd = u.meter_rel_sd * math.sqrt(sum(q * q for q in quantities)) or 1e-6
        kind = "opening_stock" if entering else "withdrawals"
        name = f"{kind} {depot}/{product} until {until.isoformat()}"
        source, target = (OUTSIDE, node) if entering else (node, OUTSIDE)
        add(Stream(name, source, target, total, sd), StreamInfo(kind, name, "", "", depot, product))

    corridors: set[str] = set()
    for leg in movements.legs:
        node = f"leg {leg.name}"
        if node in nodes:
            raise ValueError(f"leg {leg.name}: received twice in the period")
        nodes[node] = Node(node, NodeKind.ACCOUNT)
        corridor_node = f"corridor {leg.corridor}"
        nodes.setdefault(corridor_node, Node(corridor_node, NodeKind.ACCOUNT))
        corridors.add(leg.corridor)
        tank = _tank_of(tanks, leg.depot, leg.product, leg.received_at)
        add(
            Stream(
                f"dispatch {leg.name}",
                OUTSIDE,
                node,
                leg.dispatched_t,
                _sd(u.meter_rel_sd, leg.dispatched_t),
            ),
            _leg_info("dispatch", leg),
        )
        add(
            Stream(
                f"receipt {leg.name}",
                node,
                tank,
                leg.received_t,
                _sd(u.meter_rel_sd, leg.received_t),
            ),
            _leg_info("receipt", leg),
        )
        share = u.loss_sd_share_of_tolerance
        loss_sd = None if share is None else _sd(share * leg.tolerance_pct / 100, leg.dispatched_t)
        add(
            Stream(
                f"transit loss {leg.name}",
                node,
                corridor_node,
                None if loss_sd is None else 0.0,
                loss_sd,
            ),
            _leg_info("transit_loss", leg),
        )
    for corridor in sorted(corridors):
        add(
            Stream(f"transit loss on {corridor}", f"corridor {corridor}", OUTSIDE),
            StreamInfo("corridor_loss", corridor, corridor=corridor),
        )
    used = {OUTSIDE} | {s.source for s in streams} | {s.target for s in streams}
    kept = tuple(n for name, n in nodes.items() if name in used)
    return Flowsheet(kept, tuple(streams)), info


def reconcile_losses(
    movements: PeriodMovements,
    uncertainty: Uncertainty = Uncertainty(),
    *,
    alpha: float = 0.05,
    max_suspects: int = 20,
) -> LossReconciliation:
    """Reconcile a period's legs and dipped tanks and name the measurements the balances reject.

    Serial elimination sets aside the measurement with the largest normalised adjustment while it
    fails its (Šidák-corrected) test. On one leg the loading, the receipt and the leg's expected
    loss sit in the same balance: a receipt is told apart from its loading only through the
    depot's dips, so a suspect names the leg first and the meter second.
    """
    if not movements.legs and not movements.dips:
        return LossReconciliation(None, math.nan, (), (), 0, 0, uncertainty)
    flowsheet, info = loss_flowsheet(movements, uncertainty)
    tank_balances = sum(1 for n in flowsheet.nodes if n.kind is NodeKind.TANK)
    if not flowsheet.streams:
        return LossReconciliation(None, math.nan, (), (), 0, tank_balances, uncertainty)
    search = serial_elimination(flowsheet, alpha=alpha, max_suspects=max_suspects)
    result = search.reconciliation
    # The expected-loss pseudo-measurements serve the tests; the corridors' losses are estimated
    # from the meters and dips alone, or they would be pulled towards the expected loss.
    priors = [name for name, about in info.items() if about.kind == "transit_loss"]
    estimate = reconcile(flowsheet, set_aside=priors) if priors else result
    suspects = tuple(
        LossSuspect(
            stream=s.stream,
            info=info[s.stream],
            measured_t=float(flowsheet.streams[result.stream_names.index(s.stream)].measured or 0),
            estimated_error_t=s.estimated_error,
            normalised_adjustment=s.normalised_adjustment,
        )
        for s in search.suspects
    )
    by_corridor: dict[str, list[TransitLeg]] = defaultdict(list)
    for leg in movements.legs:
        by_corridor[leg.corridor].append(leg)
    corridor_losses = []
    for corridor, legs in sorted(by_corridor.items()):
        name = f"transit loss on {corridor}"
        observable = estimate.classification(name) is StreamClass.OBSERVABLE
        corridor_losses.append(
            CorridorLoss(
                corridor=corridor,
                legs=len(legs),
                dispatched_t=sum(leg.dispatched_t for leg in legs),
                recorded_loss_t=sum(leg.loss_t for leg in legs),
                reconciled_loss_t=estimate.value(name) if observable else math.nan,
                reconciled_sd_t=estimate.sd(name) if observable else math.nan,
            )
        )
    return LossReconciliation(
        global_test=search.global_test,
        critical_value=search.measurement_tests.critical_value,
        suspects=suspects,
        corridor_losses=tuple(corridor_losses),
        streams=len(flowsheet.streams),
        tank_balances=tank_balances,
        uncertainty=uncertainty,
    )


def _leg_info(kind: str, leg: TransitLeg) -> StreamInfo:
    return StreamInfo(kind, leg.name, leg.corridor, leg.carrier, leg.depot, leg.product)


def _sd(relative: float, quantity_t: float) -> float:
    """relative × |quantity|, never zero (a zero reading still has a reading error)."""
    return max(relative * abs(quantity_t), 1e-6)


def _tank_node(depot: str, product: str, interval: int) -> str:
    return f"tank {depot}/{product} #{interval + 1}"


def _tank_intervals(dips: tuple[DipReading, ...]) -> dict[tuple[str, str], list[DipReading]]:
    """Dips per tank in time order; only tanks dipped at least twice make a balance."""
    by_tank: dict[tuple[str, str], list[DipReading]] = defaultdict(list)
    for dip in dips:
        by_tank[(dip.depot, dip.product)].append(dip)
    return {
        key: sorted(found, key=lambda d: d.dipped_at)
        for key, found in sorted(by_tank.items())
        if len(found) >= 2
    }


def _interval(dips: list[DipReading], at: datetime) -> int | None:
    """k such that dip k < at ≤ dip k+1 (a dip counts what was booked up to its moment)."""
    times = [d.dipped_at for d in dips]
    k = bisect.bisect_left(times, at) - 1
    return k if 0 <= k < len(dips) - 1 else None


def _tank_of(
    tanks: dict[tuple[str, str], list[DipReading]], depot: str, product: str, at: datetime
) -> str:
    dips = tanks.get((depot, product))
    k = None if dips is None else _interval(dips, at)
    return OUTSIDE if k is None else _tank_node(depot, product, k)


def _tank_flows(
    moves: tuple[TankMovement, ...], tanks: dict[tuple[str, str], list[DipReading]]
) -> dict[tuple[str, bool], tuple[list[float], str, str, datetime]]:
    """Withdrawals and opening stocks grouped by the tank interval they fall in."""
    flows: dict[tuple[str, bool], tuple[list[float], str, str, datetime]] = {}
    for move in moves:
        dips = tanks.get((move.depot, move.product))
        k = None if dips is None else _interval(dips, move.at)
        if dips is None or k is None:
            continue
        node = _tank_node(move.depot, move.product, k)
        entry = flows.setdefault(
            (node, move.entering), ([], move.depot, move.product, dips[k + 1].dipped_at)
        )
        entry[0].append(move.quantity_t)
    return flows
