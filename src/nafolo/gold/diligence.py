"""Responsible-gold due diligence: KYC facts, origins, OECD Annex II risks → rating and decision,
and whether a lot may be admitted.

Source: shared/domain/gold.md (Responsible sourcing). Decision rules:

- TERMINATE on a confirmed serious abuse, support to non-state armed groups, money laundering or
  terrorist financing, fraudulent misrepresentation of origin, or a confirmed sanctions match;
- SUSPEND on founded suspicion of any Annex II risk, or when a mitigable risk shows no measurable
  improvement within the mitigation window (default 183 days);
- ENHANCED DUE DILIGENCE (mitigate) on any other finding or red flag (CAHRA or artisanal origin,
  intermediary supplier, PEP, incomplete KYC, licence not valid);
- APPROVE otherwise.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "DEFAULT_CAHRA",
    "Admission",
    "AdmissionReason",
    "AdmissionStatus",
    "BeneficialOwner",
    "Decision",
    "Depositor",
    "DepositorType",
    "DiligencePolicy",
    "Finding",
    "FindingStatus",
    "Licence",
    "MiningScale",
    "Origin",
    "Rating",
    "RedFlag",
    "RiskAssessment",
    "RiskCategory",
    "ScreeningEntry",
    "ScreeningHit",
    "ScreeningKind",
    "ScreeningList",
    "assess",
    "is_cahra",
    "lot_admission",
    "red_flags",
    "screen",
]


class DepositorType(StrEnum):
    INDUSTRIAL_MINE = "industrial mine"
    ARTISANAL_COOPERATIVE = "artisanal cooperative"
    TRADER = "trader / comptoir"
    RECYCLER = "recycler"


class MiningScale(StrEnum):
    LSM = "large-scale mined"
    ASM = "artisanal and small-scale mined"
    RECYCLED = "recycled"


class RiskCategory(StrEnum):
    """OECD Due Diligence Guidance, Annex II."""

    SERIOUS_ABUSES = "serious abuses (torture, forced or child labour, sexual violence, war crimes)"
    NON_STATE_ARMED_GROUPS = "direct or indirect support to non-state armed groups"
    SECURITY_FORCES = "public or private security forces"
    BRIBERY = "bribery"
    ORIGIN_MISREPRESENTATION = "fraudulent misrepresentation of origin"
    MONEY_LAUNDERING_TF = "money laundering and terrorist financing"
    TAXES_ROYALTIES = "non-payment of taxes and royalties"


TERMINATING_CATEGORIES = frozenset(
    {
        RiskCategory.SERIOUS_ABUSES,
        RiskCategory.NON_STATE_ARMED_GROUPS,
        RiskCategory.MONEY_LAUNDERING_TF,
        RiskCategory.ORIGIN_MISREPRESENTATION,
    }
)


class FindingStatus(StrEnum):
    REASONABLE_SUSPICION = "reasonable suspicion (under enquiry)"
    FOUNDED_SUSPICION = "founded suspicion"
    CONFIRMED = "confirmed"


class RedFlag(StrEnum):
    CAHRA_ORIGIN = "origin in a conflict-affected or high-risk area"
    ARTISANAL_ORIGIN = "artisanal and small-scale origin"
    INTERMEDIARY_SUPPLIER = "supplier is a trader / comptoir"
    PEP_INVOLVED = "politically exposed person involved"
    KYC_INCOMPLETE = "beneficial owner above threshold not identified"
    LICENCE_NOT_VALID = "no licence valid on the assessment date"
    ORIGIN_LICENCE_NOT_VALID = "mine or site licence not valid on the assessment date"


class Decision(StrEnum):
    APPROVE = "approve"
    ENHANCED_DUE_DILIGENCE = "enhanced due diligence"
    SUSPEND = "suspend"
    TERMINATE = "terminate"


class Rating(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ScreeningKind(StrEnum):
    SANCTIONS = "sanctions"
    PEP = "politically exposed person"


@dataclass(frozen=True, slots=True)
class Licence:
    number: str
    kind: str
    expires_on: date
    valid_from: date = date.min

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.expires_on


@dataclass(frozen=True, slots=True)
class BeneficialOwner:
    name: str
    share_pct: Decimal
    identity_verified: bool

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.share_pct <= Decimal(100):
            raise ValueError(f"beneficial owner {self.name}: share_pct not within 0–100")


@dataclass(frozen=True, slots=True)
class ScreeningEntry:
    """One name on a sanctions or PEP list (the list is loaded from a file by the caller)."""

    name: str
    list_name: str
    kind: ScreeningKind


ScreeningList = Sequence[ScreeningEntry]


@dataclass(frozen=True, slots=True)
class ScreeningHit:
    """A screened name matched on a list; ``confirmed`` False until a reviewer confirms it is
    the same person (a cleared false positive is simply not recorded)."""

    name: str
    entry: ScreeningEntry
    confirmed: bool = False


def _normalised(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.replace("-", " ").split())


def screen(names: Iterable[str], screening_list: ScreeningList) -> list[ScreeningHit]:
    """Unconfirmed hits of ``names`` on the list, matched ignoring case, accents, hyphens and
    spacing (a first pass: every hit needs a reviewer's confirmation)."""
    index: dict[str, list[ScreeningEntry]] = {}
    for entry in screening_list:
        index.setdefault(_normalised(entry.name), []).append(entry)
    return [
        ScreeningHit(name, entry) for name in names for entry in index.get(_normalised(name), [])
    ]


@dataclass(frozen=True, slots=True)
class Origin:
    """A mine, site or (for recycled gold) collection point a depositor's gold comes from."""

    origin_id: str
    site: str
    country: str
    region: str
    latitude: Decimal
    longitude: Decimal
    scale: MiningScale
    licence: Licence | None = None

    def __post_init__(self) -> None:
        if len(self.country) != 2 or not self.country.isalpha() or not self.country.isupper():
            raise ValueError(f"origin {self.origin_id}: country: give ISO 3166 alpha-2, e.g. 'ML'")
        if not Decimal(-90) <= self.latitude <= Decimal(90):
            raise ValueError(f"origin {self.origin_id}: latitude not within −90–90")
        if not Decimal(-180) <= self.longitude <= Decimal(180):
            raise ValueError(f"origin {self.origin_id}: longitude not within −180–180")
        if self.scale is not MiningScale.RECYCLED and self.licence is None:
            raise ValueError(f"origin {self.origin_id}: licence: a mined origin needs one")


DEFAULT_CAHRA: frozenset[tuple[str, str | None]] = frozenset({("ML", "Kayes")})
"""(country, region) pairs; region None flags the whole country. From the EU indicative list as
summarised in gold.md; configure the full list per policy."""


def is_cahra(origin: Origin, cahra: Iterable[tuple[str, str | None]] = DEFAULT_CAHRA) -> bool:
    """Whether the origin lies in a listed conflict-affected or high-risk area."""
    region = origin.region.casefold()
    return any(
        country == origin.country and (area is None or area.casefold() == region)
        for country, area in cahra
    )


@dataclass(frozen=True, slots=True)
class DiligencePolicy:
    """The refinery's due-diligence parameters."""

    cahra: frozenset[tuple[str, str | None]] = DEFAULT_CAHRA
    owner_threshold_mined_pct: Decimal = Decimal(10)
    owner_threshold_recycled_pct: Decimal = Decimal(25)
    mitigation_window_days: int = 183
    review_days: dict[Rating, int] = field(
        default_factory=lambda: {Rating.LOW: 365, Rating.MEDIUM: 365, Rating.HIGH: 182}
    )

    def owner_threshold_pct(self, depositor_type: DepositorType) -> Decimal:
        if depositor_type is DepositorType.RECYCLER:
            return self.owner_threshold_recycled_pct
        return self.owner_threshold_mined_pct


@dataclass(frozen=True, slots=True)
class Depositor:
    """A depositor's KYC facts and its current due-diligence standing."""

    depositor_id: str
    name: str
    depositor_type: DepositorType
    beneficial_owners: tuple[BeneficialOwner, ...] = ()
    licences: tuple[Licence, ...] = ()
    screening_hits: tuple[ScreeningHit, ...] = ()
    registered_origins: frozenset[str] = frozenset()
    decision: Decision | None = None
    next_review: date | None = None

    def holds_valid_licence(self, day: date) -> bool:
        return any(licence.valid_on(day) for licence in self.licences)


@dataclass(frozen=True, slots=True)
class Finding:
    """An Annex II risk found during due diligence, with its standing."""

    category: RiskCategory
    status: FindingStatus
    description: str
    identified_on: date
    improvement_measured: bool = False


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    depositor_id: str
    assessed_on: date
    reviewer: str
    red_flags: tuple[RedFlag, ...]
    findings: tuple[Finding, ...]
    rating: Rating
    decision: Decision
    reasons: tuple[str, ...]
    next_review: date


def red_flags(
    depositor: Depositor,
    origins: Iterable[Origin],
    on: date,
    policy: DiligencePolicy | None = None,
) -> tuple[RedFlag, ...]:
    """The red flags the facts raise by themselves (location, supplier and KYC circumstances)."""
    policy = policy or DiligencePolicy()
    flags: set[RedFlag] = set()
    for origin in origins:
        if is_cahra(origin, policy.cahra):
            flags.add(RedFlag.CAHRA_ORIGIN)
        if origin.scale is MiningScale.ASM:
            flags.add(RedFlag.ARTISANAL_ORIGIN)
        if origin.licence is not None and not origin.licence.valid_on(on):
            flags.add(RedFlag.ORIGIN_LICENCE_NOT_VALID)
    if depositor.depositor_type is DepositorType.TRADER:
        flags.add(RedFlag.INTERMEDIARY_SUPPLIER)
    if any(hit.entry.kind is ScreeningKind.PEP for hit in depositor.screening_hits):
        flags.add(RedFlag.PEP_INVOLVED)
    threshold = policy.owner_threshold_pct(depositor.depositor_type)
    owners = depositor.beneficial_owners
    if not owners or any(o.share_pct >= threshold and not o.identity_verified for o in owners):
        flags.add(RedFlag.KYC_INCOMPLETE)
    if not depositor.holds_valid_licence(on):
        flags.add(RedFlag.LICENCE_NOT_VALID)
    return tuple(flag for flag in RedFlag if flag in flags)


def _decide(
    depositor: Depositor,
    flags: Sequence[RedFlag],
    findings: Sequence[Finding],
    on: date,
    policy: DiligencePolicy,
) -> tuple[Decision, list[str]]:
    terminate = [
        f"confirmed {f.category.name}: {f.description}"
        for f in findings
        if f.status is FindingStatus.CONFIRMED and f.category in TERMINATING_CATEGORIES
    ]
    terminate += [
        f"confirmed sanctions match: {hit.name} on {hit.entry.list_name}"
        for hit in depositor.screening_hits
        if hit.confirmed and hit.entry.kind is ScreeningKind.SANCTIONS
    ]
    if terminate:
        return Decision.TERMINATE, terminate
    window = timedelta(days=policy.mitigation_window_days)
    suspend = [
        f"founded suspicion of {f.category.name}: {f.description}"
        for f in findings
        if f.status is FindingStatus.FOUNDED_SUSPICION
    ]
    suspend += [
        f"no measurable improvement on {f.category.name} within "
        f"{policy.mitigation_window_days} days: {f.description}"
        for f in findings
        if f.status is FindingStatus.CONFIRMED
        and not f.improvement_measured
        and on - f.identified_on > window
    ]
    if suspend:
        return Decision.SUSPEND, suspend
    mitigate = [f"{f.status.value} of {f.category.name}: {f.description}" for f in findings]
    mitigate += [f"red flag: {flag.value}" for flag in flags]
    if mitigate:
        return Decision.ENHANCED_DUE_DILIGENCE, mitigate
    return Decision.APPROVE, ["no red flag and no finding"]


def assess(
    depositor: Depositor,
    origins: Iterable[Origin],
    findings: Iterable[Finding],
    on: date,
    reviewer: str,
    policy: DiligencePolicy | None = None,
) -> RiskAssessment:
    """Rate a depositor and decide (approve / EDD / suspend / terminate) with the reasons."""
    if not reviewer.strip():
        raise ValueError("reviewer: name who reviewed the assessment")
    policy = policy or DiligencePolicy()
    origins = tuple(origins)
    findings = tuple(findings)
    flags = red_flags(depositor, origins, on, policy)
    decision, reasons = _decide(depositor, flags, findings, on, policy)
    if decision is Decision.APPROVE:
        rating = Rating.LOW
    elif decision is Decision.ENHANCED_DUE_DILIGENCE and not findings:
        rating = Rating.MEDIUM
    else:
        rating = Rating.HIGH
    return RiskAssessment(
        depositor_id=depositor.depositor_id,
        assessed_on=on,
        reviewer=reviewer,
        red_flags=flags,
        findings=findings,
        rating=rating,
        decision=decision,
        reasons=tuple(reasons),
        next_review=on + timedelta(days=policy.review_days[rating]),
    )


class AdmissionStatus(StrEnum):
    ACCEPTED = "accepted"
    QUARANTINED = "quarantined pending enhanced due diligence"
    REFUSED = "refused"


class AdmissionReason(StrEnum):
    NO_DECISION = "depositor has no due-diligence decision"
    SUSPENDED = "depositor is suspended"
    TERMINATED = "depositor is terminated"
    DEPOSITOR_LICENCE_EXPIRED = "depositor holds no licence valid on the lot's date"
    ORIGIN_NOT_REGISTERED = "origin not registered to the depositor"
    ORIGIN_LICENCE_EXPIRED = "mine or site licence not valid on the lot's date"
    PENDING_EDD = "enhanced due diligence in progress"
    REVIEW_OVERDUE = "due-diligence review overdue"


_REFUSING_DECISIONS = {
    None: AdmissionReason.NO_DECISION,
    Decision.SUSPEND: AdmissionReason.SUSPENDED,
    Decision.TERMINATE: AdmissionReason.TERMINATED,
}


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether a lot may enter the refinery, and every reason it may not."""

    status: AdmissionStatus
    reasons: tuple[AdmissionReason, ...]
    cahra: bool

    @property
    def explanation(self) -> str:
        return "; ".join(reason.value for reason in self.reasons) or "all checks passed"


def lot_admission(
    depositor: Depositor,
    origin: Origin,
    on: date,
    policy: DiligencePolicy | None = None,
) -> Admission:
    """Accept, quarantine (pending EDD or an overdue review) or refuse a lot from ``depositor``
    and ``origin`` arriving ``on``. Any refusing reason refuses; all reasons are listed."""
    policy = policy or DiligencePolicy()
    refusals: list[AdmissionReason] = []
    holds: list[AdmissionReason] = []
    if depositor.decision in _REFUSING_DECISIONS:
        refusals.append(_REFUSING_DECISIONS[depositor.decision])
    if not depositor.holds_valid_licence(on):
        refusals.append(AdmissionReason.DEPOSITOR_LICENCE_EXPIRED)
    if origin.origin_id not in depositor.registered_origins:
        refusals.append(AdmissionReason.ORIGIN_NOT_REGISTERED)
    if origin.licence is not None and not origin.licence.valid_on(on):
        refusals.append(AdmissionReason.ORIGIN_LICENCE_EXPIRED)
    if depositor.decision is Decision.ENHANCED_DUE_DILIGENCE:
        holds.append(AdmissionReason.PENDING_EDD)
    if depositor.next_review is not None and on > depositor.next_review:
        holds.append(AdmissionReason.REVIEW_OVERDUE)
    if refusals:
        status = AdmissionStatus.REFUSED
    elif holds:
        status = AdmissionStatus.QUARANTINED
    else:
        status = AdmissionStatus.ACCEPTED
    return Admission(status, tuple(refusals + holds), is_cahra(origin, policy.cahra))
