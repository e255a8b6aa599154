"""Field-by-field checks of a referral, shared by the officer feed and manual entry.

Each checker takes the raw text and returns the clean value or raises ``FieldProblem``
with a reason a person understands; the reason never repeats the value itself when it
could be personal data (names, phone numbers), so problems can be printed or logged.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import phonenumbers
from dateutil import parser as date_parser
from dateutil import tz

from divert_tui.core.vocab import (
    OFFICER_OBSERVED_ETHNICITY,
    SELF_DEFINED_ETHNICITY,
    SUBSTANCES,
    Sex,
    substance_code,
)

UK_TIME = tz.gettz("Europe/London")
OLDEST_AGE = 110
PHONE_REGIONS = frozenset({"GB", "GG", "JE", "IM"})

MAX_LENGTHS = {
    "police_reference": 40,
    "first_name": 100,
    "last_name": 100,
    "officer": 100,
    "location": 200,
    "notes": 2000,
}


class FieldProblem(ValueError):
    """A value that cannot be accepted; the message is the reason in words."""


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_WORD_DATE = re.compile(r"\d{1,2}(st|nd|rd|th)? [a-z]{3,9},? \d{4}( \d{1,2}:\d{2}(:\d{2})?)?$")
DATE_HINT = "use YYYY-MM-DD or DD/MM/YYYY"


def _build(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise FieldProblem(f"not a real date ({DATE_HINT})") from None


def parse_when(text: str) -> datetime:
    """A date, with an optional time, written ISO (2026-03-14) or UK day-first (14/03/2026).

    Common shapes are parsed directly (the import of a large feed spends its time here);
    written months ("14 Mar 2026") go through dateutil with ``dayfirst``. A two-digit year
    is refused: for a date of birth the century cannot be guessed safely.
    """
    value = " ".join(text.strip().split())
    if not value:
        raise FieldProblem("missing")
    day_part, _, time_part = value.replace("T", " ", 1).partition(" ")
    match = _ISO_DATE.match(day_part) or _UK_DATE.match(day_part)
    if match is None:
        return _parse_words(value)
    if match.re is _ISO_DATE:
        found = _build(*match.groups())
    else:
        d, m, y = match.groups()
        found = _build(y, m, d)
    if not time_part:
        return datetime(found.year, found.month, found.day)
    return _with_time(found, time_part)


def _with_time(day: date, text: str) -> datetime:
    match = _TIME.match(text)
    if match is None:
        try:
            stamp = date_parser.isoparse(f"{day.isoformat()}T{text}")
        except ValueError:
            raise FieldProblem(f"not a time of day after the date ({DATE_HINT} HH:MM)") from None
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(UK_TIME)
        return stamp
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        raise FieldProblem("not a real time of day") from None


def _parse_words(value: str) -> datetime:
    if not _WORD_DATE.match(value.lower()):
        raise FieldProblem(f"not a date ({DATE_HINT})")
    try:
        return date_parser.parse(value, dayfirst=True)
    except (ValueError, OverflowError):
        raise FieldProblem(f"not a date ({DATE_HINT})") from None


def check_past(day: date, today: date) -> None:
    if day > today:
        raise FieldProblem("is in the future")


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on a day (a 29 Feb birthday turns over on 1 Mar in other years)."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: Characters that reorder the text around them: a name shown after one can read as another.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
INVISIBLE_HINT = (
    "contains invisible characters (such as a right-to-left override, a zero-width space "
    "or a byte-order mark); retype it"
)


def _has_invisible(value: str) -> bool:
    """Format characters (Unicode category Cf): zero-width, joiners, BOM, direction marks."""
    return any(unicodedata.category(ch) == "Cf" for ch in value)


def clean_text(text: str, field: str, *, required: bool) -> str:
    """Trimmed single-spaced NFC text (notes keep their line breaks), within the field's length.

    Invisible characters are refused rather than silently dropped, so that what is stored is
    what the officer's system holds and what the person reads on screen; notes may keep the
    joiners of emoji, never a direction override.
    """
    text = unicodedata.normalize("NFC", text)
    if field == "notes":
        value = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
    else:
        value = " ".join(text.split())
    if not value:
        if required:
            raise FieldProblem("missing")
        return ""
    if _CONTROL.search(value):
        raise FieldProblem("contains control characters")
    if _BIDI_CONTROLS.search(value) or (field != "notes" and _has_invisible(value)):
        raise FieldProblem(INVISIBLE_HINT)
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        raise FieldProblem(f"too long ({len(value)} characters, at most {limit})")
    return value


def clean_name(text: str, field: str) -> str:
    value = clean_text(text, field, required=True)
    if not any(ch.isalpha() for ch in value):
        raise FieldProblem("has no letters")
    if any(ch.isdigit() for ch in value):
        raise FieldProblem("contains digits")
    return value


_SEXES = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "man": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "other": Sex.OTHER,
    "x": Sex.OTHER,
    "not stated": Sex.NOT_STATED,
    "not_stated": Sex.NOT_STATED,
    "ns": Sex.NOT_STATED,
    "unknown": Sex.NOT_STATED,
}


def clean_sex(text: str) -> str:
    value = " ".join(text.strip().lower().split())
    if not value:
        return Sex.NOT_STATED.value
    if value not in _SEXES:
        raise FieldProblem("not one of male, female, other, not_stated")
    return _SEXES[value].value


_NOT_STATED_WORDS = {"NOTSTATED", "NOT_STATED", "PREFERNOTTOSAY", "DECLINED"}


def clean_self_defined(text: str) -> str | None:
    """An 18+1 code; "not stated" (the person chose not to say) is its own code, NS."""
    value = text.strip().upper().replace(" ", "")
    if not value:
        return None
    if value in _NOT_STATED_WORDS:
        return "NS"
    if value not in SELF_DEFINED_ETHNICITY:
        raise FieldProblem(
            f"not a self-defined (18+1) code such as W1, B2 or NS; {len(SELF_DEFINED_ETHNICITY)} "
            "codes are accepted"
        )
    return value


def clean_officer_observed(text: str) -> str | None:
    value = text.strip().upper().replace(" ", "")
    if not value:
        return None
    if value.isdigit():
        value = f"IC{value}"
    if value not in OFFICER_OBSERVED_ETHNICITY:
        raise FieldProblem(
            "not an IC code: use IC1-IC6, or IC9 when unknown (there is no IC7 or IC8)"
        )
    return value


# Ofcom's ranges reserved for drama and training (07700 900xxx and friends): the demo,
# the training material and test feeds use them, and libphonenumber calls them invalid.
_OFCOM_DRAMA = re.compile(
    r"^(7700900\d{3}|(113|114|115|116|117|118|121|131|141|151|161)4960\d{3}|2079460\d{3}"
    r"|1632960\d{3}|2890180\d{3}|2920180\d{3}|8081570\d{3}|9098790\d{3}|3069990\d{3})$"
)


_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_UK_SIMPLE = re.compile(r"^(?:\+44|0044|0)([1-9]\d{8,9})$")


def clean_phone(text: str) -> str:
    """A UK phone number in E.164 (+447700900123), the form the dialler and matching use."""
    value = text.strip()
    if not value:
        raise FieldProblem("missing")
    # Fast path for the usual shapes (07..., +44 7..., 0121 ...): a feed has thousands.
    simple = _UK_SIMPLE.match(_PHONE_PUNCTUATION.sub("", value))
    if simple is not None:
        national = simple.group(1)
        if _OFCOM_DRAMA.match(national) or phonenumbers.is_valid_number_for_region(
            phonenumbers.PhoneNumber(country_code=44, national_number=int(national)), "GB"
        ):
            return f"+44{national}"
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise FieldProblem("not a phone number") from None
    if number.country_code == 44 and _OFCOM_DRAMA.match(str(number.national_number)):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        raise FieldProblem("not a valid phone number (check the digits)")
    if phonenumbers.region_code_for_number(number) not in PHONE_REGIONS:
        raise FieldProblem("not a UK phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def clean_postcode(text: str) -> str | None:
    """A UK postcode in its standard form: upper case, one space before the inward part."""
    value = "".join(text.split()).upper()
    if not value:
        return None
    if value == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.match(value)
    if match is None:
        raise FieldProblem("not a UK postcode (such as B15 2TT)")
    return f"{match.group(1)} {match.group(2)}"


def clean_substances(text: str) -> tuple[str, ...]:
    """Catalogue codes for a ';'-separated list, accepting the names officers use."""
    parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
    if not parts:
        raise FieldProblem("missing (at least one substance found)")
    codes: list[str] = []
    unknown: list[str] = []
    for part in parts:
        code = substance_code(part)
        if code is None:
            unknown.append(part[:40])
        elif code not in codes:
            codes.append(code)
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        raise FieldProblem(f"unknown substance {names} (use {', '.join(SUBSTANCES)})")
    return tuple(codes)


def clean_force(text: str, known: set[str] | frozenset[str]) -> str:
    value = "_".join(text.strip().lower().replace("-", " ").split())
    if not value:
        raise FieldProblem("missing")
    if value not in known:
        raise FieldProblem(f"not a scheme force ({', '.join(sorted(known))})")
    return value
