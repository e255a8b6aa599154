"""DEMO on every view: every Screen and ModalScreen class of the app, found by walking its
modules (so a new dialog is checked unasked), is shown in a demo and must carry a visible DEMO
marker; Textual's own command palette too."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from textual.screen import Screen

import divert_tui
from divert_tui.core.services.booking import Offers
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from divert_tui.screens.base import DivertModal, DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.demo_badge import DemoBadge
from tests.ui.conftest import settle
from tests.ui.test_demo_platform import pick_role


def app_screen_classes() -> list[type[Screen[Any]]]:
    """Every Screen subclass defined in divert_tui (its modules imported one by one)."""
    for module in pkgutil.walk_packages(divert_tui.__path__, "divert_tui."):
        if module.name.startswith("divert_tui.__main__"):
            continue
        importlib.import_module(module.name)
    found: list[type[Screen[Any]]] = []
    pending: list[type[Any]] = [Screen]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("divert_tui.") and not inspect.isabstract(sub):
                found.append(sub)
    return sorted(set(found), key=lambda cls: cls.__qualname__)


BASES = (DivertScreen, DivertModal)
SKIP_AS_BASES = {DivertScreen, DivertModal}

# How to make the screens that need something to show; the rest are made with no arguments.
FACTORIES: dict[str, Callable[[dict[str, int]], Screen[Any]]] = {
    "RosterScreen": lambda ids: _cls("RosterScreen")(ids["session"]),
    "AssessmentRecordScreen": lambda ids: _cls("AssessmentRecordScreen")(ids["assessed"]),
    "ReferralScreen": lambda ids: _cls("ReferralScreen")(ids["referral"]),
    "SelfHarmProtocol": lambda ids: _cls("SelfHarmProtocol")(
        "Ask whether they are safe now.", 1, lambda *args: None
    ),
    "EndEarlyDialog": lambda ids: _cls("EndEarlyDialog")("call dropped", datetime.now),
    "HelpScreen": lambda ids: _cls("HelpScreen")("My work", [("F1", "Help", "everywhere")]),
    "BookSessionDialog": lambda ids: _cls("BookSessionDialog")(
        Offers(ids["referral"], "west_midlands", "cannabis", "assessed", (), 0, False, None),
        "Pat Example",
    ),
    "OneToOneDialog": lambda ids: _cls("OneToOneDialog")("Pat Example"),
    "AddSessionsDialog": lambda ids: _cls("AddSessionsDialog")({}, {"west_midlands"}),
    "ContactAttemptDialog": lambda ids: _cls("ContactAttemptDialog")("Pat Example"),
    "ConfirmDialog": lambda ids: _cls("ConfirmDialog")("Withdraw?", "Pat Example"),
    "ReasonDialog": lambda ids: _cls("ReasonDialog")("Withdraw", "Why?"),
    "PickDialog": lambda ids: _cls("PickDialog")("Pick", [("a", "A"), ("b", "B")]),
    "AssessmentScreen": lambda ids: _cls("AssessmentScreen")(ids["referral"]),
}


def _cls(name: str) -> type[Any]:
    return next(cls for cls in app_screen_classes() if cls.__name__ == name)


def test_every_screen_marks_itself_in_the_demo() -> None:
    """A screen of the app marks itself on mount by deriving from DivertScreen or DivertModal."""
    classes = app_screen_classes()
    assert len(classes) > 20, [c.__name__ for c in classes]
    strays = [cls.__qualname__ for cls in classes if not issubclass(cls, BASES)]
    assert not strays, f"derive from DivertScreen or DivertModal to carry DEMO: {strays}"


def marked(screen: Screen[Any]) -> bool:
    """A DEMO badge, or the app header in its demo look, visible on the screen."""
    for badge in screen.query(DemoBadge):
        if "DEMO" in str(badge.render()) and badge.region.width and badge.display:
            return True
    for header in screen.query(AppHeader):
        if header.demo and "DEMO" in header.render().plain and header.region.width:
            return True
    return False


@pytest.fixture
def demo_app(db, make_app):
    fill_demo(db, 40)
    return make_app(demo=True)


def some_ids(app: Any) -> dict[str, int]:
    """A referral and a course session of the logged-in person's forces."""
    from sqlalchemy import select

    from divert_tui.core.models import Assessment, CourseSession, Referral

    forces = sorted(app.actor.forces)
    with app.db.read() as session:
        referral = session.execute(
            select(Referral.id)
            .where(Referral.force_code.in_(forces), Referral.status.in_(["received", "contacting"]))
            .order_by(Referral.id)
        ).scalars()
        assessed = session.execute(
            select(Assessment.referral_id)
            .join(Referral, Referral.id == Assessment.referral_id)
            .where(Referral.force_code.in_(forces), Assessment.completed_at.is_not(None))
        ).scalars()
        course = session.execute(
            select(CourseSession.id)
            .where(CourseSession.force_code.in_(forces))
            .order_by(CourseSession.id)
        ).scalars()
        return {
            "referral": referral.first() or 0,
            "assessed": assessed.first() or 0,
            "session": course.first() or 0,
        }


# Screens of another role's area are shown as that role (as a team lead for the rest).
ROLE_OF = {"AdminScreen": Role.ADMIN, "AuditReviewScreen": Role.ADMIN}


async def test_every_screen_and_dialog_shows_demo(demo_app) -> None:
    unmarked: list[str] = []
    classes = [cls for cls in app_screen_classes() if cls not in SKIP_AS_BASES]
    async with demo_app.run_test(size=(80, 24)) as pilot:
        for role in (Role.TEAM_LEAD, Role.ADMIN):
            if demo_app.actor is not None:
                await pilot.press("f9")
            await pick_role(pilot, role)
            ids = some_ids(demo_app)
            for cls in classes:
                if ROLE_OF.get(cls.__name__, Role.TEAM_LEAD) is role:
                    unmarked += await show_and_check(pilot, cls, ids)
        await demo_app.run_action("command_palette")
        await settle(pilot)
        await pilot.pause(0.1)
        if not marked(demo_app.screen):
            unmarked.append(f"Textual's {type(demo_app.screen).__name__}")
    assert not unmarked, f"no visible DEMO marker on: {unmarked}"


async def settle_quietly(pilot: Any) -> None:
    """Workers finished; one cancelled because its screen was closed is no failure here."""
    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):
        await settle(pilot)
    await pilot.pause()


async def show_and_check(pilot: Any, cls: type[Screen[Any]], ids: dict[str, int]) -> list[str]:
    app = pilot.app
    factory = FACTORIES.get(cls.__name__)
    screen = factory(ids) if factory else cls()
    await app.push_screen(screen)
    await settle_quietly(pilot)
    await pilot.pause(0.05)
    if app.screen is not screen:
        problem = [f"{cls.__qualname__} (did not stay on screen to be checked)"]
    else:
        problem = [] if marked(screen) else [cls.__qualname__]
    while screen in app.screen_stack:
        app.pop_screen()
        await settle_quietly(pilot)
    return problem
