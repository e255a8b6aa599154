"""Kill the app (SIGKILL) in the middle of a call; reopening it resumes with every
committed answer there (DESIGN section 10)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from divert_tui.core.services import assessment as svc
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from divert_tui.screens.assessment import AssessmentScreen
from divert_tui.screens.dialogs import ConfirmDialog
from tests.assessment.helpers import seed_referral
from tests.ui import assessment_driver as d
from tests.ui.conftest import log_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
async def test_sigkill_mid_call_then_resume_with_every_committed_answer(
    db, db_url, make_app, worker
):
    rid = seed_referral(db, "cocaine")
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.call_child", db_url, str(rid), str(worker.id)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    committed: set[str] = set()
    deadline = time.monotonic() + 120
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("COMMITTED"):
                committed = set(line.split()[1:])
            # kill once the call is well into drug use, while keys are still coming
            if sum(c.startswith("substance_use") for c in committed) >= 2:
                break
            assert time.monotonic() < deadline, "the child never got going"
            assert not line.startswith("FINISHED"), "the call ended before the kill"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert {f"identity_check//q{n}" for n in range(1, 6)} <= committed

    actor = Actor(worker.id, "alice", Role.WORKER, frozenset({"west_midlands"}), "Alice")
    view = svc.find(db, actor, rid)
    assert view is not None and view.resumable and view.current_step == "drug_use"
    stored = {
        f"{key[0]}/{key[1]}/{item}" for key, s in view.facts.responses.items() for item in s.answers
    }
    assert committed <= stored  # nothing that was reported committed is lost

    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot)
        await app.push_screen(AssessmentScreen(rid))
        await d.settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # offers to resume
        await d.press(pilot, ["enter"])
        screen = app.screen
        assert isinstance(screen, AssessmentScreen) and screen.step == "drug_use"
        form = screen.query_one("#step-form")
        answers = view.stored("substance_use", "cocaine").answers
        assert form.session.answers == answers
        assert form.session.current_id not in answers  # exactly where it stopped
