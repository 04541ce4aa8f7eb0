"""Due diligence: red flags, decisions per Annex II rules, screening and lot admission."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from nafolo.gold.diligence import (
    AdmissionReason,
    AdmissionStatus,
    BeneficialOwner,
    Decision,
    Depositor,
    DepositorType,
    DiligencePolicy,
    Finding,
    FindingStatus,
    Licence,
    MiningScale,
    Origin,
    Rating,
    RedFlag,
    RiskCategory,
    ScreeningEntry,
    ScreeningHit,
    ScreeningKind,
    assess,
    is_cahra,
    lot_admission,
    screen,
)

D = Decimal
TODAY = date(2027, 3, 1)
LICENCE = Licence("PE-2019-01", "exploitation", expires_on=date(2030, 12, 31))
SIKASSO = Origin("O1", "Syama", "ML", "Sikasso", D("10.80"), D("-6.05"), MiningScale.LSM, LICENCE)
KAYES = Origin("O2", "Fekola", "ML", "Kayes", D("12.62"), D("-11.35"), MiningScale.LSM, LICENCE)
MINE = Depositor(
    "DEP1",
    "Mine SA",
    DepositorType.INDUSTRIAL_MINE,
    beneficial_owners=(BeneficialOwner("Holding Ltd", D(80), True),),
    licences=(LICENCE,),
    registered_origins=frozenset({"O1", "O2"}),
    decision=Decision.APPROVE,
    next_review=date(2027, 12, 31),
)


def _finding(category: RiskCategory, status: FindingStatus, on: date = TODAY) -> Finding:
    return Finding(category, status, "reported", on)


def test_clean_industrial_mine_outside_cahra_is_approved() -> None:
    result = assess(MINE, [SIKASSO], [], TODAY, "A. Traoré")
    assert (result.decision, result.rating, result.next_review) == (
        Decision.APPROVE,
        Rating.LOW,
        date(2028, 2, 29),  # 365 days (2028 is a leap year)
    )


def test_kayes_is_cahra_by_default() -> None:
    assert is_cahra(KAYES) and not is_cahra(SIKASSO)


def test_cahra_list_is_configurable() -> None:
    assert is_cahra(SIKASSO, {("ML", None)})


def test_cahra_origin_calls_for_enhanced_due_diligence() -> None:
    result = assess(MINE, [KAYES], [], TODAY, "A. Traoré")
    assert (result.decision, result.red_flags) == (
        Decision.ENHANCED_DUE_DILIGENCE,
        (RedFlag.CAHRA_ORIGIN,),
    )


def test_unidentified_owner_over_10_percent_is_a_red_flag_for_mined_gold() -> None:
    owners = (BeneficialOwner("Holding Ltd", D(88), True), BeneficialOwner("X", D(12), False))
    result = assess(replace(MINE, beneficial_owners=owners), [SIKASSO], [], TODAY, "A. Traoré")
    assert RedFlag.KYC_INCOMPLETE in result.red_flags


def test_recycler_owner_threshold_is_25_percent() -> None:
    recycler = replace(
        MINE,
        depositor_type=DepositorType.RECYCLER,
        beneficial_owners=(BeneficialOwner("A", D(80), True), BeneficialOwner("X", D(20), False)),
    )
    assert RedFlag.KYC_INCOMPLETE not in assess(recycler, [], [], TODAY, "A. T.").red_flags


def test_confirmed_armed_group_support_terminates() -> None:
    finding = _finding(RiskCategory.NON_STATE_ARMED_GROUPS, FindingStatus.CONFIRMED)
    result = assess(MINE, [SIKASSO], [finding], TODAY, "A. Traoré")
    assert (result.decision, result.rating) == (Decision.TERMINATE, Rating.HIGH)


def test_confirmed_origin_fraud_terminates() -> None:
    finding = _finding(RiskCategory.ORIGIN_MISREPRESENTATION, FindingStatus.CONFIRMED)
    assert assess(MINE, [SIKASSO], [finding], TODAY, "A. T.").decision is Decision.TERMINATE


def test_founded_suspicion_suspends() -> None:
    finding = _finding(RiskCategory.MONEY_LAUNDERING_TF, FindingStatus.FOUNDED_SUSPICION)
    assert assess(MINE, [SIKASSO], [finding], TODAY, "A. T.").decision is Decision.SUSPEND


def test_confirmed_tax_non_payment_is_mitigated() -> None:
    finding = _finding(RiskCategory.TAXES_ROYALTIES, FindingStatus.CONFIRMED)
    result = assess(MINE, [SIKASSO], [finding], TODAY, "A. T.")
    assert (result.decision, result.rating) == (Decision.ENHANCED_DUE_DILIGENCE, Rating.HIGH)


def test_no_improvement_within_the_mitigation_window_suspends() -> None:
    finding = _finding(RiskCategory.TAXES_ROYALTIES, FindingStatus.CONFIRMED, date(2026, 8, 1))
    assert assess(MINE, [SIKASSO], [finding], TODAY, "A. T.").decision is Decision.SUSPEND


def test_confirmed_sanctions_match_terminates() -> None:
    entry = ScreeningEntry("Holding Ltd", "UN consolidated", ScreeningKind.SANCTIONS)
    sanctioned = replace(MINE, screening_hits=(ScreeningHit("Holding Ltd", entry, True),))
    assert assess(sanctioned, [SIKASSO], [], TODAY, "A. T.").decision is Decision.TERMINATE


def test_screening_ignores_case_accents_and_spacing() -> None:
    entry = ScreeningEntry("Moussa  Koné", "PEP list", ScreeningKind.PEP)
    assert screen(["MOUSSA KONE", "Awa Diarra"], [entry]) == [ScreeningHit("MOUSSA KONE", entry)]


def test_review_interval_is_a_policy_parameter() -> None:
    policy = DiligencePolicy(review_days={Rating.LOW: 30, Rating.MEDIUM: 30, Rating.HIGH: 30})
    assert assess(MINE, [SIKASSO], [], TODAY, "A. T.", policy).next_review == date(2027, 3, 31)


def test_approved_depositor_registered_origin_is_accepted() -> None:
    admission = lot_admission(MINE, KAYES, TODAY)
    assert (admission.status, admission.cahra) == (AdmissionStatus.ACCEPTED, True)


def test_lot_from_depositor_under_edd_is_quarantined() -> None:
    admission = lot_admission(replace(MINE, decision=Decision.ENHANCED_DUE_DILIGENCE), KAYES, TODAY)
    assert (admission.status, admission.reasons) == (
        AdmissionStatus.QUARANTINED,
        (AdmissionReason.PENDING_EDD,),
    )


def test_lot_from_suspended_depositor_is_refused() -> None:
    admission = lot_admission(replace(MINE, decision=Decision.SUSPEND), KAYES, TODAY)
    assert (admission.status, admission.reasons) == (
        AdmissionStatus.REFUSED,
        (AdmissionReason.SUSPENDED,),
    )


def test_lot_without_decision_is_refused() -> None:
    admission = lot_admission(replace(MINE, decision=None), KAYES, TODAY)
    assert admission.explanation == "depositor has no due-diligence decision"


def test_lot_after_licence_expiry_is_refused() -> None:
    admission = lot_admission(MINE, KAYES, date(2031, 1, 1))
    assert admission.reasons[:2] == (
        AdmissionReason.DEPOSITOR_LICENCE_EXPIRED,
        AdmissionReason.ORIGIN_LICENCE_EXPIRED,
    )


def test_lot_from_unregistered_origin_is_refused() -> None:
    other = replace(KAYES, origin_id="O9")
    assert lot_admission(MINE, other, TODAY).reasons == (AdmissionReason.ORIGIN_NOT_REGISTERED,)


def test_refusal_outranks_quarantine_and_lists_both_reasons() -> None:
    depositor = replace(
        MINE, decision=Decision.ENHANCED_DUE_DILIGENCE, registered_origins=frozenset()
    )
    admission = lot_admission(depositor, KAYES, TODAY)
    assert (admission.status, admission.reasons) == (
        AdmissionStatus.REFUSED,
        (AdmissionReason.ORIGIN_NOT_REGISTERED, AdmissionReason.PENDING_EDD),
    )


def test_overdue_review_quarantines() -> None:
    admission = lot_admission(MINE, KAYES, date(2028, 1, 2))
    assert admission.reasons == (AdmissionReason.REVIEW_OVERDUE,)


def test_artisanal_cooperative_raises_artisanal_flag() -> None:
    asm = Origin(
        "O3", "Kéniéba placer", "ML", "Kayes", D("12.84"), D("-11.24"), MiningScale.ASM, LICENCE
    )
    coop = replace(MINE, depositor_type=DepositorType.ARTISANAL_COOPERATIVE)
    assert assess(coop, [asm], [], TODAY, "A. T.").red_flags == (
        RedFlag.CAHRA_ORIGIN,
        RedFlag.ARTISANAL_ORIGIN,
    )


def test_trader_is_an_intermediary_red_flag() -> None:
    trader = replace(MINE, depositor_type=DepositorType.TRADER)
    assert assess(trader, [SIKASSO], [], TODAY, "A. T.").red_flags == (
        RedFlag.INTERMEDIARY_SUPPLIER,
    )
