"""A few pictures of the real screens at a fixed size with fixed data (pytest-textual-snapshot).

Regenerate after a deliberate change of layout with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from tests.ui.conftest import add_referrals, log_in

SIZE = (120, 32)


def test_worker_queue(db, worker, make_app, snap_compare) -> None:
    add_referrals(db, 8, worker_id=worker.id)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await log_in(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(db, worker, make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await log_in(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
