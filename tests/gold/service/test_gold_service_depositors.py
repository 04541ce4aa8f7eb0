"""Depositors and due diligence: KYC facts, origins, documents, screening, decision history."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from gold_service_support import CLERK, DEPOSITOR, refinery_with_depositor
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from nafolo.gold.diligence import Decision, MiningScale, Rating
from nafolo.gold.service import (
    AssessmentIn,
    DocumentIn,
    GoldRefusedError,
    NewDepositor,
    OriginIn,
    Rule,
    load_screening_list,
)
from nafolo.workbook import InputError


def test_gold_service_approved_depositor_has_low_rating(engine: Engine) -> None:
    depositor = refinery_with_depositor(engine).depositors.get(DEPOSITOR)
    assert (depositor.decision, depositor.rating) == (Decision.APPROVE, Rating.LOW)
    assert depositor.next_review == date(2027, 1, 10)
    assert depositor.contract.contract_id == "STANDARD"


def test_gold_service_duplicate_depositor_refused(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    with pytest.raises(GoldRefusedError) as refused:
        refinery.depositors.register(
            NewDepositor(depositor_id=DEPOSITOR, name="x", depositor_type="recycler"), actor=CLERK
        )
    assert refused.value.rule is Rule.DUPLICATE


def test_gold_service_kayes_origin_flagged_cahra(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    origin = refinery.depositors.register_origin(
        OriginIn(
            origin_id="OR-KAYES",
            depositor_id=DEPOSITOR,
            site="Sadiola",
            country="ML",
            region="Kayes",
            latitude=Decimal("13.9"),
            longitude=Decimal("-11.7"),
            scale=MiningScale.LSM,
            licence_number="PE-K",
            licence_expires_on=date(2030, 1, 1),
        ),
        actor=CLERK,
    )
    assert origin.cahra


def test_gold_service_mined_origin_needs_licence() -> None:
    with pytest.raises(ValidationError, match="licence"):
        OriginIn(
            origin_id="O",
            depositor_id="D",
            site="s",
            country="ML",
            region="Sikasso",
            latitude=Decimal(11),
            longitude=Decimal(-8),
            scale=MiningScale.ASM,
        )


def test_gold_service_document_hash_stored(engine: Engine) -> None:
    refinery = refinery_with_depositor(engine)
    content = b"%PDF-1.7 licence scan"
    stored = refinery.depositors.add_document(
        DocumentIn(
            owner_kind="depositor",
            owner_id=DEPOSITOR,
            kind="licence",
            filename="licence.pdf",
            content=content,
        ),
        actor=CLERK,
    )
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size_bytes == len(content)
    assert refinery.depositors.document_content(stored.document_id) == content


def test_gold_service_document_hash_mismatch_refused() -> None:
    with pytest.raises(ValidationError, match="sha256"):
        DocumentIn(
            owner_kind="depositor",
            owner_id="D",
            kind="licence",
            filename="l.pdf",
            content=b"abc",
            sha256="0" * 64,
        )


def test_gold_service_confirmed_sanctions_hit_terminates(engine: Engine, tmp_path: Path) -> None:
    refinery = refinery_with_depositor(engine)
    listing = tmp_path / "list.csv"
    listing.write_text("name,list_name,kind\nKALANA HOLDING,UN 1267,sanctions\n", encoding="utf-8")
    hits = refinery.depositors.screen(DEPOSITOR, load_screening_list(listing), actor=CLERK)
    assert [h.name for h in hits] == ["Kalana Holding"]
    refinery.depositors.confirm_hit(hits[0].hit_id, actor="compliance")
    decided = refinery.depositors.assess(
        AssessmentIn(depositor_id=DEPOSITOR, assessed_on=date(2026, 2, 1)), actor="reviewer"
    )
    assert decided.decision is Decision.TERMINATE
    assert [a.decision for a in refinery.depositors.history(DEPOSITOR)] == [
        Decision.APPROVE,
        Decision.TERMINATE,
    ]


def test_gold_service_screening_list_bad_kind_refused(tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("name,list_name,kind\nX,L,other\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column kind"):
        load_screening_list(listing)


def test_gold_service_decision_history_is_insert_only(engine: Engine) -> None:
    refinery_with_depositor(engine)
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.execute(sa.text("UPDATE gold_assessments SET decision = 'approve'"))
