"""Saving in order, off the UI thread: one queue per call screen, drained by a thread worker.

Each answer becomes one job; jobs run one after another in the order they were given, so a
changed answer can never be overwritten by an older save. A worker only runs while there is
something to save, so tests can wait for every save with ``workers.wait_for_complete()``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode


class Autosaver:
    def __init__(self, owner: DOMNode) -> None:
        self._owner = owner
        self._jobs: deque[Callable[[], None]] = deque()
        self._lock = threading.Lock()
        self._running = False
        self.saved = 0
        self.failed = 0

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

        def job() -> None:
            try:
                result = service(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - handed to the one error handler
                self.failed += 1
                app.call_from_thread(on_error or app.report_error, error)  # type: ignore[attr-defined]
                return
            self.saved += 1
            if then is not None:
                app.call_from_thread(then, result)

        with self._lock:
            self._jobs.append(job)
            if self._running:
                return
            self._running = True
        self._owner.run_worker(self._drain, thread=True, group="autosave", exit_on_error=False)

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._jobs:
                    self._running = False
                    return
                job = self._jobs.popleft()
            job()
