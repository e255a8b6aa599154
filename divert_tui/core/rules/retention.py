"""How long personal data is kept: when a person is due to be anonymised, and why.

Each scheme keeps a person's details a number of whole years after their last referral
closed (``[retention] person_years``). Days are UK days (a referral closed at 23:30 UTC on
a summer evening closed the next day in London). The period ends on the anniversary of
the closing day; a 29 February closing reaches it on 1 March in a common year, so that
nobody is anonymised a day before the full years have passed.

A person with an open referral is never due, nor one whose bar still runs: the
intelligence log behind a bar is needed until the bar ends. An intelligence log's reason
is kept ``intel_months_after_bar`` months after its bar ended, and no longer.

``cutoff`` is the same rule read backwards (the latest closing day that is due today),
which is what the service asks the database, so the list and the rule always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from divert_tui.core.rules.eligibility import fmt_date
from divert_tui.core.rules.metrics.timing import UK, as_utc
from divert_tui.core.vocab import OPEN_STATUSES


@dataclass(frozen=True)
class Policy:
    """A scheme's retention setting, with the scheme's name for the sentence."""

    scheme_name: str
    years: int


@dataclass(frozen=True)
class ReferralFacts:
    referral_id: int
    force: str
    status: str
    closed_at: datetime | None  # as stored: aware, or naive UTC


@dataclass(frozen=True)
class BarFacts:
    log_id: int
    bar_until: date  # the first day the person may be offered diversion again


@dataclass(frozen=True)
class Verdict:
    due: bool
    reason: str
    last_closed: date | None = None
    due_from: date | None = None


def uk_date(moment: datetime) -> date:
    """The day in London of a stored moment."""
    return as_utc(moment).astimezone(UK).date()


def _whole(day: date, span: relativedelta) -> date:
    """The first day at least ``span`` after ``day``: where the calendar has no such day
    (29 Feb in a common year, 31 Apr) that is the 1st of the next month, never the day before."""
    end = day + span
    return end + timedelta(days=1) if end.day != day.day else end


def due_from(closed: date, years: int) -> date:
    """The first day a closing of ``closed`` is past ``years`` whole years."""
    return _whole(closed, relativedelta(years=years))


def cutoff(today: date, years: int) -> date:
    """The latest closing day that is due today (``due_from(c) <= today`` exactly when
    ``c <= cutoff(today)``)."""
    return today - relativedelta(years=years)


def intel_strip_from(bar_until: date, months: int) -> date:
    """The first day an intelligence log's reason is no longer kept."""
    return _whole(bar_until, relativedelta(months=months))


def intel_cutoff(today: date, months: int) -> date:
    """The latest bar end whose log's reason is no longer kept today (read backwards)."""
    return today - relativedelta(months=months)


def intel_due(bar_until: date, months: int, today: date) -> bool:
    return today >= intel_strip_from(bar_until, months)


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def person_verdict(
    referrals: Iterable[ReferralFacts],
    bars: Iterable[BarFacts],
    policies: Mapping[str, Policy],
    today: date,
) -> Verdict:
    """Whether the person's details are due to be anonymised today, in a sentence."""
    ordered = sorted(referrals, key=lambda r: r.referral_id)
    if not ordered:
        return Verdict(False, "not due: no referral is on record, so no period has started")
    for referral in ordered:
        if referral.status in OPEN_STATUSES:
            words = referral.status.replace("_", " ")
            return Verdict(
                False, f"not due: referral {referral.referral_id} is still open ({words})"
            )
    for referral in ordered:
        if referral.closed_at is None:
            return Verdict(
                False,
                f"not due: referral {referral.referral_id} is closed but has no closing date, "
                "so its period cannot be counted",
            )
        if referral.force not in policies:
            return Verdict(
                False,
                f"not due: referral {referral.referral_id} is of the force {referral.force!r}, "
                "which has no scheme file and so no retention period",
            )
    running = [bar for bar in bars if bar.bar_until > today]
    if running:
        bar = max(running, key=lambda b: (b.bar_until, b.log_id))
        return Verdict(
            False,
            f"not due: intelligence log {bar.log_id} supports a bar until "
            f"{fmt_date(bar.bar_until)}",
        )
    # The referral whose period ends last decides (forces may keep for different years).
    deciding = max(
        ordered,
        key=lambda r: (
            due_from(uk_date(r.closed_at), policies[r.force].years),  # type: ignore[arg-type]
            r.referral_id,
        ),
    )
    assert deciding.closed_at is not None
    closed = uk_date(deciding.closed_at)
    policy = policies[deciding.force]
    ends = due_from(closed, policy.years)
    last_closed = max(uk_date(r.closed_at) for r in ordered if r.closed_at is not None)
    why = (
        f"last referral closed {fmt_date(closed)} (referral {deciding.referral_id}); "
        f"{policy.scheme_name} keeps personal data {_years(policy.years)} after the last "
        "referral closed"
    )
    if today >= ends:
        return Verdict(True, f"due since {fmt_date(ends)}: {why}", last_closed, ends)
    return Verdict(False, f"not due until {fmt_date(ends)}: {why}", last_closed, ends)
