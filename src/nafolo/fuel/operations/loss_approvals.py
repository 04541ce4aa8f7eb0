"""Writing off a transit loss above tolerance: a second person must approve it.

A receipt whose transit loss exceeds the contract's tolerance books the loss at once (the ledger
reflects what was measured) but the write-off stays *pending* until someone other than whoever
recorded the receipt approves it — separation of duties: whoever records a receipt cannot approve
its loss write-off. Approvals are kept beside the ledger in `fuel_loss_approvals`, one per
receipt document, insert-only (migration fuel_writeoff_0001). A loss since reversed by a ledger
correction needs no approval.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from nafolo.fuel.operations.catalogue import FieldProblem, OperationRefusedError
from nafolo.fuel.operations.receipts import TRANSIT_LOSS
from nafolo.ledger.canonical import format_timestamp, parse_timestamp
from nafolo.store import commodities, ledger_entries

metadata = sa.MetaData()

loss_approvals = sa.Table(
    "fuel_loss_approvals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_ref", sa.String(200), nullable=False, unique=True),
    sa.Column("approved_at", sa.String(27), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("loss_t", sa.String(40), nullable=False),
    sa.Column("note", sa.String(500), nullable=False, server_default=""),
)

_ABOVE = '%"above_tolerance":true%'
SOD_RULE = "whoever records a receipt cannot approve its loss write-off"


class SeparationOfDutiesError(PermissionError):
    """The approver is the person whose work is being approved; nothing was recorded."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{detail} ({rule})")
        self.rule = rule
        self.detail = detail


class LossNotFoundError(LookupError):
    """No transit loss above tolerance was recorded under that document reference."""


class LossWriteOff(BaseModel):
    """A receipt's transit loss above tolerance and whether its write-off is approved."""

    model_config = ConfigDict(frozen=True)

    document_ref: str
    product: str
    corridor: str
    convoy: str
    depot: str
    loss_t: Decimal
    tolerance_pct: Decimal
    variance_pct: Decimal
    received_at: datetime
    recorded_by: str
    entries: list[int]
    approved_by: str | None = None
    approved_at: datetime | None = None
    note: str = ""

    @property
    def pending(self) -> bool:
        return self.approved_by is None


class LossApproval(BaseModel):
    """What an approval answered: the write-off, and whether it had been approved before."""

    model_config = ConfigDict(frozen=True)

    write_off: LossWriteOff
    replayed: bool


class LossApprovals:
    """Transit losses above tolerance, and their write-off approvals, over one store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def write_offs(
        self, *, pending_only: bool = False, document_ref: str | None = None
    ) -> list[LossWriteOff]:
        """Losses above tolerance (not since corrected), one per receipt document, oldest first."""
        corrected = sa.select(ledger_entries.c.corrects).where(
            ledger_entries.c.corrects.is_not(None)
        )
        query = (
            sa.select(
                ledger_entries.c.seq,
                ledger_entries.c.commodity,
                ledger_entries.c.quantity_minor,
                ledger_entries.c.effective_at,
                ledger_entries.c.actor,
                ledger_entries.c.document_ref,
                ledger_entries.c.attributes,
                commodities.c.scale,
            )
            .join(commodities, commodities.c.code == ledger_entries.c.commodity)
            .where(
                ledger_entries.c.kind == TRANSIT_LOSS,
                ledger_entries.c.attributes.like(_ABOVE),
                ledger_entries.c.seq.not_in(corrected),
            )
            .order_by(ledger_entries.c.seq)
        )
        if document_ref is not None:
            query = query.where(ledger_entries.c.document_ref == document_ref)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            approvals = {
                r.document_ref: r for r in connection.execute(sa.select(loss_approvals)).all()
            }
        found: dict[str, LossWriteOff] = {}
        for row in rows:
            ref = row.document_ref or f"entry {row.seq}"
            attributes = json.loads(row.attributes)
            loss_t = Decimal(row.quantity_minor).scaleb(-row.scale)
            known = found.get(ref)
            if known is not None:
                recorders = {*known.recorded_by.split(", "), row.actor}
                found[ref] = known.model_copy(
                    update={
                        "loss_t": known.loss_t + loss_t,
                        "entries": [*known.entries, row.seq],
                        "recorded_by": ", ".join(sorted(recorders)),
                    }
                )
                continue
            approval = approvals.get(ref)
            found[ref] = LossWriteOff(
                document_ref=ref,
                product=row.commodity,
                corridor=str(attributes.get("corridor", "")),
                convoy=str(attributes.get("convoy", "")),
                depot=str(attributes.get("depot", "")),
                loss_t=loss_t,
                tolerance_pct=Decimal(str(attributes.get("tolerance_pct", "0"))),
                variance_pct=Decimal(str(attributes.get("variance_pct", "0"))),
                received_at=parse_timestamp(row.effective_at),
                recorded_by=row.actor,
                entries=[row.seq],
                approved_by=None if approval is None else approval.actor,
                approved_at=None if approval is None else parse_timestamp(approval.approved_at),
                note="" if approval is None else approval.note,
            )
        items = list(found.values())
        return [w for w in items if w.pending] if pending_only else items

    def approve(self, document_ref: str, actor: str, note: str = "") -> LossApproval:
        """Approve the write-off of the loss recorded under `document_ref` by `actor`.

        Refused (SeparationOfDutiesError) when `actor` recorded the receipt; LossNotFoundError
        when no loss above tolerance is recorded under that reference. Approving again answers
        the first approval (`replayed`).
        """
        if not actor.strip():
            raise OperationRefusedError([FieldProblem("actor", "an approval needs its actor")])
        if len(note) > 500:
            raise OperationRefusedError([FieldProblem("note", "at most 500 characters")])
        matches = self.write_offs(document_ref=document_ref)
        if not matches:
            raise LossNotFoundError(
                f"no transit loss above tolerance is recorded under {document_ref!r}"
            )
        write_off = matches[0]
        if write_off.approved_by is not None:
            return LossApproval(write_off=write_off, replayed=True)
        recorders = {name.casefold() for name in write_off.recorded_by.split(", ")}
        if actor.casefold() in recorders:
            raise SeparationOfDutiesError(
                SOD_RULE,
                f"{actor} recorded receipt {document_ref} and cannot approve its loss write-off "
                f"of {write_off.loss_t} t; another user with the fuel_approve_loss permission must",
            )
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    loss_approvals.insert(),
                    {
                        "document_ref": document_ref,
                        "approved_at": format_timestamp(now),
                        "actor": actor,
                        "recorded_by": write_off.recorded_by,
                        "loss_t": str(write_off.loss_t),
                        "note": note,
                    },
                )
        except IntegrityError:  # approved meanwhile by someone else
            return LossApproval(
                write_off=self.write_offs(document_ref=document_ref)[0], replayed=True
            )
        approved = write_off.model_copy(
            update={"approved_by": actor, "approved_at": parse_timestamp(format_timestamp(now)),
                    "note": note}
        )  # fmt: skip
        return LossApproval(write_off=approved, replayed=False)
