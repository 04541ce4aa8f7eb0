"""Checking submitted entries before they touch the database (pure: no I/O)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from json.encoder import encode_basestring_ascii as _json_string

from nafolo.ledger.canonical import attributes_json, format_timestamp, plain_attributes
from nafolo.ledger.model import Commodity, EntryDraft, EntryProblem

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}")
COMMODITY_PATTERN = re.compile(r"[A-Z][A-Z0-9_]{0,15}")
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
TEXT_LIMIT = 200
CORRECTION_KIND = "correction"


@dataclass(slots=True)
class CheckedDraft:
    """A draft whose fields are in stored form, awaiting its seq, hash and reference checks."""

    row: int
    commodity: str
    quantity: Decimal
    from_account: str
    to_account: str
    kind: str
    effective_at: str
    effective_moment: datetime
    actor: str
    document_ref: str | None
    idempotency_key: str | None
    attributes_json: str
    attributes: dict[str, object]
    corrects: int | None = None


def text_problem(value: object, *, optional: bool) -> str | None:
    """Why `value` is not acceptable free text (None if it is)."""
    if value is None:
        return None if optional else "is required"
    if not isinstance(value, str):
        return f"must be text (got {type(value).__name__})"
    if not value.strip():
        return "must not be empty" + (" (omit it instead)" if optional else "")
    if len(value) > TEXT_LIMIT:
        return f"must be at most {TEXT_LIMIT} characters (got {len(value)})"
    if CONTROL_CHARACTERS.search(value):
        return "must not contain control characters"
    return None


def _decimal(value: object) -> Decimal | str:
    if isinstance(value, float | bool):
        return f"must be a Decimal, int or decimal string, not {type(value).__name__} ({value!r})"
    try:
        number = Decimal(value) if isinstance(value, int | str | Decimal) else None
    except InvalidOperation:
        return f"is not a number ({value!r})"
    if number is None:
        return f"must be a Decimal (got {type(value).__name__})"
    if not number.is_finite():
        return f"must be finite (got {value})"
    if number <= 0:
        return f"must be positive (got {value}); swap from_account and to_account instead"
    return number


_SAFE_TEXT = re.compile(rf"[^\x00-\x1f\x7f]{{1,{TEXT_LIMIT}}}").fullmatch
_CODE = CODE_PATTERN.fullmatch
_COMMODITY = COMMODITY_PATTERN.fullmatch
_KIND = KIND_PATTERN.fullmatch


def _ok_text(value: object) -> bool:
    return type(value) is str and _SAFE_TEXT(value) is not None and not value.isspace()


def _ok_optional_text(value: object) -> bool:
    return value is None or _ok_text(value)


class _Accepted:
    """Values already found well-formed (codes, kinds, actors repeat from draft to draft)."""

    LIMIT = 4096

    def __init__(self, accepts: Callable[[object], bool]) -> None:
        self._accepts = accepts
        self._seen: set[str] = set()

    def __call__(self, value: object) -> bool:
        if type(value) is str and value in self._seen:
            return True
        if not self._accepts(value):
            return False
        if len(self._seen) >= self.LIMIT:
            self._seen.clear()
        self._seen.add(value)  # type: ignore[arg-type]  # _accepts checked it is a str
        return True


_known_commodity = _Accepted(lambda v: type(v) is str and _COMMODITY(v) is not None)
_known_code = _Accepted(lambda v: type(v) is str and _CODE(v) is not None)
_known_kind = _Accepted(lambda v: type(v) is str and _KIND(v) is not None and v != CORRECTION_KIND)
_known_text = _Accepted(_ok_text)
_JSON_CONSTANTS: dict[object, str] = {True: "true", False: "false", None: "null"}


def _flat_attributes(attributes: object) -> tuple[dict[str, object], str] | None:
    """Plain form and canonical JSON of a flat dict of exact scalars; None for anything else.

    Equal to `plain_attributes` + `attributes_json` (tests/ledger pin the equivalence).
    """
    if type(attributes) is not dict:
        return None
    if not attributes:
        return {}, "{}"
    plain: dict[str, object] = {}
    parts = []
    for key, value in sorted(attributes.items()):
        if type(key) is not str:
            return None
        kind = type(value)
        if kind is Decimal:
            if not value.is_finite():
                return None
            text = str(value)
            plain[key] = text
            parts.append(f"{_json_string(key)}:{_json_string(text)}")
        elif kind is str:
            plain[key] = value
            parts.append(f"{_json_string(key)}:{_json_string(value)}")
        elif kind is int:
            plain[key] = value
            parts.append(f"{_json_string(key)}:{int.__repr__(value)}")
        elif value is None or kind is bool:
            plain[key] = value
            parts.append(f"{_json_string(key)}:{_JSON_CONSTANTS[value]}")
        else:
            return None
    return plain, "{" + ",".join(parts) + "}"


def _utc_text(moment: datetime) -> str:
    """`format_timestamp` for a UTC datetime, without converting it again."""
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"


def _checked_fast(row: int, draft: EntryDraft) -> CheckedDraft | None:
    """The common case, all fields well-formed, checked cheaply; None sends to the full check."""
    quantity, effective = draft.quantity, draft.effective_at
    if not (
        type(quantity) is Decimal
        and quantity.is_finite()
        and quantity > 0
        and _known_commodity(draft.commodity)
        and _known_code(draft.from_account)
        and _known_code(draft.to_account)
        and draft.from_account != draft.to_account
        and _known_kind(draft.kind)
        and isinstance(effective, datetime)
        and effective.tzinfo is not None
        and 1970 <= effective.year <= 9998
        and _known_text(draft.actor)
        and _ok_optional_text(draft.document_ref)
        and _ok_optional_text(draft.idempotency_key)
    ):
        return None
    flat = _flat_attributes(draft.attributes)
    if flat is None:
        try:
            plain = plain_attributes(draft.attributes)
        except ValueError:
            return None
        flat = plain, attributes_json(plain)
    moment = effective if effective.tzinfo is UTC else effective.astimezone(UTC)
    return CheckedDraft(
        row,
        draft.commodity,
        quantity,
        draft.from_account,
        draft.to_account,
        draft.kind,
        _utc_text(moment),
        moment,
        draft.actor,
        draft.document_ref,
        draft.idempotency_key,
        flat[1],
        flat[0],
    )


def check_drafts(drafts: Sequence[EntryDraft]) -> tuple[list[CheckedDraft], list[EntryProblem]]:
    """The drafts in stored form, and every problem found (each naming the row and field).

    An idempotency key used twice in the batch is a problem of its second use.
    """
    checked: list[CheckedDraft] = []
    problems: list[EntryProblem] = []
    first_row_of_key: dict[str, int] = {}
    for row, draft in enumerate(drafts):
        result = _checked_fast(row, draft) or check_draft(row, draft)
        if isinstance(result, list):
            problems.extend(result)
            continue
        key = result.idempotency_key
        if key is not None:
            first = first_row_of_key.setdefault(key, row)
            if first != row:
                problems.append(
                    EntryProblem(
                        row, "idempotency_key", f"{key!r} repeats entry {first} of this batch"
                    )
                )
        checked.append(result)
    return checked, problems


def check_draft(row: int, draft: EntryDraft) -> CheckedDraft | list[EntryProblem]:
    """The draft in stored form, or every problem with it (each naming the field)."""
    problems: list[EntryProblem] = []

    def refuse(field: str, message: str) -> None:
        problems.append(EntryProblem(row, field, message))

    if not isinstance(draft.commodity, str) or not COMMODITY_PATTERN.fullmatch(draft.commodity):
        refuse("commodity", f"{draft.commodity!r} is not a commodity code (e.g. 'GO', 'XAU')")
    quantity = _decimal(draft.quantity)
    if isinstance(quantity, str):
        refuse("quantity", quantity)
    for field in ("from_account", "to_account"):
        code = getattr(draft, field)
        if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
            refuse(field, f"{code!r} is not an account code")
    if draft.from_account == draft.to_account:
        refuse("to_account", f"must differ from from_account ({draft.from_account!r})")
    if not isinstance(draft.kind, str) or not KIND_PATTERN.fullmatch(draft.kind):
        refuse("kind", f"{draft.kind!r} is not a kind (lower-case word, e.g. 'receipt')")
    elif draft.kind == CORRECTION_KIND:
        refuse("kind", "'correction' entries are made by Ledger.correct only")
    effective_at = ""
    if not isinstance(draft.effective_at, datetime) or draft.effective_at.tzinfo is None:
        refuse("effective_at", f"must be a timezone-aware datetime (got {draft.effective_at!r})")
    elif not 1970 <= draft.effective_at.year <= 9998:
        refuse("effective_at", f"must be between 1970 and 9998 (got {draft.effective_at})")
    else:
        effective_at = format_timestamp(draft.effective_at)
    for field, optional in (("actor", False), ("document_ref", True), ("idempotency_key", True)):
        problem = text_problem(getattr(draft, field), optional=optional)
        if problem:
            refuse(field, problem)
    attributes: dict[str, object] = {}
    try:
        attributes = plain_attributes(draft.attributes)
    except ValueError as error:
        refuse("attributes", str(error))
    if problems or isinstance(quantity, str):
        return problems
    return CheckedDraft(
        row=row,
        commodity=draft.commodity,
        quantity=quantity,
        from_account=draft.from_account,
        to_account=draft.to_account,
        kind=draft.kind,
        effective_at=effective_at,
        effective_moment=draft.effective_at.astimezone(UTC),
        actor=draft.actor,
        document_ref=draft.document_ref,
        idempotency_key=draft.idempotency_key,
        attributes_json=attributes_json(attributes),
        attributes=attributes,
    )


def quantity_minor(quantity: Decimal, commodity: Commodity) -> int | str:
    """`quantity` in the commodity's smallest unit, or why it has too many decimals."""
    scaled = quantity.scaleb(commodity.scale)
    if scaled != scaled.to_integral_value():
        return (
            f"{quantity} has more than {commodity.scale} decimals allowed for {commodity.code} "
            f"(ledger unit {commodity.unit}); round it explicitly"
        )
    minor = int(scaled)
    if minor >= 2**63:
        return f"{quantity} is too large"
    return minor
