"""Loss patterns by carrier and by corridor: who loses more than tolerated, and consistently?

A single leg above tolerance can be bad luck or a bad meter; a carrier whose legs are above
tolerance again and again is not. Two one-sided tests per group (scipy.stats):

* **binomial**: the number of legs above tolerance against the share expected of honest legs
  (`expected_exceedance_rate`, default 5 %: a tolerance set so that about one leg in twenty
  exceeds it);
* **t-test**: the mean of (loss % − tolerance %) over the group's legs against 0 — the group's
  losses are, on average, above its tolerance.

A group is flagged when it has at least `min_legs` legs and either p-value is below α divided by
the number of tests made (Bonferroni over both tests and every group of the same kind), so that a
month's report raises a false flag on an honest carrier with probability at most α.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from scipy import stats

from nafolo.fuel.losses.model import TransitLeg


class GroupBy(StrEnum):
    CARRIER = "carrier"
    CORRIDOR = "corridor"


@dataclass(frozen=True, slots=True)
class LossPattern:
    """One carrier's or corridor's legs over the period and the tests on them."""

    group_by: GroupBy
    key: str
    legs: int
    dispatched_t: float
    loss_t: float
    loss_pct: float  # total loss over total dispatched
    mean_loss_pct: float
    sd_loss_pct: float
    mean_tolerance_pct: float
    above_tolerance: int
    p_binomial: float
    p_mean_above_tolerance: float
    flagged: bool

    @property
    def share_above_tolerance(self) -> float:
        return self.above_tolerance / self.legs if self.legs else 0.0


def loss_patterns(
    legs: Sequence[TransitLeg],
    group_by: GroupBy,
    *,
    expected_exceedance_rate: float = 0.05,
    alpha: float = 0.05,
    min_legs: int = 5,
) -> list[LossPattern]:
    """Per carrier (or corridor): legs, losses, share above tolerance, p-values and the flag.

    Groups come sorted by total loss % (largest first), then key.
    """
    if not 0.0 < expected_exceedance_rate < 1.0:
        raise ValueError(
            f"expected_exceedance_rate: must lie in (0, 1), got {expected_exceedance_rate!r}"
        )
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha: must lie in (0, 1), got {alpha!r}")
    if min_legs < 2:
        raise ValueError(f"min_legs: must be ≥ 2, got {min_legs}")
    key: Callable[[TransitLeg], str] = (
        (lambda leg: leg.carrier or "?")
        if group_by is GroupBy.CARRIER
        else (lambda leg: leg.corridor)
    )
    groups: dict[str, list[TransitLeg]] = defaultdict(list)
    for leg in legs:
        groups[key(leg)].append(leg)
    tested = sum(1 for g in groups.values() if len(g) >= min_legs)
    threshold = alpha / (2 * tested) if tested else 0.0
    patterns = []
    for name, group in groups.items():
        patterns.append(
            _pattern(group_by, name, group, expected_exceedance_rate, min_legs, threshold)
        )
    return sorted(patterns, key=lambda p: (-p.loss_pct, p.key))


def _pattern(
    group_by: GroupBy,
    name: str,
    legs: list[TransitLeg],
    rate: float,
    min_legs: int,
    threshold: float,
) -> LossPattern:
    n = len(legs)
    dispatched = sum(leg.dispatched_t for leg in legs)
    loss = sum(leg.loss_t for leg in legs)
    pct = [leg.loss_pct for leg in legs]
    excess = [leg.loss_pct - leg.tolerance_pct for leg in legs]
    above = sum(1 for leg in legs if leg.loss_t > 0 and leg.above_tolerance)
    p_binomial = float(stats.binomtest(above, n, rate, alternative="greater").pvalue)
    p_mean = _p_mean_above(excess)
    flagged = n >= min_legs and min(p_binomial, p_mean) < threshold
    return LossPattern(
        group_by=group_by,
        key=name,
        legs=n,
        dispatched_t=dispatched,
        loss_t=loss,
        loss_pct=100.0 * loss / dispatched if dispatched else 0.0,
        mean_loss_pct=statistics.fmean(pct),
        sd_loss_pct=statistics.stdev(pct) if n >= 2 else math.nan,
        mean_tolerance_pct=statistics.fmean(leg.tolerance_pct for leg in legs),
        above_tolerance=above,
        p_binomial=p_binomial,
        p_mean_above_tolerance=p_mean,
        flagged=flagged,
    )


def _p_mean_above(excess: list[float]) -> float:
    """One-sided p-value of mean(excess) > 0; 1 with fewer than two legs."""
    if len(excess) < 2:
        return 1.0
    if statistics.pstdev(excess) == 0.0:
        return 0.0 if excess[0] > 0 else 1.0
    p = float(stats.ttest_1samp(excess, 0.0, alternative="greater").pvalue)
    return p if math.isfinite(p) else 1.0
