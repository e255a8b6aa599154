"""Whether a person's number is safe to call back on and to leave messages on.

The identity and safety check of a call asks it (identity_check q3; since version 2, q6 tells
"calls only, no messages" from "do not call"). The answer belongs to the person, not to one
call: the latest answer given stands, and every screen where someone is about to phone or
message them shows it (the referral, the queue, the log-a-call dialog).
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
SAFE_CONTACT_ITEM = "q3"  # safe to call back on and to leave a message on?
CALLS_ONLY_ITEM = "q6"  # (version 2, asked after a "no") safe to call, leaving no message?


@dataclass(frozen=True)
class ContactCaution:
    said_on: date  # UK date of the call where the person said so
    calls_allowed: bool = False  # calls are safe, but no voicemail or texts

    @property
    def short(self) -> str:
        """For a narrow list column."""
        return "NO VM" if self.calls_allowed else "NOT SAFE"

    @property
    def text(self) -> str:
        said = f"(said on the call of {self.said_on:%d/%m/%Y})"
        if self.calls_allowed:
            return (
                "NO VOICEMAIL OR TEXTS on this number: calls only, and say who you are only "
                f"to the person themselves {said}"
            )
        return (
            "NUMBER NOT SAFE: do not call back, no voicemail, no texts; contact only as agreed "
            f"with the person {said}"
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
            # Version 1 asked one question for both; its "no" keeps the stricter reading.
            calls = (answers or {}).get(CALLS_ONLY_ITEM) == "yes"
            said_on = moment.astimezone(feed_fields.UK_TIME).date()
            found[person_id] = ContactCaution(said_on, calls_allowed=calls)
    return found
