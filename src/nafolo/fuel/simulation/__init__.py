"""Disruption risk of a fuel supply plan: sampled closures, attacks, port delays and demand noise,
the plan followed over many scenarios at once (docs/simulation.md)."""

from nafolo.fuel.simulation.disruption import BLOCK, DisruptionModel, Disruptions, sample
from nafolo.fuel.simulation.evaluate import Outcome, evaluate
from nafolo.fuel.simulation.parameters import (
    SHEETS,
    DisruptionParameters,
    bundled_disruption_path,
    load_disruption,
)
from nafolo.fuel.simulation.robust import RobustPlan, robust_plan
from nafolo.fuel.simulation.rolling import RollingSettings, evaluate_rolling
from nafolo.fuel.simulation.run import ConservationError, check_conservation, simulate
from nafolo.fuel.simulation.stats import Summary, summarise
from nafolo.fuel.simulation.system import (
    SupplySystem,
    system_from_folder,
    system_from_plan,
    system_from_tables,
)

__all__ = [
    "BLOCK",
    "SHEETS",
    "ConservationError",
    "DisruptionModel",
    "DisruptionParameters",
    "Disruptions",
    "Outcome",
    "RobustPlan",
    "RollingSettings",
    "Summary",
    "SupplySystem",
    "bundled_disruption_path",
    "check_conservation",
    "evaluate",
    "evaluate_rolling",
    "load_disruption",
    "robust_plan",
    "sample",
    "simulate",
    "summarise",
    "system_from_folder",
    "system_from_plan",
    "system_from_tables",
]
