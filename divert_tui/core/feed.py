"""The officer referral feed (DESIGN section 8): a CSV with a header, or a JSON array.

``read_feed`` turns a file into validated ``FeedRecord``s plus every row problem as
``row N: field: reason``. Rows are numbered as a person counts referrals: row 1 is the
first referral of the file (the first line after the CSV header, or the first object of
the JSON array); the header itself is not a row. Problems with the file as a whole
(encoding, header, columns, size, shape) raise ``FeedError`` before any row is looked at.
Nothing here touches the database; intake decides what to do with the records.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from divert_tui.core import feed_fields as ff
from divert_tui.core.outfiles import FORMULA_STARTS
from divert_tui.core.schemes import Scheme

MAX_FEED_BYTES = 20 * 1024 * 1024
ROW_NUMBERING = "row 1 = the first referral after the header"

REQUIRED_FIELDS = (
    "police_reference",
    "force",
    "referred_at",
    "offence_date",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "substances",
)
OPTIONAL_FIELDS = (
    "sex",
    "self_defined_ethnicity",
    "officer_observed_ethnicity",
    "postcode",
    "officer",
    "location",
    "notes",
)
FEED_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
# The reason column of a rejects file: ignored, so a corrected rejects file imports as is.
IGNORED_FIELDS = ("reason",)


class FeedError(ValueError):
    """The file cannot be read as a feed at all; the message says why in words."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class FeedRecord:
    """One referral that passed every field check; values are clean and normalised."""

    row: int
    police_reference: str
    force: str
    referred_at: datetime  # aware, UK local time unless the feed gave an offset
    offence_date: date
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    self_defined_ethnicity: str | None
    officer_observed_ethnicity: str | None
    phone: str
    postcode: str | None
    substances: tuple[str, ...]
    officer: str
    location: str
    notes: str

    @property
    def age(self) -> int:
        """Age in whole years on the referral date (the scheme's minimum age applies to it)."""
        return ff.age_on(self.date_of_birth, self.referred_at.date())


@dataclass
class FeedResult:
    records: list[FeedRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    raw_rows: list[dict[str, str]] = field(default_factory=list)
    columns: tuple[str, ...] = FEED_FIELDS

    @property
    def rows_read(self) -> int:
        return len(self.raw_rows)

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ";".join(_as_text(v) for v in value)
    return str(value)


def _disarmed_cell(text: str) -> str:
    """A cell as the app's own files write it (``'=...``) reads back as the value itself,
    so a corrected rejects file imports as typed; every file out disarms it again."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


@lru_cache(maxsize=8)
def _checks(forces: frozenset[str]) -> dict[str, Callable[[str], object]]:
    """The checker of each field (built once per set of forces, not once per row)."""
    return {
        "police_reference": lambda t: ff.clean_text(t, "police_reference", required=True).upper(),
        "force": lambda t: ff.clean_force(t, forces),
        "referred_at": ff.parse_when,
        "offence_date": ff.parse_when,
        "first_name": lambda t: ff.clean_name(t, "first_name"),
        "last_name": lambda t: ff.clean_name(t, "last_name"),
        "date_of_birth": ff.parse_when,
        "sex": ff.clean_sex,
        "self_defined_ethnicity": ff.clean_self_defined,
        "officer_observed_ethnicity": ff.clean_officer_observed,
        "phone": ff.clean_phone,
        "postcode": ff.clean_postcode,
        "substances": ff.clean_substances,
        "officer": lambda t: ff.clean_text(t, "officer", required=False),
        "location": lambda t: ff.clean_text(t, "location", required=False),
        "notes": lambda t: ff.clean_text(t, "notes", required=False),
    }


def validate_values(
    values: Mapping[str, object],
    schemes: Mapping[str, Scheme],
    *,
    today: date,
    row: int = 0,
) -> tuple[FeedRecord | None, list[RowProblem]]:
    """Check every field of one referral; return the record or all of its problems.

    Used by the feed (one call per row) and by manual entry (row 0, problems keyed by
    field for the screen). Age against the scheme's minimum is not a problem here: an
    under-age referral is valid data that eligibility reports as outside the scheme.
    """
    raw = {name: _disarmed_cell(_as_text(values.get(name))) for name in FEED_FIELDS}
    problems: list[RowProblem] = []
    clean: dict[str, object] = {}

    checks = _checks(frozenset(schemes))
    for name, check in checks.items():
        try:
            clean[name] = check(raw[name])
        except ff.FieldProblem as exc:
            problems.append(RowProblem(row, name, str(exc)))
    problems.extend(_check_dates(clean, today, row))
    if problems:
        return None, problems
    referred_at = clean["referred_at"]
    assert isinstance(referred_at, datetime)
    if referred_at.tzinfo is None:
        referred_at = referred_at.replace(tzinfo=ff.UK_TIME)
    return (
        FeedRecord(
            row=row,
            referred_at=referred_at,
            offence_date=clean["offence_date"].date(),  # type: ignore[union-attr]
            date_of_birth=clean["date_of_birth"].date(),  # type: ignore[union-attr]
            **{
                k: v
                for k, v in clean.items()
                if k not in ("referred_at", "offence_date", "date_of_birth")
            },  # type: ignore[arg-type]
        ),
        [],
    )


def _check_dates(clean: dict[str, object], today: date, row: int) -> list[RowProblem]:
    """Dates against today and each other; a failed date is dropped from ``clean``."""
    problems: list[RowProblem] = []
    for name in ("referred_at", "offence_date", "date_of_birth"):
        value = clean.get(name)
        if isinstance(value, datetime) and value.date() > today:
            problems.append(RowProblem(row, name, "is in the future"))
            del clean[name]
    referred, offence, born = (
        clean.get(n) for n in ("referred_at", "offence_date", "date_of_birth")
    )
    both = isinstance(referred, datetime) and isinstance(offence, datetime)
    if both and offence.date() > referred.date():  # type: ignore[union-attr]
        problems.append(RowProblem(row, "offence_date", "is after the referral date"))
    if isinstance(born, datetime):
        on = referred.date() if isinstance(referred, datetime) else today
        if born.date() > on:
            problems.append(RowProblem(row, "date_of_birth", "is after the referral date"))
        elif ff.age_on(born.date(), on) > ff.OLDEST_AGE:
            problems.append(
                RowProblem(
                    row, "date_of_birth", f"gives an age over {ff.OLDEST_AGE} (check the year)"
                )
            )
    return problems


def _decode(data: bytes) -> str:
    if not data.strip():
        raise FeedError("the file is empty: no header and no referrals")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FeedError('the file is UTF-16 text; save it as UTF-8 ("CSV UTF-8") and import again')
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedError(
            f"the file is not UTF-8 text (undecodable byte at position {exc.start}); "
            'save it as UTF-8 ("CSV UTF-8") and import again'
        ) from None


def _check_columns(names: Iterable[str], where: str) -> tuple[str, ...]:
    columns = tuple(names)
    unknown = [c for c in columns if c not in FEED_FIELDS and c not in IGNORED_FIELDS]
    known = [c for c in columns if c in FEED_FIELDS]
    if where == "header" and not known:
        raise FeedError(
            "no header line: the first line must name the fields "
            f"({', '.join(REQUIRED_FIELDS)}, ...)"
        )
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise FeedError(f"the {where} names a field twice: {', '.join(duplicates)}")
    if unknown:
        shown = ", ".join(repr(c[:40]) for c in unknown[:10])
        raise FeedError(
            f"unknown field(s) in the {where}: {shown}; the feed fields are {', '.join(FEED_FIELDS)}"
        )
    missing = [c for c in REQUIRED_FIELDS if c not in columns]
    if missing:
        raise FeedError(f"required field(s) missing from the {where}: {', '.join(missing)}")
    return columns


def _csv_rows(text: str) -> tuple[tuple[str, ...], list[dict[str, str]], list[RowProblem]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FeedError("the file is empty: no header and no referrals") from None
    except csv.Error as exc:
        raise FeedError(f"the header line is not valid CSV: {exc}") from None
    columns = _check_columns([h.strip().lower() for h in header], "header")
    rows: list[dict[str, str]] = []
    problems: list[RowProblem] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            number = len(rows) + 1
            if len(values) > len(columns):
                problems.append(
                    RowProblem(
                        number, "row", f"{len(values)} values but the header names {len(columns)}"
                    )
                )
            rows.append(dict(zip(columns, values, strict=False)))
    except csv.Error as exc:
        raise FeedError(f"row {len(rows) + 1}: not valid CSV: {exc}") from None
    return columns, rows, problems


class _RepeatedKeys(dict):  # type: ignore[type-arg]
    """A JSON object that named a field more than once (or in two spellings of case)."""

    repeated: tuple[str, ...] = ()


def _object_without_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """Keep every JSON object's keys; note any key given twice, also differing only in case
    (``json`` would silently keep the last, so one of two values would vanish unseen)."""
    seen: set[str] = set()
    repeated: list[str] = []
    for key, _ in pairs:
        folded = key.strip().casefold()
        if folded in seen and folded not in repeated:
            repeated.append(folded)
        seen.add(folded)
    if not repeated:
        return dict(pairs)
    marked = _RepeatedKeys(pairs)
    marked.repeated = tuple(repeated)
    return marked


def _load_json(text: str) -> object:
    """Parse JSON with a message in words for every way a file can defeat the parser."""
    try:
        # Integers stay text: a feed has no arithmetic, and a 5,000-digit number would
        # otherwise exceed Python's digit limit; the field check then says what is wrong.
        return json.loads(text, parse_int=str, object_pairs_hook=_object_without_repeats)
    except json.JSONDecodeError as exc:
        raise FeedError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise FeedError(
            "the JSON nests arrays or objects too deeply to be a feed; the feed is one "
            "array of flat referral objects [ {...}, {...} ]"
        ) from None
    except ValueError as exc:  # a number the parser cannot hold
        raise FeedError(f"not valid JSON ({str(exc)[:80]})") from None


def _nested_problem(value: object) -> str | None:
    """A field value that is not text, a number or a flat list of them: name the trouble."""
    if isinstance(value, dict):
        return "is an object; give the value as text"
    if isinstance(value, list) and any(isinstance(item, list | dict) for item in value):
        return "is a nested list; give the value as text, or a flat list of texts"
    return None


def _json_rows(text: str) -> tuple[tuple[str, ...], list[dict[str, str]], list[RowProblem]]:
    data = _load_json(text)
    if isinstance(data, dict):
        raise FeedError(
            "the JSON file holds one object; the feed must be an array [ {...}, {...} ]"
        )
    if not isinstance(data, list):
        raise FeedError("the JSON file must be an array of referral objects")
    if not data:
        raise FeedError("the file is empty: the array holds no referrals")
    problems: list[RowProblem] = []
    seen: list[str] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(RowProblem(number, "row", "not an object with field names"))
            continue
        if isinstance(item, _RepeatedKeys):
            names = ", ".join(repr(name[:40]) for name in item.repeated)
            problems.append(
                RowProblem(
                    number,
                    "row",
                    f"names the field {names} more than once (keys differing only in "
                    "upper and lower case are the same field); keep one",
                )
            )
            continue
        nested = [
            (str(key).strip().lower(), why)
            for key, value in item.items()
            if (why := _nested_problem(value)) is not None
        ]
        if nested:
            problems.extend(RowProblem(number, key[:40], why) for key, why in nested)
            continue
        for key in item:
            name = str(key).strip().lower()
            if name not in seen:
                seen.append(name)
    unknown = [c for c in seen if c not in FEED_FIELDS and c not in IGNORED_FIELDS]
    if unknown:
        _check_columns(seen, "JSON objects")
    # As read, for a rejects file; a nested value is left out (the row is refused anyway).
    rows = [
        {str(k).strip().lower(): "" if _nested_problem(v) else _as_text(v) for k, v in item.items()}
        if isinstance(item, dict)
        else {}
        for item in data
    ]
    return FEED_FIELDS, rows, problems


def _looks_like_json(path: Path | None, text: str) -> bool:
    if path is not None and path.suffix.lower() == ".json":
        return True
    if path is not None and path.suffix.lower() == ".csv":
        return False
    return text.lstrip()[:1] in ("[", "{")


def parse_feed(
    data: bytes,
    schemes: Mapping[str, Scheme],
    *,
    today: date,
    path: Path | None = None,
) -> FeedResult:
    """Validate a whole feed held in memory; see ``read_feed``."""
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(
            f"the file is {len(data) / 1024 / 1024:.0f} MB; a feed may be at most "
            f"{MAX_FEED_BYTES // 1024 // 1024} MB (split it into smaller files)"
        )
    text = _decode(data)
    if _looks_like_json(path, text):
        columns, rows, problems = _json_rows(text)
    else:
        columns, rows, problems = _csv_rows(text)
    if not rows:
        raise FeedError("the file has a header but no referrals")
    result = FeedResult(raw_rows=rows, columns=columns)
    structural = {p.row for p in problems}
    result.problems.extend(problems)
    first_seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=1):
        if number in structural:
            continue
        record, row_problems = validate_values(row, schemes, today=today, row=number)
        if record is not None:
            key = (record.force, record.police_reference.upper())
            if key in first_seen:
                row_problems = [
                    RowProblem(
                        number, "police_reference", f"same reference as row {first_seen[key]}"
                    )
                ]
            else:
                first_seen[key] = number
                result.records.append(record)
        result.problems.extend(row_problems)
    result.problems.sort(key=lambda p: p.row)
    return result


def read_feed(
    path: Path, schemes: Mapping[str, Scheme], *, today: date | None = None
) -> FeedResult:
    """Read and validate a feed file: CSV with a header or a JSON array, UTF-8, at most 20 MB."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FeedError(f"cannot open the file: {exc.strerror}") from None
    if size > MAX_FEED_BYTES:
        raise FeedError(
            f"the file is {size / 1024 / 1024:.0f} MB; a feed may be at most "
            f"{MAX_FEED_BYTES // 1024 // 1024} MB (split it into smaller files)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FeedError(f"cannot read the file: {exc.strerror}") from None
    return parse_feed(data, schemes, today=today or date.today(), path=path)
