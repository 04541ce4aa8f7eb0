"""Checking submitted entries before they touch the database (pure: no I/O)."""

from __future__ import annotations

import json.encoder
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from itertools import chain, compress, repeat

from nafolo.ledger.canonical import (
    attributes_json,
    compiled_extension,
    format_timestamp,
    plain_attributes,
)
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
    """Absent, or acceptable text; printable text (most of it) skips the regular expression."""
    if value is None:
        return True
    return (
        type(value) is str
        and 0 < len(value) <= TEXT_LIMIT
        and (value.isprintable() or _SAFE_TEXT(value) is not None)
        and not value.isspace()
    )


class _Accepted(set[str]):
    """Values already found well-formed (codes, kinds, actors repeat from draft to draft).

    Membership is tested inline in `_checked_fast` (a set lookup); `learn` checks a new value.
    """

    LIMIT = 4096

    def __init__(self, accepts: Callable[[str], bool]) -> None:
        super().__init__()
        self._accepts = accepts

    def learn(self, value: object) -> bool:
        if type(value) is not str or not self._accepts(value):
            return False
        if len(self) >= self.LIMIT:
            self.clear()
        self.add(value)
        return True


_known_commodities = _Accepted(lambda v: _COMMODITY(v) is not None)
_known_codes = _Accepted(lambda v: _CODE(v) is not None)
_known_kinds = _Accepted(lambda v: _KIND(v) is not None and v != CORRECTION_KIND)
_known_texts = _Accepted(_ok_text)
_SCALAR_TYPES = (str, int, bool, type(None))
KNOWN_VALUES = (_known_commodities, _known_codes, _known_kinds, _known_texts)
"""The sets of commodity codes, account codes, kinds and actors already found well formed, as
the compiled one-draft append (`_chaincheck.Writer.append_one`) consults them."""


def _json_encoder() -> Callable[[dict[str, object]], str]:
    """`canonical.attributes_json` for plain attributes, through the C encoder when available.

    The same encoder `json.dumps(value, sort_keys=True, separators=(",", ":"),
    ensure_ascii=True)` builds for every call, built once.
    """
    make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if make_encoder is None:
        return attributes_json
    encode = make_encoder(
        None, None, json.encoder.encode_basestring_ascii, None, ":", ",", True, False, True
    )

    def encoded(plain: dict[str, object]) -> str:
        return "".join(encode(plain, 0))

    return encoded


_encode_json = _json_encoder()


def _flat_attributes(attributes: object) -> tuple[dict[str, object], str] | None:
    """Plain form and canonical JSON of a flat dict of exact scalars; None for anything else.

    Equal to `plain_attributes` + `attributes_json` (tests/ledger pin the equivalence).
    """
    if type(attributes) is not dict:
        return None
    if not attributes:
        return {}, "{}"
    plain = dict(attributes)
    for key, value in attributes.items():
        kind = type(value)
        if type(key) is not str:
            return None
        if kind is Decimal:
            if not value.is_finite():
                return None
            plain[key] = str(value)
        elif kind not in _SCALAR_TYPES:
            return None
    return plain, _encode_json(plain)


def _utc_text(moment: datetime) -> str:
    """`format_timestamp` for a `datetime` (not a subclass) in UTC, without converting it again."""
    text = moment.isoformat()
    if len(text) == 25:  # no microseconds: 'YYYY-MM-DDTHH:MM:SS+00:00'
        return text[:19] + ".000000Z"
    return text[:26] + "Z"


def _checked_fast(row: int, draft: EntryDraft) -> CheckedDraft | None:
    """The common case, all fields well-formed, checked cheaply; None sends to the full check."""
    quantity, effective, commodity = draft.quantity, draft.effective_at, draft.commodity
    source, target, kind, actor = draft.from_account, draft.to_account, draft.kind, draft.actor
    str_ = str
    try:
        well_formed = (
            type(quantity) is Decimal
            and quantity.is_finite()
            and quantity > 0
            and type(effective) is datetime
            and effective.tzinfo is not None
            and 1970 <= effective.year <= 9998
            and type(commodity) is str_
            and (commodity in _known_commodities or _known_commodities.learn(commodity))
            and type(source) is str_
            and (source in _known_codes or _known_codes.learn(source))
            and type(target) is str_
            and (target in _known_codes or _known_codes.learn(target))
            and source != target
            and type(kind) is str_
            and (kind in _known_kinds or _known_kinds.learn(kind))
            and type(actor) is str_
            and (actor in _known_texts or _known_texts.learn(actor))
            and _ok_optional_text(draft.document_ref)
            and _ok_optional_text(draft.idempotency_key)
        )
    except TypeError:  # an unhashable value where a code belongs: the full check names it
        return None
    if not well_formed:
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
        commodity,
        quantity,
        source,
        target,
        kind,
        _utc_text(moment),
        moment,
        actor,
        draft.document_ref,
        draft.idempotency_key,
        flat[1],
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


@dataclass(slots=True)
class Batch:
    """Drafts in stored form column by column (one list per field, in draft order).

    The append hot path works on whole columns (C-level `map`, `zip`, `set`), not on
    one object per draft; `drafts()` gives the per-draft form the general path uses.
    """

    commodity: list[str]
    quantity: list[Decimal]
    from_account: list[str]
    to_account: list[str]
    kind: list[str]
    effective_at: list[str]
    effective_moment: list[datetime]
    actor: list[str]
    document_ref: list[str | None]
    idempotency_key: list[str | None]
    attributes_json: list[str]
    corrects: list[int | None]

    def __len__(self) -> int:
        return len(self.commodity)

    @classmethod
    def of(cls, checked: Sequence[CheckedDraft]) -> Batch:
        """The columns of drafts already checked one by one."""
        return cls(*map(list, zip(*map(_CHECKED_COLUMNS, checked), strict=True)))

    def drafts(self) -> list[CheckedDraft]:
        """One `CheckedDraft` per row (row = position in the batch)."""
        return [
            CheckedDraft(row, *fields)
            for row, fields in enumerate(
                zip(
                    self.commodity, self.quantity, self.from_account, self.to_account, self.kind,
                    self.effective_at, self.effective_moment, self.actor, self.document_ref,
                    self.idempotency_key, self.attributes_json, self.corrects,
                    strict=True,
                )
            )
        ]  # fmt: skip


_CHECKED_COLUMNS = operator.attrgetter(
    "commodity", "quantity", "from_account", "to_account", "kind", "effective_at",
    "effective_moment", "actor", "document_ref", "idempotency_key", "attributes_json", "corrects",
)  # fmt: skip
_DRAFT_COLUMNS = operator.attrgetter(
    "commodity", "quantity", "from_account", "to_account", "kind", "effective_at", "actor",
    "document_ref", "idempotency_key", "attributes",
)  # fmt: skip
_NONE = type(None)
_STR_ONLY = {str}
_OPTIONAL_STR = {str, _NONE}
_ATTRIBUTE_VALUE_TYPES = {str, int, bool, _NONE, Decimal}
_TZINFO = operator.attrgetter("tzinfo")
_YEAR = operator.attrgetter("year")


def _attributes_encoder() -> Callable[[list[dict[str, object]], int], Sequence[str]] | None:
    """The C JSON encoder of `attributes_json`, turning Decimals into their string as it goes,
    with U+001E between items, for a list of flat dicts encoded in one call.

    `json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=True)` runs this
    very encoder; a Decimal is not JSON, so the encoder asks `default`, `Decimal.__str__`,
    and writes the string it returns, which is what `plain_attributes` would have put there.
    ASCII output escapes every control character, so a raw U+001E is always a separator:
    followed by '"' (a key) inside a dict, by '{' between the dicts of the list.
    """
    make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if make_encoder is None:
        return None
    encoder: Callable[[list[dict[str, object]], int], Sequence[str]] = make_encoder(
        None, Decimal.__str__, json.encoder.encode_basestring_ascii, None, ":", "\x1e", True,
        False, True,
    )  # fmt: skip
    return encoder


_encode_attributes = _attributes_encoder()


def _known_all(values: set[str], accepted: _Accepted) -> bool:
    """Every value in `values` is text of the accepted form (learning the new ones)."""
    return values <= accepted or all(v in accepted or accepted.learn(v) for v in values)


def _optional_texts_ok(column: Sequence[object]) -> bool:
    """Every value absent or acceptable text: the printable case, checked for all at once."""
    types = set(map(type, column))
    if not types <= _OPTIONAL_STR:
        return False
    texts = [v for v in column if v is not None] if _NONE in types else column
    if not texts:
        return True
    return (
        min(map(len, texts)) > 0  # type: ignore[arg-type]
        and max(map(len, texts)) <= TEXT_LIMIT  # type: ignore[arg-type]
        and (joined := "".join(texts)).isprintable()  # type: ignore[arg-type]
        # printable whitespace is the space alone: without one, no text is blank
        and (" " not in joined or not any(map(str.isspace, texts)))  # type: ignore[arg-type]
    )


def check_batch(drafts: Sequence[EntryDraft]) -> Batch | None:
    """The drafts in stored form, checked column by column; None unless all are plainly well
    formed (then `check_drafts`, one by one, finds and names every problem).

    Accepts exactly what `check_drafts` accepts without problems, and gives the same stored
    form (tests/ledger pin it), for the common drafts: codes, kinds and actors already seen or
    well formed, printable texts, quantities as Decimals, `datetime` effective times, flat
    attributes of str, int, bool, None or finite Decimals, idempotency keys unique in the batch.
    """
    if not drafts or _encode_attributes is None:
        return None
    try:
        columns = list(zip(*map(_DRAFT_COLUMNS, drafts), strict=True))
    except AttributeError:
        return None
    commodity, quantity, source, target, kind, effective, actor, document, key, attributes = columns
    try:
        well_formed = (
            set(map(type, commodity)) == _STR_ONLY
            and set(map(type, source)) == _STR_ONLY
            and set(map(type, target)) == _STR_ONLY
            and set(map(type, kind)) == _STR_ONLY
            and set(map(type, actor)) == _STR_ONLY
            and _known_all(set(commodity), _known_commodities)
            and _known_all(set(source).union(target), _known_codes)
            and _known_all(set(kind), _known_kinds)
            and _known_all(set(actor), _known_texts)
            and not any(map(operator.eq, source, target))
            and set(map(type, quantity)) == {Decimal}
            and all(map(Decimal.is_finite, quantity))
            and min(quantity) > 0
            and set(map(type, effective)) == {datetime}
            and _optional_texts_ok(document)
            and _optional_texts_ok(key)
        )
    except TypeError:  # an unhashable value where a code belongs: the full check names it
        return None
    if not well_formed:
        return None
    zones = set(map(_TZINFO, effective))
    if zones == {UTC}:  # one zone: the earliest and latest moments have the extreme years
        if min(effective).year < 1970 or max(effective).year > 9998:
            return None
    elif None in zones or min(map(_YEAR, effective)) < 1970 or max(map(_YEAR, effective)) > 9998:
        return None
    keys = [k for k in key if k is not None]
    if len(set(keys)) != len(keys):
        return None
    texts = _attributes_json(attributes)
    if texts is None:
        return None
    moments = (
        list(effective)
        if zones == {UTC}
        else list(map(datetime.astimezone, effective, repeat(UTC)))
    )
    return Batch(
        list(commodity),
        list(quantity),
        list(source),
        list(target),
        list(kind),
        _utc_texts(moments),
        moments,
        list(actor),
        list(document),
        list(key),
        texts,
        [None] * len(commodity),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = operator.attrgetter("days")
_SECONDS = operator.attrgetter("seconds")
_MICROSECONDS = operator.attrgetter("microseconds")
_CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}:" for minute in range(24 * 60)]
"""'HH:MM:' of each minute of the day."""
_SECOND = [f"{second:02d}." for second in range(60)]
_dates: dict[int, str] = {}
"""'YYYY-MM-DDT' of the days (since 1970-01-01) met so far."""


def _python_utc_texts(moments: Sequence[datetime]) -> list[str]:
    """`format_timestamp` of each aware UTC `datetime` (not a subclass), put together from its
    distance to 1970-01-01: day (texts cached), minute and second of the day (tables).

    `datetime.isoformat` costs about a microsecond a call; this, a third of that.
    """
    global _dates
    deltas = list(map(operator.sub, moments, repeat(_EPOCH)))
    days = list(map(_DAYS, deltas))
    dates = _dates  # another thread may start a new cache; this one keeps every day it needs
    missing = set(days).difference(dates)
    if missing:
        if len(dates) + len(missing) > 4096:
            dates = _dates = {}
            missing = set(days)
        for day in missing:
            dates[day] = (_EPOCH + timedelta(days=day)).date().isoformat() + "T"
    seconds = list(map(_SECONDS, deltas))
    fields = [
        map(dates.__getitem__, days),
        map(_CLOCK.__getitem__, map(operator.floordiv, seconds, repeat(60))),
        map(_SECOND.__getitem__, map(operator.mod, seconds, repeat(60))),
    ]
    micro = list(map(_MICROSECONDS, deltas))
    if not any(micro):
        return list(map("%s%s%s000000Z".__mod__, zip(*fields, strict=True)))
    return list(map("%s%s%s%06dZ".__mod__, zip(*fields, micro, strict=True)))


def _python_attributes_json(attributes: Sequence[object]) -> list[str] | None:
    """Canonical JSON of each draft's attributes, if every one is a flat dict of plain values."""
    assert _encode_attributes is not None
    if set(map(type, attributes)) != {dict}:
        return None
    mappings: Sequence[dict[str, object]] = attributes  # type: ignore[assignment]
    values = list(chain.from_iterable(map(dict.values, mappings)))
    types = list(map(type, values))
    if not set(types) <= _ATTRIBUTE_VALUE_TYPES:
        return None
    if not set(map(type, chain.from_iterable(mappings))) <= _STR_ONLY:
        return None
    decimals = compress(values, map(operator.is_, types, repeat(Decimal)))
    if not all(map(Decimal.is_finite, decimals)):  # type: ignore[arg-type]
        return None
    encoded = "".join(_encode_attributes(list(mappings), 0))
    return encoded[1:-1].replace('\x1e"', ',"').split("\x1e")


def _compiled_attributes_json(attributes: Sequence[object]) -> list[str] | None:
    assert _COMPILED is not None
    texts: list[str] | None = _COMPILED.attributes_texts(list(attributes), Decimal)
    return texts if attributes else None


_COMPILED = compiled_extension()
_utc_texts: Callable[[list[datetime]], list[str]] = (
    _COMPILED.utc_texts if _COMPILED is not None else _python_utc_texts
)
"""`format_timestamp` of each aware UTC `datetime` (exactly that type): compiled when built."""
_attributes_json: Callable[[Sequence[object]], list[str] | None] = (
    _compiled_attributes_json if _COMPILED is not None else _python_attributes_json
)
"""Canonical JSON of each draft's attributes if every one is a flat dict of plain values, else
None: compiled when built (`_chaincheck.attributes_texts`), else `_python_attributes_json`."""
