"""Attendance on a course session or a one-to-one, and the scheme's missed-session policy.

Marking is one of three words a facilitator uses; each maps to a booking status and says
what happens to the referral. The missed-session policy mirrors the contact policy: it
only proposes ``non_compliant`` (with the reason in words); a person confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from divert_tui.core.rules.eligibility import scheme_label
from divert_tui.core.schemes import Scheme
from divert_tui.core.vocab import BookingStatus, ReferralStatus


class Mark(StrEnum):
    COMPLETED = "completed"
    LEFT_EARLY = "left_early"
    DID_NOT_ATTEND = "did_not_attend"


MARK_LABELS = {
    Mark.COMPLETED: "attended and completed",
    Mark.LEFT_EARLY: "attended but left early",
    Mark.DID_NOT_ATTEND: "did not attend",
}

#: The booking status each mark records.
MARK_STATUS = {
    Mark.COMPLETED: BookingStatus.COMPLETED,
    Mark.LEFT_EARLY: BookingStatus.ATTENDED,
    Mark.DID_NOT_ATTEND: BookingStatus.DID_NOT_ATTEND,
}

#: Where the referral goes: completed, or back to allocated to be booked again.
MARK_REFERRAL = {
    Mark.COMPLETED: ReferralStatus.COMPLETED,
    Mark.LEFT_EARLY: ReferralStatus.ALLOCATED,
    Mark.DID_NOT_ATTEND: ReferralStatus.ALLOCATED,
}

BOOKING_LABELS = {
    BookingStatus.BOOKED: "booked",
    BookingStatus.ATTENDED: "left early",
    BookingStatus.COMPLETED: "completed",
    BookingStatus.DID_NOT_ATTEND: "did not attend",
    BookingStatus.CANCELLED: "cancelled",
}

#: Statuses that hold a place on a session (a cancelled booking frees it).
HOLDS_PLACE = frozenset(
    {
        BookingStatus.BOOKED.value,
        BookingStatus.ATTENDED.value,
        BookingStatus.COMPLETED.value,
        BookingStatus.DID_NOT_ATTEND.value,
    }
)


def parse_mark(value: str) -> Mark:
    try:
        return Mark(value)
    except ValueError:
        raise ValueError(
            f"attendance: use {', '.join(m.value for m in Mark)} ({', '.join(MARK_LABELS.values())})"
        ) from None


@dataclass(frozen=True)
class MissedVerdict:
    propose_non_compliant: bool
    missed: int
    reason: str


def assess_missed(booking_statuses: Iterable[str], scheme: Scheme) -> MissedVerdict:
    """Whether the missed bookings of one referral reach the scheme's policy."""
    missed = sum(1 for status in booking_statuses if status == BookingStatus.DID_NOT_ATTEND.value)
    policy = f"{scheme_label(scheme.name)}: {scheme.missed_sessions} missed sessions"
    if missed >= scheme.missed_sessions:
        return MissedVerdict(True, missed, f"missed {missed} booked course sessions ({policy})")
    if missed == 0:
        return MissedVerdict(False, 0, f"no sessions missed ({policy})")
    left = scheme.missed_sessions - missed
    return MissedVerdict(
        False,
        missed,
        f"missed {missed} session(s); {left} more before non-compliance is proposed ({policy})",
    )
