"""Whether a person's number is safe to call back on and to leave messages on.

The identity and safety check of a call asks it (identity_check q3). The answer belongs to
the person, not to one call: the latest answer given stands, and every screen where someone
is about to phone or message them shows it (the referral, the queue, the log-a-call dialog).
This is read inside the caller's transaction; it is part of what they already show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date

from sqlmodel import Session, col, select

from divert_tui.core import feed_fields
from divert_tui.core.models import Assessment, InstrumentResponse, Referral

IDENTITY_CHECK = "identity_check"
SAFE_CONTACT_ITEM = "q3"


@dataclass(frozen=True)
class ContactCaution:
    said_on: date  # UK date of the call where the person said so

    @property
    def short(self) -> str:
        """For a narrow list column."""
        return "NOT SAFE"

    @property
    def text(self) -> str:
        return (
            "NUMBER NOT SAFE for call-backs or messages: no voicemail, no texts; call only "
            f"as agreed with the person (said on the call of {self.said_on:%d/%m/%Y})"
        )


def contact_cautions(session: Session, person_ids: Iterable[int]) -> dict[int, ContactCaution]:
    """The people among ``person_ids`` whose latest answer says their number is not safe."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    rows = session.exec(
        select(Referral.person_id, InstrumentResponse.answers, InstrumentResponse.updated_at)
        .join(Assessment, col(Assessment.id) == InstrumentResponse.assessment_id)
        .join(Referral, col(Referral.id) == Assessment.referral_id)
        .where(
            col(Referral.person_id).in_(wanted),
            InstrumentResponse.instrument_id == IDENTITY_CHECK,
        )
        .order_by(col(InstrumentResponse.updated_at).desc(), col(InstrumentResponse.id).desc())
    ).all()
    decided: set[int] = set()
    found: dict[int, ContactCaution] = {}
    for person_id, answers, updated_at in rows:
        answer = (answers or {}).get(SAFE_CONTACT_ITEM)
        if person_id in decided or answer not in ("yes", "no"):
            continue
        decided.add(person_id)
        if answer == "no":
            moment = updated_at
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            found[person_id] = ContactCaution(moment.astimezone(feed_fields.UK_TIME).date())
    return found
