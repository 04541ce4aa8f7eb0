"""/api/ledger: entries, balances, corrections, verification and the JSON Lines export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Engine

from nafolo.api.deps import EngineDep, LedgerDep, PageDep, ReadCacheDep, UserDep, aware
from nafolo.api.problems import ProblemError, field_error, ledger_problem, unknown
from nafolo.api.schemas.common import Paged
from nafolo.api.schemas.ledger import BalanceOut, CorrectionIn, EntryOut, VerificationOut
from nafolo.api.streaming import stream_text
from nafolo.auth.roles import Permission
from nafolo.auth.web import needs
from nafolo.ledger import EntriesRefusedError, Entry, Ledger, NotFoundError
from nafolo.store import ACCOUNT_KINDS, DOMAINS, accounts, commodities

router = APIRouter(prefix="/ledger", tags=["ledger"])

JSON_LINES = "application/jsonl"


def _units(ledger: Ledger) -> dict[str, str]:
    return {c.code: c.unit for c in ledger.commodities()}


def _require(engine: Engine, table: sa.Table, field: str, code: str | None) -> None:
    """Refuse (422 naming the query field) a code the store does not know; no connection is
    opened when no code is given."""
    if code is None:
        return
    with engine.connect() as connection:
        found = connection.execute(sa.select(table.c.code).where(table.c.code == code)).first()
    if found is None:
        raise unknown("query", field, f"{code!r} is not a known {field}")


def _one_of(field: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        message = f"{value!r} is not one of {', '.join(allowed)}"
        raise ProblemError(422, "validation", message, [field_error(["query", field], message)])


@dataclass(frozen=True)
class EntryFilters:
    """Which entries: all filters given must match."""

    commodity: str | None
    account: str | None
    kind: str | None
    effective_from: datetime | None
    effective_until: datetime | None


def get_entry_filters(
    engine: EngineDep,
    commodity: Annotated[str | None, Query(description="Commodity code, e.g. GASOIL.")] = None,
    account: Annotated[
        str | None, Query(description="Account on either side, e.g. DEPOT:BKO-SENOU.")
    ] = None,
    kind: Annotated[str | None, Query(description="Entry kind, e.g. receipt.")] = None,
    effective_from: Annotated[
        datetime | None, Query(description="Effective at or after (naive = UTC).")
    ] = None,
    effective_until: Annotated[
        datetime | None, Query(description="Effective strictly before (naive = UTC).")
    ] = None,
) -> EntryFilters:
    _require(engine, commodities, "commodity", commodity)
    _require(engine, accounts, "account", account)
    start, end = aware(effective_from), aware(effective_until)
    if start is not None and end is not None and end <= start:
        message = f"must be after effective_from ({start.isoformat()})"
        raise ProblemError(
            422, "validation", message, [field_error(["query", "effective_until"], message)]
        )
    return EntryFilters(commodity, account, kind, start, end)


EntryFiltersDep = Annotated[EntryFilters, Depends(get_entry_filters)]


@router.get("/entries", summary="List journal entries")
def list_entries(
    ledger: LedgerDep,
    cache: ReadCacheDep,
    filters: EntryFiltersDep,
    page: PageDep,
    after_seq: Annotated[
        int | None, Query(ge=0, description="Cursor: entries after this seq (ascending only).")
    ] = None,
    order: Annotated[Literal["asc", "desc"], Query(description="By seq.")] = "asc",
) -> Paged[EntryOut]:
    """Entries matching every filter, by seq; `total` counts them all (ignoring the cursor)."""
    if after_seq is not None and order == "desc":
        message = "a cursor pages in ascending order only; use offset with order=desc"
        raise ProblemError(
            422, "validation", message, [field_error(["query", "after_seq"], message)]
        )
    where: dict[str, Any] = {
        "account": filters.account,
        "commodity": filters.commodity,
        "kind": filters.kind,
        "effective_from": filters.effective_from,
        "effective_until": filters.effective_until,
    }

    def listed() -> Paged[EntryOut]:
        total = ledger.count_entries(**where)
        entries = ledger.entries(
            **where,
            after_seq=after_seq,
            limit=page.limit,
            offset=page.offset,
            newest_first=order == "desc",
        )
        units = _units(ledger)
        full = len(entries) == page.limit and order == "asc"
        return Paged[EntryOut](
            items=[EntryOut.of(e, units[e.commodity]) for e in entries],
            total=total,
            limit=page.limit,
            offset=page.offset,
            next_cursor=entries[-1].seq if full else None,
        )

    return cache.get(("entries", *where.values(), after_seq, order, page), listed)


def _entry(ledger: Ledger, seq: int) -> Entry:
    try:
        return ledger.entry(seq)
    except NotFoundError as error:
        raise unknown("path", "seq", str(error)) from error


@router.get("/entries/{seq}", summary="One journal entry")
def get_entry(ledger: LedgerDep, seq: Annotated[int, Path(ge=1)]) -> EntryOut:
    entry = _entry(ledger, seq)
    return EntryOut.of(entry, _units(ledger)[entry.commodity])


@router.post(
    "/entries/{seq}/correction",
    status_code=201,
    summary="Reverse an entry with a linked correction",
    openapi_extra=needs(Permission.LEDGER_CORRECT),
)
def correct_entry(
    ledger: LedgerDep, seq: Annotated[int, Path(ge=1)], correction: CorrectionIn, user: UserDep
) -> EntryOut:
    """Appends a `correction` entry moving the same quantity back; an entry is corrected once.
    The corrector is the signed-in user (the body's `actor` is ignored), who may not correct
    an entry they recorded themselves (403 `separation-of-duties`)."""
    original = _entry(ledger, seq)
    if original.actor.casefold() == user.username.casefold():
        message = f"{user.username} recorded entry {seq} and cannot correct it"
        raise ProblemError(
            403,
            "separation-of-duties",
            message,
            title="Separation of duties",
            rule="whoever records an entry cannot correct it",
        )
    try:
        entry = ledger.correct(
            seq, user.username, correction.reason, document_ref=correction.document_ref
        )
    except EntriesRefusedError as error:
        location = {"seq": "path"}
        problem = ledger_problem(error)
        for item in problem.errors:
            item.loc[0] = location.get(item.field, "body")
        raise ProblemError(
            problem.status, "ledger-refused", problem.detail, problem.errors, problem.title
        ) from error
    return EntryOut.of(entry, _units(ledger)[entry.commodity])


@router.get("/balances", summary="Balances per account and commodity")
def list_balances(
    ledger: LedgerDep,
    cache: ReadCacheDep,
    engine: EngineDep,
    page: PageDep,
    account_kind: Annotated[
        str | None, Query(description=f"Only accounts of this kind: {', '.join(ACCOUNT_KINDS)}.")
    ] = None,
    commodity: Annotated[str | None, Query(description="Commodity code.")] = None,
    domain: Annotated[str | None, Query(description=f"One of {', '.join(DOMAINS)}.")] = None,
    account: Annotated[str | None, Query(description="One account.")] = None,
    as_of: Annotated[
        datetime | None,
        Query(description="Balances from entries effective at or before (naive = UTC)."),
    ] = None,
) -> Paged[BalanceOut]:
    """Non-zero balances by account then commodity (from the projection, or the journal at
    `as_of`)."""
    _one_of("account_kind", account_kind, ACCOUNT_KINDS)
    _one_of("domain", domain, DOMAINS)
    _require(engine, commodities, "commodity", commodity)
    _require(engine, accounts, "account", account)
    balances = cache.get(
        ("balances", account_kind, commodity, domain, as_of),
        lambda: ledger.balances(
            account_kind=account_kind, commodity=commodity, domain=domain, as_of=aware(as_of)
        ),
    )
    if account is not None:
        balances = [b for b in balances if b.account == account]
    return Paged[BalanceOut](
        items=[BalanceOut.of(b) for b in page.slice(balances)],
        total=len(balances),
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/verify", summary="Recompute the hash chain and the balances")
def verify(ledger: LedgerDep) -> VerificationOut:
    """Always 200 with the report; `ok` is false and `chain_problem` names the first bad entry
    when the stored journal was edited, deleted, inserted into or reordered."""
    return VerificationOut.of(ledger.verify(), _units(ledger))


@router.get(
    "/export",
    summary="The chain as JSON Lines",
    response_class=StreamingResponse,
    responses={200: {"content": {JSON_LINES: {}}, "description": "Header, entries, trailer."}},
)
def export(ledger: LedgerDep) -> StreamingResponse:
    """Header line, one line per entry, trailer line: `tools/verify_ledger.py` checks it alone."""
    return StreamingResponse(
        stream_text(ledger.export),
        media_type=JSON_LINES,
        headers={"Content-Disposition": 'attachment; filename="nafolo-ledger.jsonl"'},
    )
