"""When course sessions fall: a start in UK local time, repeated by an iCalendar RRULE.

The rule is applied to the local wall-clock time and only then turned into UTC, so a weekly
18:00 session stays at 18:00 in Europe/London across the March and October clock changes
while its UTC time moves by an hour. Pure functions: no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

UK = ZoneInfo("Europe/London")
#: No rule may make more sessions than this at once (two years of weekly sessions).
MAX_OCCURRENCES = 104


class RecurrenceError(ValueError):
    """A start or a rule that cannot be used; the message names the field and the fix."""


@dataclass(frozen=True)
class Occurrence:
    """One session time: ``starts_at`` in UTC (stored) and ``local`` (shown)."""

    starts_at: datetime
    local: datetime

    @property
    def words(self) -> str:
        return in_words(self.starts_at)


def parse_local_start(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` as UK wall-clock time (naive), refusing anything else."""
    cleaned = " ".join(text.strip().replace("T", " ").split())
    try:
        moment = datetime.strptime(cleaned, "%Y-%m-%d %H:%M")
    except ValueError:
        raise RecurrenceError(
            f"start: {text!r} is not a date and time; write it as YYYY-MM-DD HH:MM, "
            "e.g. 2027-03-23 18:00 (UK time)"
        ) from None
    return moment


def to_utc(local: datetime) -> datetime:
    """A UK wall-clock time as aware UTC; a time the clocks skip is refused in words."""
    aware = local.replace(tzinfo=UK)
    back = aware.astimezone(UTC).astimezone(UK).replace(tzinfo=None)
    if back != local:
        raise RecurrenceError(
            f"start: {local:%H:%M} on {local:%d %B %Y} does not exist in UK time "
            "(the clocks go forward); choose another time"
        )
    return aware.astimezone(UTC)


def occurrences(start: datetime, rule: str | None = None) -> list[Occurrence]:
    """The session times of a start (UK local, naive) and an optional RRULE.

    ``rule`` is an iCalendar RRULE such as ``FREQ=WEEKLY;BYDAY=TU;COUNT=8`` (the leading
    ``RRULE:`` is optional); it must end, by COUNT or UNTIL, within MAX_OCCURRENCES.
    """
    if start.tzinfo is not None:
        start = start.astimezone(UK).replace(tzinfo=None)
    if not rule or not rule.strip():
        return [Occurrence(to_utc(start), start)]
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    upper = text.upper()
    if "COUNT=" not in upper and "UNTIL=" not in upper:
        raise RecurrenceError(
            "repeat: the rule never ends; add COUNT=N (how many sessions) or UNTIL=YYYYMMDD, "
            "e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=8"
        )
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(
            f"repeat: {rule!r} is not an RRULE ({exc}); e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=8 "
            "or FREQ=MONTHLY;BYDAY=1MO;COUNT=6"
        ) from None
    found: list[Occurrence] = []
    for local in parsed:
        if len(found) == MAX_OCCURRENCES:
            raise RecurrenceError(
                f"repeat: the rule makes more than {MAX_OCCURRENCES} sessions; "
                "lower COUNT or bring UNTIL closer"
            )
        local = local.replace(tzinfo=None)
        found.append(Occurrence(to_utc(local), local))
    if not found:
        raise RecurrenceError("repeat: the rule gives no dates after the start; check BYDAY")
    return found


def in_words(moment: datetime) -> str:
    """``Tuesday 30 March 2027, 18:00 (BST)``: a session time as people say it."""
    local = moment.astimezone(UK) if moment.tzinfo else moment.replace(tzinfo=UK)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} ({local.tzname()})"


def london_iso(moment: datetime) -> str:
    """ISO 8601 with the Europe/London offset of that date, e.g. 2027-03-30T18:00:00+01:00."""
    return moment.astimezone(UK).isoformat(timespec="seconds")


def ends_at(starts_at: datetime, minutes: int) -> datetime:
    return starts_at + timedelta(minutes=minutes)
