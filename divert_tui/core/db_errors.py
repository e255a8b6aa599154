"""Driver errors in words: which trouble a database error is (locked, full, read-only, out
of reach...) and what a person can do about it. No personal data, no driver class names
unless nothing better is known."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.exc import DBAPIError, OperationalError


class _Named(Protocol):
    @property
    def display_url(self) -> str: ...


class StorageError(RuntimeError):
    """A database that cannot be used as asked; the message says what to do, with no personal data.

    ``kind`` says which trouble it is ("locked", "full", "read_only", ...); ``retryable``
    is true for the troubles that pass by themselves (another writer, a disk given room),
    so that a queued save can wait and try again instead of being dropped.
    """

    RETRYABLE_KINDS = frozenset({"locked", "full", "unreachable"})

    def __init__(self, message: str, *, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind

    @property
    def retryable(self) -> bool:
        return self.kind in self.RETRYABLE_KINDS


def trouble_kind(exc: DBAPIError) -> str:
    """Which kind of trouble a driver error is, from its text (SQLite and psycopg word them)."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "locked" in text or "busy" in text:
        return "locked"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "read_only"
    if "disk" in text and ("full" in text or "space" in text):
        return "full"
    if "unable to open" in text:
        return "cannot_open"
    if "not a database" in text or "malformed" in text:
        return "damaged"
    if "password authentication" in text or "authentication failed" in text:
        return "refused"
    if "does not exist" in text:
        return "missing"
    if any(
        words in text
        for words in (
            "connection refused",
            "could not connect",
            "timeout",
            "server closed the connection",
            "terminating connection",
            "connection is closed",
        )
    ):
        return "unreachable"
    return ""


def explain_operational_error(db: _Named | None, exc: DBAPIError) -> str:
    """A driver error in words a person can act on; ``db`` names the database when known."""
    where = db.display_url if db is not None else "(the one in use)"
    kind = trouble_kind(exc)
    if kind == "locked":
        return f"the database {where} is locked by another program; close it and try again"
    if kind == "read_only":
        return f"the database {where} is read-only; check the file's permissions"
    if kind == "full":
        return f"the disk holding the database {where} is full; free some space and try again"
    if kind == "cannot_open":
        return f"cannot open the database {where}; check that the folder exists and is writable"
    if kind == "damaged":
        return f"the database {where} is not a usable SQLite database (damaged or another kind of file)"
    if kind == "refused":
        return f"PostgreSQL refused the user name or password for {where}"
    if kind == "missing":
        return f"PostgreSQL has no such database or user: {where}"
    if kind == "unreachable":
        return f"cannot reach PostgreSQL at {where}: is the server running and the address right?"
    return (
        f"the database {where} cannot be used: {type(exc.orig).__name__ if exc.orig else 'error'}"
    )


def storage_error(db: _Named | None, exc: DBAPIError) -> StorageError:
    """The StorageError for a driver error: its words and its kind."""
    return StorageError(explain_operational_error(db, exc), kind=trouble_kind(exc))


def trouble_in_words(error: BaseException) -> str | None:
    """A driver error that escaped the transaction helper (disk full, locked, read-only) in
    the helper's words; None for anything else, which stays an unexpected error."""
    if isinstance(error, OperationalError) and trouble_kind(error):
        return explain_operational_error(None, error)
    return None
