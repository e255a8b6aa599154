"""Staff accounts, logging in and out, and the lock that guards a left-alone screen.

Passwords are hashed with argon2. Five failed logins in a row lock the account for
fifteen minutes; the lock is kept in the database so that restarting the app does not
lift it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from divert_tui.core.database import Database
from divert_tui.core.models import Force, LoginThrottle, Staff, StaffForce, utcnow
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    ROLE_LABELS,
    Actor,
    NotFound,
    Permission,
    ServiceError,
    ValidationError,
    forget_waiting_check,
    require,
)
from divert_tui.core.services.settings import is_demo_database
from divert_tui.core.vocab import Role

MAX_FAILED_LOGINS = 5
MAX_FAILED_LOGINS_EVERYWHERE = 20
MAX_FAILED_LOGINS_PER_TERMINAL = 10
UNKNOWN_NAME = "(unknown user name)"
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked when the user name is unknown, so a wrong name costs as long as a wrong password."""
    return _hasher.hash("not-a-real-password")


class LoginError(ServiceError):
    pass


@dataclass(frozen=True)
class StaffSummary:
    id: int
    username: str
    display_name: str
    role: Role
    forces: tuple[str, ...]
    active: bool
    locked: bool


def _validate_username(username: str) -> str:
    name = username.strip().lower()
    if not (2 <= len(name) <= 64) or not all(c.isalnum() or c in "._-" for c in name):
        raise ValidationError(
            {"username": "use 2 to 64 letters, digits, dots, dashes or underscores"}
        )
    return name


def _validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            {"password": f"must be at least {MIN_PASSWORD_LENGTH} characters long"}
        )


def _forces_of(session: Session, staff_id: int) -> frozenset[str]:
    rows = session.exec(select(StaffForce.force_code).where(StaffForce.staff_id == staff_id))
    return frozenset(rows.all())


def _actor_for(session: Session, staff: Staff, *, demo: bool) -> Actor:
    assert staff.id is not None
    return Actor(
        staff.id,
        staff.username,
        Role(staff.role),
        _forces_of(session, staff.id),
        staff.display_name,
        demo,
    )


def add_staff(
    db: Database,
    actor: Actor,
    username: str,
    role: Role | str,
    password: str,
    *,
    display_name: str | None = None,
    forces: tuple[str, ...] | list[str] = (),
) -> StaffSummary:
    """Create an account; workers and team leads need at least one force."""
    name = _validate_username(username)
    role = _role_of(role)
    _validate_password(password)
    if role in (Role.WORKER, Role.TEAM_LEAD) and not forces:
        raise ValidationError({"force": "a worker or team lead needs at least one --force"})
    with db.write() as session:
        require(actor, Permission.MANAGE_STAFF)
        _check_forces(session, forces)
        if session.exec(select(Staff.id).where(Staff.username == name)).first() is not None:
            raise ValidationError({"username": f"{name!r} already exists"})
        staff = Staff(
            username=name,
            display_name=(display_name or name).strip(),
            role=role.value,
            password_hash=_hasher.hash(password),
        )
        session.add(staff)
        session.flush()
        assert staff.id is not None
        for code in dict.fromkeys(forces):
            session.add(StaffForce(staff_id=staff.id, force_code=code))
        audit.record(
            session,
            actor,
            "staff.add",
            "staff",
            staff.id,
            f"role={role.value} forces={','.join(forces)}",
        )
        return StaffSummary(staff.id, name, staff.display_name, role, tuple(forces), True, False)


def _check_forces(session: Session, forces: tuple[str, ...] | list[str]) -> None:
    known = set(session.exec(select(Force.code)).all())
    unknown = [code for code in forces if code not in known]
    if unknown:
        raise ValidationError(
            {"force": f"unknown force {unknown[0]!r}: use one of {', '.join(sorted(known))}"}
        )


def _role_of(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(
            {"role": f"{value!r} is not a role: use {', '.join(r.value for r in Role)}"}
        ) from None


def count_staff(db: Database) -> int:
    """How many accounts exist: none means the first admin must still be made."""
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Staff)).one()


def list_staff(db: Database, actor: Actor) -> list[StaffSummary]:
    now = utcnow()
    with db.read() as session:
        require(actor, Permission.MANAGE_STAFF)
        people = session.exec(select(Staff).order_by(col(Staff.username))).all()
        return [
            StaffSummary(
                s.id or 0,
                s.username,
                s.display_name,
                Role(s.role),
                tuple(sorted(_forces_of(session, s.id or 0))),
                s.active,
                _is_locked(session, s, now),
            )
            for s in people
        ]


def _check_password(staff: Staff | None, password: str) -> bool:
    try:
        return _hasher.verify(staff.password_hash if staff else _dummy_hash(), password) and (
            staff is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _terminal_id() -> str:
    """The terminal session this process runs in (host, login session, terminal), so that
    failed logins are also counted per terminal: restarting the app does not reset them."""
    parts = [socket.gethostname()]
    with contextlib.suppress(OSError):
        parts.append(f"sid{os.getsid(0)}")
    tty = ""
    for fd in (0, 1, 2):
        try:
            tty = os.ttyname(fd)
            break
        except OSError:
            continue
    # Without a terminal (the app served to a browser) each process is its own session.
    parts.append(tty or f"pid{os.getpid()}")
    parts.extend(os.environ.get("SSH_CONNECTION", "").split()[:2])
    return ":".join(parts)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:28]


def _keys(name: str, terminal: str) -> tuple[str, str, str]:
    """(this name from this terminal, this name from anywhere, this terminal for any name).

    Names are kept hashed: the user-name box sometimes receives a password by mistake.
    """
    return (
        f"pair:{_digest(name)}:{_digest(terminal)}",
        f"name:{_digest(name)}",
        f"term:{_digest(terminal)}",
    )


def _throttle_of(username: str) -> Any:
    """The throttle rows of one name, from every terminal (what ``unlock`` removes)."""
    digest = _digest(username.strip().lower())
    return or_(
        LoginThrottle.key == f"name:{digest}", col(LoginThrottle.key).startswith(f"pair:{digest}:")
    )


def _is_locked(session: Session, staff: Staff, now: datetime) -> bool:
    """Locked everywhere, or from at least one terminal."""
    if staff.locked_until and staff.locked_until > now:
        return True
    locked = session.exec(
        select(LoginThrottle.key).where(
            _throttle_of(staff.username), col(LoginThrottle.locked_until) > now
        )
    ).first()
    return locked is not None


def _throttle_rows(session: Session, keys: tuple[str, ...]) -> dict[str, LoginThrottle]:
    rows = session.exec(select(LoginThrottle).where(col(LoginThrottle.key).in_(keys))).all()
    found = {row.key: row for row in rows}
    for key in keys:
        found.setdefault(key, LoginThrottle(key=key))
    return found


def _locked_for(row: LoginThrottle, now: datetime) -> int:
    """Minutes left on a lock (0: not locked)."""
    if row.locked_until is None or row.locked_until <= now:
        return 0
    return max(1, math.ceil((row.locked_until - now).total_seconds() / 60))


def _count_failure(row: LoginThrottle, limit: int, now: datetime) -> bool:
    """One more failure; at the limit the key is locked. True when this locked it."""
    if row.updated_at is not None and row.updated_at <= now - LOCKOUT:
        row.failures = 0  # failures this long ago no longer count towards a lock
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until = None
        row.failures = 0
    row.failures += 1
    row.updated_at = now
    if row.failures >= limit:
        row.locked_until = now + LOCKOUT
        row.failures = 0
        return True
    return False


def _minutes(count: int) -> str:
    return f"{count} minute{'s' if count != 1 else ''}"


def authenticate(
    db: Database, username: str, password: str, *, terminal: str | None = None
) -> Actor:
    """Log in: the actor on success; a LoginError that says nothing about which part was wrong.

    Unknown names are counted and locked exactly like real ones (same words, one password
    hash either way), and failures are counted for the name from this terminal, for the
    name everywhere (a higher limit) and for the terminal: so one person mistyping, or
    guessing, locks a colleague out of their own terminal only, never everywhere.
    """
    name = username.strip().lower()
    demo = is_demo_database(db)
    pair_key, name_key, terminal_key = _keys(name, terminal or _terminal_id())
    forget_waiting_check()
    failure: str | None = None
    with db.write() as session:
        staff = session.exec(select(Staff).where(Staff.username == name)).first()
        # Always one hash check, known name or not, so the time taken gives nothing away.
        password_ok = _check_password(staff, password)
        now = utcnow()
        rows = _throttle_rows(session, (pair_key, name_key, terminal_key))
        pair, everywhere, here = rows[pair_key], rows[name_key], rows[terminal_key]
        account_lock = 0
        if staff is not None and staff.locked_until and staff.locked_until > now:
            account_lock = max(1, math.ceil((staff.locked_until - now).total_seconds() / 60))
        name_lock = max(_locked_for(pair, now), _locked_for(everywhere, now), account_lock)
        if name_lock:
            failure = (
                f"this account is locked after {MAX_FAILED_LOGINS} failed logins; "
                f"try again in {_minutes(name_lock)} or ask an admin to run: "
                f"divert staff unlock {name}"
            )
        elif _locked_for(here, now):
            failure = (
                f"too many failed logins from this terminal; try again in "
                f"{_minutes(_locked_for(here, now))}"
            )
        elif not (password_ok and staff is not None and staff.active):
            failure = "wrong user name or password"
            locked = _count_failure(pair, MAX_FAILED_LOGINS, now)
            locked_everywhere = _count_failure(everywhere, MAX_FAILED_LOGINS_EVERYWHERE, now)
            _count_failure(here, MAX_FAILED_LOGINS_PER_TERMINAL, now)
            for row in (pair, everywhere, here):
                session.add(row)
            if staff is not None:
                staff.failed_logins = pair.failures
                if locked_everywhere:
                    staff.locked_until = everywhere.locked_until
                session.add(staff)
            # Counted in this transaction, which commits: the refusal is raised after it.
            audit.record(
                session,
                _anonymous(name if staff is not None else UNKNOWN_NAME),
                "login.failed",
                "staff",
                staff.id if staff is not None else "",
                "account locked" if locked or locked_everywhere else "",
            )
        elif Role(staff.role) is Role.TRAINER and not demo:
            failure = "a trainer can only use the demo: start it with divert --demo"
        else:
            staff.failed_logins = 0
            staff.locked_until = None
            staff.last_login_at = now
            session.add(staff)
            for row in (pair, everywhere, here):
                if row in session:
                    session.delete(row)
            actor = _actor_for(session, staff, demo=demo)
            audit.record(session, actor, "login", "staff", staff.id)
    if failure is not None:
        raise LoginError(failure)
    return actor


def still_active(db: Database, actor: Actor) -> bool:
    """Whether a logged-in account may go on (the app asks every half minute). A check,
    not a use case: it reads one flag and records nothing."""
    if actor.staff_id is None:
        return True
    with db.read() as session:
        active = session.exec(select(Staff.active).where(Staff.id == actor.staff_id)).first()
        return bool(active)


def confirm_password(db: Database, actor: Actor, password: str) -> None:
    """Unlock an idle-locked screen: the same checks and lockout as logging in."""
    authenticate(db, actor.username, password)


def _anonymous(username: str) -> Actor:
    return Actor(None, username, Role.WORKER)


def demo_actor(db: Database, role: Role) -> Actor:
    """Log in without a password; only a demo database allows it."""
    forget_waiting_check()
    if not is_demo_database(db):
        raise LoginError("logging in without a password is only possible in the demo")
    with db.write() as session:
        staff = session.exec(
            select(Staff).where(Staff.role == role.value, col(Staff.active)).order_by(col(Staff.id))
        ).first()
        if staff is None:
            raise LoginError(f"the demo has no {role.value} account")
        actor = _actor_for(session, staff, demo=True)
        audit.record(session, actor, "login.demo", "staff", staff.id)
        return actor


# --- managing accounts (``divert staff deactivate|activate|unlock|reset-password|set-role|
# set-forces``): one transaction, one permission check, one audit event each ---------------


def _summary(session: Session, staff: Staff) -> StaffSummary:
    now = utcnow()
    return StaffSummary(
        staff.id or 0,
        staff.username,
        staff.display_name,
        Role(staff.role),
        tuple(sorted(_forces_of(session, staff.id or 0))),
        staff.active,
        _is_locked(session, staff, now),
    )


def _account(session: Session, username: str) -> Staff:
    name = username.strip().lower()
    staff = session.exec(select(Staff).where(Staff.username == name)).first()
    if staff is None:
        raise NotFound(f"no staff account {name!r}: see divert staff list")
    return staff


def _not_yourself(actor: Actor, staff: Staff, what: str) -> None:
    if actor.staff_id is not None and actor.staff_id == staff.id:
        raise ValidationError(
            {"username": f"you cannot {what} your own account; ask another admin"}
        )


def _keep_an_admin(session: Session, staff: Staff) -> None:
    """Refuse to take away the last active admin (nobody could manage accounts in the app)."""
    if staff.role != Role.ADMIN.value or not staff.active:
        return
    admins = session.exec(
        select(func.count())
        .select_from(Staff)
        .where(Staff.role == Role.ADMIN.value, col(Staff.active), Staff.id != staff.id)
    ).one()
    if admins == 0:
        raise ValidationError(
            {"username": f"{staff.username} is the last active admin; add another admin first"}
        )


def _change(
    db: Database,
    actor: Actor,
    username: str,
    action: str,
    change: Callable[[Session, Staff], str],
) -> StaffSummary:
    with db.write() as session:
        require(actor, Permission.MANAGE_STAFF)
        staff = _account(session, username)
        detail = change(session, staff)
        session.add(staff)
        session.flush()
        audit.record(session, actor, action, "staff", staff.id, detail)
        return _summary(session, staff)


def _clear_lockout(session: Session, staff: Staff) -> None:
    staff.failed_logins = 0
    staff.locked_until = None
    for row in session.exec(select(LoginThrottle).where(_throttle_of(staff.username))).all():
        session.delete(row)


def deactivate(db: Database, actor: Actor, username: str) -> StaffSummary:
    """Stop an account at once: logging in is refused, and so is the next action of a
    session already open (every use case checks that its actor is still active)."""

    def change(session: Session, staff: Staff) -> str:
        _not_yourself(actor, staff, "deactivate")
        _keep_an_admin(session, staff)
        staff.active = False
        return ""

    return _change(db, actor, username, "staff.deactivate", change)


def activate(db: Database, actor: Actor, username: str) -> StaffSummary:
    def change(session: Session, staff: Staff) -> str:
        staff.active = True
        _clear_lockout(session, staff)
        return ""

    return _change(db, actor, username, "staff.activate", change)


def unlock(db: Database, actor: Actor, username: str) -> StaffSummary:
    """Lift a lockout after failed logins (from every terminal)."""

    def change(session: Session, staff: Staff) -> str:
        _clear_lockout(session, staff)
        return ""

    return _change(db, actor, username, "staff.unlock", change)


def reset_password(db: Database, actor: Actor, username: str, password: str) -> StaffSummary:
    """Set a new password for someone who forgot theirs; any lockout is lifted too."""
    _validate_password(password)

    def change(session: Session, staff: Staff) -> str:
        staff.password_hash = _hasher.hash(password)
        _clear_lockout(session, staff)
        return ""

    return _change(db, actor, username, "staff.reset_password", change)


def set_role(db: Database, actor: Actor, username: str, role: Role | str) -> StaffSummary:
    new_role = _role_of(role)

    def change(session: Session, staff: Staff) -> str:
        if new_role is not Role.ADMIN:
            _not_yourself(actor, staff, "change the role of")
            _keep_an_admin(session, staff)
        if new_role in (Role.WORKER, Role.TEAM_LEAD) and not _forces_of(session, staff.id or 0):
            raise ValidationError(
                {"role": f"a {ROLE_LABELS[new_role]} needs a force: run set-forces first"}
            )
        old, staff.role = staff.role, new_role.value
        return f"role {old} -> {new_role.value}"

    return _change(db, actor, username, "staff.set_role", change)


def set_forces(
    db: Database, actor: Actor, username: str, forces: tuple[str, ...] | list[str]
) -> StaffSummary:
    """Replace the forces an account works for (what referrals it may see)."""
    codes = list(dict.fromkeys(code.strip() for code in forces if code.strip()))

    def change(session: Session, staff: Staff) -> str:
        _check_forces(session, codes)
        if not codes and Role(staff.role) in (Role.WORKER, Role.TEAM_LEAD):
            raise ValidationError({"force": "a worker or team lead needs at least one force"})
        for row in session.exec(select(StaffForce).where(StaffForce.staff_id == staff.id)).all():
            session.delete(row)
        session.flush()
        for code in codes:
            session.add(StaffForce(staff_id=staff.id or 0, force_code=code))
        return f"forces={','.join(codes)}"

    return _change(db, actor, username, "staff.set_forces", change)
