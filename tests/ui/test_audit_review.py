"""Issue 13 items 2 and 3 on screen: the admin's audit review, searched and paged, and
the subject-access export of the person found."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from divert_tui.core.services import audit, audit_search, referral_view, staff
from divert_tui.core.services.base import Actor
from divert_tui.screens.audit_review import AuditReviewScreen
from divert_tui.screens.dialogs import ReasonDialog
from divert_tui.widgets.paged_table import PagedTable
from tests.ui.conftest import PASSWORD, add_referrals, log_in, settle


def _rows(screen: AuditReviewScreen) -> list[list[str]]:
    table = screen.query_one(PagedTable).query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _type(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.press("enter")
    await settle(pilot)


async def test_search_page_and_export_a_person(
    db, make_app, worker, schemes, tmp_path: Path
) -> None:
    staff.add_staff(db, Actor.system("tests"), "root.admin", "admin", PASSWORD)
    add_referrals(db, 2)
    alice = Actor(worker.id, worker.username, worker.role, frozenset(worker.forces), "Alice Smith")
    referral_view.open_referral(db, alice, 1, schemes)
    with db.write() as session:
        for n in range(60):
            audit.record(session, Actor.system("tests"), "test.noise", "thing", n)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot, "root.admin")
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditReviewScreen)
        pager = screen.query_one("#pager", Static)
        assert "page 1 of" in str(pager.render())

        # by person: the police reference of the first referral
        await _type(pilot, "#filter-person", "REF00000")
        rows = _rows(screen)
        assert [r[2] for r in rows] == ["referral.view"]
        assert rows[0][1] == "Alice Smith (alice)"
        assert "Person 1" in str(screen.query_one("#audit-found", Static).render())

        # by action, paged in SQL: 60 events, 50 a page
        await _type(pilot, "#filter-person", "")
        await _type(pilot, "#filter-action", "test.noise")
        assert len(_rows(screen)) == audit_search.PAGE_SIZE
        screen.query_one(PagedTable).focus_table()
        await pilot.press("n")
        await settle(pilot)
        assert len(_rows(screen)) == 10
        assert "page 2 of 2" in str(pager.render())

        # a date that is not a date is named, nothing searched
        await _type(pilot, "#filter-from", "someday")
        assert len(_rows(screen)) == 10
        await _type(pilot, "#filter-from", "")

        # the subject-access export of the person found
        await _type(pilot, "#filter-action", "")
        await _type(pilot, "#filter-person", "1")
        screen.query_one(PagedTable).focus_table()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot)
        written = sorted(p.name for p in tmp_path.glob("person-*"))
        assert written == ["person-1-subject-access.json", "person-1-subject-access.txt"]
        assert all(stat.S_IMODE((tmp_path / n).stat().st_mode) == 0o600 for n in written)
        await settle(pilot)
        assert "person.export" in [r[2] for r in _rows(screen)]


async def test_export_asks_for_one_person_first(db, make_app) -> None:
    staff.add_staff(db, Actor.system("tests"), "root.admin", "admin", PASSWORD)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "root.admin")
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one(PagedTable).focus_table()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, AuditReviewScreen)
        assert any("Search for one person first" in str(n.message) for n in app._notifications)
