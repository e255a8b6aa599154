"""The terminal closes mid-call (SIGHUP, issue 13 item 7): the answers given before are in
the database, the call is open, and opening the referral again offers to resume it at the
question where it stopped.

The whole app runs in a child process on a pseudo-terminal (Textual's real driver); the
test types on the terminal, then closes it, which is how an SSH session dropping reaches
the app. The reopening is checked in the real app under Pilot.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest
from sqlalchemy import text

from divert_tui.app import DivertApp
from divert_tui.config import load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.services import assessment as svc
from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from divert_tui.screens.assessment import AssessmentScreen
from divert_tui.screens.dialogs import ConfirmDialog
from tests.assessment.helpers import seed_referral
from tests.faults import helpers as h
from tests.ui import assessment_driver as d
from tests.ui.conftest import PASSWORD, TODAY, log_in

IDENTITY = [f"q{n}" for n in range(1, 6)]
# Five identity answers, then days of use typed into the next form's first field.
KEYS = "1\r" * 5 + "9"


class Terminal:
    """The test's end of a pseudo-terminal: what it types and what the app drew."""

    def __init__(self, rows: int = 45, columns: int = 140) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.drawn = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        while True:  # keep draining, or the app blocks writing to a full terminal
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.drawn.extend(chunk)

    def start(self, args: list[str]) -> subprocess.Popen[bytes]:
        def controlling_terminal() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        process = subprocess.Popen(
            args, cwd=h.ROOT, stdin=self.slave, stdout=self.slave, stderr=self.slave,
            env={**h.child_env(), "TERM": "xterm-256color"}, start_new_session=True,
            preexec_fn=controlling_terminal,  # noqa: PLW1509 - no threads of ours yet touch it
        )  # fmt: skip
        os.close(self.slave)
        self._reader.start()
        return process

    def type(self, keys: str) -> None:
        for key in keys:
            try:
                os.write(self.master, key.encode())
            except OSError:
                return  # the terminal was closed
            time.sleep(0.05)  # a person's pace: one key event at a time

    def hang_up(self) -> None:
        os.close(self.master)

    def shows(self, words: str) -> bool:
        return words.encode() in bytes(self.drawn)


def wait_for(check, what: str, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def answers_of(db, referral_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with db.read() as session:
        row = session.execute(
            text("SELECT id FROM assessment WHERE referral_id = :r"), {"r": referral_id}
        ).first()
    return h.stored_answers(db, row[0]) if row else {}


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals and SIGHUP")
async def test_the_terminal_closing_mid_call_leaves_it_saved_and_resumable(
    db, db_url, schemes
) -> None:
    alice = staff.add_staff(
        db, Actor.system("tests"), "alice", "worker", PASSWORD, display_name="Alice Smith",
        forces=["west_midlands"],
    )  # fmt: skip
    referral_id = seed_referral(db, "cocaine")
    terminal = Terminal()
    app_process = terminal.start(
        [sys.executable, "-m", "tests.faults.pty_app", db_url, str(referral_id)]
    )
    try:
        wait_for(lambda: terminal.shows("User name"), "the login screen")
        # The rest is typed once the name shows, so no key goes to a screen still being
        # built, however loaded the machine.
        terminal.type("alice")
        wait_for(lambda: terminal.shows("alice"), "the user name to be typed")
        terminal.type("\r" + PASSWORD + "\r")  # Enter moves to the password, in key order
        wait_for(lambda: terminal.shows("Identity"), "the call to open")
        typing = threading.Thread(target=terminal.type, args=(KEYS,), daemon=True)
        typing.start()  # answers keep coming while the line drops
        wait_for(lambda: len(answers_of(db, referral_id)) >= 3, "answers to be saved")
        terminal.hang_up()
        app_process.wait(timeout=30)
    finally:
        if app_process.poll() is None:
            app_process.kill()
            app_process.wait(10)
            pytest.fail("the app kept running after its terminal closed")
    assert app_process.returncode == -signal.SIGHUP

    actor = Actor(alice.id, "alice", Role.WORKER, frozenset({"west_midlands"}), "Alice Smith")
    view = svc.find(db, actor, referral_id)
    assert view is not None and view.resumable and view.completed_at is None
    saved = view.stored("identity_check", "").answers
    # Saves run in order: whatever the hang-up cut off, what is stored is the first answers.
    assert len(saved) >= 3 and saved == {item: "yes" for item in IDENTITY[: len(saved)]}
    h.integrity_ok(db)

    app = DivertApp(open_database(db_url), load_settings(db_url), today=TODAY)
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            await log_in(pilot)
            await app.push_screen(AssessmentScreen(referral_id))
            await d.settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)  # offers to resume
            await d.press(pilot, ["enter"])
            screen = app.screen
            assert isinstance(screen, AssessmentScreen)
            assert screen.step == view.current_step
            form = screen.query_one("#step-form")
            assert form.session.current_id not in form.session.answers
            if len(saved) < len(IDENTITY):  # exactly where it stopped
                assert form.session.current_id == IDENTITY[len(saved)]
    finally:
        app.db.dispose()
