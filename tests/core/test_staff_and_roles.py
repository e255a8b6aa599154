"""Staff accounts, logging in, the lockout, and the role checks of the services
(DESIGN section 9, issue 2 item 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from divert_tui.core.database import Database
from divert_tui.core.models import Staff, StaffForce
from divert_tui.core.services import staff as staff_service
from divert_tui.core.services.base import (
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    PermissionDenied,
    ValidationError,
    require,
)
from divert_tui.core.services.settings import mark_demo
from divert_tui.core.services.staff import (
    MAX_FAILED_LOGINS,
    LoginError,
    add_staff,
    authenticate,
    count_staff,
    demo_actor,
    list_staff,
)
from divert_tui.core.vocab import Role
from tests.conftest import make_actor

PASSWORD = "correct horse battery"
WM = ("west_midlands",)


class Clock:
    """A frozen clock for the staff service (the lockout compares against utcnow)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(staff_service, "utcnow", frozen)
    return frozen


def stored(db: Database, username: str) -> Staff:
    with db.read() as session:
        row = session.exec(select(Staff).where(Staff.username == username)).one()
        session.expunge(row)  # keep its loaded values past the read's rollback
        return row


# --- adding staff ---------------------------------------------------------------------------


def test_add_staff_stores_an_argon2_hash_and_the_forces(db: Database, admin: Actor) -> None:
    summary = add_staff(
        db,
        admin,
        " Alice.Smith ",
        "worker",
        PASSWORD,
        display_name="Alice Smith",
        forces=["west_midlands", "west_mercia", "west_midlands"],
    )
    assert summary.username == "alice.smith"
    assert summary.role is Role.WORKER
    assert summary.forces == ("west_midlands", "west_mercia", "west_midlands")
    row = stored(db, "alice.smith")
    assert row.id == summary.id
    assert row.display_name == "Alice Smith"
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert row.active is True and row.failed_logins == 0 and row.locked_until is None
    with db.read() as session:
        codes = session.exec(
            select(StaffForce.force_code).where(StaffForce.staff_id == row.id)
        ).all()
    assert sorted(codes) == ["west_mercia", "west_midlands"]
    assert count_staff(db) == 1


def test_two_accounts_with_one_password_get_different_hashes(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "ann", Role.ADMIN, PASSWORD)
    add_staff(db, admin, "bob", Role.ADMIN, PASSWORD)
    assert stored(db, "ann").password_hash != stored(db, "bob").password_hash


@pytest.mark.parametrize(
    ("username", "role", "password", "forces", "field", "words"),
    [
        ("a", "worker", PASSWORD, WM, "username", "2 to 64"),
        ("x" * 65, "worker", PASSWORD, WM, "username", "2 to 64"),
        ("bad name", "worker", PASSWORD, WM, "username", "letters, digits"),
        ("rm;-rf", "worker", PASSWORD, WM, "username", "letters, digits"),
        ("carol", "boss", PASSWORD, WM, "role", "'boss' is not a role"),
        ("carol", "worker", "short", WM, "password", "at least 10 characters"),
        ("carol", "worker", "", WM, "password", "at least 10 characters"),
        ("carol", "worker", PASSWORD, (), "force", "at least one --force"),
        ("carol", "team_lead", PASSWORD, (), "force", "at least one --force"),
        ("carol", "worker", PASSWORD, ("atlantis",), "force", "unknown force 'atlantis'"),
    ],
)
def test_add_staff_validation_names_the_field(
    db: Database, admin: Actor, username, role, password, forces, field, words
) -> None:
    with pytest.raises(ValidationError) as caught:
        add_staff(db, admin, username, role, password, forces=forces)
    assert list(caught.value.errors) == [field]
    assert words in caught.value.errors[field]
    assert str(caught.value).startswith(f"{field}: ")
    assert count_staff(db) == 0


def test_the_role_list_is_named_in_the_role_error(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        add_staff(db, admin, "carol", "Administrator", PASSWORD)
    assert "worker, team_lead, trainer, admin" in caught.value.errors["role"]


def test_admin_and_trainer_need_no_force(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "root.admin", "admin", PASSWORD)
    add_staff(db, admin, "teacher", "trainer", PASSWORD)
    assert count_staff(db) == 2


def test_a_duplicate_user_is_refused_whatever_the_case(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "dave", "worker", PASSWORD, forces=WM)
    with pytest.raises(ValidationError) as caught:
        add_staff(db, admin, "DAVE", "admin", PASSWORD)
    assert caught.value.errors == {"username": "'dave' already exists"}
    assert count_staff(db) == 1
    assert stored(db, "dave").role == "worker"


@pytest.mark.parametrize("role", [Role.WORKER, Role.TEAM_LEAD])
def test_only_an_admin_may_add_staff(db: Database, role: Role) -> None:
    with pytest.raises(PermissionDenied, match="may not manage staff accounts"):
        add_staff(db, make_actor(role), "eve", "admin", PASSWORD)
    with pytest.raises(PermissionDenied):
        list_staff(db, make_actor(role))
    assert count_staff(db) == 0


def test_list_staff_shows_roles_forces_and_locks(db: Database, admin: Actor, clock) -> None:
    add_staff(db, admin, "zoe", "team_lead", PASSWORD, forces=("west_mercia", "staffordshire"))
    add_staff(db, admin, "amy", "worker", PASSWORD, forces=WM)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginError):
            authenticate(db, "amy", "wrong password!")
    listed = list_staff(db, admin)
    assert [(s.username, s.role, s.forces, s.active, s.locked) for s in listed] == [
        ("amy", Role.WORKER, ("west_midlands",), True, True),
        ("zoe", Role.TEAM_LEAD, ("staffordshire", "west_mercia"), True, False),
    ]
    clock.advance(minutes=15, seconds=1)
    assert [s.locked for s in list_staff(db, admin)] == [False, False]


# --- logging in -------------------------------------------------------------------------------


def test_login_returns_the_actor(db: Database, admin: Actor, clock) -> None:
    added = add_staff(db, admin, "fay", "team_lead", PASSWORD, display_name="Fay Jones", forces=WM)
    actor = authenticate(db, "  FAY ", PASSWORD)
    assert actor == Actor(added.id, "fay", Role.TEAM_LEAD, frozenset(WM), "Fay Jones", demo=False)
    assert stored(db, "fay").last_login_at == clock.now


def test_a_wrong_password_does_not_say_which_part_was_wrong(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "gus", "worker", PASSWORD, forces=WM)
    messages = set()
    for username, password in [("gus", "not the password"), ("nobody", PASSWORD), ("", "")]:
        with pytest.raises(LoginError) as caught:
            authenticate(db, username, password)
        messages.add(str(caught.value))
    assert messages == {"wrong user name or password"}


def test_an_unknown_user_costs_a_password_check(db: Database, admin: Actor, monkeypatch) -> None:
    """The documented defence against telling names apart by timing: a wrong name must run
    the same argon2 verification as a wrong password."""
    add_staff(db, admin, "gus", "worker", PASSWORD, forces=WM)
    calls: list[str] = []
    real = staff_service._hasher

    class SpyHasher:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, hash_: str, password: str) -> bool:
            calls.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(staff_service, "_hasher", SpyHasher())
    with pytest.raises(LoginError):
        authenticate(db, "gus", "not the password")
    assert len(calls) == 1
    with pytest.raises(LoginError):
        authenticate(db, "nobody", "not the password")
    assert len(calls) == 2, "an unknown user name skipped the password check"


def test_an_inactive_account_cannot_log_in(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "hal", "worker", PASSWORD, forces=WM)
    with db.write() as session:
        row = session.exec(select(Staff).where(Staff.username == "hal")).one()
        row.active = False
        session.add(row)
    with pytest.raises(LoginError, match="wrong user name or password"):
        authenticate(db, "hal", PASSWORD)


def test_five_failures_lock_the_account_for_fifteen_minutes(
    db: Database, db_url: str, admin: Actor, clock: Clock
) -> None:
    add_staff(db, admin, "ivy", "worker", PASSWORD, forces=WM)
    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(LoginError, match="wrong user name or password"):
            authenticate(db, "ivy", f"wrong password {attempt}")
        assert stored(db, "ivy").failed_logins == attempt
        assert stored(db, "ivy").locked_until is None
    with pytest.raises(LoginError, match="wrong user name or password"):
        authenticate(db, "ivy", "wrong password 5")

    # the right password is refused while locked, and says so
    clock.advance(minutes=1, seconds=30)
    with pytest.raises(LoginError) as caught:
        authenticate(db, "ivy", PASSWORD)
    assert "locked after 5 failed logins" in str(caught.value)
    assert "14 minutes" in str(caught.value)

    # the lock is in the database: a restarted app (a new Database) still refuses
    db.dispose()
    fresh = Database(db_url)
    try:
        clock.advance(minutes=13)
        with pytest.raises(LoginError, match="try again in 1 minute or ask an admin"):
            authenticate(fresh, "ivy", PASSWORD)
        clock.advance(seconds=31)  # 15 min 1 s after the fifth failure
        actor = authenticate(fresh, "ivy", PASSWORD)
        assert actor.username == "ivy"
        row = stored(fresh, "ivy")
        assert row.failed_logins == 0 and row.locked_until is None
    finally:
        fresh.dispose()


def test_a_success_resets_the_failure_count(db: Database, admin: Actor, clock) -> None:
    add_staff(db, admin, "jan", "worker", PASSWORD, forces=WM)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginError):
            authenticate(db, "jan", "wrong password!")
    authenticate(db, "jan", PASSWORD)
    assert stored(db, "jan").failed_logins == 0
    with pytest.raises(LoginError, match="wrong user name or password"):
        authenticate(db, "jan", "wrong password!")
    assert stored(db, "jan").locked_until is None


def test_a_trainer_cannot_log_in_to_a_live_database(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "kim", "trainer", PASSWORD)
    with pytest.raises(LoginError, match="only use the demo"):
        authenticate(db, "kim", PASSWORD)


def test_a_trainer_logs_in_to_a_demo_database(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "kim", "trainer", PASSWORD)
    mark_demo(db)
    actor = authenticate(db, "kim", PASSWORD)
    assert actor.role is Role.TRAINER and actor.demo is True
    require(actor, Permission.VIEW_REPORTS)


def test_demo_actor_is_refused_on_a_live_database(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "leo", "worker", PASSWORD, forces=WM)
    with pytest.raises(LoginError, match="only possible in the demo"):
        demo_actor(db, Role.WORKER)


def test_demo_actor_logs_in_without_a_password_on_a_demo_database(
    db: Database, admin: Actor
) -> None:
    add_staff(db, admin, "leo", "worker", PASSWORD, forces=WM)
    mark_demo(db)
    actor = demo_actor(db, Role.WORKER)
    assert (actor.username, actor.role, actor.forces, actor.demo) == (
        "leo",
        Role.WORKER,
        frozenset(WM),
        True,
    )
    with pytest.raises(LoginError, match="no team_lead account"):
        demo_actor(db, Role.TEAM_LEAD)


# --- role checks ------------------------------------------------------------------------------

# DESIGN section 9, written out independently of base.py: what each role may do.
MAY = {
    Role.WORKER: {Permission.VIEW_REFERRALS, Permission.WORK_REFERRALS},
    Role.TEAM_LEAD: {
        Permission.VIEW_REFERRALS,
        Permission.WORK_REFERRALS,
        Permission.REASSIGN,
        Permission.VIEW_REPORTS,
    },
}
MAY_NOT = {
    Role.WORKER: {
        Permission.REASSIGN,
        Permission.OVERRIDE_BAR,
        Permission.VIEW_REPORTS,
        Permission.IMPORT_FEED,
        Permission.EXPORT_INTEL,
        Permission.MANAGE_STAFF,
        Permission.MANAGE_SETTINGS,
        Permission.EXPORT_PERSON,
        Permission.VERIFY_AUDIT,
        Permission.SEARCH_AUDIT,
        Permission.APPLY_RETENTION,
    },
    Role.TEAM_LEAD: {
        Permission.MANAGE_STAFF,
        Permission.MANAGE_SETTINGS,
        Permission.EXPORT_PERSON,
        Permission.VERIFY_AUDIT,
        Permission.SEARCH_AUDIT,
        Permission.APPLY_RETENTION,
    },
}
CASES = [(role, permission) for role in Role for permission in Permission]


def _allowed(actor: Actor, permission: Permission, **kwargs) -> bool:
    try:
        require(actor, permission, **kwargs)
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize(("role", "permission"), CASES, ids=[f"{r}-{p.name}" for r, p in CASES])
def test_require_follows_the_role_table(role: Role, permission: Permission) -> None:
    live = make_actor(role)
    demo = make_actor(role, demo=True)
    in_table = permission in ROLE_PERMISSIONS[role]
    if role is Role.TRAINER:
        assert not _allowed(live, permission), "a trainer outside the demo may do nothing"
        assert live.can(permission) is False
    else:
        assert _allowed(live, permission) is in_table
        assert live.can(permission) is in_table
    assert _allowed(demo, permission) is in_table
    if role in MAY and permission in MAY[role]:
        assert in_table
    if role in MAY_NOT and permission in MAY_NOT[role]:
        assert not in_table
    if role is Role.ADMIN:
        assert in_table
    if role is Role.TRAINER:
        assert in_table is (permission in ROLE_PERMISSIONS[Role.TEAM_LEAD])


def test_the_refusal_says_who_may_not_do_what() -> None:
    with pytest.raises(PermissionDenied) as caught:
        require(make_actor(Role.WORKER), Permission.REASSIGN)
    assert str(caught.value) == "a drug worker may not reassign referrals"
    with pytest.raises(PermissionDenied) as caught:
        require(make_actor(Role.TEAM_LEAD), Permission.MANAGE_STAFF)
    assert str(caught.value) == "a team lead may not manage staff accounts"
    with pytest.raises(PermissionDenied, match="only work with demo data"):
        require(make_actor(Role.TRAINER, forces=()), Permission.VIEW_REFERRALS)


def test_force_coverage() -> None:
    worker = make_actor(Role.WORKER, forces=("west_midlands", "warwickshire"))
    require(worker, Permission.VIEW_REFERRALS, force="west_midlands")
    require(worker, Permission.WORK_REFERRALS, force="warwickshire")
    with pytest.raises(PermissionDenied, match="does not work for the force 'west_mercia'"):
        require(worker, Permission.VIEW_REFERRALS, force="west_mercia")
    lead = make_actor(Role.TEAM_LEAD, forces=("staffordshire",))
    assert _allowed(lead, Permission.REASSIGN, force="staffordshire")
    assert not _allowed(lead, Permission.REASSIGN, force="west_midlands")
    # the permission is checked before the force: no force makes up for a missing permission
    assert not _allowed(worker, Permission.REASSIGN, force="west_midlands")
    admin = make_actor(Role.ADMIN, forces=())
    assert all(
        _allowed(admin, Permission.VIEW_REFERRALS, force=code)
        for code in ("west_midlands", "west_mercia", "warwickshire", "staffordshire")
    )
    assert _allowed(Actor.system("tests"), Permission.MANAGE_STAFF, force="west_mercia")


def test_a_worker_without_forces_covers_none() -> None:
    worker = make_actor(Role.WORKER, forces=())
    assert not worker.covers("west_midlands")
    assert not _allowed(worker, Permission.VIEW_REFERRALS, force="west_midlands")


def test_validation_error_names_its_fields() -> None:
    error = ValidationError({"username": "too short", "password": "too short"})
    assert error.errors == {"username": "too short", "password": "too short"}
    assert str(error) == "username: too short; password: too short"
