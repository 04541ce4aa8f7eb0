"""Sealed samples, replicates and the assay exchange (splitting limit and umpire branches)."""

from decimal import Decimal

import pytest

from nafolo.gold.assays import (
    AssayMethod,
    AssayResult,
    ExchangeBranch,
    FeePayer,
    Metal,
    SampleRole,
    SampleSet,
    SealedSample,
    UmpireRequiredError,
    UmpireRule,
    assay_exchange,
    replicate_mean,
    replicates_agree,
)

D = Decimal
AU_LIMIT = D("0.5")


def test_three_sealed_samples_one_per_party() -> None:
    samples = SampleSet(
        "L1",
        (
            SealedSample("L1-R", "S001", SampleRole.REFINER),
            SealedSample("L1-D", "S002", SampleRole.DEPOSITOR),
            SealedSample("L1-U", "S003", SampleRole.UMPIRE),
        ),
    )
    assert samples.sample(SampleRole.UMPIRE).seal_number == "S003"


def test_two_samples_for_one_party_are_refused() -> None:
    with pytest.raises(ValueError, match="lot L1: samples"):
        SampleSet(
            "L1",
            (
                SealedSample("L1-R", "S001", SampleRole.REFINER),
                SealedSample("L1-R2", "S002", SampleRole.REFINER),
                SealedSample("L1-U", "S003", SampleRole.UMPIRE),
            ),
        )


def test_reused_seal_number_is_refused() -> None:
    with pytest.raises(ValueError, match="seal_number"):
        SampleSet(
            "L1",
            (
                SealedSample("L1-R", "S001", SampleRole.REFINER),
                SealedSample("L1-D", "S001", SampleRole.DEPOSITOR),
                SealedSample("L1-U", "S003", SampleRole.UMPIRE),
            ),
        )


def test_replicate_mean_is_stated_to_a_hundredth_half_even() -> None:
    assert replicate_mean([D("912.34"), D("912.35"), D("912.36")]) == D("912.35")
    assert replicate_mean([D("912.30"), D("912.35")]) == D("912.32")  # 912.325 → even


def test_replicates_agree_within_range() -> None:
    assert replicates_agree([D("912.30"), D("912.60")], D("0.30"))
    assert not replicates_agree([D("912.30"), D("912.61")], D("0.30"))


def test_assay_result_means_and_agreement() -> None:
    result = AssayResult(
        "L1-R", "refinery lab", AssayMethod.FIRE_ASSAY, (D("912.30"), D("912.40")), (D("80.1"),)
    )
    assert (result.au_per_mille, result.ag_per_mille, result.replicates_agree()) == (
        D("912.35"),
        D("80.10"),
        True,
    )


def test_assay_result_over_1000_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Au replicate 1000\.1"):
        AssayResult("L1-R", "lab", AssayMethod.FIRE_ASSAY, (D("1000.1"),), (D("0"),))


def test_within_splitting_limit_settles_at_the_exact_mean() -> None:
    outcome = assay_exchange(Metal.AU, D("912.40"), D("912.05"), AU_LIMIT)
    assert (outcome.branch, outcome.settled_per_mille) == (ExchangeBranch.SPLIT, D("912.225"))


def test_difference_equal_to_the_limit_still_splits() -> None:
    outcome = assay_exchange(Metal.AU, D("912.50"), D("912.00"), AU_LIMIT)
    assert outcome.branch is ExchangeBranch.SPLIT


def test_outside_the_limit_without_umpire_asks_for_the_umpire_sample() -> None:
    with pytest.raises(UmpireRequiredError, match=r"0\.51 ‰ > splitting limit 0\.5"):
        assay_exchange(Metal.AU, D("912.51"), D("912.00"), AU_LIMIT)


def test_umpire_closest_party_stands() -> None:
    outcome = assay_exchange(Metal.AU, D("913.00"), D("912.00"), AU_LIMIT, D("912.20"))
    assert (outcome.settled_per_mille, outcome.umpire_fee_payer) == (D("912.00"), FeePayer.REFINER)


def test_umpire_own_result_per_contract() -> None:
    outcome = assay_exchange(
        Metal.AU, D("913.00"), D("912.00"), AU_LIMIT, D("912.20"), UmpireRule.UMPIRE_FINAL
    )
    assert outcome.settled_per_mille == D("912.20")


def test_umpire_mean_with_closest_per_contract() -> None:
    outcome = assay_exchange(
        Metal.AU,
        D("913.00"),
        D("912.00"),
        AU_LIMIT,
        D("912.20"),
        UmpireRule.MEAN_UMPIRE_AND_CLOSEST,
    )
    assert outcome.settled_per_mille == D("912.10")


def test_umpire_midway_settles_at_the_mean_and_fee_is_shared() -> None:
    outcome = assay_exchange(Metal.AU, D("913.00"), D("912.00"), AU_LIMIT, D("912.50"))
    assert (outcome.settled_per_mille, outcome.umpire_fee_payer) == (D("912.50"), FeePayer.SHARED)


def test_umpire_outside_both_closer_party_stands_and_is_flagged() -> None:
    outcome = assay_exchange(Metal.AU, D("913.00"), D("912.00"), AU_LIMIT, D("913.40"))
    assert (outcome.settled_per_mille, outcome.umpire_outside_parties) == (D("913.00"), True)
    assert outcome.umpire_fee_payer is FeePayer.DEPOSITOR


def test_silver_uses_its_own_limit() -> None:
    outcome = assay_exchange(Metal.AG, D("81.0"), D("79.0"), D("2.0"))
    assert outcome.settled_per_mille == D("80.0")
