"""Finding a person or referral by name, date of birth or police reference (the command
palette's source). Only the forces the actor works for are searched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil import parser as date_parser
from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Person, Referral
from divert_tui.core.rules.matching import normalise_name
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, require

_DATE_LIKE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")


@dataclass(frozen=True)
class SearchHit:
    referral_id: int
    person_id: int
    label: str
    detail: str


def _as_date(text: str) -> date | None:
    if not _DATE_LIKE.match(text):
        return None
    try:
        return date_parser.parse(text, dayfirst=not text[:4].isdigit()).date()
    except (ValueError, OverflowError):
        return None


def find(db: Database, actor: Actor, text: str, *, limit: int = 20) -> list[SearchHit]:
    """Referrals whose reference, person's name or date of birth fits the text, newest first.

    Every search that runs appends one audit event naming the referrals it showed.
    """
    words = text.strip().split()
    if not words:
        return []
    conditions = []
    for word in words:
        born = _as_date(word)
        if born is not None:
            conditions.append(Person.date_of_birth == born)
            continue
        key = normalise_name(word)
        if not key:
            continue
        conditions.append(
            or_(
                func.lower(Referral.police_reference).like(f"%{word.lower()}%"),
                col(Person.last_name_key).like(f"{key}%"),
                col(Person.first_name_key).like(f"{key}%"),
            )
        )
    if not conditions:
        return []
    condition = and_(*conditions)
    if not actor.sees_all_forces:
        condition = and_(condition, col(Referral.force_code).in_(sorted(actor.forces)))
    statement = (
        select(
            Referral.id,
            Person.id,
            Person.first_name,
            Person.last_name,
            Person.date_of_birth,
            Referral.police_reference,
            Referral.status,
            Referral.referred_at,
        )
        .join(Person, col(Person.id) == Referral.person_id)
        .where(condition)
        .order_by(col(Referral.referred_at).desc())
        .limit(limit)
    )
    with db.write() as session:
        require(actor, Permission.VIEW_REFERRALS)
        hits = [
            SearchHit(
                referral_id=r[0],
                person_id=r[1],
                label=f"{r[2]} {r[3]} ({r[4]:%d/%m/%Y})",
                detail=f"{r[5]} - {r[6].replace('_', ' ')} - referred {r[7]:%d %b %Y}",
            )
            for r in session.exec(statement).all()
        ]
        shown = ",".join(str(hit.referral_id) for hit in hits)
        audit.record(session, actor, "search", "referral", "", f"{len(hits)} found: {shown or '-'}")
        return hits
