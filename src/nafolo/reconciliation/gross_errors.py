"""Statistical tests on a reconciliation and gross-error identification by serial elimination.

The global test asks whether the balances' residuals are larger than the measurements'
uncertainty allows (rᵀ S⁻¹ r ~ χ²(rank)). The measurement test asks it of each redundant
measurement (normalised adjustment ~ N(0, 1)), at a Šidák-corrected level so that the chance of
any false alarm across all measurements stays α. Serial elimination sets aside the measurement
with the largest normalised adjustment while either test fails: on a large flowsheet one gross
error barely moves a χ² with thousands of degrees of freedom, while its measurement test stands out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from nafolo.reconciliation.flowsheet import Flowsheet
from nafolo.reconciliation.linear import LinearReconciliation, WlsSolution, reconcile

DEFAULT_ALPHA = 0.05


@dataclass(frozen=True, slots=True)
class GlobalTest:
    statistic: float
    degrees_of_freedom: int
    critical_value: float
    p_value: float
    alpha: float

    @property
    def rejected(self) -> bool:
        """True when the data are inconsistent with the balances at level alpha."""
        return self.statistic > self.critical_value


@dataclass(frozen=True, slots=True)
class MeasurementTests:
    """Normalised adjustments (NaN where not redundant) against one Šidák-corrected threshold."""

    normalised_adjustment: np.ndarray
    critical_value: float
    alpha: float

    @property
    def suspect(self) -> np.ndarray:
        """Boolean mask of measurements whose normalised adjustment exceeds the threshold."""
        z = np.nan_to_num(self.normalised_adjustment, nan=0.0)
        return np.asarray(z > self.critical_value)


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")


def global_test(solution: WlsSolution, alpha: float = DEFAULT_ALPHA) -> GlobalTest:
    _check_alpha(alpha)
    dof = solution.degrees_of_freedom
    if dof == 0:
        return GlobalTest(0.0, 0, 0.0, 1.0, alpha)
    critical = float(stats.chi2.isf(alpha, dof))
    p_value = float(stats.chi2.sf(solution.chi_square, dof))
    return GlobalTest(solution.chi_square, dof, critical, p_value, alpha)


def measurement_tests(solution: WlsSolution, alpha: float = DEFAULT_ALPHA) -> MeasurementTests:
    _check_alpha(alpha)
    z = solution.normalised_adjustment
    n_tested = int(np.count_nonzero(~np.isnan(z)))
    per_test = 1.0 - (1.0 - alpha) ** (1.0 / max(n_tested, 1))
    critical = float(stats.norm.isf(per_test / 2.0))
    return MeasurementTests(z, critical, alpha)


@dataclass(frozen=True, slots=True)
class SuspectMeasurement:
    """A measurement set aside, with its normalised adjustment when it was picked and the
    size of the error estimated once it was set aside (measured − reconciled without it)."""

    stream: str
    normalised_adjustment: float
    estimated_error: float


@dataclass(frozen=True)
class GrossErrorSearch:
    """Outcome of serial elimination: the final reconciliation and what was set aside."""

    reconciliation: LinearReconciliation
    global_test: GlobalTest
    measurement_tests: MeasurementTests
    suspects: tuple[SuspectMeasurement, ...]


def serial_elimination(
    flowsheet: Flowsheet, *, alpha: float = DEFAULT_ALPHA, max_suspects: int = 10
) -> GrossErrorSearch:
    """Set aside measurements one by one until the data pass the tests.

    At each step the redundant measurement with the largest normalised adjustment is set aside
    (treated as unmeasured) provided it fails its measurement test; the search stops when no
    measurement test fails, or ``max_suspects`` have been set aside. The global test is reported
    alongside; when it fails with no measurement test failing, the error cannot be located.
    """
    _check_alpha(alpha)
    set_aside: list[str] = []
    picked_z: list[float] = []
    result = reconcile(flowsheet)
    while True:
        g = global_test(result.solution, alpha)
        m = measurement_tests(result.solution, alpha)
        if len(set_aside) >= max_suspects:
            break
        z = np.nan_to_num(m.normalised_adjustment, nan=-1.0)
        worst = int(np.argmax(z))
        if z[worst] <= m.critical_value:
            break
        set_aside.append(result.stream_names[worst])
        picked_z.append(float(z[worst]))
        result = reconcile(flowsheet, set_aside=set_aside)
    measured = flowsheet.measured_values
    suspects = tuple(
        SuspectMeasurement(name, z_value, float(measured[i] - result.solution.estimate[i]))
        for name, z_value in zip(set_aside, picked_z, strict=True)
        for i in (result.stream_names.index(name),)
    )
    return GrossErrorSearch(result, g, m, suspects)
