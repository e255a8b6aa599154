"""The referral's life (DESIGN section 4): which status moves are allowed, and why not.

``check_move`` is the only judge of a status change; services call it and refuse with its
reason. Each guard is a small function of plain facts returning None (allowed) or the
reason in words, so a screen can show exactly why a key does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from divert_tui.core.vocab import ReferralStatus, Role

S = ReferralStatus

MOVES: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.RECEIVED: frozenset({S.CONTACTING, S.INELIGIBLE, S.WITHDRAWN}),
    S.CONTACTING: frozenset({S.ASSESSED, S.INELIGIBLE, S.NON_COMPLIANT, S.WITHDRAWN}),
    S.ASSESSED: frozenset({S.ALLOCATED, S.NON_COMPLIANT, S.WITHDRAWN}),
    S.ALLOCATED: frozenset({S.BOOKED, S.NON_COMPLIANT, S.WITHDRAWN}),
    S.BOOKED: frozenset({S.COMPLETED, S.ALLOCATED, S.NON_COMPLIANT, S.WITHDRAWN}),
    S.INELIGIBLE: frozenset({S.RECEIVED}),
    S.NON_COMPLIANT: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.COMPLETED: frozenset(),
}


@dataclass(frozen=True)
class MoveFacts:
    """What the service knows when it asks for a move; unknown names are a programming error."""

    reason: str = ""
    actor_role: str = Role.WORKER.value
    eligible: bool | None = None
    assessment_completed: bool = False
    allocation_chosen: bool = False
    has_booking: bool = False
    course_completed: bool = False
    contact_policy_exhausted: bool = False
    declined: bool = False
    missed_sessions: bool = False
    booking_cancelled: bool = False


def _to_contacting(f: MoveFacts) -> str | None:
    if f.eligible is False:
        return "the referral is not eligible; it cannot be worked"
    return None


def _to_assessed(f: MoveFacts) -> str | None:
    return None if f.assessment_completed else "the assessment is not completed"


def _to_allocated(f: MoveFacts) -> str | None:
    if f.booking_cancelled:
        return None
    return None if f.allocation_chosen else "no course or one-to-one has been chosen"


def _to_booked(f: MoveFacts) -> str | None:
    return None if f.has_booking else "there is no booking on a session"


def _to_completed(f: MoveFacts) -> str | None:
    return None if f.course_completed else "the course or one-to-one is not recorded as completed"


def _to_ineligible(f: MoveFacts) -> str | None:
    if f.eligible is not False:
        return "no bar or scheme rule makes the referral ineligible"
    return None


def _to_non_compliant(f: MoveFacts) -> str | None:
    if f.contact_policy_exhausted or f.declined or f.missed_sessions:
        return None
    return (
        "the contact policy is not exhausted, the person has not declined "
        "and no course session was missed"
    )


def _to_withdrawn(f: MoveFacts) -> str | None:
    return None if f.reason.strip() else "say why the referral is withdrawn"


def _to_received(f: MoveFacts) -> str | None:
    if f.actor_role not in (Role.TEAM_LEAD.value, Role.ADMIN.value):
        return "only a team lead can override a bar"
    return None if f.reason.strip() else "a team lead override needs a recorded reason"


_GUARDS: dict[ReferralStatus, Callable[[MoveFacts], str | None]] = {
    S.CONTACTING: _to_contacting,
    S.ASSESSED: _to_assessed,
    S.ALLOCATED: _to_allocated,
    S.BOOKED: _to_booked,
    S.COMPLETED: _to_completed,
    S.INELIGIBLE: _to_ineligible,
    S.NON_COMPLIANT: _to_non_compliant,
    S.WITHDRAWN: _to_withdrawn,
    S.RECEIVED: _to_received,
}


def _label(status: ReferralStatus) -> str:
    return status.value.replace("_", " ")


def check_move(current: str, target: str, **facts: object) -> str | None:
    """None when ``current -> target`` is allowed with these facts, else the reason in words."""
    try:
        here, there = S(current), S(target)
    except ValueError as exc:
        raise ValueError(f"unknown referral status: {exc}") from None
    if here == there:
        return f"the referral is already {_label(here)}"
    if there not in MOVES[here]:
        allowed = ", ".join(sorted(_label(s) for s in MOVES[here])) or "nothing (it is closed)"
        return f"a {_label(here)} referral cannot become {_label(there)} (it can become: {allowed})"
    return _GUARDS[there](MoveFacts(**facts))  # type: ignore[arg-type]


def allowed_targets(current: str) -> frozenset[ReferralStatus]:
    return MOVES[S(current)]
