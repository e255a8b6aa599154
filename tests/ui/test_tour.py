"""The guided tour: both days walked with the keys a learner presses, leave and resume, the
chooser from F1 and the palette, demo only, and a snapshot of a step at 80x24."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select
from textual.css.query import NoMatches
from textual.widgets import DataTable, OptionList
from textual.worker import WorkerFailed

from divert_tui.config import load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.models import Booking, Person, Referral
from divert_tui.core.services import booking
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import DEFAULT_TODAY, fill_demo
from divert_tui.screens.format import UK
from divert_tui.screens.login import DemoLoginScreen
from divert_tui.screens.tour import TourChooser
from divert_tui.tour.progress import Progress
from divert_tui.tour.steps import LEAD_DAY, TOURS, WORKER_DAY
from divert_tui.widgets.paged_table import PagedTable
from divert_tui.widgets.tour_panel import TourPanel
from tests.ui.conftest import log_in, settle

SETTLE = 0.15  # the guide counts a screen once it has settled (a dialog may open the next)


@pytest.fixture
def demo_db(db):
    """A cohort dated up to the real day: the courses list and the roster use the clock."""
    now = datetime.now(UK)
    fill_demo(db, 40, today=now.date(), now_minute=max(now.hour * 60 + now.minute, 60))
    return db


@pytest.fixture
def tour_app(demo_db, db_url):
    from divert_tui.app import DivertApp

    app = DivertApp(open_database(db_url), load_settings(db_url), demo=True)
    yield app
    app.db.dispose()


async def wait(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.pause(SETTLE)
    await settle(pilot)


async def keys(pilot, *pressed: str) -> None:  # type: ignore[no-untyped-def]
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)
    await pilot.pause(SETTLE)
    await settle(pilot)


def panel(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(TourPanel).render())


def at_step(app, tour, number: int) -> None:  # type: ignore[no-untyped-def]
    text = panel(app)
    step = tour.steps[number - 1]
    assert f"Step {number} of {len(tour.steps)}: {step.title}" in text, text
    assert step.text.split(".")[0] in " ".join(text.split()), text
    assert f" {step.key} " in text
    assert type(app.screen).__name__ == step.screen


async def at(pilot, tour, number: int) -> None:  # type: ignore[no-untyped-def]
    """The panel shows step ``number``: given a moment on a loaded machine (timers run late)."""
    for _ in range(30):
        try:
            at_step(pilot.app, tour, number)
            return
        except (AssertionError, NoMatches):
            await pilot.pause(0.1)
    at_step(pilot.app, tour, number)


async def choose(pilot, tour_id: str) -> None:  # type: ignore[no-untyped-def]
    await keys(pilot, "f12")
    chooser = pilot.app.screen
    assert isinstance(chooser, TourChooser)
    options = chooser.query_one(OptionList)
    options.highlighted = next(
        i for i in range(options.option_count) if options.get_option_at_index(i).id == tour_id
    )
    await keys(pilot, "enter")


def cursor_to(app, name: str) -> None:  # type: ignore[no-untyped-def]
    """Move the highlight to the row naming ``name``, as the learner does with the arrows."""
    table = app.screen.query_one(PagedTable).table if app.screen.query(PagedTable) else None
    table = table or app.screen.query_one(DataTable)
    for row in range(table.row_count):
        if any(name in str(cell) for cell in table.get_row_at(row)):
            table.move_cursor(row=row)
            return
    raise AssertionError(f"{name} is not listed")


def row_with(app, word: str) -> int | None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(PagedTable).table
    for row in range(table.row_count):
        if any(str(cell) == word for cell in table.get_row_at(row)):
            return row
    return None


def booked_session(app, first_name: str) -> int:  # type: ignore[no-untyped-def]
    with app.db.read() as session:
        return session.exec(
            select(Booking.session_id)
            .join(Referral, col(Referral.id) == col(Booking.referral_id))
            .join(Person, col(Person.id) == col(Referral.person_id))
            .where(Person.first_name == first_name)
            .order_by(col(Booking.id).desc())
        ).first()


async def test_the_workers_day_follows_the_learner_through_every_step(
    tour_app, monkeypatch
) -> None:
    app, t = tour_app, WORKER_DAY
    async with app.run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        assert isinstance(app.screen, DemoLoginScreen)
        await choose(pilot, "worker")  # from the role picker: logs in as a drug worker
        assert app.actor is not None and app.actor.role is Role.WORKER
        await at(pilot, t, 1)
        await keys(pilot, "l")  # not what step 1 asks: the tour waits
        await keys(pilot, "escape")
        await at(pilot, t, 1)
        unclaimed = row_with(app, "unassigned")  # a small cohort may have none: claim your own
        app.screen.query_one(PagedTable).table.move_cursor(row=unclaimed or 0)
        await keys(pilot, "c")
        await at(pilot, t, 2)
        cursor_to(app, "Tyler Ashworth")
        await keys(pilot, "l")
        await at(pilot, t, 3)
        await keys(pilot, "escape")  # cancelled: back to step 2
        await at(pilot, t, 2)
        await keys(pilot, "l")
        await keys(pilot, "1", "enter")
        await at(pilot, t, 4)
        cursor_to(app, "Tyler Ashworth")
        await keys(pilot, "enter")
        await at(pilot, t, 5)
        await keys(pilot, "a")
        await at(pilot, t, 6)
        await keys(pilot, *["1", "enter"] * 6)
        await keys(pilot, "f8", "end", "enter")
        await at(pilot, t, 7)
        await keys(pilot, "ctrl+y")
        if type(app.screen).__name__ == "ConfirmDialog":  # domestic abuse not screened
            await keys(pilot, "enter")
        await pilot.pause(0.4)
        await wait(pilot)
        await at(pilot, t, 8)
        await keys(pilot, "escape")
        await at(pilot, t, 9)
        await keys(pilot, "b")
        await at(pilot, t, 10)
        await keys(pilot, "1")
        await at(pilot, t, 11)
        await keys(pilot, "f4")
        await at(pilot, t, 12)
        session_id = booked_session(app, "Tyler")
        table = app.screen.query_one(PagedTable).table
        table.move_cursor(row=table.get_row_index(str(session_id)))
        await keys(pilot, "enter")
        await at(pilot, t, 13)
        await pilot.press("1")  # the session has not taken place yet: refused, no step
        with contextlib.suppress(WorkerFailed):  # the refusal, shown as a message
            await app.workers.wait_for_complete()
        await pilot.pause(SETTLE)
        await at(pilot, t, 13)
        assert any("not started yet" in str(n.message) for n in app._notifications)
        held = app.screen.result.session.starts_at + timedelta(hours=3)
        monkeypatch.setattr(booking, "utcnow", lambda: held)  # the session took place
        await keys(pilot, "1")
        await at(pilot, t, 14)
        await keys(pilot, "f12")
        assert not app.screen.query(TourPanel)


async def test_the_team_leads_day_follows_the_learner_through_every_step(tour_app) -> None:
    app, t = tour_app, LEAD_DAY
    async with app.run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        await choose(pilot, "team_lead")
        assert app.actor is not None and app.actor.role is Role.TEAM_LEAD
        await at(pilot, t, 1)
        await keys(pilot, "f3")
        await at(pilot, t, 2)
        await keys(pilot, "f")
        await at(pilot, t, 3)
        await keys(pilot, "3")  # Status: a second box with the statuses
        assert type(app.screen).__name__ == "PickDialog"
        await at(pilot, t, 3)
        await keys(pilot, "2")  # open referrals only
        await at(pilot, t, 4)
        await keys(pilot, "space", "R")
        await at(pilot, t, 5)
        await keys(pilot, "escape")  # cancelled: back to step 4
        await at(pilot, t, 4)
        await keys(pilot, "R")
        await keys(pilot, "enter")
        await at(pilot, t, 6)
        await keys(pilot, "f5")
        await at(pilot, t, 7)
        await keys(pilot, "c")
        await at(pilot, t, 8)


async def test_leave_and_resume_where_it_was_left_and_a_step_back(tour_app) -> None:
    app, t = tour_app, LEAD_DAY
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(pilot)
        await choose(pilot, "team_lead")
        await keys(pilot, "f3")
        await at(pilot, t, 2)
        await keys(pilot, "f12")  # leave: the panel goes, the step is kept
        assert not app.screen.query(TourPanel)
        await keys(pilot, "f")  # what the tour would count is not counted while it is away
        await keys(pilot, "escape")
        await keys(pilot, "f12")
        assert isinstance(app.screen, TourChooser)
        options = app.screen.query_one(OptionList)
        assert "Resume: The team lead's day, step 2 of 8" in str(
            options.get_option_at_index(0).prompt
        )
        await keys(pilot, "enter")
        await at(pilot, t, 2)
        await keys(pilot, "ctrl+g")
        at_step_text = panel(app)
        assert "Step 1 of 8" in at_step_text and "This step is on My work (F2)" in at_step_text


async def test_f1_and_the_palette_start_the_tour_and_the_footer_stays(tour_app) -> None:
    app = tour_app
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(pilot)
        await choose(pilot, "worker")
        footer = app.screen.query_one("Footer")
        tour_panel = app.screen.query_one(TourPanel)
        assert footer.region.height == 1 and footer.region.y == 23
        assert tour_panel.region.bottom <= footer.region.y, "the panel leaves the key hints"
        table = app.screen.query_one(PagedTable).table
        assert table.region.bottom <= tour_panel.region.y, "the panel covers none of the list"
        await keys(pilot, "f12", "f1")
        assert "G" in [str(c) for c in app.screen.query_one(DataTable).get_row_at(0)]
        await keys(pilot, "g")
        assert isinstance(app.screen, TourChooser)
        depth = len(app.screen_stack)
        await keys(pilot, "f12")
        assert isinstance(app.screen, TourChooser) and len(app.screen_stack) == depth
        await keys(pilot, "escape")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Guided tour" in commands


async def test_the_tour_is_demo_only(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        assert app.tour_guide is None and app.check_action("tour", ()) is False
        assert "Guided tour" not in [c.title for c in app.get_system_commands(app.screen)]
        await app.run_action("start_tour")
        await pilot.pause()
        assert not isinstance(app.screen, TourChooser)
        assert "for trainers" in " ".join(str(n.message) for n in app._notifications)


def test_steps_are_data_each_done_by_something_the_learner_does() -> None:
    for tour in TOURS.values():
        *working, last = tour.steps
        for step in working:
            assert step.done.screen or step.done.actions or step.done.state, step.title
        assert not (last.done.screen or last.done.actions or last.done.state)
    progress = Progress.start("worker")
    assert not progress.saw_screen("ReferralScreen")  # step 1 waits for a claim
    assert not progress.saw_action("ReferralScreen", "claim")  # on another screen
    assert progress.saw_action("MyWorkScreen", "claim") and progress.number == 2


def test_a_tour_step_at_80x24(db, db_url, snap_compare) -> None:
    from divert_tui.app import DivertApp

    fill_demo(db, 40, today=DEFAULT_TODAY)
    app = DivertApp(open_database(db_url), load_settings(db_url), demo=True, today=DEFAULT_TODAY)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait(pilot)
        await choose(pilot, "worker")
        await wait(pilot)

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    finally:
        app.db.dispose()


def test_a_dialog_over_the_steps_screen_is_answered_not_left() -> None:
    from divert_tui.widgets.tour_panel import panel_text

    progress = Progress.start("worker")
    progress.index = 6  # the allocation, on the call; a confirmation box is over it
    words = str(panel_text(progress, "ConfirmDialog", ("MyWorkScreen", "AssessmentScreen")))
    assert "Answer this box first" in words and "This step is on" not in words
    words = str(panel_text(progress, "CoursesScreen"))
    assert "This step is on the call." in words


async def test_a_trainer_starting_the_leads_day_sees_no_stray_refusal(tour_app) -> None:
    """The tour logs out the trainer and in as a team lead; work of the closed screens
    finishing late must not greet the learner with "log in first"."""
    from tests.ui.test_demo_platform import pick_role

    app = tour_app
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(pilot)
        await pick_role(pilot, Role.TRAINER)
        await wait(pilot)
        await choose(pilot, "team_lead")
        for _ in range(10):
            await pilot.pause(0.1)
        assert app.actor is not None and app.actor.role is Role.TEAM_LEAD
        said = [n.message for n in app._notifications]
        assert not [m for m in said if "log in first" in m], said
