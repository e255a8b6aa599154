"""Subject access: everything the service holds about one person, for them to read.

``export_person`` writes two owner-only files through ``core.outfiles``: a JSON file with
every record (each referral, contact attempt, assessment answer with its instrument and
version, advice, need and onward referral, safeguarding concern, booking, intelligence log,
note, contact-detail change, and the audit events about them) and a plain-language letter
(``subject_access_letter``). One transaction reads it all and records one audit event.

Free text may name other people (a partner in a Dash, a child in a safeguarding detail, a
neighbour in a call note). None of it is silently left in or dropped: each such text is a
numbered item under REVIEW BEFORE RELEASE, saying where it comes from, and its place in
the records points to that item, so a person decides what is released.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from divert_tui.core import outfiles
from divert_tui.core.database import Database
from divert_tui.core.models import Referral, Setting
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, ValidationError, require
from divert_tui.core.services.settings import DATASET_KEY, DEMO
from divert_tui.core.services.subject_access_records import Review, iso, read_person

__all__ = ["Review", "SubjectAccessExport", "export_person", "person_by_reference", "read_person"]


@dataclass(frozen=True)
class SubjectAccessExport:
    person_id: int
    json_path: Path
    text_path: Path
    review_items: int
    demo: bool


def person_by_reference(db: Database, actor: Actor, reference: str) -> int:
    """The person a police reference belongs to (one, or a refusal naming the forces)."""
    require(actor, Permission.EXPORT_PERSON)
    with db.read() as session:
        rows = session.exec(
            select(Referral.person_id, Referral.force_code).where(
                Referral.police_reference == reference.strip()
            )
        ).all()
    people = {person for person, _ in rows}
    if not people:
        raise ValidationError({"reference": f"no referral has the police reference {reference!r}"})
    if len(people) > 1:
        forces = ", ".join(sorted({force for _, force in rows}))
        raise ValidationError(
            {
                "reference": f"{reference!r} is used by {len(people)} people ({forces}): give the person id instead"
            }
        )
    return next(iter(people))


def _file_names(person_id: int) -> tuple[str, str]:
    stem = f"person-{person_id}-subject-access"
    return f"{stem}.json", f"{stem}.txt"


def export_person(
    db: Database, actor: Actor, person_id: int, folder: Path, *, now: datetime | None = None
) -> SubjectAccessExport:
    """Write the JSON record and the letter for a person into ``folder`` (audited)."""
    from divert_tui.core.services.subject_access_letter import letter_text

    require(actor, Permission.EXPORT_PERSON)
    folder = folder.expanduser()
    if not folder.is_dir():
        raise ValidationError({"folder": f"{folder} is not a folder that exists; create it first"})
    now = now or datetime.now(UTC)
    with db.write() as session:
        data, review = read_person(session, person_id)
        row = session.get(Setting, DATASET_KEY)
        demo = actor.demo or (row is not None and row.value == DEMO)
        document = {
            "subject_access_export": {
                "made_at": iso(now),
                "made_by": actor.display_name or actor.username,
                "review_before_release": (
                    f"{len(review.items)} item(s) of free text may name or describe other "
                    "people: read each under review_items before anything is released"
                    if review.items
                    else "no free text to review"
                ),
            },
            **data,
            "review_items": review.items,
        }
        json_name, text_name = _file_names(person_id)
        json_target = outfiles.marked_path(folder / json_name, demo=demo)
        text_target = outfiles.marked_path(folder / text_name, demo=demo)
        # Recorded first: a file that cannot be written rolls the event back with it.
        audit.record(
            session,
            actor,
            "person.export",
            "person",
            person_id,
            f"files={json_target.name},{text_target.name} referrals={len(data['referrals'])} "
            f"review_items={len(review.items)}",
        )
        json_path = outfiles.write_json_file(folder / json_name, document, demo=demo)
        text_path = outfiles.write_text_file(
            folder / text_name, letter_text(data, review.items, now=now), demo=demo
        )
    return SubjectAccessExport(person_id, json_path, text_path, len(review.items), demo)
