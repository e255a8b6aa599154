"""The two checks a logged-in session makes about its own account, which the access table
leaves out (they answer any account rather than refuse one): they must still tell a
deactivated account from an active one."""

from __future__ import annotations

import pytest

from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor
from divert_tui.core.services.staff import LoginError
from divert_tui.core.vocab import Role

PASSWORD = "a-long-password"


def _worker(db, admin: Actor, name: str) -> Actor:
    made = staff.add_staff(db, admin, name, Role.WORKER, PASSWORD, forces=["west_midlands"])
    return Actor(made.id, made.username, Role.WORKER, frozenset({"west_midlands"}), name)


def test_a_deactivated_account_is_no_longer_active_and_cannot_unlock_its_screen(db, admin):
    kept, gone = _worker(db, admin, "kept"), _worker(db, admin, "gone")
    staff.deactivate(db, admin, "gone")
    assert staff.still_active(db, kept) is True
    assert staff.still_active(db, gone) is False
    staff.confirm_password(db, kept, PASSWORD)
    with pytest.raises(LoginError):
        staff.confirm_password(db, kept, "not-the-password")
    with pytest.raises(LoginError):
        staff.confirm_password(db, gone, PASSWORD)
