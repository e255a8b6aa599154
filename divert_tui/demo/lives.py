"""One referral's life, played forward from the day the officer sent it until "now".

Each referral is given the way it will end (completed, non-compliant, withdrawn or
ineligible) and the stage at which it ends; the life is then simulated step by step in UK
office hours and stops at the first step that lies after "now". That is why old referrals
are closed while recent ones are still being contacted, assessed or booked, and why every
row (status change, contact attempt, assessment, allocation, booking, intelligence log)
agrees with the referral's status. The status moves follow ``core.rules.lifecycle``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from random import Random
from typing import Any

from divert_tui.core.rules.calendar import first_contact_due
from divert_tui.core.rules.eligibility import bar_end
from divert_tui.core.schemes import Scheme
from divert_tui.demo import data
from divert_tui.demo.clock import (
    Moment,
    add_working_days,
    plus_minutes,
    to_utc,
    working_moment,
)
from divert_tui.demo.data import (
    ALLOCATED,
    ASSESSED,
    BOOKED,
    COMPLETED,
    CONTACTING,
    INELIGIBLE,
    NON_COMPLIANT,
    RECEIVED,
    WITHDRAWN,
)
from divert_tui.demo.sessions import SessionBook
from divert_tui.demo.steps import assess

Sink = Callable[[str, dict[str, Any]], None]

# Where each way of ending happens, and how often.
_STAGES: dict[str, dict[str, float]] = {
    COMPLETED: {BOOKED: 1.0},
    NON_COMPLIANT: {"no_contact": 0.45, "declined": 0.15, ASSESSED: 0.05, BOOKED: 0.35},
    WITHDRAWN: {RECEIVED: 0.25, CONTACTING: 0.35, ASSESSED: 0.1, ALLOCATED: 0.1, BOOKED: 0.2},
    INELIGIBLE: {RECEIVED: 0.75, CONTACTING: 0.25},
}
_UNANSWERED = {"no_answer": 0.55, "voicemail": 0.4, "wrong_number": 0.05}


def _cumulative(weights: Mapping[str, float]) -> tuple[list[str], list[float]]:
    """Keys and cumulative weights, so ``rng.choices`` need not add them up on every call."""
    return list(weights), list(accumulate(weights.values()))


_STAGE_CHOICES = {outcome: _cumulative(stages) for outcome, stages in _STAGES.items()}
_UNANSWERED_CHOICES = _cumulative(_UNANSWERED)
_FIRST_GAP = ([0, 1, 2, 3, 4], list(accumulate((35, 35, 20, 7, 3))))


class Ids:
    """Ids handed out in order, starting after what the database already holds."""

    def __init__(self, start: Mapping[str, int]) -> None:
        self._next = dict(start)

    def __call__(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value


@dataclass(frozen=True)
class Staffing:
    workers: dict[str, list[int]]
    leads: dict[str, int]
    facilitators: list[int]


@dataclass(frozen=True)
class Bar:
    """An intelligence log's bar, as a later referral of the same person will meet it."""

    log_id: int
    created: date
    until: date
    reason: str
    force: str


@dataclass
class World:
    rng: Random
    now: Moment
    schemes: Mapping[str, Scheme]
    staffing: Staffing
    ids: Ids
    sink: Sink
    sessions: SessionBook
    # Service ids of the directory by (force, need domain), for onward referrals.
    services: Mapping[tuple[str, str], Sequence[int]] = field(default_factory=dict)
    lead_names: Mapping[int, str] = field(default_factory=dict)
    # Rare records every cohort should show at least once, even a small one: what is still
    # owed (count) by name; the code that makes each kind takes the first good chance.
    showcase: dict[str, int] = field(
        default_factory=lambda: {
            "call_back_ahead": 1,
            "call_back_overdue": 1,
            "override": 1,
            "waiting": 1,
        }
    )
    concern_types: set[str] = field(default_factory=set)

    def owed(self, kind: str) -> bool:
        return self.showcase.get(kind, 0) > 0

    def shown(self, kind: str) -> None:
        self.showcase[kind] = self.showcase.get(kind, 0) - 1


@dataclass
class Plan:
    outcome: str
    stage: str
    one_to_one: str | None = None  # the reason, when the rules suggest a one-to-one
    override: str | None = None  # the worker's reason, when they choose one against the rules
    ineligible_reason: str | None = None
    hold: str | None = None  # an open status the life stops at, as if the next step is pending


class _Held(Exception):
    """Raised by ``Life.move`` on reaching the plan's ``hold`` status."""


def make_plan(rng: Random, outcome: str) -> Plan:
    keys, cumulative = _STAGE_CHOICES[outcome]
    stage = rng.choices(keys, cum_weights=cumulative)[0]
    plan = Plan(outcome, stage)
    roll = rng.random()
    if roll < data.ONE_TO_ONE_SHARE:
        plan.one_to_one = rng.choice(data.ONE_TO_ONE_REASONS)
    elif roll < data.ONE_TO_ONE_SHARE + data.ONE_TO_ONE_OVERRIDE_SHARE:
        plan.override = rng.choice(data.OVERRIDE_REASONS)
    return plan


@dataclass
class Life:
    """Plays one referral forward; ``referral`` is its row, filled in as the life goes."""

    world: World
    referral: dict[str, Any]
    start: Moment
    plan: Plan
    unassigned: bool = False
    sex: str = ""  # the person's recorded sex, for the forms that take it as context
    closed: Moment | None = None
    bar: Bar | None = None
    worker: int | None = None
    group: str | None = None  # the group course allocated (None: a one-to-one or not yet)
    _attempts: int = field(default=0)

    # --- bookkeeping ------------------------------------------------------------------

    def ok(self, moment: Moment) -> bool:
        return moment <= self.world.now

    def move(self, to: str, at: Moment, staff: int | None, reason: str) -> None:
        r = self.referral
        self.world.sink(
            "status_change",
            {
                "id": self.world.ids("status_change"),
                "referral_id": r["id"],
                "from_status": r["status"] if r["version"] else None,
                "to_status": to,
                "at": to_utc(at),
                "staff_id": staff,
                "reason": reason,
            },
        )
        r["status"] = to
        r["version"] += 1
        r["updated_at"] = to_utc(at)
        if to == self.plan.hold:
            raise _Held

    def note(self, at: Moment, options: tuple[str, ...], chance: float = 1.0) -> None:
        rng = self.world.rng
        if rng.random() < chance and self.ok(at):
            self.world.sink(
                "note",
                {
                    "id": self.world.ids("note"),
                    "referral_id": self.referral["id"],
                    "staff_id": self.worker,
                    "created_at": to_utc(at),
                    "text": rng.choice(options),
                },
            )

    def close(
        self, to: str, at: Moment, reason: str, intel: str | None = None, staff: int | None = None
    ) -> None:
        if not self.ok(at):
            return
        self.move(to, at, staff or self.worker, reason)
        self.referral["closed_at"] = to_utc(at)
        self.referral["status_reason"] = reason
        self.closed = at
        if intel is None:
            return
        w, force = self.world, self.referral["force_code"]
        log_id = w.ids("intelligence_log")
        until = bar_end(at[0], w.schemes[force].bar_months)
        sent = working_moment(w.rng, at, w.rng.randint(1, 5))
        w.sink(
            "intelligence_log",
            {
                "id": log_id,
                "person_id": self.referral["person_id"],
                "referral_id": self.referral["id"],
                "force_code": force,
                "reason": intel,
                "created_at": to_utc(at),
                "bar_until": until,
                "sent_to_police_at": to_utc(sent) if self.ok(sent) else None,
            },
        )
        self.bar = Bar(log_id, at[0], until, intel, force)

    def attempt(self, at: Moment, outcome: str) -> bool:
        if not self.ok(at):
            return False
        rng = self.world.rng
        self.world.sink(
            "contact_attempt",
            {
                "id": self.world.ids("contact_attempt"),
                "referral_id": self.referral["id"],
                "staff_id": self.worker,
                "attempted_at": to_utc(at),
                "outcome": outcome,
                "note": rng.choice(data.ATTEMPT_NOTES[outcome]) if rng.random() < 0.5 else None,
            },
        )
        self._attempts += 1
        if self._attempts == 1:
            self.referral["first_contact_at"] = to_utc(at)
            self.move(CONTACTING, at, self.worker, "first contact attempt")
        return True

    def unanswered(self) -> str:
        keys, cumulative = _UNANSWERED_CHOICES
        return self.world.rng.choices(keys, cum_weights=cumulative)[0]

    # --- the life ---------------------------------------------------------------------

    def run(self) -> None:
        with suppress(_Held):
            self._run()

    def _run(self) -> None:
        w, rng, plan = self.world, self.world.rng, self.plan
        self.move(RECEIVED, self.start, None, "referral received from the officer")
        assigned = working_moment(rng, self.start, 0)
        if self.unassigned or not self.ok(assigned):
            return
        force = self.referral["force_code"]
        self.worker = rng.choice(w.staffing.workers[force])
        self.referral["assigned_worker_id"] = self.worker
        if plan.stage == RECEIVED:
            at = working_moment(rng, assigned, rng.choice((0, 0, 1)))
            if plan.outcome == INELIGIBLE:
                reason = plan.ineligible_reason or rng.choice(data.INELIGIBLE_REASONS)
                self.referral["eligibility_note"] = reason
                self.close(INELIGIBLE, at, reason)
            else:
                self.close(WITHDRAWN, at, rng.choice(data.WITHDRAWN_REASONS))
            return
        gap = rng.choices(_FIRST_GAP[0], cum_weights=_FIRST_GAP[1])[0]
        at = working_moment(rng, assigned, gap)
        if plan.stage == "no_contact":
            self._no_contact(at)
            return
        self.note(at, data.NOTES_QUEUE, 0.1)
        scheme = w.schemes[force]
        tries = 0
        while rng.random() < 0.45 and tries < scheme.contact_attempts - 1:
            if not self.attempt(at, self.unanswered()):
                return
            tries += 1
            at = working_moment(rng, at, rng.randint(1, 2))
        if plan.outcome == WITHDRAWN and plan.stage == CONTACTING:
            if tries == 0 and not self.attempt(at, self.unanswered()):
                return
            self.close(
                WITHDRAWN, working_moment(rng, at, rng.randint(1, 3)), self.withdraw_reason()
            )
            return
        declined = plan.stage == "declined"
        if not self.attempt(at, "declined" if declined else "answered"):
            return
        if declined:
            self.close(NON_COMPLIANT, plus_minutes(at, 5), "declined the intervention", "declined")
            return
        if plan.outcome == INELIGIBLE:
            reason = rng.choice(data.INELIGIBLE_REASONS)
            self.referral["eligibility_note"] = reason
            self.close(INELIGIBLE, plus_minutes(at, 10), reason)
            return
        assess(self, at)

    def withdraw_reason(self) -> str:
        return self.world.rng.choice(data.WITHDRAWN_REASONS)

    def _no_contact(self, first: Moment) -> None:
        rng = self.world.rng
        scheme = self.world.schemes[self.referral["force_code"]]
        count = scheme.contact_attempts + rng.randint(0, 1)
        span = scheme.contact_days + rng.randint(0, 4)
        moments = [first]
        for j in range(1, count):
            target = first[0] + timedelta(days=round(j * span / (count - 1)))
            day = add_working_days(target - timedelta(days=1), 1)
            if day <= moments[-1][0]:
                day = add_working_days(moments[-1][0], 1)
            moments.append((day, rng.randint(9 * 60, 17 * 60)))
        for moment in moments:
            if not self.attempt(moment, self.unanswered()):
                return
        span_days = (moments[-1][0] - moments[0][0]).days
        reason = f"no contact after {count} attempts over {span_days} days (contact policy)"
        self.close(NON_COMPLIANT, working_moment(rng, moments[-1], 1), reason, "non_compliance")


def referral_row(
    referral_id: int,
    force: str,
    reference: str,
    person_id: int,
    moment: tuple[date, int],
    substances: list[str],
    scheme: Scheme,
) -> dict[str, Any]:
    """A new referral's row as the officer sent it; its ``Life`` fills in the rest."""
    at = to_utc(moment)
    return {
        "id": referral_id,
        "force_code": force,
        "police_reference": reference,
        "person_id": person_id,
        "possible_match_person_id": None,
        "referred_at": at,
        "offence_date": moment[0],
        "substances": ";".join(substances),
        "main_substance": substances[0],
        "officer": None,
        "location": None,
        "feed_notes": None,
        "source": "officer_app",
        "status": RECEIVED,
        "status_reason": None,
        "eligibility_note": None,
        "bar_override_reason": None,
        "assigned_worker_id": None,
        "first_contact_due": first_contact_due(moment[0], scheme.first_contact_working_days),
        "first_contact_at": None,
        "closed_at": None,
        "created_at": at,
        "updated_at": at,
        "version": 0,
    }
