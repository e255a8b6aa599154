"""What a worker reads instead of internal names: keys, instruments, needs, times, counts."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.widgets import OptionList

from divert_tui.core.rules.assessment_flow import StepState
from divert_tui.core.rules.needs import need_words
from divert_tui.screens import format as fmt
from divert_tui.screens.assessment.panel import StepPanel
from divert_tui.screens.help import describe_key
from divert_tui.widgets.paged_table import count_of


def test_keys_read_as_printed_on_the_keyboard() -> None:
    assert describe_key("^n") == "Ctrl+N"
    assert describe_key("⏎") == "Enter"
    assert describe_key("shift+tab") == "Shift+Tab"
    assert describe_key("f1") == "F1"
    assert describe_key("escape") == "Esc"
    assert describe_key("c") == "c"


def test_instruments_and_needs_by_their_names() -> None:
    assert fmt.instrument_name("audit") == "AUDIT"
    assert fmt.instrument_name("dash") == "Dash"
    assert fmt.instrument_name("phq9") == "PHQ-9"
    assert need_words("drug_treatment") == "drug treatment"
    assert need_words("mental_health") == "mental health"


def test_a_date_only_referral_shows_no_midnight() -> None:
    assert fmt.uk_moment(datetime(2026, 3, 2, 0, 0, tzinfo=UTC)) == "02/03/2026"
    assert fmt.uk_moment(datetime(2026, 7, 1, 23, 0, tzinfo=UTC)) == "02/07/2026"  # BST midnight
    assert fmt.uk_moment(datetime(2026, 3, 2, 9, 30, tzinfo=UTC)) == "02/03/2026 09:30"


def test_counts_have_one_format_and_the_right_plural() -> None:
    assert count_of(1, "referrals") == "1 referral"
    assert count_of(1, "open concerns") == "1 open concern"
    assert count_of(108269, "referrals") == "108,269 referrals"
    assert count_of(28587, "referrals") == "28,587 referrals"
    assert count_of(0, "referrals") == "0 referrals"


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StepPanel()


async def test_the_step_list_names_follow_ups_by_instrument() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(StepPanel)
        panel.show(
            [
                StepState("alcohol", "Alcohol", "in_progress", due=("audit",)),
                StepState("domestic_abuse", "Domestic abuse", "in_progress", due=("dash",)),
            ],
            "alcohol",
        )
        await pilot.pause()
        options = app.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        assert "then AUDIT" in labels[0] and "audit" not in labels[0].replace("AUDIT", "")
        assert "then Dash" in labels[1] and "+ dash" not in labels[1]


def test_report_counts_use_the_same_number_format_as_hours() -> None:
    from divert_tui.screens.reports import _cell

    assert _cell(28587) == "28,587"
    assert _cell(108269) == "108,269"
    assert _cell("<5") == "<5"
    assert _cell(0) == "0"
