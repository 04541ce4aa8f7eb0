"""Depositors and due diligence: KYC, licences, origins, documents, screening, assessments.

Facts are stored as they are declared; `diligence.assess` decides from them, and every decision
is kept (append-only history, the latest stands). `depositor_facts` and `origin_facts` rebuild
the pure core's `Depositor` and `Origin` from the store for lot admission.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import Field, model_validator
from sqlalchemy.engine import Connection

from nafolo.gold.diligence import (
    BeneficialOwner,
    Decision,
    Depositor,
    DepositorType,
    Finding,
    FindingStatus,
    Licence,
    MiningScale,
    Origin,
    Rating,
    RiskCategory,
    ScreeningEntry,
    ScreeningHit,
    ScreeningKind,
    assess,
    is_cahra,
    screen,
)
from nafolo.gold.service.common import Code, Context, Input, Output, Text, dumps, exists, stamp
from nafolo.gold.service.errors import GoldNotFoundError, Rule, refuse
from nafolo.gold.settlement import Contract
from nafolo.store.gold_tables import (
    assessments,
    depositors,
    documents,
    licences,
    origins,
    owners,
    screening_hits,
)
from nafolo.workbook import InputError, Problem

# ---- inputs ------------------------------------------------------------------------------------


class NewDepositor(Input):
    depositor_id: Code
    name: Text
    depositor_type: DepositorType
    contract: Contract | None = None


class OwnerIn(Input):
    depositor_id: Code
    name: Text
    share_pct: Decimal = Field(ge=0, le=100)
    identity_verified: bool


class LicenceIn(Input):
    depositor_id: Code
    number: Text
    kind: Text
    valid_from: date
    expires_on: date

    @model_validator(mode="after")
    def _ordered(self) -> LicenceIn:
        if self.expires_on < self.valid_from:
            raise ValueError("expires_on: must not be before valid_from")
        return self


class OriginIn(Input):
    origin_id: Code
    depositor_id: Code
    site: Text
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: Text
    latitude: Decimal = Field(ge=-90, le=90)
    longitude: Decimal = Field(ge=-180, le=180)
    scale: MiningScale
    licence_number: Text | None = None
    licence_kind: Text | None = None
    licence_valid_from: date | None = None
    licence_expires_on: date | None = None

    @model_validator(mode="after")
    def _licence(self) -> OriginIn:
        if self.scale is not MiningScale.RECYCLED and (
            self.licence_number is None or self.licence_expires_on is None
        ):
            raise ValueError("licence_number: a mined origin needs its licence and expiry date")
        return self

    def licence(self) -> Licence | None:
        if self.licence_number is None or self.licence_expires_on is None:
            return None
        return Licence(
            self.licence_number,
            self.licence_kind or "permit",
            self.licence_expires_on,
            self.licence_valid_from or date.min,
        )


class DocumentIn(Input):
    owner_kind: Literal["depositor", "origin", "lot"]
    owner_id: Code
    kind: Text
    filename: Text
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    content: bytes | None = None

    @model_validator(mode="after")
    def _hash(self) -> DocumentIn:
        if self.sha256 is None and self.content is None:
            raise ValueError("sha256: give the document's SHA-256 or its content")
        if (
            self.content is not None
            and self.sha256 is not None
            and hashlib.sha256(self.content).hexdigest() != self.sha256
        ):
            raise ValueError("sha256: does not match the content's SHA-256")
        return self


class FindingIn(Input):
    category: RiskCategory
    status: FindingStatus
    description: Text
    identified_on: date
    improvement_measured: bool = False


class AssessmentIn(Input):
    depositor_id: Code
    assessed_on: date
    findings: list[FindingIn] = Field(default_factory=list)


# ---- outputs -----------------------------------------------------------------------------------


class OwnerOut(Output):
    name: str
    share_pct: Decimal
    identity_verified: bool


class LicenceOut(Output):
    number: str
    kind: str
    valid_from: date
    expires_on: date


class OriginOut(Output):
    origin_id: str
    depositor_id: str
    site: str
    country: str
    region: str
    latitude: Decimal
    longitude: Decimal
    scale: MiningScale
    licence: LicenceOut | None
    cahra: bool


class ScreeningHitOut(Output):
    hit_id: int
    depositor_id: str
    name: str
    listed_name: str
    list_name: str
    kind: ScreeningKind
    confirmed: bool
    confirmed_by: str | None
    screened_by: str


class DocumentOut(Output):
    document_id: int
    owner_kind: str
    owner_id: str
    kind: str
    filename: str
    sha256: str
    size_bytes: int | None
    recorded_by: str
    recorded_at: str


class AssessmentOut(Output):
    assessment_id: int
    depositor_id: str
    assessed_on: date
    reviewer: str
    red_flags: list[str]
    findings: list[FindingIn]
    rating: Rating
    decision: Decision
    reasons: list[str]
    next_review: date
    recorded_at: str


class DepositorOut(Output):
    depositor_id: str
    name: str
    depositor_type: DepositorType
    contract: Contract
    owners: list[OwnerOut]
    licences: list[LicenceOut]
    origins: list[OriginOut]
    hits: list[ScreeningHitOut]
    decision: Decision | None
    rating: Rating | None
    next_review: date | None
    registered_by: str
    registered_at: str


# ---- reading facts ------------------------------------------------------------------------------


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _origin_out(row: sa.Row[tuple[object, ...]]) -> OriginOut:
    m = row._mapping
    licence = None
    if m["licence_number"] is not None:
        licence = LicenceOut(
            number=m["licence_number"],
            kind=m["licence_kind"] or "permit",
            valid_from=_day(m["licence_valid_from"]) or date.min,
            expires_on=_day(m["licence_expires_on"]) or date.min,
        )
    return OriginOut(
        origin_id=m["origin_id"],
        depositor_id=m["depositor_id"],
        site=m["site"],
        country=m["country"],
        region=m["region"],
        latitude=Decimal(m["latitude"]),
        longitude=Decimal(m["longitude"]),
        scale=MiningScale(m["scale"]),
        licence=licence,
        cahra=bool(m["cahra"]),
    )


def origin_fact(out: OriginOut) -> Origin:
    licence = out.licence
    return Origin(
        out.origin_id,
        out.site,
        out.country,
        out.region,
        out.latitude,
        out.longitude,
        out.scale,
        None
        if licence is None
        else Licence(licence.number, licence.kind, licence.expires_on, licence.valid_from),
    )


def depositor_fact(out: DepositorOut) -> Depositor:
    return Depositor(
        depositor_id=out.depositor_id,
        name=out.name,
        depositor_type=out.depositor_type,
        beneficial_owners=tuple(
            BeneficialOwner(o.name, o.share_pct, o.identity_verified) for o in out.owners
        ),
        licences=tuple(
            Licence(li.number, li.kind, li.expires_on, li.valid_from) for li in out.licences
        ),
        screening_hits=tuple(
            ScreeningHit(h.name, ScreeningEntry(h.listed_name, h.list_name, h.kind), h.confirmed)
            for h in out.hits
        ),
        registered_origins=frozenset(o.origin_id for o in out.origins),
        decision=out.decision,
        next_review=out.next_review,
    )


def _assessment_out(row: sa.Row[tuple[object, ...]]) -> AssessmentOut:
    m = row._mapping
    return AssessmentOut(
        assessment_id=m["id"],
        depositor_id=m["depositor_id"],
        assessed_on=date.fromisoformat(m["assessed_on"]),
        reviewer=m["actor"],
        red_flags=json.loads(m["red_flags"]),
        findings=[FindingIn.model_validate(f) for f in json.loads(m["findings"])],
        rating=Rating(m["rating"]),
        decision=Decision(m["decision"]),
        reasons=json.loads(m["reasons"]),
        next_review=date.fromisoformat(m["next_review"]),
        recorded_at=m["recorded_at"],
    )


def read_depositor(connection: Connection, depositor_id: str) -> DepositorOut:
    """A depositor with its facts and current standing; GoldNotFoundError if unknown."""
    found = read_depositors(connection, [depositor_id])
    if not found:
        raise GoldNotFoundError("depositor", depositor_id)
    return found[0]


def read_depositors(
    connection: Connection, depositor_ids: Sequence[str] | None = None
) -> list[DepositorOut]:
    """The depositors named (every one when None), by id, with their facts and current standing:
    one query per table whatever their number. Unknown ids are left out."""
    query = sa.select(depositors).order_by(depositors.c.depositor_id)
    if depositor_ids is not None:
        query = query.where(depositors.c.depositor_id.in_(list(depositor_ids)))
    rows = connection.execute(query).all()
    if not rows:
        return []
    ids = [r.depositor_id for r in rows]

    def grouped(table: sa.Table, order: sa.ColumnElement[Any]) -> dict[str, list[Any]]:
        by_depositor: dict[str, list[Any]] = {i: [] for i in ids}
        found = connection.execute(
            sa.select(table).where(table.c.depositor_id.in_(ids)).order_by(order)
        )
        for row in found:
            by_depositor[row.depositor_id].append(row)
        return by_depositor

    own = grouped(owners, owners.c.id)
    lic = grouped(licences, licences.c.id)
    ori = grouped(origins, origins.c.origin_id)
    hits = grouped(screening_hits, screening_hits.c.id)
    newest = (
        sa.select(sa.func.max(assessments.c.id))
        .where(assessments.c.depositor_id.in_(ids))
        .group_by(assessments.c.depositor_id)
    )
    current = {
        r.depositor_id: _assessment_out(r)
        for r in connection.execute(sa.select(assessments).where(assessments.c.id.in_(newest)))
    }
    return [_depositor_out(r, own, lic, ori, hits, current.get(r.depositor_id)) for r in rows]


def _depositor_out(
    row: Any,
    own: dict[str, list[Any]],
    lic: dict[str, list[Any]],
    ori: dict[str, list[Any]],
    hits: dict[str, list[Any]],
    current: AssessmentOut | None,
) -> DepositorOut:
    m = row._mapping
    key = m["depositor_id"]
    return DepositorOut(
        depositor_id=key,
        name=m["name"],
        depositor_type=DepositorType(m["depositor_type"]),
        contract=Contract.model_validate_json(m["contract_json"]),
        owners=[
            OwnerOut(
                name=o.name, share_pct=Decimal(o.share_pct), identity_verified=o.identity_verified
            )
            for o in own[key]
        ],
        licences=[
            LicenceOut(
                number=li.number,
                kind=li.kind,
                valid_from=date.fromisoformat(li.valid_from),
                expires_on=date.fromisoformat(li.expires_on),
            )
            for li in lic[key]
        ],
        origins=[_origin_out(o) for o in ori[key]],
        hits=[_hit_out(h) for h in hits[key]],
        decision=None if current is None else current.decision,
        rating=None if current is None else current.rating,
        next_review=None if current is None else current.next_review,
        registered_by=m["actor"],
        registered_at=m["recorded_at"],
    )


def read_origin(connection: Connection, origin_id: str) -> OriginOut:
    row = connection.execute(sa.select(origins).where(origins.c.origin_id == origin_id)).first()
    if row is None:
        raise GoldNotFoundError("origin", origin_id)
    return _origin_out(row)


def _hit_out(row: sa.Row[tuple[object, ...]]) -> ScreeningHitOut:
    m = row._mapping
    return ScreeningHitOut(
        hit_id=m["id"],
        depositor_id=m["depositor_id"],
        name=m["name"],
        listed_name=m["listed_name"],
        list_name=m["list_name"],
        kind=ScreeningKind(m["list_kind"]),
        confirmed=bool(m["confirmed"]),
        confirmed_by=m["confirmed_by"],
        screened_by=m["actor"],
    )


def load_screening_list(path: Path) -> list[ScreeningEntry]:
    """A sanctions / PEP list from a CSV file with header `name,list_name,kind` (kind: sanctions
    or pep); every bad row is reported (sheet = file name, row, column)."""
    kinds = {"sanctions": ScreeningKind.SANCTIONS, "pep": ScreeningKind.PEP}
    entries: list[ScreeningEntry] = []
    problems: list[Problem] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in ("name", "list_name", "kind") if c not in header]
        if missing:
            raise InputError(
                [Problem(Path(path).name, 1, c, "missing column") for c in missing], str(path)
            )
        for number, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            kind = kinds.get(row["kind"].lower())
            if not row["name"]:
                problems.append(Problem(Path(path).name, number, "name", "is required"))
            if kind is None:
                problems.append(
                    Problem(Path(path).name, number, "kind", "must be 'sanctions' or 'pep'")
                )
            if row["name"] and kind is not None:
                entries.append(ScreeningEntry(row["name"], row["list_name"] or "list", kind))
    if problems:
        raise InputError(problems, str(path))
    return entries


# ---- the service ------------------------------------------------------------------------------


class DepositorRegistry:
    """Depositors, their KYC facts, origins and due-diligence decisions."""

    def __init__(self, context: Context) -> None:
        self.context = context

    @property
    def _engine(self) -> sa.Engine:
        return self.context.engine

    def register(self, new: NewDepositor, *, actor: str) -> DepositorOut:
        contract = new.contract or self.context.config.default_contract
        with self._engine.begin() as connection:
            if exists(connection, depositors, "depositor_id", new.depositor_id):
                raise refuse(
                    "depositor_id", f"{new.depositor_id!r} is already registered", Rule.DUPLICATE
                )
            connection.execute(
                depositors.insert(),
                [
                    {
                        "depositor_id": new.depositor_id,
                        "name": new.name,
                        "depositor_type": new.depositor_type.value,
                        "contract_json": contract.model_dump_json(),
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
        return self.get(new.depositor_id)

    def set_contract(self, depositor_id: str, contract: Contract, *, actor: str) -> DepositorOut:
        with self._engine.begin() as connection:
            read_depositor(connection, depositor_id)
            connection.execute(
                depositors.update()
                .where(depositors.c.depositor_id == depositor_id)
                .values(contract_json=contract.model_dump_json())
            )
        return self.get(depositor_id)

    def add_owner(self, owner: OwnerIn, *, actor: str) -> DepositorOut:
        self._insert_for(owner.depositor_id, owners, owner.model_dump(), actor)
        return self.get(owner.depositor_id)

    def add_licence(self, licence: LicenceIn, *, actor: str) -> DepositorOut:
        values = licence.model_dump()
        values["valid_from"] = licence.valid_from.isoformat()
        values["expires_on"] = licence.expires_on.isoformat()
        self._insert_for(licence.depositor_id, licences, values, actor)
        return self.get(licence.depositor_id)

    def _insert_for(
        self, depositor_id: str, table: sa.Table, values: dict[str, object], actor: str
    ) -> None:
        with self._engine.begin() as connection:
            read_depositor(connection, depositor_id)
            if "share_pct" in values:
                values["share_pct"] = str(values["share_pct"])
            connection.execute(table.insert(), [{**values, "recorded_at": stamp(), "actor": actor}])

    def register_origin(self, origin: OriginIn, *, actor: str) -> OriginOut:
        fact = Origin(
            origin.origin_id,
            origin.site,
            origin.country,
            origin.region,
            origin.latitude,
            origin.longitude,
            origin.scale,
            origin.licence(),
        )
        with self._engine.begin() as connection:
            read_depositor(connection, origin.depositor_id)
            if exists(connection, origins, "origin_id", origin.origin_id):
                raise refuse(
                    "origin_id", f"{origin.origin_id!r} is already registered", Rule.DUPLICATE
                )
            connection.execute(
                origins.insert(),
                [
                    {
                        "origin_id": origin.origin_id,
                        "depositor_id": origin.depositor_id,
                        "site": origin.site,
                        "country": origin.country,
                        "region": origin.region,
                        "latitude": str(origin.latitude),
                        "longitude": str(origin.longitude),
                        "scale": origin.scale.value,
                        "licence_number": origin.licence_number,
                        "licence_kind": origin.licence_kind,
                        "licence_valid_from": _iso(origin.licence_valid_from),
                        "licence_expires_on": _iso(origin.licence_expires_on),
                        "cahra": is_cahra(fact, self.context.config.cahra),
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
            return read_origin(connection, origin.origin_id)

    def origin(self, origin_id: str) -> OriginOut:
        with self._engine.connect() as connection:
            return read_origin(connection, origin_id)

    def add_document(self, document: DocumentIn, *, actor: str) -> DocumentOut:
        content = document.content
        digest = document.sha256 or hashlib.sha256(content or b"").hexdigest()
        with self._engine.begin() as connection:
            self._check_owner(connection, document.owner_kind, document.owner_id)
            result = connection.execute(
                documents.insert().returning(documents.c.id),
                [
                    {
                        "owner_kind": document.owner_kind,
                        "owner_id": document.owner_id,
                        "kind": document.kind,
                        "filename": document.filename,
                        "sha256": digest,
                        "size_bytes": None if content is None else len(content),
                        "content": content,
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
            document_id = int(result.scalar_one())
        return next(
            d
            for d in self.documents(document.owner_kind, document.owner_id)
            if d.document_id == document_id
        )

    @staticmethod
    def _check_owner(connection: Connection, kind: str, owner_id: str) -> None:
        from nafolo.store.gold_tables import lots

        table, column = {
            "depositor": (depositors, "depositor_id"),
            "origin": (origins, "origin_id"),
            "lot": (lots, "lot_id"),
        }[kind]
        if not exists(connection, table, column, owner_id):
            raise GoldNotFoundError(kind, owner_id)

    def documents(self, owner_kind: str, owner_id: str) -> list[DocumentOut]:
        query = (
            sa.select(documents)
            .where(documents.c.owner_kind == owner_kind, documents.c.owner_id == owner_id)
            .order_by(documents.c.id)
        )
        with self._engine.connect() as connection:
            return [
                DocumentOut(
                    document_id=r.id,
                    owner_kind=r.owner_kind,
                    owner_id=r.owner_id,
                    kind=r.kind,
                    filename=r.filename,
                    sha256=r.sha256,
                    size_bytes=r.size_bytes,
                    recorded_by=r.actor,
                    recorded_at=r.recorded_at,
                )
                for r in connection.execute(query)
            ]

    def document_content(self, document_id: int) -> bytes | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(documents.c.content).where(documents.c.id == document_id)
            ).first()
        if row is None:
            raise GoldNotFoundError("document", str(document_id))
        return None if row.content is None else bytes(row.content)

    def screen(
        self, depositor_id: str, screening_list: Sequence[ScreeningEntry], *, actor: str
    ) -> list[ScreeningHitOut]:
        """Screen the depositor's name and its beneficial owners; new hits stored unconfirmed."""
        with self._engine.begin() as connection:
            depositor = read_depositor(connection, depositor_id)
            names = [depositor.name, *(o.name for o in depositor.owners)]
            known = {(h.name, h.listed_name, h.list_name) for h in depositor.hits}
            rows = [
                {
                    "depositor_id": depositor_id,
                    "name": hit.name,
                    "listed_name": hit.entry.name,
                    "list_name": hit.entry.list_name,
                    "list_kind": hit.entry.kind.value,
                    "confirmed": False,
                    "confirmed_by": None,
                    "recorded_at": stamp(),
                    "actor": actor,
                }
                for hit in screen(names, screening_list)
                if (hit.name, hit.entry.name, hit.entry.list_name) not in known
            ]
            if rows:
                connection.execute(screening_hits.insert(), rows)
        return self.get(depositor_id).hits

    def confirm_hit(self, hit_id: int, *, actor: str) -> ScreeningHitOut:
        with self._engine.begin() as connection:
            row = connection.execute(
                sa.select(screening_hits).where(screening_hits.c.id == hit_id)
            ).first()
            if row is None:
                raise GoldNotFoundError("screening hit", str(hit_id))
            connection.execute(
                screening_hits.update()
                .where(screening_hits.c.id == hit_id)
                .values(confirmed=True, confirmed_by=actor)
            )
            updated = connection.execute(
                sa.select(screening_hits).where(screening_hits.c.id == hit_id)
            ).one()
        return _hit_out(updated)

    def assess(self, assessment: AssessmentIn, *, actor: str) -> AssessmentOut:
        """Decide on the depositor from its stored facts and the findings; reviewer = actor."""
        with self._engine.begin() as connection:
            depositor = read_depositor(connection, assessment.depositor_id)
            result = assess(
                depositor_fact(depositor),
                [origin_fact(o) for o in depositor.origins],
                [
                    Finding(
                        f.category, f.status, f.description, f.identified_on, f.improvement_measured
                    )
                    for f in assessment.findings
                ],
                assessment.assessed_on,
                actor,
                self.context.config.policy,
            )
            inserted = connection.execute(
                assessments.insert().returning(assessments.c.id),
                [
                    {
                        "depositor_id": assessment.depositor_id,
                        "assessed_on": assessment.assessed_on.isoformat(),
                        "decision": result.decision.value,
                        "rating": result.rating.value,
                        "red_flags": dumps([f.value for f in result.red_flags]),
                        "findings": dumps([f.model_dump(mode="json") for f in assessment.findings]),
                        "reasons": dumps(list(result.reasons)),
                        "next_review": result.next_review.isoformat(),
                        "recorded_at": stamp(),
                        "actor": actor,
                    }
                ],
            )
            new_id = int(inserted.scalar_one())
            row = connection.execute(sa.select(assessments).where(assessments.c.id == new_id)).one()
        return _assessment_out(row)

    def get(self, depositor_id: str) -> DepositorOut:
        with self._engine.connect() as connection:
            return read_depositor(connection, depositor_id)

    def all(self) -> list[DepositorOut]:
        with self._engine.connect() as connection:
            return read_depositors(connection)

    def history(self, depositor_id: str) -> list[AssessmentOut]:
        with self._engine.connect() as connection:
            read_depositor(connection, depositor_id)
            rows = connection.execute(
                sa.select(assessments)
                .where(assessments.c.depositor_id == depositor_id)
                .order_by(assessments.c.id)
            )
            return [_assessment_out(r) for r in rows]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
