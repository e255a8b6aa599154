"""Staff accounts, logging in and out, and the lock that guards a left-alone screen.

Passwords are hashed with argon2. Five failed logins in a row lock the account for
fifteen minutes; the lock is kept in the database so that restarting the app does not
lift it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, func, select

from divert_tui.core.database import Database
from divert_tui.core.models import Force, Staff, StaffForce, utcnow
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    Permission,
    ServiceError,
    ValidationError,
    require,
)
from divert_tui.core.services.settings import is_demo_database
from divert_tui.core.vocab import Role

MAX_FAILED_LOGINS = 5
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


def validate_username(username: str) -> str:
    name = username.strip().lower()
    if not (2 <= len(name) <= 64) or not all(c.isalnum() or c in "._-" for c in name):
        raise ValidationError(
            {"username": "use 2 to 64 letters, digits, dots, dashes or underscores"}
        )
    return name


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            {"password": f"must be at least {MIN_PASSWORD_LENGTH} characters long"}
        )


def _forces_of(session: Session, staff_id: int) -> frozenset[str]:
    rows = session.exec(select(StaffForce.force_code).where(StaffForce.staff_id == staff_id))
    return frozenset(rows.all())


def actor_for(session: Session, staff: Staff, *, demo: bool) -> Actor:
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
    require(actor, Permission.MANAGE_STAFF)
    name = validate_username(username)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            {"role": f"{role!r} is not a role: use {', '.join(r.value for r in Role)}"}
        ) from None
    validate_password(password)
    if role in (Role.WORKER, Role.TEAM_LEAD) and not forces:
        raise ValidationError({"force": "a worker or team lead needs at least one --force"})
    with db.write() as session:
        known = set(session.exec(select(Force.code)).all())
        unknown = [code for code in forces if code not in known]
        if unknown:
            raise ValidationError(
                {"force": f"unknown force {unknown[0]!r}: use one of {', '.join(sorted(known))}"}
            )
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


def count_staff(db: Database) -> int:
    """How many accounts exist: none means the first admin must still be made."""
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Staff)).one()


def list_staff(db: Database, actor: Actor) -> list[StaffSummary]:
    require(actor, Permission.MANAGE_STAFF)
    now = utcnow()
    with db.read() as session:
        people = session.exec(select(Staff).order_by(col(Staff.username))).all()
        return [
            StaffSummary(
                s.id or 0,
                s.username,
                s.display_name,
                Role(s.role),
                tuple(sorted(_forces_of(session, s.id or 0))),
                s.active,
                bool(s.locked_until and s.locked_until > now),
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


def authenticate(db: Database, username: str, password: str) -> Actor:
    """Log in: the actor on success; a LoginError that says nothing about which part was wrong."""
    name = username.strip().lower()
    demo = is_demo_database(db)
    failure: str | None = None
    with db.write() as session:
        staff = session.exec(select(Staff).where(Staff.username == name)).first()
        # Always one hash check, known name or not, so the time taken gives nothing away.
        password_ok = _check_password(staff, password)
        now = utcnow()
        if staff is not None and staff.locked_until and staff.locked_until > now:
            minutes = max(1, math.ceil((staff.locked_until - now).total_seconds() / 60))
            failure = (
                f"this account is locked after {MAX_FAILED_LOGINS} failed logins; "
                f"try again in {minutes} minute{'s' if minutes != 1 else ''} or ask an admin"
            )
        elif not (password_ok and staff is not None and staff.active):
            failure = "wrong user name or password"
            if staff is not None:
                # Counted in this transaction, which commits: the refusal is raised after it.
                staff.failed_logins += 1
                locked = staff.failed_logins >= MAX_FAILED_LOGINS
                if locked:
                    staff.locked_until = now + LOCKOUT
                    staff.failed_logins = 0
                session.add(staff)
                audit.record(
                    session,
                    _anonymous(name),
                    "login.failed",
                    "staff",
                    staff.id,
                    "account locked" if locked else "",
                )
        elif Role(staff.role) is Role.TRAINER and not demo:
            failure = "a trainer can only use the demo: start it with divert --demo"
        else:
            staff.failed_logins = 0
            staff.locked_until = None
            staff.last_login_at = now
            session.add(staff)
            actor = actor_for(session, staff, demo=demo)
            audit.record(session, actor, "login", "staff", staff.id)
    if failure is not None:
        raise LoginError(failure)
    return actor


def confirm_password(db: Database, actor: Actor, password: str) -> None:
    """Unlock an idle-locked screen: the same checks and lockout as logging in."""
    authenticate(db, actor.username, password)


def _anonymous(username: str) -> Actor:
    return Actor(None, username, Role.WORKER)


def demo_actor(db: Database, role: Role) -> Actor:
    """Log in without a password; only a demo database allows it."""
    if not is_demo_database(db):
        raise LoginError("logging in without a password is only possible in the demo")
    with db.write() as session:
        staff = session.exec(
            select(Staff).where(Staff.role == role.value, col(Staff.active)).order_by(col(Staff.id))
        ).first()
        if staff is None:
            raise LoginError(f"the demo has no {role.value} account")
        actor = actor_for(session, staff, demo=True)
        audit.record(session, actor, "login.demo", "staff", staff.id)
        return actor
