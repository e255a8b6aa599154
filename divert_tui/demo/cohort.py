"""Fill a database with the deterministic synthetic cohort that the demo and trainers use.

Same seed and same "today" give byte-identical rows: one ``random.Random`` and one seeded
faker drive everything, and no wall clock is read (only the audit event carries the real
time). Rows go in through SQLAlchemy Core in batches inside one transaction, with ids
computed here so children can point at parents without a round trip; either the whole
cohort lands or nothing does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import Connection, func, select, text
from sqlmodel import Session

from divert_tui.core import models, vocab
from divert_tui.core.database import Database
from divert_tui.core.schemes import Scheme, load_schemes
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, ServiceError
from divert_tui.core.services.directory import ensure_synced
from divert_tui.core.services.settings import DATASET_KEY, DEMO
from divert_tui.demo import data
from divert_tui.demo.clock import NOW_MINUTE, FastRandom, next_monday, to_utc
from divert_tui.demo.data import (
    ALLOCATED,
    ASSESSED,
    BOOKED,
    COMPLETED,
    CONTACTING,
    INELIGIBLE,
    RECEIVED,
)
from divert_tui.demo.findings import services_by_domain
from divert_tui.demo.lives import Ids, Life, Staffing, World, make_plan, referral_row
from divert_tui.demo.people import PersonMaker, Places, age_for_band, quota, staff_rows, weighted
from divert_tui.demo.repeats import Known, Returning, bar_words, set_aside
from divert_tui.demo.scenarios import SCENARIOS, scenario_referrals
from divert_tui.demo.sessions import SessionBook, course_groups
from divert_tui.demo.shift import DATED_TO_KEY
from divert_tui.demo.writer import TABLES, Writer

DEFAULT_TODAY = date(2026, 11, 29)
DEFAULT_SEED = 2026
DEFAULT_REFERRALS = 600
MAX_REFERRALS = 1_000_000
HISTORY_DAYS = 730
RECENT_DAYS = 42
RECENT_SHARE = 0.08
HOLD_DAYS = 21
HOLDS = (CONTACTING, ASSESSED, ALLOCATED, BOOKED)
FUTURE_SESSION_DAYS = 28
WAITING_SHARE = 0.6  # allocated people waiting for a place on a session of their group


def wait_for_a_place(
    writer: Writer, ids: Ids, referral: dict[str, Any], group_id: int, rng: Any, today: date
) -> None:
    """An allocated person on their group's waiting list (no session suited them yet)."""
    added = referral["updated_at"] + timedelta(minutes=rng.randint(2, 30))
    writer(
        "waiting_entry",
        {
            "id": ids("waiting_entry"),
            "referral_id": referral["id"],
            "group_id": group_id,
            "force_code": referral["force_code"],
            "added_at": added,
            "added_by": referral["assigned_worker_id"],
            "offered_session_id": None,
            "offered_at": None,
            "closed_at": None,
            "closed_reason": None,
        },
    )


_ID_TABLES = tuple(name for name in TABLES if name != "staff_force")


def demo_now_minute(now_minute: int | None) -> int:
    """The demo's "now" on its today: late afternoon, or earlier when the real clock is."""
    if now_minute is None:
        return NOW_MINUTE
    return max(1, min(NOW_MINUTE, now_minute))


class DemoRefused(ServiceError):
    """The database is not one the synthetic cohort may go into."""


@dataclass(frozen=True)
class DemoSummary:
    """What a fill added: rows per table and referrals per status."""

    seed: int
    today: date
    referrals: int
    tables: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"demo cohort: {self.referrals} referrals (seed {self.seed}, today {self.today})"]
        out += [f"  {name:<18} {count:>9,}" for name, count in self.tables.items() if count]
        out.append("referrals by status:")
        out += [f"  {name:<18} {count:>9,}" for name, count in self.statuses.items()]
        return out


def fill_demo(
    db: Database,
    referrals: int = DEFAULT_REFERRALS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    *,
    schemes: Mapping[str, Scheme] | None = None,
    now_minute: int | None = None,
) -> DemoSummary:
    """Add the synthetic cohort to an empty or demo database and mark it as demo.

    ``now_minute`` (minutes after UK midnight on ``today``) is the real time when the demo
    is dated up to the present: nothing of the cohort, the scripted people included, is
    later than it. Without it "now" is late afternoon on ``today``.

    Refuses (DemoRefused) a database that holds real staff or referrals, and a demo
    database that is already filled: a second cohort would repeat police references.
    """
    if not 1 <= referrals <= MAX_REFERRALS:
        raise DemoRefused(f"the number of referrals must be from 1 to {MAX_REFERRALS:,}")
    today = today or DEFAULT_TODAY
    schemes = dict(schemes) if schemes is not None else load_schemes()
    forces = [code for code in data.FORCE_WEIGHTS if code in schemes]
    if not forces:
        raise DemoRefused("no scheme file for any force of the regional scheme")
    with db.write() as session:
        _refuse_unless_empty(session)
        _ensure_forces(session, forces, schemes)
        for code in forces:
            ensure_synced(session, code)
        session.flush()
        connection = session.connection()
        writer = Writer(connection, TABLES)
        with writer.bulk():
            summary = _generate(
                connection, writer, referrals, seed, today, schemes, forces, now_minute
            )
        session.merge(models.Setting(key=DATASET_KEY, value=DEMO))
        session.merge(models.Setting(key=DATED_TO_KEY, value=today.isoformat()))
        audit.record(
            session,
            Actor.system("demo-data", demo=True),
            "demo.fill",
            "database",
            "",
            f"{referrals} referrals, seed {seed}, today {today.isoformat()}",
        )
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection)
            _analyze(connection)
    return summary


def _refuse_unless_empty(session: Session) -> None:
    # Checked inside the writing transaction, so nothing can slip in between check and fill.
    setting = session.get(models.Setting, DATASET_KEY)
    is_demo = setting is not None and setting.value == DEMO
    referrals = session.execute(select(func.count()).select_from(models.Referral)).scalar_one()
    staff = session.execute(select(func.count()).select_from(models.Staff)).scalar_one()
    if not is_demo and (referrals or staff):
        raise DemoRefused(
            "this database holds real data (staff accounts or referrals); demo data only goes "
            "into an empty database or a demo one"
        )
    if referrals:
        raise DemoRefused(
            f"this demo database is already filled ({referrals:,} referrals); "
            "start a fresh one to fill it again"
        )


def _ensure_forces(session: Session, forces: list[str], schemes: Mapping[str, Scheme]) -> None:
    known = set(session.execute(select(models.Force.code)).scalars())
    for code in forces:
        if code not in known:
            session.add(models.Force(code=code, name=schemes[code].name))
    session.flush()


def _advance_sequences(connection: Connection) -> None:
    """PostgreSQL sequences do not see explicit ids: move them past the rows just added."""
    for name in _ID_TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f'(SELECT MAX(id) FROM "{name}"))'
            )
        )


def _analyze(connection: Connection) -> None:
    """Statistics for the planner now, not at autovacuum's next pass: the first caseload and
    report after a big fill would otherwise be planned as if the tables were empty."""
    for name in TABLES:
        connection.exec_driver_sql(f'ANALYZE "{name}"')


def _start_ids(connection: Connection) -> Ids:
    start = {}
    for name in _ID_TABLES:
        table = TABLES[name]
        start[name] = (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return Ids(start)


def _generate(
    connection: Connection,
    writer: Writer,
    referrals: int,
    seed: int,
    today: date,
    schemes: Mapping[str, Scheme],
    forces: list[str],
    now_minute: int | None = None,
) -> DemoSummary:
    now = demo_now_minute(now_minute)
    rng = FastRandom(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    ids = _start_ids(connection)
    first_day = today - timedelta(days=HISTORY_DAYS)

    taken = set(connection.execute(select(models.Staff.username)).scalars())
    staff, links = staff_rows(
        rng,
        fake,
        lambda: ids("staff"),
        taken,
        to_utc((first_day - timedelta(days=60), 9 * 60)),
        forces,
    )
    for row in staff:
        writer("staff", row)
    for row in links:
        writer("staff_force", row)
    forces_of: dict[int, list[str]] = {}
    for link in links:
        forces_of.setdefault(link["staff_id"], []).append(link["force_code"])
    workers = {f: [s["id"] for s in staff if s["role"] == "worker" and f in forces_of.get(s["id"], [])] for f in forces}  # fmt: skip
    leads = {f: next(s["id"] for s in staff if s["role"] == "team_lead" and f in forces_of.get(s["id"], [])) for f in forces}  # fmt: skip
    staffing = Staffing(workers, leads, [s["id"] for s in staff if s["role"] == "worker"])

    group_ids = course_groups(connection, writer, lambda: ids("course_group"))
    sessions = SessionBook(
        rng, lambda: ids("course_session"), writer, group_ids, staffing.facilitators
    )
    lead_names = {s["id"]: s["display_name"] for s in staff if s["role"] == "team_lead"}
    usernames = {s["id"]: s["username"] for s in staff}
    world = World(
        rng, (today, now), schemes, staffing, ids, writer, sessions,
        services_by_domain(connection, forces), lead_names,
    )  # fmt: skip
    places = Places(rng, fake)
    reserved = {(s.first_name, s.last_name) for s in SCENARIOS}
    maker = PersonMaker(rng, reserved)
    returning = Returning()
    statuses: Counter[str] = Counter()
    references: dict[tuple[str, int], int] = {}

    def reference(force: str, year: int) -> str:
        number = references.get((force, year), rng.randint(100, 3000)) + rng.randint(1, 9)
        references[(force, year)] = number
        return f"{data.FORCE_PREFIX[force]}/{year}/{number:06d}"

    scripted = SCENARIOS if referrals >= 20 else ()
    count = referrals - len(scripted)
    moments = []
    for _ in range(count):
        if rng.random() < RECENT_SHARE:  # a fuller queue of work in progress
            back = int(RECENT_DAYS * rng.random())
        else:
            back = int(HISTORY_DAYS * rng.random() ** 0.92)  # a little busier towards today
        late = 22 * 60 if back else now - 1
        moments.append((today - timedelta(days=back), rng.randint(min(8 * 60, late), late)))
    moments.sort()
    force_q = quota(rng, {f: data.FORCE_WEIGHTS[f] for f in forces}, count)
    main_q = quota(rng, data.MAIN_SUBSTANCE_WEIGHTS, count)
    outcome_q = quota(rng, data.OUTCOME_WEIGHTS, count)
    sex_q = quota(rng, data.SEX_WEIGHTS, count)
    ethnicity_q = quota(rng, data.ETHNICITY_WEIGHTS, count)
    age_q = quota(rng, data.AGE_BANDS, count)

    held = 0
    for i, (day, minute) in enumerate(moments):
        returning.advance(day)
        force = force_q[i]
        plan = make_plan(rng, outcome_q[i])
        recent = plan.outcome == COMPLETED and (today - day).days <= HOLD_DAYS
        if recent and (held < len(HOLDS) or rng.random() < 0.4):
            # Work in progress at every stage, whatever the size of the cohort.
            plan.hold = HOLDS[held % len(HOLDS)]
            held += 1
            if plan.hold == ALLOCATED and world.owed("waiting"):
                plan.one_to_one = plan.override = None  # a group, so a waiting list to show
        known = None
        if plan.outcome == INELIGIBLE and rng.random() < data.BARRED_REPEAT_SHARE:
            known = returning.barred.pick(rng)
            if known is not None and known.bar is not None:
                plan.stage, plan.ineligible_reason = RECEIVED, bar_words(known.bar, schemes)
        override = None
        if known is None and plan.outcome != INELIGIBLE:
            showcase = world.owed("override") and (today - day).days <= 90
            if showcase or rng.random() < data.OVERRIDE_SHARE:
                known = returning.barred.pick(rng)
                if known is not None and known.bar is not None:
                    override = known.bar
                    world.shown("override")
        if known is None and rng.random() < data.REPEAT_SHARE:
            known = returning.clear.pick(rng)
        if known is None:
            person = maker.row(
                ids("person"),
                sex=sex_q[i],
                ethnicity=ethnicity_q[i],
                age=age_for_band(rng, age_q[i]),
                force=force,
                on=day,
                created_at=to_utc((day, minute)),
            )
            writer("person", person)
            known = Known(person["id"], 0, None, person["sex"])
        known.referrals += 1
        main = main_q[i]
        found = [main]
        if rng.random() < data.SECOND_SUBSTANCE_SHARE:
            second = rng.choice(data.SECOND_SUBSTANCE[main])
            if second != main:
                found.append(second)
        row = referral_row(
            ids("referral"),
            force,
            reference(force, day.year),
            known.person_id,
            (day, minute),
            found,
            schemes[force],
        )
        row["officer"] = places.officer(force)
        row["location"] = places.location(force)
        row["source"] = weighted(rng, data.SOURCE_WEIGHTS)
        row["feed_notes"] = rng.choice(data.FEED_NOTES) if rng.random() < 0.3 else None
        row["offence_date"] = day - timedelta(days=rng.choice((0, 0, 0, 0, 1, 2, 3)))
        if override is not None:
            lead = usernames[staffing.leads[force]]
            set_aside(row, override, lead, day, rng.choice(data.BAR_OVERRIDE_REASONS), schemes)
        writer("referral", row)
        unassigned = (today - day).days <= 3 and rng.random() < data.UNASSIGNED_RECENT_SHARE
        life = Life(world, row, (day, minute), plan, unassigned, known.sex)
        life.run()
        waits = world.owed("waiting") or rng.random() < WAITING_SHARE
        if row["status"] == ALLOCATED and life.group and waits:
            wait_for_a_place(writer, ids, row, group_ids[life.group], rng, today)
            world.shown("waiting")
        statuses[row["status"]] += 1
        if life.bar is not None:
            known.bar = life.bar
        if life.closed is not None:
            returning.closed(known, life.closed)
        writer.maybe_flush()

    if scripted:
        force = "west_midlands" if "west_midlands" in forces else forces[0]
        for row in scenario_referrals(
            writer,
            ids,
            today,
            force,
            staffing.workers[force][0],
            lambda: reference(force, today.year),
            lambda: places.officer(force),
            schemes[force],
            now=now,
        ):
            statuses[row["status"]] += 1

    sessions.fill_gaps(forces, first_day, today + timedelta(days=FUTURE_SESSION_DAYS))
    for force in forces:
        # A facilitator off sick next week: the session shows as cancelled.
        sessions.cancelled(
            force,
            "cannabis",
            (next_monday(today) + timedelta(days=8), 14 * 60),
            "facilitator ill; everyone booked moved to the next session",
        )
    writer.flush()
    order = [s.value for s in vocab.ReferralStatus]
    return DemoSummary(
        seed,
        today,
        referrals,
        dict(writer.counts),
        {status: statuses[status] for status in order if statuses[status]},
    )
