"""When has the service tried hard enough to reach someone? The scheme's contact policy.

Closing as non-compliant writes an intelligence log and a bar, so the rule is strict on
the person's side: only unanswered attempts since the last answered call count, and they
must themselves be spread over at least the scheme's number of days. A refusal ends it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from divert_tui.core.rules.eligibility import fmt_date, scheme_label
from divert_tui.core.schemes import Scheme
from divert_tui.core.vocab import ContactOutcome

UNANSWERED = frozenset(
    {ContactOutcome.NO_ANSWER, ContactOutcome.VOICEMAIL, ContactOutcome.WRONG_NUMBER}
)


@dataclass(frozen=True)
class AttemptFact:
    at: datetime
    outcome: str


@dataclass(frozen=True)
class ContactVerdict:
    propose_non_compliant: bool
    reason: str
    unanswered: int
    declined: bool = False


def assess_contact(attempts: Iterable[AttemptFact], scheme: Scheme) -> ContactVerdict:
    """Whether to propose closing as non-compliant, with the reason a worker can read out."""
    ordered = sorted(attempts, key=lambda a: a.at)
    policy = (
        f"{scheme_label(scheme.name)}: {scheme.contact_attempts} attempts "
        f"over at least {scheme.contact_days} days"
    )
    if ordered and ordered[-1].outcome == ContactOutcome.DECLINED:
        return ContactVerdict(
            True,
            f"the person declined on {fmt_date(ordered[-1].at.date())}",
            0,
            declined=True,
        )
    since: list[AttemptFact] = []
    for attempt in ordered:
        if attempt.outcome == ContactOutcome.ANSWERED:
            since = []
        elif attempt.outcome in UNANSWERED:
            since.append(attempt)
    if not since:
        if ordered:
            return ContactVerdict(False, "the person answered the last call", 0)
        return ContactVerdict(False, f"no contact attempts yet ({policy})", 0)
    count = len(since)
    first, last = since[0].at.date(), since[-1].at.date()
    span = (last - first).days
    if count >= scheme.contact_attempts and span >= scheme.contact_days:
        return ContactVerdict(
            True,
            f"{count} attempts without an answer between {fmt_date(first)} and "
            f"{fmt_date(last)} ({policy})",
            count,
        )
    needs = []
    if count < scheme.contact_attempts:
        needs.append(f"{scheme.contact_attempts - count} more attempt(s)")
    if span < scheme.contact_days:
        needs.append(
            f"an attempt on or after {fmt_date(first + timedelta(days=scheme.contact_days))}"
        )
    return ContactVerdict(
        False,
        f"{count} attempt(s) without an answer since {fmt_date(first)}; the policy needs "
        f"{' and '.join(needs)} ({policy})",
        count,
    )
