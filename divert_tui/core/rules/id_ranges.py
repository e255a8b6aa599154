"""Record ids written compactly into an audit event ("3-7,12,40-41"), and read back.

A bulk export's audit event names every referral it held this way, so that a search of the
audit trail by person finds each export that contained them, without names in the trail.
"""

from __future__ import annotations

from collections.abc import Iterable

#: The detail key a bulk export's audit event lists its referrals under.
REFERRALS_KEY = "referrals="


def compact(ids: Iterable[int]) -> str:
    """Sorted ids with runs folded into ranges; "none" for no ids."""
    ordered = sorted(set(ids))
    if not ordered:
        return "none"
    parts: list[str] = []
    start = end = ordered[0]
    for value in ordered[1:]:
        if value == end + 1:
            end = value
            continue
        parts.append(str(start) if start == end else f"{start}-{end}")
        start = end = value
    parts.append(str(start) if start == end else f"{start}-{end}")
    return ",".join(parts)


def referrals_detail(ids: Iterable[int]) -> str:
    """The " referrals=..." part of an export's audit detail."""
    return f" {REFERRALS_KEY}{compact(ids)}"


def _ranges(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        if low.isdigit() and (not high or high.isdigit()):
            found.append((int(low), int(high or low)))
    return found


def listed_referrals(detail: str, key: str = REFERRALS_KEY) -> list[tuple[int, int]]:
    """The id ranges an audit detail lists under ``key`` (empty when it lists none)."""
    for word in detail.split():
        if word.startswith(key):
            return _ranges(word[len(key) :])
    return []


def lists_any(detail: str, ids: Iterable[int], key: str = REFERRALS_KEY) -> bool:
    """Whether the detail's list under ``key`` holds any of these ids."""
    ranges = listed_referrals(detail, key)
    return any(low <= value <= high for value in ids for low, high in ranges)
