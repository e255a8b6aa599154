"""Saving in order, off the UI thread: one queue per call screen, drained by a thread worker.

Each answer becomes one job; jobs run one after another in the order they were given, so a
changed answer can never be overwritten by an older save. A worker only runs while there is
something to save, so tests can wait for every save with ``workers.wait_for_complete()``.

When the database cannot take a save for a while (the disk is full, another program holds
the lock too long) the answer is not dropped: the worker is told it was not stored, the job
stays at the head of the queue and is tried again, with growing pauses, until it is stored.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from textual.dom import DOMNode
from textual.worker import NoActiveWorker, get_current_worker

from divert_tui.core.database import StorageError

#: Seconds to wait before each new try of a save the database could not take; the last
#: pause repeats for as long as it takes.
RETRY_PAUSES: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 15.0)
#: What the worker is told the save is waiting for (the person to ask: whoever runs the computer).
WAITING_FOR = {
    "full": "the disk holding the database is full (ask whoever looks after this computer "
    "to free some space)",
    "locked": "another program is holding the database",
    "unreachable": "the database server cannot be reached",
}


class Autosaver:
    def __init__(self, owner: DOMNode, *, retry_pauses: Sequence[float] = RETRY_PAUSES) -> None:
        self._owner = owner
        self._jobs: deque[Callable[[threading.Event], None]] = deque()
        self._lock = threading.Lock()
        self._running = False
        self._retry_pauses = tuple(retry_pauses) or (1.0,)
        self.saved = 0
        self.failed = 0
        self.retried = 0
        #: True while a save is waiting for the database to take it.
        self.waiting = False

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._jobs) + (1 if self._running else 0)

    def submit(
        self,
        service: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Queue a service call; ``then`` gets its result on the UI thread."""
        app = self._owner.app

        def job(cancelled: threading.Event) -> None:
            tries = 0
            while True:
                try:
                    result = service(*args, **kwargs)
                except StorageError as error:
                    if not error.retryable or cancelled.is_set():
                        self._give_up(error, on_error)
                        return
                    if not self.waiting:
                        self.waiting = True
                        app.call_from_thread(self._tell_not_stored, error)
                    pause = self._retry_pauses[min(tries, len(self._retry_pauses) - 1)]
                    tries += 1
                    self.retried += 1
                    if cancelled.wait(pause):
                        self._give_up(error, on_error)
                        return
                    continue
                except Exception as error:  # noqa: BLE001 - handed to the one error handler
                    self._give_up(error, on_error)
                    return
                break
            self.saved += 1
            if self.waiting:
                self.waiting = False
                app.call_from_thread(self._tell_stored)
            if then is not None:
                app.call_from_thread(then, result)

        with self._lock:
            self._jobs.append(job)
            if self._running:
                return
            self._running = True
        self._owner.run_worker(self._drain, thread=True, group="autosave", exit_on_error=False)

    def _give_up(
        self, error: BaseException, on_error: Callable[[BaseException], None] | None
    ) -> None:
        self.failed += 1
        self.waiting = False
        app = self._owner.app
        app.call_from_thread(on_error or app.report_error, error)  # type: ignore[attr-defined]

    def _tell_not_stored(self, error: StorageError) -> None:
        reason = WAITING_FOR.get(error.kind, str(error))
        self._owner.app.notify(
            f"The answer just given was not stored: {reason}. It stays queued and is saved "
            "by itself as soon as the database can take it; keep going, nothing typed is lost.",
            title="Not saved yet",
            severity="error",
            timeout=20,
        )

    def _tell_stored(self) -> None:
        self._owner.app.notify(
            "The database took the queued answers: everything is saved.",
            title="Saved",
            timeout=6,
        )

    def _drain(self) -> None:
        # Cancelling the worker (the screen or the app closing) ends any wait for the database.
        try:
            cancelled = get_current_worker().cancelled_event
        except NoActiveWorker:
            cancelled = threading.Event()
        while True:
            with self._lock:
                if not self._jobs:
                    self._running = False
                    return
                job = self._jobs.popleft()
            job(cancelled)
