"""Whether a person's phone number is safe to call back or leave a message on.

Today the answer lives in the identity check of the assessment call (``identity_check``
item q3, flag ``no_safe_contact``). Reminders and rosters ask only ``numbers_not_safe``,
so where the answer is kept can change without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from divert_tui.core.models import Assessment, InstrumentResponse, Referral

IDENTITY_CHECK = "identity_check"
SAFE_CONTACT_ITEM = "q3"
NO_SAFE_CONTACT_FLAG = "no_safe_contact"


def numbers_not_safe(session: Session, referral_ids: Iterable[int]) -> set[int]:
    """The referrals whose person said, at their latest identity check on any referral,
    that their number is not safe for call-backs or messages."""
    ids = list(referral_ids)
    if not ids:
        return set()
    people = dict(
        session.exec(select(Referral.id, Referral.person_id).where(col(Referral.id).in_(ids))).all()
    )
    if not people:
        return set()
    rows = session.exec(
        select(Referral.person_id, InstrumentResponse.answers, InstrumentResponse.flags)
        .join(Assessment, col(Assessment.id) == InstrumentResponse.assessment_id)
        .join(Referral, col(Referral.id) == Assessment.referral_id)
        .where(
            InstrumentResponse.instrument_id == IDENTITY_CHECK,
            col(Referral.person_id).in_(set(people.values())),
        )
        .order_by(col(InstrumentResponse.updated_at), col(InstrumentResponse.id))
    ).all()
    latest: dict[int, bool] = {}
    for person_id, answers, flags in rows:
        answer = (answers or {}).get(SAFE_CONTACT_ITEM)
        if answer is None and NO_SAFE_CONTACT_FLAG not in (flags or []):
            continue  # not asked on this call: an earlier answer stands
        latest[person_id] = answer == "no" or NO_SAFE_CONTACT_FLAG in (flags or [])
    return {rid for rid, pid in people.items() if latest.get(pid, False)}
