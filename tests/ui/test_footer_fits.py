"""Projector size (80x24): on every main screen of every role the footer's key hints all fit
inside the footer, the screen's first keys (FOOTER_FIRST) are among them, and F1 Help is."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from divert_tui.app import AREA_PERMISSIONS
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from divert_tui.widgets.fit_footer import FitFooter, action_name
from tests.ui.conftest import settle
from tests.ui.test_demo_platform import pick_role

SIZE = (80, 24)

# Screens reached from an area by a key, per role: (area, key pressed there).
PUSHED = {
    Role.WORKER: [("my_work", "enter"), ("my_work", "ctrl+n"), ("courses", "enter")],
    Role.TEAM_LEAD: [("caseload", "w"), ("caseload", "g"), ("caseload", "enter"), ("courses", "d")],
    Role.TRAINER: [("courses", "enter"), ("my_work", "f8")],
    Role.ADMIN: [("admin", "v")],
}


@pytest.fixture
def demo_app(db, make_app):
    fill_demo(db, 40)
    return make_app(demo=True)


def footer_problems(screen: Any) -> list[str]:
    """What does not fit, or is missing, on this screen's footer (empty when all is well)."""
    name = type(screen).__name__
    footers = list(screen.query(Footer))
    if not footers:
        return [f"{name}: no footer"]
    footer = footers[0]
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    edge = palette[0].region.x if palette else footer.region.right
    problems = []
    for key in keys:
        if key.has_class("-command-palette"):
            continue
        label = f"{key.key_display} {key.description}"
        if key.region.width == 0 or key.region.right > edge:
            problems.append(f"{name}: {label!r} is cut off (ends at {key.region.right} > {edge})")
    shown = {action_name_of(k.action) for k in keys}
    if "help" not in shown:
        problems.append(f"{name}: no F1 Help hint")
    if not isinstance(footer, FitFooter):
        problems.append(f"{name}: Textual's Footer cuts keys off at 80 columns; use FitFooter")
        return problems
    wanted = {action_name(item[0]) for item in footer._shown()}
    for first in getattr(screen, "FOOTER_FIRST", ()):
        if first in wanted and first not in shown:
            problems.append(f"{name}: its first key {first!r} is not shown")
    return problems


async def footer_drawn(pilot: Any) -> None:
    """Let the footer draw the keys of the screen now shown (it recomposes after a refresh)."""
    await settle(pilot)
    for _ in range(40):
        await pilot.pause(0.05)
        keys = list(pilot.app.screen.query(FooterKey))
        if keys and all(k.region.width for k in keys):
            return


def action_name_of(action: str) -> str:
    return action.split("(")[0].removeprefix("app.")


async def test_every_main_screen_footer_fits_80x24(demo_app) -> None:
    """Every role in one run (F9 switches role), so the demo is filled once."""
    problems: list[str] = []
    async with demo_app.run_test(size=SIZE) as pilot:
        for role in Role:
            if demo_app.actor is not None:
                await pilot.press("f9")
            problems += await walk(pilot, role)
    assert not problems, "\n".join(problems)


async def walk(pilot: Any, role: Role) -> list[str]:
    """The role's landing screen, each area it may open, and the screens pushed from them."""
    app = pilot.app
    await pick_role(pilot, role)
    await footer_drawn(pilot)
    problems = footer_problems(app.screen)
    actor = app.actor
    assert actor is not None and actor.role is role
    for area, permission in AREA_PERMISSIONS.items():
        if actor.can(permission):
            await app.run_action(f"area('{area}')")
            await footer_drawn(pilot)
            problems += footer_problems(app.screen)
    for area, key in PUSHED[role]:
        await app.run_action(f"area('{area}')")
        await settle(pilot)
        before = app.screen
        await pilot.press(key)
        await footer_drawn(pilot)
        assert app.screen is not before, f"{key} on {area} opened nothing"
        problems += footer_problems(app.screen)
        await pilot.press("escape")
        await settle(pilot)
    return problems
