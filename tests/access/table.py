"""Who may do what: one row per service operation, checked cell by cell by
tests/access/test_access_table.py and printed into README.md by scripts/access_table.py.

An operation is a public function of ``divert_tui.core.services`` that takes an ``actor``
and opens its own transaction (its first parameter is the database). Each row names the
roles allowed, whether the operation is bound to the force of the record it touches, and a
recipe that makes fresh force-A records for one call and returns that call's arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from divert_tui.core.rules.advice import catalogue
from divert_tui.core.rules.metrics.timing import Period
from divert_tui.core.services import (
    assessment,
    assessment_outcome,
    assessment_record,
    assessment_safety,
    audit,
    audit_search,
    backup,
    booking,
    caseload,
    course_capacity,
    courses,
    directory,
    intake,
    intel,
    outcomes,
    queue,
    referral_conflicts,
    referral_view,
    referrals,
    reports,
    retention,
    safeguarding,
    search,
    sessions,
    staff,
    subject_access,
    trends,
    workload,
)
from divert_tui.core.vocab import ReferralStatus, Role
from tests.access.world import FORCE_A, NOW, PASSWORD, TODAY, World
from tests.conftest import PG_URL
from tests.services.referral_helpers import row, write_feed

W, L, T, A = Role.WORKER, Role.TEAM_LEAD, Role.TRAINER, Role.ADMIN
EVERYONE = frozenset({W, L, T, A})
LEADS = frozenset({L, T, A})
ADMINS = frozenset({A})
CASEWORK = frozenset({W, L, T})  # working a caseload needs a worker's account, not an admin's
PERIOD = Period(TODAY - timedelta(days=365), TODAY)


@dataclass(frozen=True)
class Args:
    """The arguments of one call after ``db, actor``."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def args(*a: Any, **kw: Any) -> Args:
    return Args(a, kw)


@dataclass(frozen=True)
class Row:
    """One operation: who may, whether only on their own forces' records, and how to call it."""

    op: Callable[..., Any]
    words: str
    roles: frozenset[Role]
    scoped: bool
    recipe: Callable[[World], Args]
    # Refusals an allowed call may end in after the access check, by name: only backup and
    # restore on PostgreSQL, which point to pg_dump and pg_restore.
    settles: tuple[str, ...] = ()
    by_url: bool = False  # called as op(*args, actor=actor), the url first: backup, restore

    @property
    def name(self) -> str:
        return f"{self.op.__module__.rsplit('.', 1)[-1]}.{self.op.__name__}"


def _feed(w: World) -> Path:
    return write_feed(w.path("feed.csv"), [row(police_reference=f"WM/FEED/{w.n():05d}")])


def _values(w: World) -> dict[str, str]:
    return row(police_reference=f"WM/PHONE/{w.n():05d}", first_name=w.letters(), force=FORCE_A)


def _plan(w: World) -> sessions.SessionPlan:
    return sessions.plan_sessions(
        force=FORCE_A,
        group="cannabis",
        start=(NOW + timedelta(days=30 + w.n())).strftime("%Y-%m-%d %H:%M"),
        minutes=120,
        capacity=10,
    )


def _advice_id(w: World) -> str:
    return next(iter(catalogue().by_id()))


def _self_harm_action() -> str:
    needs_more = assessment_safety.SELF_HARM_NEEDS_REFERRED_TO
    return next(a for a in assessment_safety.SELF_HARM_ACTIONS if a not in needs_more)


def _backup_args(w: World) -> Args:
    return args(w.url, w.path("backup.db"))


def _restore_args(w: World) -> Args:
    """A backup of the world restored over another copy of it, never over the world."""
    if PG_URL:
        return args(w.url, w.path("none.db"), now=NOW)  # PostgreSQL restores with pg_restore
    other, saved = w.path("other.db"), w.path("backup.db")
    backup.backup(w.url, other, actor=w.system)
    backup.backup(w.url, saved, actor=w.system)
    return args(f"sqlite:///{other}", saved, now=NOW)


ON_POSTGRES = ("BackupError",) if PG_URL else ()  # PostgreSQL uses pg_dump and pg_restore


class _Schemes:
    """Stands for the loaded schemes, which the test puts in its place."""


S = _Schemes()

# fmt: off
ROWS: tuple[Row, ...] = (
    # --- the assessment call -------------------------------------------------------------
    Row(assessment.find, "see whether a referral has an assessment", EVERYONE, True,
        lambda w: args(w.referral(ReferralStatus.CONTACTING))),
    Row(assessment.start_or_resume, "start or resume an assessment call", EVERYONE, True,
        lambda w: args(w.referral(ReferralStatus.CONTACTING), S)),
    Row(assessment.load, "open an assessment", EVERYONE, True,
        lambda w: args(w.assessment())),
    Row(assessment.save_answer, "answer a question of an assessment", EVERYONE, True,
        lambda w: args(w.assessment(), "identity_check", "", "q1", "yes", today=TODAY)),
    Row(assessment.mark_item, "mark a question to come back to", EVERYONE, True,
        lambda w: args(w.assessment(), "identity_check", "", "q1")),
    Row(assessment.go_to_step, "move to another step of an assessment", EVERYONE, True,
        lambda w: args(w.assessment(), "drug_use")),
    Row(assessment.add_substance, "add a substance to an assessment", EVERYONE, True,
        lambda w: args(w.assessment(), "cocaine")),
    Row(assessment.tick_advice, "tick harm-reduction advice given", EVERYONE, True,
        lambda w: args(w.assessment(), _advice_id(w))),
    Row(assessment.end_early, "end a call early", EVERYONE, True,
        lambda w: args(w.assessment(), "the person had to go", now=NOW)),
    Row(assessment_outcome.summary, "see an assessment's summary", EVERYONE, True,
        lambda w: args(w.assessment(), S)),
    Row(assessment_outcome.set_need_action, "record what was done about a need", EVERYONE, True,
        lambda w: args(w.need(), "advice")),
    Row(assessment_outcome.remove_need_action, "remove an action on a need", EVERYONE, True,
        lambda w: args(w.need_service())),
    Row(assessment_outcome.complete, "complete an assessment", EVERYONE, True,
        lambda w: args(w.identified(), S)),
    Row(assessment_outcome.allocate, "allocate a referral to a course", EVERYONE, True,
        lambda w: args(w.identified(), "group_cannabis", S, acknowledge_unscreened=True)),
    Row(assessment_record.call_brief, "see the brief before a call", EVERYONE, True,
        lambda w: args(w.referral(ReferralStatus.CONTACTING))),
    Row(assessment_record.call_backs_due, "list the call backs due", EVERYONE, False,
        lambda w: args(now=NOW)),
    Row(assessment_record.read_record, "read an assessment record", EVERYONE, True,
        lambda w: args(w.assessed())),
    Row(assessment_record.export_record, "export an assessment record to a file", EVERYONE, True,
        lambda w: args(w.assessed(), w.path("record.txt"))),
    Row(assessment_safety.record_self_harm_action, "record what was done about a self-harm risk", EVERYONE, True,
        lambda w: args(w.self_harm(), _self_harm_action(), notes="agreed a plan", today=TODAY)),
    Row(assessment_safety.concerns_of, "see an assessment's safeguarding concerns", EVERYONE, True,
        lambda w: args(w.assessment())),
    # --- referrals -----------------------------------------------------------------------
    Row(intake.import_feed, "import the police referral feed", ADMINS, False,
        lambda w: args(_feed(w), S, today=TODAY)),
    Row(intake.create_referral, "type in a referral from a call or an email", EVERYONE, True,
        lambda w: args(_values(w), S, today=TODAY)),
    Row(intake.resolve_possible_match, "decide whether a possible match is the same person", EVERYONE, True,
        lambda w: args(
            w.referral(possible_match_person_id=w.person()), same_person=False, schemes=S
        )),
    Row(queue.my_work, "list their own work", EVERYONE, False,
        lambda w: args()),
    Row(queue.caseload, "list the caseload of their forces", LEADS, False,
        lambda w: args()),
    Row(search.find, "search for a person or referral", EVERYONE, False,
        lambda w: args("Access")),
    Row(referral_view.open_referral, "open a referral", EVERYONE, True,
        lambda w: args(w.referral(), S, today=TODAY)),
    Row(referral_conflicts.what_changed, "see what someone else changed in a referral", EVERYONE, True,
        lambda w: args(w.seen())),
    Row(referral_view.add_note, "add a note to a referral", EVERYONE, True,
        lambda w: args(w.referral(), "called back later")),
    Row(referrals.claim, "take a referral onto their caseload", CASEWORK, True,
        lambda w: args(w.referral())),
    Row(referrals.log_contact_attempt, "log a contact attempt", EVERYONE, True,
        lambda w: args(w.referral(), "no_answer", S, at=NOW)),
    Row(referrals.move_status, "move a referral to another status", EVERYONE, True,
        lambda w: args(w.referral(), "withdrawn", S, reason="moved away")),
    Row(referrals.close_non_compliant, "close a referral as non-compliant", EVERYONE, True,
        lambda w: args(w.declined(), S, reason="declined", today=TODAY)),
    Row(referrals.override_bar, "override a bar on a referral", LEADS, True,
        lambda w: args(w.barred(), "the bar was a mistake", S)),
    Row(safeguarding.open_concerns, "list open safeguarding concerns", LEADS, False,
        lambda w: args()),
    Row(safeguarding.close_concern, "close a safeguarding concern", LEADS, True,
        lambda w: args(w.concern(), "referred to the local authority")),
    # --- courses ---------------------------------------------------------------------------
    Row(booking.offers, "see the course places on offer", EVERYONE, True,
        lambda w: args(w.allocated(), now=NOW)),
    Row(booking.book, "book a course place", EVERYONE, True,
        lambda w: args(w.allocated(), w.session(), S, now=NOW)),
    Row(booking.rebook, "move a booking to another session", EVERYONE, True,
        lambda w: args(w.booking(), w.session(days=21), reason="clash", now=NOW)),
    Row(booking.cancel_booking, "cancel a booking", EVERYONE, True,
        lambda w: args(w.booking(), "clash", S, now=NOW)),
    Row(booking.join_waiting_list, "put a referral on a waiting list", EVERYONE, True,
        lambda w: args(w.allocated())),
    Row(booking.mark_attendance, "mark attendance at a session", EVERYONE, True,
        lambda w: args(w.booking(days=-1), "completed", S, now=NOW)),
    Row(booking.bookings_of, "see a referral's bookings", EVERYONE, True,
        lambda w: args(w.allocated())),
    Row(booking.add_one_to_one, "book a one-to-one appointment", EVERYONE, True,
        lambda w: args(w.allocated("one_to_one"), "2026-11-05 10:00", S, now=NOW)),
    Row(courses.upcoming_sessions, "list upcoming course sessions", EVERYONE, False,
        lambda w: args(now=NOW)),
    Row(sessions.add_sessions, "plan course sessions", LEADS, True,
        lambda w: args(_plan(w), now=NOW)),
    Row(sessions.list_sessions, "list a force's course sessions", EVERYONE, True,
        lambda w: args(force=FORCE_A)),
    Row(sessions.cancel_session, "cancel a course session", LEADS, True,
        lambda w: args(w.session(), S, reason="facilitator ill", now=NOW)),
    Row(sessions.roster, "see a session's roster", EVERYONE, True,
        lambda w: args(w.session())),
    Row(course_capacity.capacity_against_demand, "compare course places with demand", LEADS, False,
        lambda w: args(TODAY, now=NOW)),
    # --- caseloads and workload ------------------------------------------------------------
    Row(caseload.caseload_page, "page through the caseload of their forces", LEADS, False,
        lambda w: args(caseload.CaseloadFilter(), today=TODAY)),
    Row(caseload.page_of, "find the caseload page of a referral", LEADS, False,
        lambda w: args(caseload.CaseloadFilter(), w.referral(), today=TODAY)),
    Row(caseload.matching_ids, "pick the referrals a caseload filter shows", LEADS, False,
        lambda w: args(caseload.CaseloadFilter(), today=TODAY)),
    Row(workload.set_caseload_target, "set the caseload target", LEADS, False,
        lambda w: args(30)),
    Row(workload.worker_loads, "see every worker's load", LEADS, False,
        lambda w: args(today=TODAY)),
    Row(workload.reassign, "reassign referrals to another worker", LEADS, True,
        lambda w: args([w.referral()], w.worker_a, reason="cover")),
    Row(workload.open_referrals_of, "list a worker's open referrals", LEADS, True,
        lambda w: args(w.worker_a)),
    Row(workload.reassign_all_of, "reassign all of a worker's referrals", LEADS, True,
        lambda w: args(w.staff_id(w.staff_member()), w.worker_a, reason="leaving")),
    # --- reports and exports ---------------------------------------------------------------
    Row(reports.commissioner_report, "see the commissioner's report", LEADS, True,
        lambda w: args(S, PERIOD, force=FORCE_A)),
    Row(reports.evaluation_extract, "take the evaluation extract", LEADS, True,
        lambda w: args(S, PERIOD, force=FORCE_A)),
    Row(trends.referrals_by_month, "see referrals by month", LEADS, True,
        lambda w: args(S, PERIOD, force=FORCE_A)),
    Row(intel.export_intel, "export intelligence logs to the police", LEADS, True,
        lambda w: args(FORCE_A)),
    Row(outcomes.export_outcomes, "export outcomes to the police", LEADS, True,
        lambda w: args(FORCE_A)),
    Row(outcomes.reminders, "send course reminders", EVERYONE, True,
        lambda w: args(TODAY, force=FORCE_A)),
    Row(subject_access.person_by_reference, "find a person for a subject access request", ADMINS, False,
        lambda w: args(w.reference(w.referral()))),
    Row(subject_access.export_person, "export a person's whole record", ADMINS, False,
        lambda w: args(w.person(), w.new_folder(), now=NOW)),
    # --- administration --------------------------------------------------------------------
    Row(directory.list_services, "list a force's service directory", EVERYONE, True,
        lambda w: args(FORCE_A)),
    Row(directory.add_service, "add to the service directory", ADMINS, False,
        lambda w: args(FORCE_A, "housing", f"Shelter {w.n()}")),
    Row(directory.update_service, "change a service directory entry", ADMINS, False,
        lambda w: args(w.service(), notes="open weekdays")),
    Row(staff.add_staff, "add a staff account", ADMINS, False,
        lambda w: args(f"new{w.n()}", Role.WORKER, PASSWORD, forces=[FORCE_A])),
    Row(staff.list_staff, "list staff accounts", ADMINS, False,
        lambda w: args()),
    Row(staff.deactivate, "deactivate a staff account", ADMINS, False,
        lambda w: args(w.staff_member())),
    Row(staff.activate, "activate a staff account", ADMINS, False,
        lambda w: args(w.staff_member(active=False))),
    Row(staff.unlock, "unlock a staff account", ADMINS, False,
        lambda w: args(w.staff_member())),
    Row(staff.reset_password, "reset a staff password", ADMINS, False,
        lambda w: args(w.staff_member(), "another-long-password")),
    Row(staff.set_role, "change a staff member's role", ADMINS, False,
        lambda w: args(w.staff_member(), Role.TEAM_LEAD)),
    Row(staff.set_forces, "change a staff member's forces", ADMINS, False,
        lambda w: args(w.staff_member(), [FORCE_A])),
    Row(retention.due, "list the people past the retention period", ADMINS, False,
        lambda w: args(S, today=TODAY)),
    Row(retention.apply, "anonymise the people past the retention period", ADMINS, False,
        lambda w: args(S, today=TODAY)),
    Row(audit.verify, "verify the audit trail", ADMINS, False,
        lambda w: args()),
    Row(audit_search.search, "search the audit trail", ADMINS, False,
        lambda w: args(audit_search.AuditFilter())),
    Row(backup.backup, "back up the database", ADMINS, False,
        _backup_args, settles=ON_POSTGRES, by_url=True),
    Row(backup.restore, "restore the database from a backup", ADMINS, False,
        _restore_args, settles=ON_POSTGRES, by_url=True),
)
# fmt: on
