"""The autosave keeps an answer the database could not take and saves it when it can (issue 9
item 5): the worker is told it was not stored, nothing is dropped, order is kept."""

from __future__ import annotations

from typing import Any

from textual.app import App

from divert_tui.core.database import StorageError
from divert_tui.screens.assessment.autosave import Autosaver


class SaverApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[BaseException] = []
        self.notes: list[tuple[str, str]] = []

    def report_error(self, error: BaseException) -> None:
        self.errors.append(error)

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:  # type: ignore[override]
        self.notes.append((title, message))


class FlakyStore:
    """A database whose disk is full for the first ``full_for`` saves."""

    def __init__(self, full_for: int, kind: str = "full") -> None:
        self.full_for = full_for
        self.kind = kind
        self.stored: list[str] = []
        self.tries = 0

    def save(self, value: str) -> str:
        self.tries += 1
        if self.tries <= self.full_for:
            raise StorageError("the disk holding the database is full", kind=self.kind)
        self.stored.append(value)
        return value


async def test_a_save_the_full_disk_refused_stays_queued_and_is_stored_later() -> None:
    app = SaverApp()
    async with app.run_test() as pilot:
        saver = Autosaver(app.screen, retry_pauses=(0.01,))
        store = FlakyStore(full_for=3)
        done: list[str] = []
        saver.submit(store.save, "q1=2", then=done.append)
        saver.submit(store.save, "q2=1", then=done.append)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert store.stored == ["q1=2", "q2=1"]
    assert done == ["q1=2", "q2=1"]
    assert app.errors == []
    assert saver.saved == 2 and saver.failed == 0 and saver.retried == 3
    titles = [title for title, _ in app.notes]
    assert titles == ["Not saved yet", "Saved"]
    assert "was not stored" in app.notes[0][1] and "stays queued" in app.notes[0][1]


async def test_a_lasting_problem_is_reported_not_retried() -> None:
    app = SaverApp()
    async with app.run_test() as pilot:
        saver = Autosaver(app.screen, retry_pauses=(0.01,))
        store = FlakyStore(full_for=1, kind="read_only")
        saver.submit(store.save, "q1=2")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert store.tries == 1
    assert [type(error) for error in app.errors] == [StorageError]
    assert saver.failed == 1


async def test_the_app_says_database_trouble_in_words(db, worker, make_app, monkeypatch) -> None:
    """A full disk met by any screen's worker: the words, never "Something went wrong"."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from divert_tui.core.services import queue
    from tests.ui.conftest import log_in, settle

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await settle(pilot)

        def full(*_args, **_kwargs):
            raise OperationalError(
                "INSERT", {}, sqlite3.OperationalError("database or disk is full")
            )

        monkeypatch.setattr(queue, "my_work", full)
        await pilot.press("r")
        await settle(pilot)
        notes = [(n.title, n.message) for n in app._notifications]
    assert ("Database problem: nothing was changed", notes[-1][1]) == notes[-1]
    assert "is full; free some space and try again" in notes[-1][1]
    assert not any("Something went wrong" in message for _, message in notes)
