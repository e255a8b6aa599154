"""The call-back a worker agrees when a call ends early, typed as a person says it.

"thursday 10am", "tomorrow 14:30", "03/12 10:00", "2026-12-03 9.15": read against the UK
clock into an aware moment, refused in words when it cannot be read or is already past.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EXAMPLE = "for example: thursday 10am, tomorrow 14:30 or 03/12/2026 10:00"
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
MAX_DAYS_AHEAD = 90


def _day(word: str, today: date) -> date | None:
    word = word.strip().lower().rstrip(",")
    if word in ("today", ""):
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    for n, name in enumerate(WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return today + timedelta(days=(n - today.weekday()) % 7)
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(word, pattern).date()
        except ValueError:
            pass
    try:
        day = datetime.strptime(f"{word}/{today.year}", "%d/%m/%Y").date()
    except ValueError:
        return None
    return day if day >= today else day.replace(year=today.year + 1)


def _time(words: str) -> time | None:
    found = _TIME.match(words.strip().lower().replace(" ", ""))
    if not found:
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or (half and int(found.group(1)) > 12):
        return None
    return time(hour, minute)


def parse_call_back(text: str, now: datetime) -> datetime | None:
    """The agreed call-back as an aware UK moment, None when nothing was typed.

    Raises ValueError with a message for the worker when it cannot be read or is past."""
    words = " ".join(text.strip().split())
    if not words:
        return None
    now = now.astimezone(UK)
    parts = words.rsplit(" ", 1)
    if len(parts) == 2 and _time(parts[1]) is not None:
        day_words, at = parts[0], _time(parts[1])
    elif _time(words) is not None:
        day_words, at = "today", _time(words)
    else:
        raise ValueError(f"call-back: give a day and a time, {EXAMPLE}")
    day = _day(day_words, now.date())
    if day is None or at is None:
        raise ValueError(f"call-back: '{day_words}' is not a day I can read, {EXAMPLE}")
    moment = datetime.combine(day, at, tzinfo=UK)
    if moment <= now and day_words.lower()[:3] in {w[:3] for w in WEEKDAYS}:
        moment += timedelta(days=7)  # "thursday 10am" said on a Thursday afternoon
    if moment <= now:
        raise ValueError(f"call-back: {describe(moment)} is already past")
    if moment - now > timedelta(days=MAX_DAYS_AHEAD):
        raise ValueError(f"call-back: {describe(moment)} is more than {MAX_DAYS_AHEAD} days away")
    return moment


def describe(moment: datetime) -> str:
    """A call-back as a worker says it back: "Thu 03/12/2026 10:00"."""
    local = moment.astimezone(UK)
    return f"{local:%a %d/%m/%Y %H:%M}"


def is_due(moment: datetime, now: datetime) -> bool:
    """Due for the worker's list: today (UK) or earlier."""
    return moment.astimezone(UK).date() <= now.astimezone(UK).date()
