"""The later steps of a referral's life: assessment, allocation, booking and attendance.

Functions of a ``Life`` (see ``lives``), split out to keep each module short; like the
rest of the life they stop at the first step that lies after "now".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from divert_tui.demo import data, findings
from divert_tui.demo.clock import Moment, plus_minutes, to_utc, working_moment
from divert_tui.demo.data import (
    ALLOCATED,
    ASSESSED,
    BOOKED,
    COMPLETED,
    NON_COMPLIANT,
    WITHDRAWN,
)

MISSED_CALL_BACK_DAYS = 2  # a call-back due this recently may still be waiting for its call
MISSED_CALL_BACK_SHARE = 0.4

if TYPE_CHECKING:
    from divert_tui.demo.lives import Life


def assess(life: Life, answered: Moment) -> None:
    """The assessment call (now, or at an agreed call-back), then the allocation."""
    w, rng, plan = life.world, life.world.rng, life.plan
    call_back = rng.random() >= 0.65
    begin = plus_minutes(answered, 1)
    if call_back:
        begin = working_moment(rng, answered, rng.randint(1, 4))
    forced = _showcase_call_back(life, answered)
    if forced is not None:
        call_back, begin = True, forced
    if call_back:
        life.note(answered, ("Call back arranged for the assessment.",))
    first = plus_minutes(answered, 1)
    row: dict[str, Any] = {
        "id": w.ids("assessment"),
        "referral_id": life.referral["id"],
        "worker_id": life.worker,
        "started_at": to_utc(first if call_back else begin),
        "completed_at": None,
        "ended_early_reason": rng.choice(data.CALL_BACK_REASONS) if call_back else None,
        "current_step": "identity",
        "steps": {},
        "identity_confirmed": True,
        "safe_to_talk": not call_back,
        "consent_given": True,
        "privacy_notice_read": True,
        "updated_at": to_utc(first if call_back else begin),
        "version": 1,
        "call_back_at": to_utc(begin) if call_back else None,
    }
    missed = call_back and (w.now[0] - begin[0]).days <= MISSED_CALL_BACK_DAYS
    if (
        forced is not None
        or not life.ok(begin)
        or (missed and rng.random() < MISSED_CALL_BACK_SHARE)
    ):
        # The call-back is still to come, or fell due and nobody has rung yet (overdue).
        w.sink("assessment", row)
        return
    end = plus_minutes(begin, rng.randint(35, 75))
    done = life.ok(end)
    row["safe_to_talk"] = True
    row["updated_at"] = to_utc(end if done else begin)
    if done:
        row["completed_at"], row["current_step"], row["call_back_at"] = to_utc(end), "summary", None
        row["steps"] = {"mixing": "done", "advice": "done"}  # the worker moved on from both
    w.sink("assessment", row)
    if not done:
        return
    findings.record(life, begin, end, row["id"])
    life.move(ASSESSED, end, life.worker, "assessment completed")
    life.note(end, data.NOTES_ASSESSED, 0.6)
    if plan.stage == ASSESSED:
        at = working_moment(rng, end, rng.randint(1, 5))
        if plan.outcome == WITHDRAWN:
            life.close(WITHDRAWN, at, life.withdraw_reason())
        else:
            reason = "declined the course after the assessment"
            life.close(NON_COMPLIANT, at, reason, "declined")
        return
    allocate(life, end)


def _showcase_call_back(life: Life, answered: Moment) -> Moment | None:
    """A call-back still to come, or one already overdue, if the cohort has none yet."""
    w = life.world
    if (w.now[0] - answered[0]).days > 5:
        return None
    if w.owed("call_back_ahead"):
        w.shown("call_back_ahead")
        return working_moment(w.rng, w.now, 1)
    due = working_moment(w.rng, answered, 1)
    if w.owed("call_back_overdue") and life.ok(due):
        w.shown("call_back_overdue")
        return due
    return None


def allocate(life: Life, assessed: Moment) -> None:
    """A group by main substance, or a one-to-one for the reasons in the plan."""
    w, rng, plan = life.world, life.world.rng, life.plan
    if rng.random() < 0.55:
        at = plus_minutes(assessed, rng.randint(2, 15))
    else:
        at = working_moment(rng, assessed, rng.randint(1, 3))
    if not life.ok(at):
        return
    main = life.referral["main_substance"]
    group = data.group_for(main)
    group_reasons = [
        f"main substance found: {main.replace('_', ' ')}",
        "no dependence or significant safeguarding issue found",
    ]
    if plan.one_to_one:
        suggested = chosen = "one_to_one"
        reasons = [plan.one_to_one]
    else:
        suggested, reasons = data.GROUP_PATH[group], group_reasons
        chosen = "one_to_one" if plan.override else suggested
    w.sink(
        "allocation",
        {
            "id": w.ids("allocation"),
            "referral_id": life.referral["id"],
            "suggested": suggested,
            "chosen": chosen,
            "reasons": reasons,
            "override_reason": plan.override,
            "decided_by": life.worker,
            "decided_at": to_utc(at),
        },
    )
    life.group = None if chosen == "one_to_one" else group
    life.move(ALLOCATED, at, life.worker, f"allocated: {chosen.replace('_', ' ')}")
    if plan.stage == ALLOCATED:
        life.close(WITHDRAWN, working_moment(rng, at, rng.randint(1, 4)), life.withdraw_reason())
        return
    book(life, at, None if chosen == "one_to_one" else group)


def book(life: Life, allocated: Moment, group: str | None) -> None:
    """Booked onto a session; attended, missed (and rebooked once) or withdrawn."""
    w, rng, plan = life.world, life.world.rng, life.plan
    force = life.referral["force_code"]
    misses = 0
    if plan.outcome == COMPLETED and rng.random() < 0.08:
        misses = 1
    elif plan.outcome == NON_COMPLIANT:
        # The scheme's missed-session policy: the last missed booking closes the referral.
        misses = w.schemes[force].missed_sessions - 1
    after = allocated
    for round_no in range(misses + 1):
        if rng.random() < 0.6:
            booked = plus_minutes(after, rng.randint(1, 10))
        else:
            booked = working_moment(rng, after, rng.randint(1, 2))
        if not life.ok(booked):
            return
        if group is None:
            session_id, start, minutes = w.sessions.one_to_one(force, life.worker or 0, booked)
        else:
            session_id, start, minutes = w.sessions.book(
                force, group, (booked[0] + timedelta(days=2), booked[1])
            )
        booking = {
            "id": w.ids("booking"),
            "session_id": session_id,
            "referral_id": life.referral["id"],
            "status": "booked",
            "booked_at": to_utc(booked),
            "updated_at": to_utc(booked),
            "booked_by": life.worker,
            "cancel_reason": None,
            "attendance_at": None,
            "marked_by": None,
        }
        w.sink("booking", booking)
        life.move(BOOKED, booked, life.worker, "booked onto a session")
        life.note(booked, data.NOTES_BOOKED, 0.4)
        if plan.stage == BOOKED and plan.outcome == WITHDRAWN:
            at = plus_minutes(booked, 30)
            if life.ok(at):
                booking["status"], booking["updated_at"] = "cancelled", to_utc(at)
                booking["cancel_reason"] = "withdrawn before the session"
            life.close(WITHDRAWN, at, life.withdraw_reason())
            return
        unmarked = f"unmarked:{force}"
        if (
            group is not None
            and w.showcase.get(unmarked, 1) > 0
            and start < w.now
            and (w.now[0] - start[0]).days <= 21
        ):
            # Each force keeps one recent session with a place still to mark, so the roster
            # (and the tour's attendance step) has someone to mark from the first day.
            w.showcase[unmarked] = 0
            return
        if rng.random() < 0.3:
            # Marked the next working morning from the sign-in sheet, so the latest sessions
            # still have people to mark on the roster.
            recorded = working_moment(rng, start, 1)
        else:
            recorded = plus_minutes(start, minutes + rng.randint(10, 60))
        if not life.ok(recorded):
            return
        booking["updated_at"] = to_utc(recorded)
        booking["attendance_at"], booking["marked_by"] = to_utc(recorded), life.worker
        if round_no < misses and plan.outcome == COMPLETED and rng.random() < 0.5:
            # Joined but left early: booked again, not a missed session.
            booking["status"] = "attended"
            life.move(
                ALLOCATED, recorded, life.worker, "left the session early; to be booked again"
            )
            after = recorded
            continue
        if round_no < misses or plan.outcome == NON_COMPLIANT:
            booking["status"] = "did_not_attend"
            life.note(recorded, data.NOTES_DNA, 0.7)
            if round_no == misses:
                life.close(NON_COMPLIANT, recorded, "missed course sessions", "missed_sessions")
                return
            life.move(ALLOCATED, recorded, life.worker, "did not attend; offered another session")
            after = recorded
            continue
        booking["status"] = "completed"
        life.note(recorded, data.NOTES_COMPLETED, 0.5)
        life.close(COMPLETED, recorded, "course completed")
