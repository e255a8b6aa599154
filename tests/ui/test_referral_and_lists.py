"""Lists and the referral screen by keyboard: the cursor follows the referral acted on, area
keys land on the area's list, a narrow queue keeps status and worker, warnings about a
number not safe to call, F1 in words, the referral up to date and scrolled to the top."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from divert_tui.core.models import Assessment, InstrumentResponse
from divert_tui.core.services import referral_view, staff
from divert_tui.core.services.base import Actor
from divert_tui.screens.help import HelpScreen
from divert_tui.screens.my_work import MyWorkScreen
from divert_tui.widgets.paged_table import PagedTable
from tests.ui.conftest import PASSWORD, add_referrals, log_in, settle


def not_safe_number(db, referral_id: int) -> None:
    with db.write() as session:
        assessment = Assessment(referral_id=referral_id)
        session.add(assessment)
        session.flush()
        session.add(
            InstrumentResponse(
                assessment_id=assessment.id,
                instrument_id="identity_check",
                instrument_version="1",
                answers={"q1": "yes", "q2": "yes", "q3": "no"},
                flags=["no_safe_contact"],
                updated_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
            )
        )


async def test_claim_keeps_the_cursor_on_the_referral_claimed(db, worker, make_app) -> None:
    add_referrals(db, 4)  # unclaimed; a claimed one moves to the top of my work
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        paged = app.screen.query_one(PagedTable)
        await pilot.press("down", "down")
        chosen = paged.current_key()
        await pilot.press("c")
        await settle(pilot)
        await settle(pilot)
        assert paged.table.cursor_row == 0, "the claimed referral is now first"
        assert paged.current_key() == chosen
        await pilot.press("l")
        await pilot.pause()
        title = str(app.screen.query_one(".title", Static).render())
        assert "Test001" in title  # the person claimed, not whoever took the row


async def test_an_area_key_always_lands_on_the_areas_list(db, worker, make_app) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")  # the referral, on top of my work
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert app.current_mode == "courses"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)


async def test_a_worker_pressing_a_team_lead_key_is_told_whose_area_it_is(
    db, worker, make_app
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        for key, words in (("f3", "Caseload"), ("f5", "Reports"), ("f6", "Admin")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MyWorkScreen)
            message = [n.message for n in app._notifications][-1]
            assert words in message and "drug worker" in message, message
            assert "My work (F2)" in message


async def test_an_admin_lands_on_admin_and_cannot_claim(db, make_app) -> None:
    staff.add_staff(db, Actor.system("tests"), "root.admin", "admin", PASSWORD)
    add_referrals(db, 1)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot, "root.admin")
        await settle(pilot)
        assert app.current_mode == "admin"
        await pilot.press("f2")
        await settle(pilot)
        shown = {a.binding.action for a in app.screen.active_bindings.values()}
        assert "claim" not in shown and "log_attempt" not in shown


async def test_the_queue_at_80_columns_keeps_status_and_worker(db, worker, make_app) -> None:
    add_referrals(db, 2, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert "Status" in labels and "Worker" in labels
        assert "Born" not in labels
        width = sum(column.get_render_width(table) for column in table.columns.values())
        assert width <= 78, labels
        row = [str(cell) for cell in table.get_row_at(0)]
        assert "Alice Smith" in row and "received" in row
    async with make_app().run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        labels = [str(c.label) for c in pilot.app.screen.query_one(DataTable).columns.values()]
        assert "Police ref" in labels and "Substance" in labels


async def test_a_number_not_safe_shows_on_queue_referral_and_call_dialog(
    db, worker, make_app
) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    not_safe_number(db, 1)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        row = [str(cell) for cell in app.screen.query_one(DataTable).get_row_at(0)]
        assert "NOT SAFE" in row
        await pilot.press("l")
        await pilot.pause()
        assert "NUMBER NOT SAFE" in str(app.screen.query_one("#caution", Static).render())
        await pilot.press("3")  # voicemail left
        await pilot.pause()
        assert "not safe for messages" in str(app.screen.query_one(".error", Static).render())
        await pilot.press("escape")
        await pilot.press("enter")
        await settle(pilot)
        person = str(app.screen.query_one("#person", Static).render())
        assert "NUMBER NOT SAFE" in person and "no voicemail" in person
        assert person.index("Phone") < person.index("NUMBER NOT SAFE")  # right by the number
        await pilot.press("l")
        await pilot.pause()
        assert "NUMBER NOT SAFE" in str(app.screen.query_one("#caution", Static).render())


async def test_f1_names_keys_in_words_and_where_they_work(db, worker, make_app) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        labels = [str(column.label) for column in table.columns.values()]
        assert labels == ["Key", "Does", "Where"]
        text = " ".join(" ".join(r) for r in rows)
        for internal in ("area(", "screen.", "app.", "_"):
            assert internal not in text, internal
        wheres = {r[2] for r in rows}
        assert wheres == {"Referral", "everywhere"}


async def test_the_referral_shows_what_changed_when_you_come_back(db, worker, make_app) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        actor = app.require_actor()
        referral_view.add_note(app.db, actor, 1, "called back by the person")
        await pilot.press("f7")  # a full screen on top (as the call is), then back
        await settle(pilot)
        assert type(app.screen).__name__ == "InstrumentsScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReferralScreen"
        timeline = app.screen.query_one("#timeline", DataTable)
        notes = [str(timeline.get_row_at(i)[3]) for i in range(timeline.row_count)]
        assert "called back by the person" in notes


async def test_a_referral_at_80x24_opens_at_the_top(db, worker, make_app) -> None:
    from divert_tui.core.models import Referral

    add_referrals(db, 1, worker_id=worker.id)
    with db.write() as session:
        referral = session.get(Referral, 1)
        referral.feed_notes = "Found in a car with two others; " * 8  # a tall referral panel
        referral.location = "The retail park car park behind the station, near the bus stops"
        session.add(referral)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        assert app.screen.query_one(VerticalScroll).scroll_y == 0
        assert app.screen.focused is app.screen.query_one("#timeline", DataTable)


async def test_a_referral_with_a_date_only_shows_no_midnight(db, worker, make_app) -> None:
    from divert_tui.core.models import Referral

    add_referrals(db, 1, worker_id=worker.id)
    with db.write() as session:
        referral = session.get(Referral, 1)
        referral.referred_at = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # a feed with a date only
        session.add(referral)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        row = [str(cell) for cell in app.screen.query_one(DataTable).get_row_at(0)]
        assert "02/11/2026" in row and not any("00:00" in cell for cell in row)
        await pilot.press("enter")
        await settle(pilot)
        facts = str(app.screen.query_one("#facts", Static).render())
        assert "referred 02/11/2026 ·" in facts
        timeline = app.screen.query_one("#timeline", DataTable)
        whens = [str(timeline.get_row_at(i)[0]) for i in range(timeline.row_count)]
        assert not any("00:00" in when for when in whens)


async def test_the_header_says_when_first_contact_was_made(db, worker, make_app) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        facts = str(app.screen.query_one("#facts", Static).render())
        assert "first contact due by" in facts or "first contact due today" in facts
        await pilot.press("l", "2", "enter")
        await settle(pilot)
        await settle(pilot)
        facts = str(app.screen.query_one("#facts", Static).render())
        assert "first contact made" in facts
        made = facts.split("first contact made", 1)[1]
        assert "due" not in made.split("\n", 1)[0]


async def test_refreshing_the_staff_list_keeps_the_cursor_on_the_person(db, make_app) -> None:
    made = staff.add_staff(db, Actor.system("tests"), "root.admin", "admin", PASSWORD)
    for name in ("b.worker", "c.worker", "d.worker"):
        staff.add_staff(
            db, Actor.system("tests"), name, "worker", PASSWORD, forces=["west_midlands"]
        )
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot, made.username)
        await settle(pilot)
        table = app.screen.query_one("#staff", DataTable)
        await pilot.press("down", "down")
        chosen = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        staff.add_staff(
            db, Actor.system("tests"), "a.first", "worker", PASSWORD, forces=["west_midlands"]
        )
        await pilot.press("r")
        await settle(pilot)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == chosen


async def test_f1_lists_only_the_areas_the_person_can_use(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = {
            str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0]) for i in range(table.row_count)
        }
        assert rows.get("Go to My work") == "F2" and rows.get("Go to Courses") == "F4"
        assert "Go to Caseload" not in rows and "Go to Admin" not in rows
