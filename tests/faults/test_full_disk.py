"""A SQLite database on a small filesystem that fills up (issue 13 item 7): the service
says so in the app's words, the committed data stays, and an answer queued by the autosave
is stored by itself once there is room again.

The filesystem is a real 2 MB tmpfs mounted for the test (the sandbox and CI run as
root). Where mounting is refused the test skips with the reason, except under CI=true,
where it fails: CI must run it.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from divert_tui.core.database import Database, StorageError, sqlite_path
from divert_tui.core.services import assessment, referral_view
from divert_tui.core.services.settings import sync_forces
from divert_tui.screens.assessment.autosave import Autosaver
from tests.faults import helpers as h

SIZE = "2m"


@pytest.fixture
def small_disk(tmp_path: Path, db_url: str) -> Iterator[Path]:
    if not db_url.startswith("sqlite"):
        pytest.skip("a full filesystem under the database file is SQLite's case")
    where = tmp_path / "small"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a small tmpfs here: {mounted.stderr.strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI must run the full-disk test)")
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def fill(where: Path) -> Path:
    """Take every free byte of the filesystem with one file; returns it (delete = room)."""
    filler = where / "filler"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


class SaverApp(App[None]):
    """The autosave's host: collects what the worker would be told."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[BaseException] = []
        self.notes: list[tuple[str, str]] = []

    def report_error(self, error: BaseException) -> None:
        self.errors.append(error)

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:  # type: ignore[override]
        self.notes.append((title, message))


async def test_a_full_disk_keeps_committed_data_and_the_queued_answer_saves_later(
    db_url: str, schemes, small_disk: Path
) -> None:
    source = sqlite_path(db_url)
    assert source is not None
    shutil.copyfile(source, small_disk / "divert.db")
    db = Database(f"sqlite:///{small_disk / 'divert.db'}")
    try:
        sync_forces(db, schemes)
        referral_id, assessment_id = h.call_under_way(db, schemes)
        assessment.save_answer(db, h.WORKER, assessment_id, "identity_check", "", "q1", "yes")
        filler = fill(small_disk)

        kept: list[str] = []
        with pytest.raises(StorageError) as caught:  # the pages SQLite had in hand run out
            for number in range(5000):
                referral_view.add_note(db, h.WORKER, referral_id, f"note {number} " + "x" * 400)
                kept.append(f"note {number} " + "x" * 400)
        assert caught.value.kind == "full" and caught.value.retryable
        assert "is full; free some space and try again" in str(caught.value)
        assert "OperationalError" not in str(caught.value)

        # Everything committed before the disk filled is still there, and whole.
        assert h.stored_texts(db, "note", referral_id) == kept
        assert h.stored_answers(db, assessment_id) == {"q1": "yes"}
        h.integrity_ok(db)

        app = SaverApp()
        async with app.run_test() as pilot:
            saver = Autosaver(app.screen, retry_pauses=(0.05,))
            saver.submit(
                assessment.save_answer, db, h.WORKER, assessment_id, "identity_check", "",
                "q2", "yes",
            )  # fmt: skip
            for _ in range(400):
                if saver.retried >= 2:
                    break
                await pilot.pause(0.02)
            assert saver.waiting and saver.pending == 1
            assert h.stored_answers(db, assessment_id) == {"q1": "yes"}
            filler.unlink()  # someone frees some space
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        assert saver.saved == 1 and saver.failed == 0 and app.errors == []
        assert [title for title, _ in app.notes] == ["Not saved yet", "Saved"]
        assert "disk holding the database is full" in app.notes[0][1]
        assert h.stored_answers(db, assessment_id) == {"q1": "yes", "q2": "yes"}
        assert h.stored_texts(db, "note", referral_id) == kept
        h.integrity_ok(db)
    finally:
        db.dispose()
