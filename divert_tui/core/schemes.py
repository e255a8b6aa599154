"""Per-force scheme settings, read from TOML data files and checked before the app starts.

The four forces of the regional scheme ship inside the package (``divert_tui/schemes``);
an admin may point ``schemes_dir`` in the config file at a folder of edited copies.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

GROUP_CODES = ("cannabis", "cocaine", "nitrous_oxide", "general")


class SchemeError(ValueError):
    """A scheme file that cannot be used; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    commissioner: str
    minimum_age: int
    bar_months: int
    contact_attempts: int
    contact_days: int
    first_contact_working_days: int
    police_outcome_label: str
    hours_saved_per_referral: float
    groups: tuple[str, ...]
    source: str = ""
    #: Course bookings missed (did not attend) before non-compliance is proposed.
    missed_sessions: int = 2
    # Commissioned places a year ([commissioning] places_per_year); None when not set.
    commissioned_places: int | None = None
    #: Whole years personal data is kept after the person's last referral closed.
    retention_years: int = 6
    #: Months an intelligence log's reason is kept after its bar ended (0: the day it ends).
    intel_months_after_bar: int = 0


def _need(table: Mapping[str, Any], key: str, kind: type, where: str, source: str) -> Any:
    if key not in table:
        raise SchemeError(f"{source}: {where}{key}: missing")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise SchemeError(
            f"{source}: {where}{key}: expected {kind.__name__}, found {type(value).__name__}"
        )
    return value


def _positive(value: float, key: str, source: str, *, allow_zero: bool = False) -> None:
    if value < 0 or (value == 0 and not allow_zero):
        raise SchemeError(f"{source}: {key}: must be {'0 or more' if allow_zero else 'above 0'}")


def parse_scheme(data: Mapping[str, Any], source: str) -> Scheme:
    """Build a Scheme from parsed TOML, raising SchemeError that names file and key."""
    code = _need(data, "code", str, "", source)
    name = _need(data, "name", str, "", source)
    commissioner = data.get("commissioner", "")
    sections = {}
    for section in ("eligibility", "contact", "police", "courses"):
        table = data.get(section)
        if not isinstance(table, dict):
            raise SchemeError(f"{source}: [{section}]: missing table")
        sections[section] = table
    elig, contact, police, courses = (
        sections[s] for s in ("eligibility", "contact", "police", "courses")
    )
    minimum_age = _need(elig, "minimum_age", int, "eligibility.", source)
    bar_months = _need(elig, "bar_months", int, "eligibility.", source)
    attempts = _need(contact, "attempts", int, "contact.", source)
    days = _need(contact, "days", int, "contact.", source)
    first = _need(contact, "first_contact_working_days", int, "contact.", source)
    label = _need(police, "outcome_label", str, "police.", source)
    hours = _need(police, "hours_saved_per_referral", float, "police.", source)
    groups = _need(courses, "groups", list, "courses.", source)
    missed = (
        _need(courses, "missed_sessions", int, "courses.", source)
        if "missed_sessions" in courses
        else 2
    )
    _positive(missed, "courses.missed_sessions", source)
    _positive(minimum_age, "eligibility.minimum_age", source)
    _positive(bar_months, "eligibility.bar_months", source, allow_zero=True)
    _positive(attempts, "contact.attempts", source)
    _positive(days, "contact.days", source, allow_zero=True)
    _positive(first, "contact.first_contact_working_days", source)
    _positive(hours, "police.hours_saved_per_referral", source, allow_zero=True)
    for group in groups:
        if group not in GROUP_CODES:
            raise SchemeError(
                f"{source}: courses.groups: unknown group {group!r} (use {', '.join(GROUP_CODES)})"
            )
    commissioned = _commissioned_places(data, source)
    retention_years, intel_months = _retention(data, source)
    if not code.isidentifier():
        raise SchemeError(f"{source}: code: {code!r} must be lower case letters and underscores")
    return Scheme(
        code=code,
        name=name,
        commissioner=str(commissioner),
        minimum_age=minimum_age,
        bar_months=bar_months,
        contact_attempts=attempts,
        contact_days=days,
        first_contact_working_days=first,
        police_outcome_label=label,
        hours_saved_per_referral=hours,
        groups=tuple(groups),
        source=source,
        missed_sessions=missed,
        commissioned_places=commissioned,
        retention_years=retention_years,
        intel_months_after_bar=intel_months,
    )


def _commissioned_places(data: Mapping[str, Any], source: str) -> int | None:
    """The optional ``[commissioning] places_per_year``: the places the commissioner funds."""
    table = data.get("commissioning")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SchemeError(f"{source}: [commissioning]: expected a table")
    if "places_per_year" not in table:
        return None
    places = _need(table, "places_per_year", int, "commissioning.", source)
    _positive(places, "commissioning.places_per_year", source)
    return int(places)


RETENTION_YEARS_RANGE = (1, 100)
INTEL_MONTHS_RANGE = (0, 120)


def _retention(data: Mapping[str, Any], source: str) -> tuple[int, int]:
    """The optional ``[retention]`` table: years kept after the last referral closed, and
    months an intelligence log's reason outlives its bar. Defaults 6 years and 0 months."""
    table = data.get("retention")
    if table is None:
        return 6, 0
    if not isinstance(table, dict):
        raise SchemeError(f"{source}: [retention]: expected a table")
    years = (
        _need(table, "person_years", int, "retention.", source) if "person_years" in table else 6
    )
    low, high = RETENTION_YEARS_RANGE
    if not low <= years <= high:
        raise SchemeError(
            f"{source}: retention.person_years: {years} is out of range; give the whole years "
            f"personal data is kept after a person's last referral closed, from {low} to {high} "
            "(6 is usual)"
        )
    months = (
        _need(table, "intel_months_after_bar", int, "retention.", source)
        if "intel_months_after_bar" in table
        else 0
    )
    low, high = INTEL_MONTHS_RANGE
    if not low <= months <= high:
        raise SchemeError(
            f"{source}: retention.intel_months_after_bar: {months} is out of range; give the "
            f"months an intelligence log's reason is kept once its bar ended, from {low} to "
            f"{high} (0 removes it the day the bar ends)"
        )
    return years, months


def _read(path_name: str, text: str) -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{path_name}: not valid TOML: {exc}") from None
    return parse_scheme(data, path_name)


def load_schemes(directory: Path | None = None) -> dict[str, Scheme]:
    """All scheme files of a folder (the shipped ones when none is given), keyed by force code."""
    schemes: dict[str, Scheme] = {}
    if directory is None:
        files = [
            (entry.name, entry.read_text(encoding="utf-8"))
            for entry in resources.files("divert_tui.schemes").iterdir()
            if entry.name.endswith(".toml")
        ]
    else:
        if not directory.is_dir():
            raise SchemeError(f"{directory}: scheme folder not found")
        files = []
        for path in directory.glob("*.toml"):
            try:
                files.append((str(path), path.read_text(encoding="utf-8")))
            except UnicodeDecodeError:
                raise SchemeError(f"{path}: not UTF-8 text; save it as UTF-8") from None
            except OSError as exc:
                raise SchemeError(f"{path}: cannot be read ({exc.strerror})") from None
    for name, text in sorted(files):
        scheme = _read(name, text)
        if scheme.code in schemes:
            raise SchemeError(f"{name}: code: {scheme.code!r} is defined twice")
        schemes[scheme.code] = scheme
    if not schemes:
        raise SchemeError(f"{directory}: no scheme files (*.toml) found")
    return schemes
