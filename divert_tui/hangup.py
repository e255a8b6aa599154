"""The terminal closed (SIGHUP): let the answers already queued reach the database, then end.

A hang-up used to end the process at once, so an answer the call screen had accepted but the
autosave queue had not yet committed could be lost. Now the queue gets a few seconds to
drain (it keeps its order and its retries), and then the process ends as a hang-up would.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

#: How long queued saves may take once the terminal has gone.
DRAIN_SECONDS = 5.0


def pending_saves(screens: Iterable[Any]) -> int:
    """Saves queued or running on any open screen that keeps an autosave queue."""
    return sum(getattr(getattr(s, "autosaver", None), "pending", 0) for s in screens)


def drain_then(
    count_pending: Callable[[], int],
    finish: Callable[[], None],
    *,
    seconds: float = DRAIN_SECONDS,
    poll: float = 0.02,
) -> threading.Thread:
    """Wait off the event loop (the saves need it to report back) until nothing is pending
    or time is up, then ``finish``."""

    def wait() -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and count_pending() > 0:
            time.sleep(poll)
        left = count_pending()
        if left:
            log.warning("hang-up: %d queued save(s) still running at exit", left)
        finish()

    thread = threading.Thread(target=wait, name="hangup-drain", daemon=True)
    thread.start()
    return thread


def end_as_hangup(loop: asyncio.AbstractEventLoop) -> None:
    """End the process the way the hang-up would have, now that the saves are in (on the
    loop's thread: only the main thread may put the default handler back)."""

    def end() -> None:
        loop.remove_signal_handler(signal.SIGHUP)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)

    try:
        loop.call_soon_threadsafe(end)
    except RuntimeError:  # the loop has closed: nothing is left to wait for
        os._exit(128 + signal.SIGHUP)


def _every_screen(app: Any) -> list[Any]:
    """The screens of every mode's stack (a call may sit under another area's screen)."""
    stacks = getattr(app, "_screen_stacks", None)
    if isinstance(stacks, dict):
        return [screen for stack in list(stacks.values()) for screen in list(stack)]
    return list(app.screen_stack)


def install(app: Any) -> None:
    """On SIGHUP, drain the app's autosave queues, then end as a hang-up."""
    if sys.platform == "win32":
        return
    started: list[threading.Thread] = []
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return

    def hung_up() -> None:
        if started:
            return
        log.info("hang-up: the terminal closed; saving what is queued")
        started.append(
            drain_then(lambda: pending_saves(_every_screen(app)), lambda: end_as_hangup(loop))
        )

    try:
        loop.add_signal_handler(signal.SIGHUP, hung_up)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
        log.debug("hang-up handler not installed")
