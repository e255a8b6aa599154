"""Child processes for the concurrency faults: a client that dies holding a transaction,
two workers claiming the same referral, two workers booking it, at the same moment."""

from __future__ import annotations

import sys
import time
from typing import Any

from divert_tui.core.database import Database
from divert_tui.core.schemes import load_schemes
from divert_tui.core.services import referrals
from divert_tui.core.services.base import Actor, ServiceError
from divert_tui.core.vocab import Role

KILLED_NOTE = "attempt of the client that was killed"


def hold_a_transaction(url: str, referral_id: int) -> None:
    """Log a contact attempt through the real service, but stop for good inside its
    transaction: the attempt is inserted and the referral row updated, not committed."""

    def stuck(*_args: Any, **_kwargs: Any) -> None:
        print("HOLDING", flush=True)
        time.sleep(600)

    referrals.audit.record = stuck  # type: ignore[assignment]
    db = Database(url)
    actor = Actor(None, "killed", Role.WORKER, frozenset({"west_midlands"}), "Killed")
    referrals.log_contact_attempt(db, actor, referral_id, "no_answer", load_schemes(),
                                  note=KILLED_NOTE)  # fmt: skip


def claim_slowly(url: str, referral_id: int, staff_id: int, barrier: Any, out: Any) -> None:
    """Claim a referral with a pause between reading it and writing, so two claims overlap
    unless the database (or the service) serialises them."""
    loaded = referrals._load

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        referral = loaded(*args, **kwargs)
        time.sleep(0.5)
        return referral

    referrals._load = slow_load  # type: ignore[assignment]
    db = Database(url)
    actor = Actor(staff_id, f"worker{staff_id}", Role.WORKER, frozenset({"west_midlands"}), "W")
    barrier.wait(timeout=60)
    try:
        referrals.claim(db, actor, referral_id)
        out.put((staff_id, "claimed"))
    except ServiceError as error:
        out.put((staff_id, f"{type(error).__name__}: {error}"))
    except Exception as error:  # noqa: BLE001 - the parent fails on it, with its name
        out.put((staff_id, f"unexpected {type(error).__name__}: {error}"))
    finally:
        db.dispose()


def book_slowly(url: str, referral_id: int, session_id: int, barrier: Any, out: Any) -> None:
    """Book a referral with a pause between reading it and writing the booking, so two
    bookings of one referral onto two sessions overlap unless something serialises them."""
    from divert_tui.core.services import booking
    from tests.courses.helpers import NOW

    checked = booking._check_session

    def slow_check(*args: Any, **kwargs: Any) -> Any:
        result = checked(*args, **kwargs)
        time.sleep(0.5)
        return result

    booking._check_session = slow_check  # type: ignore[assignment]
    db = Database(url)
    actor = Actor(None, f"worker-{session_id}", Role.WORKER, frozenset({"west_midlands"}))
    barrier.wait(timeout=60)
    try:
        booking.book(db, actor, referral_id, session_id, load_schemes(), now=NOW)
        out.put((session_id, "booked"))
    except ServiceError as error:
        out.put((session_id, f"{type(error).__name__}: {error}"))
    except Exception as error:  # noqa: BLE001 - the parent fails on it, with its name
        out.put((session_id, f"unexpected {type(error).__name__}: {error}"))
    finally:
        db.dispose()


if __name__ == "__main__":
    hold_a_transaction(sys.argv[1], int(sys.argv[2]))


def close_concern_slowly(
    url: str, concern_id: int, seen_version: int, outcome: str, barrier: Any, out: Any
) -> None:
    """Close a safeguarding concern seen at ``seen_version``, pausing between reading it and
    writing, so two leads' closes overlap unless the database serialises them."""
    from divert_tui.core.services import safeguarding

    checked = safeguarding.check_version

    def slow_check(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return checked(*args, **kwargs)

    safeguarding.check_version = slow_check  # type: ignore[assignment]
    db = Database(url)
    actor = Actor(None, f"lead-{outcome}", Role.TEAM_LEAD, frozenset({"west_midlands"}), "L")
    barrier.wait(timeout=60)
    try:
        safeguarding.close_concern(db, actor, concern_id, outcome, expected_version=seen_version)
        out.put((outcome, "closed"))
    except ServiceError as error:
        out.put((outcome, f"{type(error).__name__}: {error}"))
    finally:
        db.dispose()
