"""What every use case shares: who is acting, what they may do, the errors they can meet.

A service function takes the database and the actor first, opens one transaction, checks
one permission, does its work through rules and models, appends one audit event, and
returns plain values. Screens and the command line call services; nothing else writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction

from divert_tui.core.models import Staff
from divert_tui.core.vocab import Role


class ServiceError(Exception):
    """A refusal a person can act on; ``str()`` is the message to show."""


class PermissionDenied(ServiceError):
    pass


class AccountInactive(PermissionDenied):
    """The acting account was deactivated (or removed) since it logged in."""


class NotFound(ServiceError):
    pass


class ConflictError(ServiceError):
    """Someone else changed the record since it was read: reload and try again."""


class StaleVersion(ConflictError):
    """The write was based on an older version of the record (``check_version``)."""

    def __init__(self, message: str, *, current: int, expected: int) -> None:
        super().__init__(message)
        self.current, self.expected = current, expected


class ValidationError(ServiceError):
    """Bad input: ``errors`` maps each field to what is wrong with it and how to fix it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in self.errors.items()))


class Permission(StrEnum):
    VIEW_REFERRALS = "view referrals"
    WORK_REFERRALS = "work on referrals"
    VIEW_CASELOADS = "see every caseload of their forces"
    REASSIGN = "reassign referrals"
    OVERRIDE_BAR = "override a bar"
    IMPORT_FEED = "import the referral feed"
    EXPORT_INTEL = "export intelligence logs"
    VIEW_REPORTS = "see reports"
    MANAGE_STAFF = "manage staff accounts"
    MANAGE_SETTINGS = "manage settings and the service directory"
    EXPORT_PERSON = "export a person's record"
    VERIFY_AUDIT = "verify the audit trail"
    SEARCH_AUDIT = "search the audit trail"
    MANAGE_SESSIONS = "plan and cancel course sessions"
    EXPORT_OUTCOMES = "export outcomes to the police"
    APPLY_RETENTION = "list or anonymise people past the retention period"


_ALL = frozenset(Permission)
_WORKER = frozenset({Permission.VIEW_REFERRALS, Permission.WORK_REFERRALS})
_LEAD = _WORKER | {
    Permission.VIEW_CASELOADS,
    Permission.REASSIGN,
    Permission.OVERRIDE_BAR,
    Permission.VIEW_REPORTS,
    Permission.EXPORT_INTEL,
    Permission.MANAGE_SESSIONS,
    Permission.EXPORT_OUTCOMES,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.WORKER: _WORKER,
    Role.TEAM_LEAD: frozenset(_LEAD),
    # A trainer may do what a team lead does, but only ever on demo data (see ``require``).
    Role.TRAINER: frozenset(_LEAD),
    Role.ADMIN: _ALL,
}

ROLE_LABELS = {
    Role.WORKER: "drug worker",
    Role.TEAM_LEAD: "team lead",
    Role.TRAINER: "trainer",
    Role.ADMIN: "admin",
}


@dataclass(frozen=True)
class Actor:
    """The person (or command) on whose behalf a service acts."""

    staff_id: int | None
    username: str
    role: Role
    forces: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""
    demo: bool = False

    @classmethod
    def system(cls, name: str, *, demo: bool = False) -> Actor:
        """The command line acting as an admin, recorded in the audit trail as ``cli:NAME``."""
        return cls(None, f"cli:{name}", Role.ADMIN, frozenset(), f"command line ({name})", demo)

    @property
    def sees_all_forces(self) -> bool:
        return self.role is Role.ADMIN

    def can(self, permission: Permission) -> bool:
        if self.role is Role.TRAINER and not self.demo:
            return False
        return permission in ROLE_PERMISSIONS[self.role]

    def covers(self, force_code: str) -> bool:
        return self.sees_all_forces or force_code in self.forces


def require(actor: Actor, permission: Permission, *, force: str | None = None) -> None:
    """Raise PermissionDenied unless the actor may do this (in this force, when one is given)."""
    if actor.role is Role.TRAINER and not actor.demo:
        raise PermissionDenied("a trainer can only work with demo data: start with divert --demo")
    if permission not in ROLE_PERMISSIONS[actor.role]:
        raise PermissionDenied(f"a {ROLE_LABELS[actor.role]} may not {permission.value}")
    if force is not None and not actor.covers(force):
        raise PermissionDenied(f"{actor.username} does not work for the force {force!r}")
    _check_still_active(actor)


# --- the actor is still active: one cheap query in the use case's own transaction ---------
#
# ``require`` is called once per use case, usually inside its transaction. The sessions with
# an open transaction in this thread (or task) are tracked, so the check runs on the same
# transaction; when ``require`` runs before the transaction opens, the check waits for the
# transaction's first connection. A deactivated account is refused before anything is read
# or written for it.

_open_sessions: ContextVar[tuple[OrmSession, ...]] = ContextVar("divert_open_sessions", default=())
_waiting_check: ContextVar[Actor | None] = ContextVar("divert_waiting_check", default=None)


def _inactive_message(actor: Actor) -> str:
    return (
        f"the account {actor.username} is no longer active, so nothing was done; "
        "ask an admin (divert staff activate USER) if this is a mistake"
    )


def _refuse_unless_active(connection: Any, actor: Actor) -> None:
    active = connection.execute(
        select(Staff.active).where(Staff.id == actor.staff_id)  # type: ignore[arg-type]
    ).scalar_one_or_none()
    if not active:
        raise AccountInactive(_inactive_message(actor))


def _check_still_active(actor: Actor) -> None:
    _waiting_check.set(None)
    if actor.staff_id is None:
        return  # the command line, acting as the operating-system user who runs it
    sessions = _open_sessions.get()
    if sessions:
        _refuse_unless_active(sessions[-1].connection(), actor)
    else:
        _waiting_check.set(actor)


def forget_waiting_check() -> None:
    """Drop a check still waiting for a transaction (before someone else logs in)."""
    _waiting_check.set(None)


@event.listens_for(OrmSession, "after_transaction_create")
def _transaction_opened(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        _open_sessions.set((*_open_sessions.get(), session))


@event.listens_for(OrmSession, "after_transaction_end")
def _transaction_ended(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        _open_sessions.set(tuple(s for s in _open_sessions.get() if s is not session))


@event.listens_for(OrmSession, "after_begin")
def _first_connection(
    session: OrmSession, transaction: SessionTransaction, connection: Any
) -> None:
    actor = _waiting_check.get()
    if actor is not None:
        _waiting_check.set(None)
        _refuse_unless_active(connection, actor)


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse a write based on a stale read (optimistic locking on the version column)."""
    if expected is not None and current != expected:
        raise StaleVersion(
            f"this {what} was changed by someone else since you opened it; reload it and try again",
            current=current,
            expected=expected,
        )


def get_for_update(session: OrmSession, model: type[Any], key: object) -> Any:
    """A row a write is about, locked for the rest of the transaction on PostgreSQL.

    Under read committed two writers could otherwise both read the same version and the
    second overwrite the first unseen; ``FOR UPDATE`` makes the second wait and then read
    what the first committed. SQLite's ``BEGIN IMMEDIATE`` already serialises writers.
    """
    locking = session.get_bind().dialect.name == "postgresql"
    return session.get(model, key, with_for_update=locking)


# --- a save kept deliberately over someone else's ----------------------------------------

_overwrite: ContextVar[str] = ContextVar("divert_overwrite", default="")


@contextmanager
def overwriting(detail: str) -> Iterator[None]:
    """Within it, the use case's audit event says it was saved over a newer version."""
    token = _overwrite.set(detail)
    try:
        yield
    finally:
        _overwrite.reset(token)


def overwrite_note() -> str:
    """What ``audit.record`` adds to the event while ``overwriting`` (empty otherwise)."""
    return _overwrite.get()
