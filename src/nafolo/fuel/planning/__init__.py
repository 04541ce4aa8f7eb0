"""The weekly fuel supply planner (docs/planner.md): a linopy model solved by HiGHS.

Call `plan` for the whole pipeline, or its steps: `prepare` → `build_model` → `solve` →
`read_result` → `explain`.
"""

from nafolo.fuel.planning.data import PlanData, next_monday, prepare
from nafolo.fuel.planning.diagnose import InfeasiblePlanError, diagnose
from nafolo.fuel.planning.explain import explain
from nafolo.fuel.planning.export import summary, write_plan
from nafolo.fuel.planning.model import build_elastic_model, build_model
from nafolo.fuel.planning.plan import PlanningError, plan
from nafolo.fuel.planning.results import (
    Binding,
    ConservationError,
    PlanResult,
    check_conservation,
    read_result,
)
from nafolo.fuel.planning.solve import SolveOutcome, solve

__all__ = [
    "Binding",
    "ConservationError",
    "InfeasiblePlanError",
    "PlanData",
    "PlanResult",
    "PlanningError",
    "SolveOutcome",
    "build_elastic_model",
    "build_model",
    "check_conservation",
    "diagnose",
    "explain",
    "next_monday",
    "plan",
    "prepare",
    "read_result",
    "solve",
    "summary",
    "write_plan",
]
