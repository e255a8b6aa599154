"""Issue 9 items 4 and 11: managing accounts from the command line, a deactivated account
stopped in its open session, and logins that neither reveal names nor let one person lock
a colleague out."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from divert_tui.cli import main
from divert_tui.core.database import Database
from divert_tui.core.services import queue, search
from divert_tui.core.services import staff as staff_service
from divert_tui.core.services.assessment import start_or_resume
from divert_tui.core.services.base import AccountInactive, Actor
from divert_tui.core.services.staff import (
    MAX_FAILED_LOGINS,
    MAX_FAILED_LOGINS_PER_TERMINAL,
    LoginError,
    add_staff,
    authenticate,
    list_staff,
)
from divert_tui.core.vocab import Role
from tests.assessment.helpers import seed_referral

PASSWORD = "correct horse battery"
HERE, THERE = "host:sid1:/dev/pts/1", "host:sid2:/dev/pts/2"


def _cli(db_url: str, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["staff", *args, "--db", db_url], input=stdin)


def _worker(db: Database, admin: Actor, name: str = "amy") -> None:
    add_staff(db, admin, name, "worker", PASSWORD, forces=("west_midlands",))


def _fail(db: Database, name: str, times: int, terminal: str = HERE) -> None:
    for _ in range(times):
        with pytest.raises(LoginError):
            authenticate(db, name, "not the password", terminal=terminal)


# --- a deactivated account stops at its next action -------------------------------------------


def test_a_logged_in_worker_deactivated_is_refused_at_the_next_call(
    db: Database, db_url: str, admin: Actor, schemes
) -> None:
    _worker(db, admin)
    referral_id = seed_referral(db)
    actor = authenticate(db, "amy", PASSWORD, terminal=HERE)
    assert queue.my_work(db, actor).total == 1

    result = _cli(db_url, "deactivate", "amy")
    assert result.exit_code == 0, result.output
    assert "amy: deactivated" in result.output and "inactive" in result.output

    for call in (
        lambda: queue.my_work(db, actor),
        lambda: search.find(db, actor, "sam1"),
        lambda: start_or_resume(db, actor, referral_id, schemes),
    ):
        with pytest.raises(AccountInactive, match="no longer active, so nothing was done"):
            call()
    with pytest.raises(LoginError, match="wrong user name or password"):
        authenticate(db, "amy", PASSWORD, terminal=HERE)

    assert _cli(db_url, "activate", "amy").exit_code == 0
    assert queue.my_work(db, actor).total == 1


def test_the_check_runs_in_the_transaction_of_the_call(db: Database, admin: Actor) -> None:
    """A deactivation committed between two calls is seen by the very next one."""
    _worker(db, admin)
    actor = authenticate(db, "amy", PASSWORD, terminal=HERE)
    staff_service.deactivate(db, admin, "amy")
    with pytest.raises(AccountInactive):
        search.find(db, actor, "anything")
    staff_service.activate(db, admin, "amy")
    assert search.find(db, actor, "anything") == []


def test_an_account_removed_after_login_is_refused(db: Database, admin: Actor) -> None:
    ghost = Actor(999, "ghost", Role.WORKER, frozenset({"west_midlands"}), "Ghost")
    with pytest.raises(AccountInactive):
        queue.my_work(db, ghost)


# --- the staff commands ---------------------------------------------------------------------


def test_unlock_names_the_command_and_lifts_the_lock(
    db: Database, db_url: str, admin: Actor
) -> None:
    _worker(db, admin)
    _fail(db, "amy", MAX_FAILED_LOGINS)
    with pytest.raises(LoginError, match="ask an admin to run: divert staff unlock amy"):
        authenticate(db, "amy", PASSWORD, terminal=HERE)
    assert "locked" in _cli(db_url, "list").output
    result = _cli(db_url, "unlock", "amy")
    assert result.exit_code == 0 and "amy: unlocked" in result.output
    assert authenticate(db, "amy", PASSWORD, terminal=HERE).username == "amy"


def test_reset_password_set_role_and_set_forces(db: Database, db_url: str, admin: Actor) -> None:
    _worker(db, admin)
    result = _cli(db_url, "reset-password", "amy", "--password-stdin", stdin="a new long secret\n")
    assert result.exit_code == 0, result.output
    with pytest.raises(LoginError):
        authenticate(db, "amy", PASSWORD, terminal=HERE)
    assert authenticate(db, "amy", "a new long secret", terminal=HERE).role is Role.WORKER

    result = _cli(db_url, "set-forces", "amy", "west_mercia", "staffordshire")
    assert result.exit_code == 0, result.output
    result = _cli(db_url, "set-role", "amy", "team_lead")
    assert result.exit_code == 0 and "now a team lead" in result.output
    amy = authenticate(db, "amy", "a new long secret", terminal=HERE)
    assert amy.role is Role.TEAM_LEAD and amy.forces == {"west_mercia", "staffordshire"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("deactivate", "nobody"), "no staff account 'nobody': see divert staff list"),
        (("set-forces", "amy", "atlantis"), "unknown force 'atlantis'"),
        (("set-forces", "amy"), "a worker or team lead needs at least one force"),
        (("reset-password", "amy", "--password-stdin"), "password: must be at least 10"),
    ],
)
def test_bad_staff_commands_say_what_to_fix(
    db: Database, db_url: str, admin: Actor, args: tuple[str, ...], message: str
) -> None:
    _worker(db, admin)
    result = _cli(db_url, *args, stdin="short\n")
    assert result.exit_code == 1
    assert message in result.output
    assert [s.forces for s in list_staff(db, admin)] == [("west_midlands",)]


def test_the_last_admin_and_yourself_cannot_be_switched_off(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "root.admin", "admin", PASSWORD)
    boss = authenticate(db, "root.admin", PASSWORD, terminal=HERE)
    with pytest.raises(staff_service.ValidationError, match="your own account"):
        staff_service.deactivate(db, boss, "root.admin")
    with pytest.raises(staff_service.ValidationError, match="last active admin"):
        staff_service.set_role(db, admin, "root.admin", "trainer")


# --- logins: no name enumeration, no locking a colleague out ----------------------------------


def test_unknown_names_lock_with_the_same_words_as_real_ones(db: Database, admin: Actor) -> None:
    _worker(db, admin, "amy")
    _fail(db, "amy", MAX_FAILED_LOGINS)
    _fail(db, "nobody", MAX_FAILED_LOGINS)
    answers = []
    for name in ("amy", "nobody"):
        with pytest.raises(LoginError) as refused:
            authenticate(db, name, "whatever it is", terminal=HERE)
        answers.append(str(refused.value).replace(name, "NAME"))
    assert answers[0] == answers[1]
    assert "locked after 5 failed logins" in answers[0]


def test_known_and_unknown_names_cost_one_password_hash_each(
    db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    _worker(db, admin, "amy")
    staff_service._dummy_hash()
    checks: list[str] = []
    real = staff_service._hasher

    class Counting:
        def verify(self, hash_: str, password: str) -> bool:
            checks.append(hash_[:9])
            return real.verify(hash_, password)

    monkeypatch.setattr(staff_service, "_hasher", Counting())
    for name in ("amy", "nobody"):
        for _ in range(MAX_FAILED_LOGINS + 1):  # before, at and after the lock
            with pytest.raises(LoginError):
                authenticate(db, name, "not the password", terminal=HERE)
    assert len(checks) == 2 * (MAX_FAILED_LOGINS + 1)
    assert set(checks) == {"$argon2id"}


def test_failures_at_one_terminal_do_not_lock_a_colleague_elsewhere(
    db: Database, admin: Actor
) -> None:
    _worker(db, admin, "amy")
    _fail(db, "amy", MAX_FAILED_LOGINS, terminal=THERE)
    with pytest.raises(LoginError, match="locked"):
        authenticate(db, "amy", PASSWORD, terminal=THERE)
    assert authenticate(db, "amy", PASSWORD, terminal=HERE).username == "amy"


def test_one_terminal_trying_many_names_is_stopped(db: Database, admin: Actor) -> None:
    _worker(db, admin, "amy")
    for n in range(MAX_FAILED_LOGINS_PER_TERMINAL):
        _fail(db, f"guess{n}", 1, terminal=THERE)
    with pytest.raises(LoginError, match="too many failed logins from this terminal"):
        authenticate(db, "amy", PASSWORD, terminal=THERE)
    assert authenticate(db, "amy", PASSWORD, terminal=HERE).username == "amy"


def test_many_terminals_guessing_one_name_lock_it_everywhere(db: Database, admin: Actor) -> None:
    _worker(db, admin, "amy")
    for n in range(staff_service.MAX_FAILED_LOGINS_EVERYWHERE):
        _fail(db, "amy", 1, terminal=f"host:sid{100 + n}:/dev/pts/{n}")
    with pytest.raises(LoginError, match="locked"):
        authenticate(db, "amy", PASSWORD, terminal=HERE)


def test_throttle_keys_fit_their_column() -> None:
    """PostgreSQL refuses a key longer than the column (SQLite would silently keep it)."""
    from divert_tui.core.models import LoginThrottle

    width = LoginThrottle.__table__.c.key.type.length  # type: ignore[attr-defined]
    for key in staff_service._keys("a" * 64, "t" * 500):
        assert len(key) <= width
