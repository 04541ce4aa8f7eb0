"""Assays of a lot and the assay exchange that settles its fineness.

Source: shared/domain/gold.md (Assay; Toll-refining settlement). Three sealed samples per lot go to
the refiner, the depositor and the umpire. Refiner and depositor exchange results per metal; within
the contract's splitting limit the settled fineness is their mean, otherwise the umpire decides by
the contract's :class:`UmpireRule`. Fineness is in ‰; no value is rounded except a replicate mean,
which is stated to the lab's reporting step (0.01 ‰ by default, half-even).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

__all__ = [
    "DEFAULT_AG_REPLICATE_RANGE_PER_MILLE",
    "DEFAULT_AU_REPLICATE_RANGE_PER_MILLE",
    "REPORTING_STEP_PER_MILLE",
    "AssayMethod",
    "AssayResult",
    "ExchangeBranch",
    "ExchangeOutcome",
    "FeePayer",
    "Metal",
    "SampleRole",
    "SampleSet",
    "SealedSample",
    "UmpireRequiredError",
    "UmpireRule",
    "assay_exchange",
    "replicate_mean",
    "replicates_agree",
    "within_splitting_limit",
]

REPORTING_STEP_PER_MILLE = Decimal("0.01")
DEFAULT_AU_REPLICATE_RANGE_PER_MILLE = Decimal("0.30")
"""Twice the ±0.15 ‰ Good Delivery proficiency band for Au < 999.5 (an assumption; per lab)."""
DEFAULT_AG_REPLICATE_RANGE_PER_MILLE = Decimal("1.00")
"""An assumption for silver in doré (per lab)."""


class Metal(StrEnum):
    AU = "Au"
    AG = "Ag"


class AssayMethod(StrEnum):
    FIRE_ASSAY = "fire assay (cupellation, ISO 11426)"
    ICP_OES_BY_DIFFERENCE = "ICP-OES by difference (ISO 15093)"
    OTHER = "other"


class SampleRole(StrEnum):
    REFINER = "refiner"
    DEPOSITOR = "depositor"
    UMPIRE = "umpire"


@dataclass(frozen=True, slots=True)
class SealedSample:
    sample_id: str
    seal_number: str
    role: SampleRole


@dataclass(frozen=True, slots=True)
class SampleSet:
    """The three sealed samples of a lot: one each for refiner, depositor and umpire, with
    distinct sample ids and seal numbers."""

    lot_id: str
    samples: tuple[SealedSample, SealedSample, SealedSample]

    def __post_init__(self) -> None:
        roles = {sample.role for sample in self.samples}
        if len(self.samples) != 3 or roles != set(SampleRole):
            raise ValueError(
                f"lot {self.lot_id}: samples: need exactly one refiner, one depositor and one "
                f"umpire sample, got {[s.role.value for s in self.samples]}"
            )
        for field in ("sample_id", "seal_number"):
            values = [getattr(sample, field) for sample in self.samples]
            if len(set(values)) != 3 or not all(values):
                raise ValueError(f"lot {self.lot_id}: samples: {field} must be given and distinct")

    def sample(self, role: SampleRole) -> SealedSample:
        return next(sample for sample in self.samples if sample.role is role)


def replicate_mean(
    replicates: Sequence[Decimal], step: Decimal = REPORTING_STEP_PER_MILLE
) -> Decimal:
    """The mean of replicate determinations (‰), stated to ``step`` rounded half-even."""
    if not replicates:
        raise ValueError("replicates: give at least one determination")
    return (sum(replicates, Decimal(0)) / len(replicates)).quantize(step, ROUND_HALF_EVEN)


def replicates_agree(replicates: Sequence[Decimal], max_range_per_mille: Decimal) -> bool:
    """Whether the replicates lie within ``max_range_per_mille`` of one another (max − min)."""
    if not replicates:
        raise ValueError("replicates: give at least one determination")
    return max(replicates) - min(replicates) <= max_range_per_mille


@dataclass(frozen=True, slots=True)
class AssayResult:
    """One laboratory's result on one sample: Au and Ag replicates in ‰ and the method."""

    sample_id: str
    laboratory: str
    method: AssayMethod
    au_replicates_per_mille: tuple[Decimal, ...]
    ag_replicates_per_mille: tuple[Decimal, ...]

    def __post_init__(self) -> None:
        for metal, values in (
            (Metal.AU, self.au_replicates_per_mille),
            (Metal.AG, self.ag_replicates_per_mille),
        ):
            if not values:
                raise ValueError(f"sample {self.sample_id}: {metal} replicates: none given")
            for value in values:
                if not Decimal(0) <= value <= Decimal(1000):
                    raise ValueError(
                        f"sample {self.sample_id}: {metal} replicate {value} ‰ not within 0–1000"
                    )
        if self.au_per_mille + self.ag_per_mille > 1000:
            raise ValueError(f"sample {self.sample_id}: Au + Ag exceeds 1000 ‰")

    @property
    def au_per_mille(self) -> Decimal:
        return replicate_mean(self.au_replicates_per_mille)

    @property
    def ag_per_mille(self) -> Decimal:
        return replicate_mean(self.ag_replicates_per_mille)

    def per_mille(self, metal: Metal) -> Decimal:
        return self.au_per_mille if metal is Metal.AU else self.ag_per_mille

    def replicates_agree(
        self,
        au_max_range: Decimal = DEFAULT_AU_REPLICATE_RANGE_PER_MILLE,
        ag_max_range: Decimal = DEFAULT_AG_REPLICATE_RANGE_PER_MILLE,
    ) -> bool:
        """Whether both metals' replicates agree within their ranges (else re-assay)."""
        return replicates_agree(self.au_replicates_per_mille, au_max_range) and replicates_agree(
            self.ag_replicates_per_mille, ag_max_range
        )


class UmpireRule(StrEnum):
    """What stands when the parties' results differ by more than the splitting limit."""

    CLOSEST_PARTY = "the party's result closest to the umpire's"
    UMPIRE_FINAL = "the umpire's result"
    MEAN_UMPIRE_AND_CLOSEST = "the mean of the umpire's and the closest party's results"


class ExchangeBranch(StrEnum):
    SPLIT = "within splitting limit: mean of refiner and depositor"
    UMPIRE = "outside splitting limit: umpire"


class FeePayer(StrEnum):
    """Who pays the umpire: the party further from the umpire; both halves on a tie."""

    NONE = "none"
    REFINER = "refiner"
    DEPOSITOR = "depositor"
    SHARED = "shared"


class UmpireRequiredError(ValueError):
    """The results differ by more than the splitting limit and no umpire result is given."""


@dataclass(frozen=True, slots=True)
class ExchangeOutcome:
    """How one metal's fineness was settled, with every input kept for the statement."""

    metal: Metal
    refiner_per_mille: Decimal
    depositor_per_mille: Decimal
    difference_per_mille: Decimal
    splitting_limit_per_mille: Decimal
    branch: ExchangeBranch
    settled_per_mille: Decimal
    explanation: str
    umpire_per_mille: Decimal | None = None
    umpire_rule: UmpireRule | None = None
    umpire_outside_parties: bool = False
    umpire_fee_payer: FeePayer = FeePayer.NONE


def within_splitting_limit(
    refiner_per_mille: Decimal, depositor_per_mille: Decimal, splitting_limit_per_mille: Decimal
) -> bool:
    """|refiner − depositor| ≤ splitting limit (the limit itself splits)."""
    return abs(refiner_per_mille - depositor_per_mille) <= splitting_limit_per_mille


def _mean(a: Decimal, b: Decimal) -> Decimal:
    return (a + b) / 2


def assay_exchange(
    metal: Metal,
    refiner_per_mille: Decimal,
    depositor_per_mille: Decimal,
    splitting_limit_per_mille: Decimal,
    umpire_per_mille: Decimal | None = None,
    umpire_rule: UmpireRule = UmpireRule.CLOSEST_PARTY,
) -> ExchangeOutcome:
    """Settle one metal's fineness by exchange of results, or by umpire.

    Within the limit: the exact mean of the two (no rounding). Outside: the umpire's result is
    required (:class:`UmpireRequiredError` otherwise) and ``umpire_rule`` applies. The party
    further from the umpire pays the umpire. A tie (umpire exactly midway) settles at the mean
    of the parties (= the umpire's result) and the fee is shared. An umpire outside both results
    changes nothing in the rule: the closer party's result (or the umpire's, per contract) stands,
    and the outcome is flagged ``umpire_outside_parties`` for review.
    """
    if splitting_limit_per_mille < 0:
        raise ValueError(
            f"splitting_limit_per_mille: must not be negative, got {splitting_limit_per_mille}"
        )
    difference = abs(refiner_per_mille - depositor_per_mille)
    mean = _mean(refiner_per_mille, depositor_per_mille)
    split = ExchangeOutcome(
        metal=metal,
        refiner_per_mille=refiner_per_mille,
        depositor_per_mille=depositor_per_mille,
        difference_per_mille=difference,
        splitting_limit_per_mille=splitting_limit_per_mille,
        branch=ExchangeBranch.SPLIT,
        settled_per_mille=mean,
        explanation=(
            f"{metal}: |{refiner_per_mille} − {depositor_per_mille}| = {difference} ‰ "
            f"≤ {splitting_limit_per_mille} ‰: settled at the mean {mean} ‰"
        ),
    )
    if difference <= splitting_limit_per_mille:
        return split
    if umpire_per_mille is None:
        raise UmpireRequiredError(
            f"{metal}: refiner {refiner_per_mille} ‰ and depositor {depositor_per_mille} ‰ differ "
            f"by {difference} ‰ > splitting limit {splitting_limit_per_mille} ‰: send the sealed "
            "umpire sample"
        )
    from_refiner = abs(umpire_per_mille - refiner_per_mille)
    from_depositor = abs(umpire_per_mille - depositor_per_mille)
    low, high = sorted((refiner_per_mille, depositor_per_mille))
    outside = not low <= umpire_per_mille <= high
    if from_refiner == from_depositor:
        closest, payer, who = _mean(low, high), FeePayer.SHARED, "neither (umpire midway)"
    elif from_refiner < from_depositor:
        closest, payer, who = refiner_per_mille, FeePayer.DEPOSITOR, "refiner"
    else:
        closest, payer, who = depositor_per_mille, FeePayer.REFINER, "depositor"
    if umpire_rule is UmpireRule.UMPIRE_FINAL:
        settled = umpire_per_mille
    elif umpire_rule is UmpireRule.MEAN_UMPIRE_AND_CLOSEST:
        settled = _mean(umpire_per_mille, closest)
    else:
        settled = closest
    return replace(
        split,
        branch=ExchangeBranch.UMPIRE,
        settled_per_mille=settled,
        explanation=(
            f"{metal}: difference {difference} ‰ > {splitting_limit_per_mille} ‰; umpire "
            f"{umpire_per_mille} ‰ closest to {who}"
            f"{' (outside both results)' if outside else ''}; rule: {umpire_rule.value}: "
            f"settled at {settled} ‰"
        ),
        umpire_per_mille=umpire_per_mille,
        umpire_rule=umpire_rule,
        umpire_outside_parties=outside,
        umpire_fee_payer=payer,
    )
