"""How dates, times, codes and flags read on screen (UK local time, day first)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from divert_tui.core.vocab import SUBSTANCES

UK = ZoneInfo("Europe/London")


def uk_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UK)
    return f"{moment:%d/%m/%Y %H:%M}"


def uk_moment(moment: datetime | None) -> str:
    """A referral's time as given: a feed with a date only is stored at midnight, and
    showing "00:00" would claim a time nobody recorded, so midnight shows the date alone."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UK)
    if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
        return f"{moment:%d/%m/%Y}"
    return f"{moment:%d/%m/%Y %H:%M}"


def uk_date(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def label(code: str | None) -> str:
    return (code or "").replace("_", " ")


def force(code: str | None) -> str:
    """A force as staff say it ("West Midlands"), never its code."""
    return label(code).title()


def substance(code: str) -> str:
    found = SUBSTANCES.get(code)
    return found.label if found else label(code)


def instrument_name(instrument_id: str) -> str:
    """The short published name of an instrument ("AUDIT", "PHQ-9", "Dash"), never its id."""
    from divert_tui.forms import load_instrument

    try:
        title = load_instrument(instrument_id).title
    except (KeyError, ValueError, FileNotFoundError):
        return label(instrument_id)
    return title.split(":", 1)[0].strip() if ":" in title else title


def contact_flag(flag: str) -> Text:
    if flag == "overdue":
        return Text("OVERDUE", style="bold red")
    if flag == "due today":
        return Text("due today", style="bold yellow")
    return Text("")
