"""The three policies made ready to sweep on common random numbers, with what each plan costs.

static: the plan followed, loads re-routed when a corridor is closed. rolling: re-planned each
week from what is seen (`rolling`). robust: a plan designed on K sampled scenarios (`robust`),
then followed like the static one. All three see the same sampled scenarios for a given seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nafolo.fuel.simulation.disruption import DisruptionModel
from nafolo.fuel.simulation.robust import DESIGN_SCENARIOS, RobustPlan, robust_plan
from nafolo.fuel.simulation.rolling import RollingSettings
from nafolo.fuel.simulation.sweep import Job
from nafolo.fuel.simulation.system import SupplySystem

POLICIES = ("static", "rolling", "robust")


@dataclass(frozen=True)
class PreparedPolicy:
    """A policy ready to sweep: its job, its plan's cost (XOF, None when the static plan's cost
    is unknown) and, for the robust policy, how its plan was designed."""

    policy: str
    job: Job
    plan_cost_xof: float | None
    robust: RobustPlan | None = None


def prepare_policies(
    system: SupplySystem,
    model: DisruptionModel,
    policies: Sequence[str],
    seed: int,
    *,
    static_cost_xof: float | None,
    rolling: RollingSettings | None = None,
    design_scenarios: int = DESIGN_SCENARIOS,
) -> list[PreparedPolicy]:
    """One prepared policy per name. The static and rolling policies cost what the static plan
    costs (the rolling policy moves the same product; its extra transport is not counted); the
    robust plan costs that plus the extra corridor transport of its re-routed dispatches."""
    prepared = []
    for policy in policies:
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
        if policy == "robust":
            design = robust_plan(system, model, seed, design_scenarios=design_scenarios)
            cost = None if static_cost_xof is None else static_cost_xof + design.extra_transport_xof
            prepared.append(
                PreparedPolicy(policy, Job(design.system, model, "robust"), cost, design)
            )
        else:
            job = Job(system, model, policy, rolling if policy == "rolling" else None)
            prepared.append(PreparedPolicy(policy, job, static_cost_xof))
    return prepared
