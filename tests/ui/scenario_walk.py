"""Driving a trainer's scenario from the Scenarios screen (F8) to the person's referral and
through the call, as a drug worker presses the keys (shared by the scenario walks)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, OptionList

from divert_tui.demo.scenario_book import all_scenarios
from divert_tui.screens.dialogs import ConfirmDialog
from divert_tui.screens.referral import ReferralScreen
from divert_tui.screens.scenarios import ScenariosScreen
from tests.ui import assessment_driver as d
from tests.ui.conftest import settle

KEYS = [s.key for s in all_scenarios()]


async def load_and_open(pilot: Any, key: str) -> ReferralScreen:
    """F8, Down to the scenario, l to load it, Enter to open the referral it offers."""
    await pilot.press("f8")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ScenariosScreen)
    await pilot.press(*["down"] * KEYS.index(key), "l")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog), "loading offers to open the referral"
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReferralScreen)
    return screen


async def start_call(pilot: Any) -> None:
    await pilot.press("a")
    await d.settle(pilot)


async def tick(pilot: Any, wanted: set[str]) -> list[str]:
    """Read out and tick the scenario's advice items in a mixing or advice step (or the
    first item, when none of them is there), then go on; returns the ids listed."""
    listing = pilot.app.screen.query_one("#advice-list", OptionList)
    ids = [listing.get_option_at_index(i).id or "" for i in range(listing.option_count)]
    rows = [n for n, advice_id in enumerate(ids) if advice_id in wanted]
    if not rows and ids and ids[0] != "-none-":
        rows = [0]
    keys: list[str] = []
    at = listing.highlighted or 0
    for row in rows:
        keys += ["down" if row > at else "up"] * abs(row - at) + ["space"]
        at = row
    await d.press(pilot, [*keys, "ctrl+down"])
    return ids


QUIET_STEPS = (
    "gambling",
    "mental_health",
    "domestic_abuse",
    "housing",
    "exploitation",
    "safeguarding",
    "employment",
    "debt",
)
OUT_OF_TIME = ["ctrl+k", "3"]  # skip a step: ran out of time (the summary names it)


async def screens(pilot: Any, answers: dict[str, list[str]], advice: set[str]) -> None:
    """Mixing and advice (the scenario's items ticked), then the screening steps: answered
    with the keys given for them, skipped otherwise (a walk drives only what its outcome
    needs; the whole-call tests answer every step)."""
    for step in ("mixing", "advice"):
        assert d.step_of(pilot.app) == step
        await tick(pilot, advice)
    for step in QUIET_STEPS:
        assert d.step_of(pilot.app) == step
        await d.press(pilot, answers.get(step, OUT_OF_TIME))
    assert d.step_of(pilot.app) == "summary"


async def accept(pilot: Any) -> None:
    """Ctrl+Y, and Enter to acknowledge the steps skipped for time."""
    await d.press(pilot, ["ctrl+y"])
    if isinstance(pilot.app.screen, ConfirmDialog):
        await d.press(pilot, ["enter"])


async def refer_need(pilot: Any, domain: str) -> None:
    """On the summary: the need's row, Enter, 3 (referred), 1 (first service listed)."""
    summary = pilot.app.screen.summary
    row = next(n for n, need in enumerate(summary.needs) if need.domain == domain)
    table = pilot.app.screen.query_one("#needs", DataTable)
    table.focus()
    await d.press(pilot, ["up"] * table.cursor_row + ["down"] * row + ["enter", "3", "1"])
