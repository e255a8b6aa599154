"""Is this referral's person someone the service has met before? Names + date of birth.

Officers type names at the roadside, so the rule forgives case, spacing, hyphens,
apostrophes and accents (exact match: the same person, linked). Anything looser, such as
first and last name swapped, is only a *possible* match: a worker confirms it, because
linking the wrong person would show someone else's history and could bar them wrongly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache


class MatchKind(StrEnum):
    EXACT = "exact"
    POSSIBLE = "possible"


@dataclass(frozen=True)
class Candidate:
    """A person already known to the service, as plain data."""

    id: int
    first_name: str
    last_name: str
    date_of_birth: date


@dataclass(frozen=True)
class Match:
    person_id: int
    kind: MatchKind
    reason: str


_STRAY = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Letters only, accents removed, case folded: "O'Brien-Smith " -> "obriensmith"."""
    folded = name.casefold().translate(_STRAY)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


def name_key(first_name: str, last_name: str, date_of_birth: date) -> tuple[str, str, date]:
    """The key two records share when they are, beyond doubt, the same person."""
    return normalise_name(first_name), normalise_name(last_name), date_of_birth


def _initials(name: str) -> str:
    parts = [normalise_name(p) for p in name.replace("-", " ").split()]
    return "".join(p[0] for p in parts if p)


def compare(first_name: str, last_name: str, date_of_birth: date, other: Candidate) -> Match | None:
    """How one referral's person relates to one known person, with the reason in words."""
    first, last = normalise_name(first_name), normalise_name(last_name)
    o_first, o_last = normalise_name(other.first_name), normalise_name(other.last_name)
    same_dob = date_of_birth == other.date_of_birth
    if same_dob and (first, last) == (o_first, o_last):
        return Match(other.id, MatchKind.EXACT, "same names and date of birth")
    if not first or not last:
        return None
    if same_dob and (first, last) == (o_last, o_first):
        return Match(
            other.id, MatchKind.POSSIBLE, "first and last name swapped, same date of birth"
        )
    if same_dob and first + last == o_first + o_last:
        return Match(other.id, MatchKind.POSSIBLE, "names split differently, same date of birth")
    if same_dob and last == o_last and (first.startswith(o_first) or o_first.startswith(first)):
        return Match(
            other.id, MatchKind.POSSIBLE, "short form of the first name, same date of birth"
        )
    if (
        same_dob
        and _initials(first_name) == _initials(other.first_name)
        and _initials(last_name) == _initials(other.last_name)
        and (first == o_first or last == o_last)
    ):
        return Match(other.id, MatchKind.POSSIBLE, "same initials and one name, same date of birth")
    swapped_dob = (
        date_of_birth.day <= 12
        and date_of_birth.day != date_of_birth.month
        and (date_of_birth.year, date_of_birth.day, date_of_birth.month)
        == (other.date_of_birth.year, other.date_of_birth.month, other.date_of_birth.day)
    )
    if swapped_dob and (first, last) == (o_first, o_last):
        return Match(other.id, MatchKind.POSSIBLE, "same names, day and month of birth swapped")
    return None


def find_matches(
    first_name: str, last_name: str, date_of_birth: date, candidates: Iterable[Candidate]
) -> list[Match]:
    """Every known person this one may be: exact matches first, then possible ones, by id."""
    found = [
        m for c in candidates if (m := compare(first_name, last_name, date_of_birth, c)) is not None
    ]
    return sorted(found, key=lambda m: (m.kind != MatchKind.EXACT, m.person_id))


def best_match(
    first_name: str, last_name: str, date_of_birth: date, candidates: Iterable[Candidate]
) -> Match | None:
    """The match intake acts on: the oldest exact match, else the first possible one."""
    matches = find_matches(first_name, last_name, date_of_birth, candidates)
    return matches[0] if matches else None


def candidate_dates(date_of_birth: date) -> tuple[date, ...]:
    """Dates of birth worth looking up for a person (their own, and day/month swapped)."""
    dates = [date_of_birth]
    if date_of_birth.day <= 12 and date_of_birth.day != date_of_birth.month:
        dates.append(date_of_birth.replace(month=date_of_birth.day, day=date_of_birth.month))
    return tuple(dates)
