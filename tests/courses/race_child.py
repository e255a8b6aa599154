"""A separate process that books one place, slowly: it waits between counting the places
and inserting the booking, so two of them overlap unless the database serialises them."""

from __future__ import annotations

import time
from typing import Any

from divert_tui.core.database import Database
from divert_tui.core.schemes import load_schemes
from divert_tui.core.services import booking, course_store
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role


def book_last_place(url: str, referral_id: int, session_id: int, barrier: Any, out: Any) -> None:
    counted = course_store.taken

    def slow_taken(*args: Any, **kwargs: Any) -> dict[int, int]:
        result = counted(*args, **kwargs)
        time.sleep(0.5)
        return result

    booking.course_store.taken = slow_taken  # type: ignore[assignment]
    db = Database(url)
    actor = Actor(None, f"worker-{referral_id}", Role.WORKER, frozenset({"west_midlands"}))
    from tests.courses.helpers import NOW

    barrier.wait(timeout=30)
    try:
        booking.book(db, actor, referral_id, session_id, load_schemes(), now=NOW)
        out.put((referral_id, "booked"))
    except Exception as exc:  # noqa: BLE001 - the parent checks the message
        out.put((referral_id, f"{type(exc).__name__}: {exc}"))
    finally:
        db.dispose()
