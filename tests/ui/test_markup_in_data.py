"""Stored text is shown as text (issue 9, found with item 12): a name that looks like
styling markup neither stops the app nor turns into a clickable action in a list."""

from __future__ import annotations

from datetime import UTC, date, datetime

from textual.widgets import DataTable

from divert_tui.core.models import Person, Referral
from divert_tui.screens.my_work import MyWorkScreen
from tests.ui.conftest import log_in, settle

HOSTILE = ("Bad [/] Name", "[@click=app.quit]Click[/]")


async def test_markup_in_a_stored_name_is_shown_as_written(db, worker, make_app) -> None:
    with db.write() as session:
        for number, name in enumerate(HOSTILE):
            person = Person(
                first_name=name,
                last_name="Person",
                first_name_key=f"hostile{number}",
                last_name_key="person",
                date_of_birth=date(1990, 1, 1 + number),
            )
            session.add(person)
            session.flush()
            session.add(
                Referral(
                    force_code="west_midlands",
                    police_reference=f"REF-H{number}",
                    person_id=person.id,
                    referred_at=datetime(2026, 11, 1, 9, number, tzinfo=UTC),
                    offence_date=date(2026, 11, 1),
                    substances="cannabis",
                    main_substance="cannabis",
                    assigned_worker_id=worker.id,
                    first_contact_due=date(2026, 11, 27),
                )
            )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        cells = [str(cell) for row in range(2) for cell in table.get_row_at(row)]
        assert any("Bad [/] Name" in cell for cell in cells)
        assert any("[@click=app.quit]Click[/]" in cell for cell in cells)
        assert app.is_running
