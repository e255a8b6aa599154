"""Putting a trainer's scenario into the demo database, and putting it back to its start.

Loading a scenario first removes its person (found by names and date of birth, which the
cohort never gives anyone else) and everything hanging off them, then writes them again:
their earlier referrals, the new referral as the officer's feed would bring it (matched and
judged by the same intake code, so a bar is explained in the app's own words), and any
call already made. All of it is one transaction, so a trainer can reset as often as they
like and never sees half a scenario. Only a demo database, and a demo login, may do it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from divert_tui.core import feed_fields
from divert_tui.core.feed import validate_values
from divert_tui.core.models import (
    AdviceGiven,
    Allocation,
    Assessment,
    Booking,
    ContactAttempt,
    InstrumentResponse,
    IntelligenceLog,
    Need,
    NeedService,
    Note,
    Person,
    PersonChange,
    Referral,
    SafeguardingConcern,
    Setting,
    Staff,
    StaffForce,
    StatusChange,
    SubstanceUse,
    WaitingEntry,
)
from divert_tui.core.rules.eligibility import bar_end
from divert_tui.core.rules.matching import normalise_name
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, PermissionDenied, require
from divert_tui.core.services.intake_store import store_records
from divert_tui.core.services.settings import DATASET_KEY, DEMO
from divert_tui.core.vocab import ContactOutcome, ReferralStatus, Role
from divert_tui.demo.data import FORCE_PREFIX
from divert_tui.demo.scenario_book import EarlierReferral, Scenario, all_scenarios, scenario
from divert_tui.forms import load_instrument

if TYPE_CHECKING:
    from divert_tui.core.database import Database

SCENARIO_FORCE = "west_midlands"
DEMO_ONLY = "scenarios can only be loaded into the demo database: start with divert --demo"
_COMPLETED_PATH = (
    ReferralStatus.CONTACTING,
    ReferralStatus.ASSESSED,
    ReferralStatus.ALLOCATED,
    ReferralStatus.BOOKED,
    ReferralStatus.COMPLETED,
)


@dataclass(frozen=True)
class LoadedScenario:
    key: str
    title: str
    person_name: str
    referral_id: int
    status: str
    eligibility: str
    removed_referrals: int  # of an earlier load (or the cohort's copy of a scripted person)
    worker_id: int | None = None  # whose queue (My work) the referral waits in
    worker_name: str = ""


def scenario_moment(today: date, minute: int, now_minute: int | None) -> datetime:
    """When the officer referred them: the scripted minute of ``today``, or ten minutes
    before ``now_minute`` when the clock is not there yet (never a referral from the future)."""
    if now_minute is not None:
        minute = max(0, min(minute, now_minute - 10))
    local = datetime(today.year, today.month, today.day, tzinfo=feed_fields.UK_TIME)
    return (local + timedelta(minutes=minute)).astimezone(UTC)


def load_scenario(
    db: Database,
    actor: Actor,
    key: str,
    schemes: Mapping[str, Scheme],
    *,
    today: date,
    now_minute: int | None = None,
) -> LoadedScenario:
    """Load (or reset to its start) one scenario; raises KeyError for an unknown key."""
    case = scenario(key)
    require(actor, Permission.WORK_REFERRALS)
    if not actor.demo:
        raise PermissionDenied(DEMO_ONLY)
    force = SCENARIO_FORCE if SCENARIO_FORCE in schemes else sorted(schemes)[0]
    with db.write() as session:
        marker = session.get(Setting, DATASET_KEY)
        if marker is None or marker.value != DEMO:
            raise PermissionDenied(DEMO_ONLY)
        born = case.date_of_birth(today)
        removed = remove_person(session, case, born)
        person_id = None
        for n, earlier in enumerate(case.earlier, start=1):
            person_id = _earlier_referral(
                session, case, earlier, n, born, force, schemes[force], today, person_id
            )
        referred_at = scenario_moment(today, case.minute, now_minute)
        record, problems = validate_values(
            _feed_values(case, born, force, referred_at), schemes, today=today
        )
        if record is None:
            raise ValueError(
                f"{case.file}: " + "; ".join(f"{p.field}: {p.reason}" for p in problems)
            )
        counts = store_records(session, actor, [record], schemes, source="officer_app")
        referral = session.get(Referral, counts.referral_ids[0])
        assert referral is not None and referral.id is not None
        referral.assigned_worker_id = _first_worker(session, force)
        if case.first_call is not None:
            _first_call(session, case, referral, force, referred_at)
        session.add(referral)
        session.flush()
        audit.record(
            session, actor, "demo.scenario.load", "referral", referral.id, f"scenario={key}"
        )
        worker = (
            session.get(Staff, referral.assigned_worker_id) if referral.assigned_worker_id else None
        )
        return LoadedScenario(
            case.key,
            case.title,
            case.name,
            referral.id,
            referral.status,
            referral.eligibility_note or "",
            removed,
            referral.assigned_worker_id,
            worker.display_name or worker.username if worker is not None else "",
        )


def scenario_referrals(db: Database, today: date) -> dict[str, int]:
    """The newest referral of each scenario's person now in the demo (key -> referral id)."""
    found: dict[str, int] = {}
    with db.read() as session:
        for case in all_scenarios():
            ids = _people(session, case, case.date_of_birth(today))
            if not ids:
                continue
            newest = session.exec(
                select(Referral.id)
                .where(col(Referral.person_id).in_(ids))
                .order_by(col(Referral.referred_at).desc(), col(Referral.id).desc())
            ).first()
            if newest is not None:
                found[case.key] = newest
    return found


def _people(session: Session, case: Scenario, born: date) -> list[int]:
    return [
        pid
        for pid in session.exec(
            select(Person.id).where(
                Person.first_name_key == normalise_name(case.first_name),
                Person.last_name_key == normalise_name(case.last_name),
                Person.date_of_birth == born,
            )
        ).all()
        if pid is not None
    ]


def remove_person(session: Session, case: Scenario, born: date) -> int:
    """Delete the scenario's person and every row hanging off them; returns their referrals."""
    people = _people(session, case, born)
    if not people:
        return 0
    referrals = list(
        session.exec(select(Referral.id).where(col(Referral.person_id).in_(people))).all()
    )
    assessments = list(
        session.exec(select(Assessment.id).where(col(Assessment.referral_id).in_(referrals))).all()
    )
    needs = list(
        session.exec(select(Need.id).where(col(Need.assessment_id).in_(assessments))).all()
    )
    session.execute(delete(NeedService).where(col(NeedService.need_id).in_(needs)))
    for table in (Need, InstrumentResponse, SubstanceUse, AdviceGiven):
        session.execute(delete(table).where(col(table.assessment_id).in_(assessments)))
    session.execute(
        delete(SafeguardingConcern).where(
            or_(
                col(SafeguardingConcern.referral_id).in_(referrals),
                col(SafeguardingConcern.assessment_id).in_(assessments),
            )
        )
    )
    for table in (
        Assessment,
        StatusChange,
        ContactAttempt,
        Allocation,
        Booking,
        WaitingEntry,
        Note,
    ):
        session.execute(delete(table).where(col(table.referral_id).in_(referrals)))
    for table in (IntelligenceLog, PersonChange):
        session.execute(
            delete(table).where(
                or_(col(table.person_id).in_(people), col(table.referral_id).in_(referrals))
            )
        )
    session.execute(
        update(Referral)
        .where(col(Referral.possible_match_person_id).in_(people))
        .values(possible_match_person_id=None)
    )
    session.execute(delete(Referral).where(col(Referral.id).in_(referrals)))
    session.execute(delete(Person).where(col(Person.id).in_(people)))
    session.expire_all()
    return len(referrals)


def _first_worker(session: Session, force: str) -> int | None:
    """The first active worker of the force: the account the demo's role picker logs in as."""
    return session.exec(
        select(Staff.id)
        .join(StaffForce, col(StaffForce.staff_id) == Staff.id)
        .where(Staff.role == Role.WORKER.value, col(Staff.active), StaffForce.force_code == force)
        .order_by(col(Staff.id))
    ).first()


def _reference(force: str, today: date, case: Scenario, n: int) -> str:
    """A police reference of its own per scenario (and per earlier referral of it)."""
    index = next(i for i, s in enumerate(all_scenarios(), start=1) if s.key == case.key)
    return f"{FORCE_PREFIX.get(force, 'DEMO')}/{today.year}/9{index:03d}{n:02d}"


def _feed_values(
    case: Scenario, born: date, force: str, referred_at: datetime
) -> dict[str, object]:
    return {
        "police_reference": _reference(force, referred_at.date(), case, 0),
        "force": force,
        "referred_at": referred_at.astimezone(feed_fields.UK_TIME).isoformat(),
        "offence_date": referred_at.astimezone(feed_fields.UK_TIME).date().isoformat(),
        "first_name": case.first_name,
        "last_name": case.last_name,
        "date_of_birth": born.isoformat(),
        "sex": case.sex,
        "self_defined_ethnicity": case.self_defined_ethnicity,
        "officer_observed_ethnicity": case.officer_observed_ethnicity,
        "phone": case.phone,
        "postcode": case.postcode,
        "substances": ";".join(case.substances),
        "officer": "PC 4417 Demo",
        "location": case.location,
        "notes": case.feed_notes,
    }


def _earlier_referral(
    session: Session,
    case: Scenario,
    earlier: EarlierReferral,
    n: int,
    born: date,
    force: str,
    scheme: Scheme,
    today: date,
    person_id: int | None,
) -> int:
    """A closed referral of months ago, with its status trail (and bar, when non-compliant)."""
    day = today - relativedelta(months=earlier.months_ago)
    referred = datetime(day.year, day.month, day.day, 10, tzinfo=feed_fields.UK_TIME).astimezone(
        UTC
    )
    if person_id is None:
        person = Person(
            first_name=case.first_name,
            last_name=case.last_name,
            first_name_key=normalise_name(case.first_name),
            last_name_key=normalise_name(case.last_name),
            date_of_birth=born,
            sex=case.sex,
            self_defined_ethnicity=case.self_defined_ethnicity,
            officer_observed_ethnicity=case.officer_observed_ethnicity,
            phone=case.phone,
            postcode=case.postcode,
            created_at=referred,
        )
        session.add(person)
        session.flush()
        assert person.id is not None
        person_id = person.id
    if earlier.outcome == ReferralStatus.COMPLETED.value:
        path, closed = _COMPLETED_PATH, referred + timedelta(weeks=6)
        reason = "attended every session of the course"
    else:
        path = (ReferralStatus.CONTACTING, ReferralStatus.NON_COMPLIANT)
        closed = referred + timedelta(weeks=3)
        reason = "no engagement within the scheme's contact policy"
    referral = Referral(
        force_code=force,
        police_reference=_reference(force, day, case, n),
        person_id=person_id,
        referred_at=referred,
        offence_date=day,
        substances=";".join(earlier.substances),
        main_substance=earlier.substances[0],
        officer="PC 4417 Demo",
        status=path[-1].value,
        status_reason=reason,
        eligibility_note="eligible: no intelligence log bars this person",
        first_contact_due=day + timedelta(days=2),
        first_contact_at=referred + timedelta(days=1),
        closed_at=closed,
        created_at=referred,
        updated_at=closed,
    )
    session.add(referral)
    session.flush()
    assert referral.id is not None
    steps = len(path)
    previous: str | None = ReferralStatus.RECEIVED.value
    for i, status in enumerate(path, start=1):
        at = referred + (closed - referred) * i / steps
        session.add(
            StatusChange(
                referral_id=referral.id,
                from_status=previous,
                to_status=status.value,
                at=at,
                reason=reason if status is path[-1] else None,
            )
        )
        previous = status.value
    if earlier.outcome == ReferralStatus.NON_COMPLIANT.value:
        local = closed.astimezone(feed_fields.UK_TIME).date()
        session.add(
            IntelligenceLog(
                person_id=person_id,
                referral_id=referral.id,
                force_code=force,
                reason="non_compliance",
                created_at=closed,
                bar_until=bar_end(local, scheme.bar_months),
                sent_to_police_at=closed + timedelta(days=1),
            )
        )
    session.flush()
    return person_id


def _first_call(
    session: Session, case: Scenario, referral: Referral, force: str, referred_at: datetime
) -> None:
    """A call answered ``days_ago`` that stopped after the identity and safety check."""
    call = case.first_call
    assert call is not None and referral.id is not None
    at = referred_at - timedelta(days=call.days_ago)
    referral.referred_at = at - timedelta(hours=2)
    referral.created_at = referral.referred_at
    referral.offence_date = referral.referred_at.astimezone(feed_fields.UK_TIME).date()
    referral.status = ReferralStatus.CONTACTING.value
    referral.first_contact_at = at
    worker = referral.assigned_worker_id
    session.add(
        ContactAttempt(
            referral_id=referral.id,
            staff_id=worker,
            attempted_at=at,
            outcome=ContactOutcome.ANSWERED.value,
            note=call.note,
        )
    )
    session.add(
        StatusChange(
            referral_id=referral.id,
            from_status=ReferralStatus.RECEIVED.value,
            to_status=ReferralStatus.CONTACTING.value,
            at=at,
            staff_id=worker,
            reason="first call answered",
        )
    )
    answers = {"q4": "yes", "q5": "yes", **call.identity}
    instrument = load_instrument("identity_check")
    result = instrument.score(answers)
    assessment = Assessment(
        referral_id=referral.id,
        worker_id=worker,
        started_at=at,
        current_step="drug_use",
        identity_confirmed=answers.get("q1") == "yes",
        safe_to_talk=answers.get("q2") == "yes",
        consent_given=answers.get("q5") == "yes",
        privacy_notice_read=answers.get("q4") == "yes",
        updated_at=at,
    )
    session.add(assessment)
    session.flush()
    assert assessment.id is not None
    session.add(
        InstrumentResponse(
            assessment_id=assessment.id,
            instrument_id=instrument.id,
            instrument_version=str(instrument.version),
            answers=answers,
            total=result.total,
            band=result.band,
            positive=result.positive,
            flags=sorted(result.flags),
            completed=True,
            updated_at=at,
        )
    )
    session.add(Note(referral_id=referral.id, staff_id=worker, created_at=at, text=call.note))
