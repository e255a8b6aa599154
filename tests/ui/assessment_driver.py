"""Keys for a whole call, step by step, as a worker presses them (shared by the UI tests,
the kill-and-resume script and the benchmark)."""

from __future__ import annotations

from typing import Any

# Option numbers: yes_no 1 yes / 2 no; yes_no_dk 1 yes / 2 no / 3 don't know.
# Number and text items take typed keys then Enter; an empty Enter passes an optional item.
IDENTITY = ["1", "enter"] * 5
SDS_ZERO = ["1", "enter"] * 5
SDS_SIX = ["3", "enter", "2", "enter", "2", "enter", "2", "enter", "2", "enter"]  # 2+1+1+1+1
AUDIT_C_LOW = ["2", "enter", "1", "enter", "1", "enter"]  # monthly or less, 0-2 units, never
AUDIT_C_POSITIVE = ["4", "enter", "3", "enter", "2", "enter"]  # 3 + 2 + 1 = 6 -> full AUDIT
AUDIT_REST_LOW = ["1", "enter"] * 5 + ["1", "enter", "1", "enter"]  # q4-q8, q9, q10 all 0
PGSI_NONE = ["1", "enter"] * 9
PHQ2_GAD2_NONE = ["1", "enter"] * 4
DA_NONE = ["2", "enter"]
DA_DISCLOSED = ["1", "enter", "1", "enter", "1", "enter"]
HOUSING = ["2", "enter", "2", "enter", "2", "enter", "2", "enter"]
EXPLOITATION_NONE = ["2", "enter"] * 7 + ["enter"]
SAFEGUARDING_NONE = ["2", "enter", "2", "enter", "4", "enter", "2", "enter", "2", "enter", "enter"]
EMPLOYMENT = ["1", "enter", "2", "0", "enter", "0", "enter", "2", "enter", "2", "enter"]
DEBT_NONE = ["2", "enter"] * 4


def substance_use(days: str, route: int) -> list[str]:
    """Days used, route, amount (blank), unit (none), age (blank), never injected, notes."""
    return [*days, "enter", str(route), "enter", "enter", "enter", "enter", "1", "enter", "enter"]


def dash(yes: int) -> list[str]:
    """24 Dash answers, the first `yes` of them yes, then the three Marac context questions no."""
    keys: list[str] = []
    for n in range(1, 25):
        keys += ["1" if n <= yes else "2", "enter"]
    return keys + ["2", "enter"] * 3


async def settle(pilot: Any) -> None:
    """Wait until every queued save has run and the screen has redrawn."""
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = _call_screen(pilot.app)
        if screen is None or screen.autosaver.pending == 0:
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            if screen is None or screen.autosaver.pending == 0:
                return
    raise AssertionError("saves never finished")


def _call_screen(app: Any) -> Any:
    from divert_tui.screens.assessment import AssessmentScreen

    for screen in app.screen_stack:
        if isinstance(screen, AssessmentScreen):
            return screen
    return None


async def press(pilot: Any, keys: list[str]) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def step_of(app: Any) -> str:
    return _call_screen(app).step
