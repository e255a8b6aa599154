"""Referrals coming in: the officer feed (bulk, one transaction) and manual entry.

Each referral is matched to the people already known (exact -> linked; possible -> left
for a worker to confirm, never merged), checked against the bar and the scheme's age,
and stored with its first-contact due date. A referral already present (same police
reference in the same force) is counted and left alone, so a feed can be imported twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from divert_tui.core import feed_fields
from divert_tui.core.database import Database
from divert_tui.core.feed import FEED_FIELDS, FeedError, RowProblem, read_feed, validate_values
from divert_tui.core.models import IntelligenceLog, Person, Referral, StatusChange, utcnow
from divert_tui.core.rules import eligibility
from divert_tui.core.rules.lifecycle import check_move
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    NotFound,
    Permission,
    ValidationError,
    check_version,
    get_for_update,
    require,
)
from divert_tui.core.services.intake_store import intel_facts, store_records
from divert_tui.core.services.settings import refuse_feed_into_demo
from divert_tui.core.vocab import ReferralSource, ReferralStatus


class FeedRejected(ValidationError):
    """Invalid rows in an all-or-nothing import: nothing was imported."""

    def __init__(self, problems: list[RowProblem], rows_read: int) -> None:
        self.problems = problems
        self.rows_read = rows_read
        super().__init__({f"row {p.row}: {p.field}": p.reason for p in problems})


@dataclass(frozen=True)
class Rejected:
    """A feed row left out by ``--skip-invalid``, with its values as read and the reasons."""

    row: int
    values: dict[str, str]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportSummary:
    rows_read: int
    imported: int
    already_present: int
    matched: int
    possible_matches: int
    barred: int
    outside_scheme: int
    rejected: tuple[Rejected, ...] = ()
    notices: tuple[str, ...] = ()
    columns: tuple[str, ...] = FEED_FIELDS  # the feed's own columns, for a rejects file

    def lines(self) -> list[str]:
        """The summary as a person reads it at the end of an import."""
        return [
            f"rows read: {self.rows_read}",
            f"imported: {self.imported}",
            f"already present: {self.already_present}",
            f"matched to an earlier person: {self.matched}",
            f"possible matches to confirm: {self.possible_matches}",
            f"barred (ineligible): {self.barred}",
            f"outside the scheme (ineligible): {self.outside_scheme}",
            f"rejected: {len(self.rejected)}",
        ]


def import_feed(
    db: Database,
    actor: Actor,
    path: Path,
    schemes: Mapping[str, Scheme],
    *,
    skip_invalid: bool = False,
    today: date | None = None,
) -> ImportSummary:
    """Import a feed file in one transaction: all or nothing, or the valid rows only.

    Raises ValidationError({"file": ...}) for a file that cannot be read as a feed and
    ``FeedRejected`` (listing every problem) for invalid rows without ``skip_invalid``.
    """
    require(actor, Permission.IMPORT_FEED)
    refuse_feed_into_demo(db)
    try:
        result = read_feed(path, schemes, today=today or datetime.now(feed_fields.UK_TIME).date())
    except FeedError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if result.problems and not skip_invalid:
        raise FeedRejected(result.problems, result.rows_read)
    denied = sorted({r.force for r in result.records if not actor.covers(r.force)})
    if denied:
        raise ValidationError({"force": f"you do not work for {', '.join(denied)}"})
    reasons: dict[int, list[str]] = defaultdict(list)
    for problem in result.problems:
        reasons[problem.row].append(f"{problem.field}: {problem.reason}")
    rejected = tuple(
        Rejected(row, result.raw_rows[row - 1], tuple(why)) for row, why in sorted(reasons.items())
    )
    with db.write() as session:
        counts = store_records(session, actor, result.records, schemes)
        audit.record(
            session,
            actor,
            "feed.import",
            "referral",
            "",
            f"file={path.name} rows={result.rows_read} imported={counts.imported} "
            f"present={counts.already} matched={counts.matched} possible={counts.possible} "
            f"barred={counts.barred} outside={counts.outside} rejected={len(rejected)}",
        )
    return ImportSummary(
        rows_read=result.rows_read,
        imported=counts.imported,
        already_present=counts.already,
        matched=counts.matched,
        possible_matches=counts.possible,
        barred=counts.barred,
        outside_scheme=counts.outside,
        rejected=rejected,
        notices=tuple(counts.notices),
        columns=tuple(c for c in result.columns if c in FEED_FIELDS),
    )


@dataclass(frozen=True)
class CreatedReferral:
    referral_id: int
    person_id: int
    status: str
    eligibility: str
    matched_earlier_person: bool
    possible_match_person_id: int | None


def create_referral(
    db: Database,
    actor: Actor,
    values: Mapping[str, object],
    schemes: Mapping[str, Scheme],
    *,
    source: str = ReferralSource.PHONE.value,
    today: date | None = None,
) -> CreatedReferral:
    """A referral typed in from a phone call or email, checked exactly like a feed row.

    Raises ValidationError whose ``errors`` map each field to its problem (for the screen).
    """
    require(actor, Permission.WORK_REFERRALS)
    try:
        source = ReferralSource(source).value
    except ValueError:
        raise ValidationError({"source": f"use one of {', '.join(ReferralSource)}"}) from None
    record, problems = validate_values(
        values, schemes, today=today or datetime.now(feed_fields.UK_TIME).date(), row=0
    )
    if record is None:
        errors: dict[str, str] = {}
        for p in problems:
            errors.setdefault(p.field, p.reason)
        raise ValidationError(errors)
    require(actor, Permission.WORK_REFERRALS, force=record.force)
    with db.write() as session:
        existing = session.exec(
            select(Referral.id).where(
                Referral.force_code == record.force,
                Referral.police_reference == record.police_reference,
            )
        ).first()
        if existing is not None:
            raise ValidationError(
                {"police_reference": f"already recorded for this force (referral {existing})"}
            )
        counts = store_records(session, actor, [record], schemes, source=source)
        referral = session.get(Referral, counts.referral_ids[0])
        assert referral is not None and referral.id is not None
        audit.record(session, actor, "referral.create", "referral", referral.id, f"source={source}")
        return CreatedReferral(
            referral.id,
            referral.person_id,
            referral.status,
            referral.eligibility_note or "",
            counts.matched > 0,
            referral.possible_match_person_id,
        )


def resolve_possible_match(
    db: Database,
    actor: Actor,
    referral_id: int,
    *,
    same_person: bool,
    schemes: Mapping[str, Scheme],
    expected_version: int | None = None,
) -> str:
    """A worker's answer to "is this the same person?"; returns the eligibility in words.

    Confirmed: the referral moves to the earlier person (whose history and bars then
    apply) and the person record made at intake is removed if nothing else uses it.
    """
    with db.write() as session:
        referral = get_for_update(session, Referral, referral_id)
        if referral is None:
            raise NotFound(f"no referral {referral_id}")
        require(actor, Permission.WORK_REFERRALS, force=referral.force_code)
        check_version(referral.version, expected_version, "referral")
        other = referral.possible_match_person_id
        if other is None:
            raise ValidationError({"match": "this referral has no possible match to confirm"})
        provisional = referral.person_id
        referral.possible_match_person_id = None
        if same_person:
            referral.person_id = other
        scheme = schemes[referral.force_code]
        person = session.get(Person, referral.person_id)
        assert person is not None
        verdict = eligibility.decide(
            referral.referred_at.astimezone(feed_fields.UK_TIME),
            scheme,
            date_of_birth=person.date_of_birth,
            logs=intel_facts(session, [referral.person_id], schemes).get(referral.person_id, ()),
        )
        referral.eligibility_note = verdict.explanation
        if not verdict.eligible and referral.status == ReferralStatus.RECEIVED.value:
            refused = check_move(referral.status, ReferralStatus.INELIGIBLE.value, eligible=False)
            if refused is None:
                session.add(
                    StatusChange(
                        referral_id=referral_id,
                        from_status=referral.status,
                        to_status=ReferralStatus.INELIGIBLE.value,
                        staff_id=actor.staff_id,
                        reason=verdict.explanation,
                    )
                )
                referral.status = ReferralStatus.INELIGIBLE.value
                referral.status_reason = verdict.explanation
                referral.closed_at = utcnow()
        referral.version += 1
        referral.updated_at = utcnow()
        session.add(referral)
        session.flush()
        if same_person:
            _drop_if_unused(session, provisional)
        audit.record(
            session,
            actor,
            "referral.match_confirmed" if same_person else "referral.match_rejected",
            "referral",
            referral_id,
            f"person={other}",
        )
        return verdict.explanation


def _drop_if_unused(session: Session, person_id: int) -> None:
    uses = session.exec(
        select(Referral.id).where(
            (Referral.person_id == person_id) | (Referral.possible_match_person_id == person_id)
        )
    ).first()
    logged = session.exec(
        select(IntelligenceLog.id).where(IntelligenceLog.person_id == person_id)
    ).first()
    if uses is None and logged is None:
        person = session.get(Person, person_id)
        if person is not None:
            session.delete(person)
