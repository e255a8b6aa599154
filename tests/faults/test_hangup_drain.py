"""A hang-up waits for the answers already queued before the process ends (DESIGN 10)."""

from __future__ import annotations

import time

from textual.app import App

from divert_tui.hangup import drain_then, pending_saves
from divert_tui.screens.assessment.autosave import Autosaver


class _Host(App[None]):
    pass


class _ScreenWithQueue:
    def __init__(self, saver: Autosaver) -> None:
        self.autosaver = saver


async def test_a_queued_save_lands_before_the_hangup_ends_the_process() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        saver = Autosaver(app.screen)
        stored: list[str] = []

        def slow_save() -> None:
            time.sleep(0.3)  # the database is slow to take the last answer
            stored.append("answer")

        saver.submit(slow_save)
        ended: list[list[str]] = []
        thread = drain_then(
            lambda: pending_saves([_ScreenWithQueue(saver), object()]),
            lambda: ended.append(list(stored)),
        )
        while thread.is_alive():
            await pilot.pause(0.05)
    assert ended == [["answer"]]


def test_the_wait_is_bounded_when_a_save_never_finishes() -> None:
    ended: list[float] = []
    start = time.monotonic()
    drain_then(lambda: 1, lambda: ended.append(time.monotonic() - start), seconds=0.2).join(5)
    assert ended and 0.2 <= ended[0] < 2
