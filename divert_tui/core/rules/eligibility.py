"""May this person be offered diversion on this referral date? The bar and the scheme's age.

Non-compliance writes an intelligence log; the person cannot be offered diversion again
until the log's bar ends (calendar months, dateutil). Completing never bars, an ended bar
never bars, and an under-age person is outside the scheme whatever their history. The
answer always carries its reason in words, because a worker reads it to the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from divert_tui.core.feed_fields import age_on
from divert_tui.core.schemes import Scheme

REASON_WORDS = {
    "non_compliance": "non-compliance",
    "non_compliant": "non-compliance",
    "missed_sessions": "missed course sessions",
    "declined": "declining the intervention",
}


@dataclass(frozen=True)
class IntelLogFact:
    """An intelligence log of the person, as plain data."""

    id: int
    created: date
    reason: str
    bar_until: date | None = None
    scheme_name: str = ""
    bar_months: int | None = None


@dataclass(frozen=True)
class EarlierReferralFact:
    id: int
    referred_at: date
    status: str


@dataclass(frozen=True)
class OverrideFact:
    """A team lead's recorded decision to set a bar aside for one referral."""

    by: str
    on: date
    reason: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    explanation: str
    rule: str  # "clear", "bar", "age", "override"
    bar_until: date | None = None
    log_id: int | None = None


def fmt_date(day: date) -> str:
    """The date as a worker writes it: "14 Mar 2026"."""
    return f"{day.day} {day:%b %Y}"


def scheme_label(name: str) -> str:
    """ "West Midlands Police" -> "West Midlands scheme", as workers and the police say it."""
    base = name.removesuffix(" Police").removesuffix(" Constabulary").strip()
    return f"{base} scheme"


def bar_end(created: date, months: int) -> date:
    """The first day the person may be offered diversion again (29 Feb + 12 months -> 28 Feb)."""
    return created + relativedelta(months=months)


def _day(when: date | datetime) -> date:
    return when.date() if isinstance(when, datetime) else when


def _bar_words(log: IntelLogFact, scheme: Scheme) -> tuple[date, str]:
    months = log.bar_months if log.bar_months is not None else scheme.bar_months
    until = log.bar_until or bar_end(log.created, months)
    label = scheme_label(log.scheme_name or scheme.name)
    reason = REASON_WORDS.get(log.reason, log.reason.replace("_", " "))
    words = (
        f"intelligence log {log.id} for {reason} on {fmt_date(log.created)} "
        f"({label}, {months}-month bar)"
    )
    return until, words


def decide(
    referred_at: date | datetime,
    scheme: Scheme,
    *,
    date_of_birth: date | None,
    logs: Iterable[IntelLogFact] = (),
    earlier: Iterable[EarlierReferralFact] = (),
    override: OverrideFact | None = None,
) -> Eligibility:
    """Eligibility on the referral date with the rule that decided it, in words."""
    on = _day(referred_at)
    if date_of_birth is not None:
        age = age_on(date_of_birth, on)
        if age < scheme.minimum_age:
            return Eligibility(
                False,
                f"outside the scheme: aged {age} on {fmt_date(on)}; the "
                f"{scheme_label(scheme.name)} accepts people aged {scheme.minimum_age} and over",
                "age",
            )
    bars = []
    ended = []
    for log in logs:
        if log.created > on:
            continue
        until, words = _bar_words(log, scheme)
        (bars if on < until else ended).append((until, log, words))
    if bars:
        until, log, words = max(bars, key=lambda b: (b[0], b[1].id))
        if override is not None:
            return Eligibility(
                True,
                f"eligible by team lead override ({override.by}, {fmt_date(override.on)}: "
                f"{override.reason}); set aside the bar until {fmt_date(until)}: {words}",
                "override",
                until,
                log.id,
            )
        return Eligibility(
            False, f"not eligible until {fmt_date(until)}: {words}", "bar", until, log.id
        )
    if ended:
        until, log, words = max(ended, key=lambda b: (b[0], b[1].id))
        return Eligibility(True, f"eligible: the bar ended on {fmt_date(until)} ({words})", "clear")
    completed = [r for r in earlier if r.status == "completed" and r.referred_at <= on]
    if completed:
        count = len(completed)
        plural = "referral" if count == 1 else "referrals"
        return Eligibility(
            True,
            f"eligible: {count} earlier {plural} completed; completing never bars",
            "clear",
        )
    return Eligibility(True, "eligible: no intelligence log bars this person", "clear")
