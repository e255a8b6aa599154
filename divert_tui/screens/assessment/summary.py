"""The summary step: needs with their reasons and what was done, concerns, the allocation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable

from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules import scores
from divert_tui.core.rules.allocation import PATH_LABELS
from divert_tui.core.services import assessment_outcome as outcome
from divert_tui.core.services import directory
from divert_tui.core.services.assessment_outcome import Summary
from divert_tui.core.services.directory import ServiceEntry
from divert_tui.core.vocab import AllocationPath
from divert_tui.screens.dialogs import ConfirmDialog, PickDialog, ReasonDialog
from divert_tui.widgets.plain import Static


def score_table(summary: Summary) -> Table | Text:
    """Every score of the call in one compact table: instrument, total, band, flags."""
    lines = scores.score_table(summary.view.facts)
    if not lines:
        return Text("No scores yet.", style="dim")
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=False)
    table.add_column("Instrument", style="bold", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Band")
    table.add_column("Flags", style="bold red")
    for line in lines:
        name = f"{line.name} ({fmt_label(line.subject)})" if line.subject else line.name
        score = f"{line.total}/{line.maximum}" + ("" if line.complete else " so far")
        positive = line.positive and "positive" not in line.band.lower()
        band = line.band + (" · positive" if positive else "")
        table.add_row(name, score, band, "; ".join(line.flags))
    return table


def fmt_label(code: str) -> str:
    return code.replace("_", " ")


class SummaryPane(Vertical):
    DEFAULT_CSS = """
    SummaryPane { height: auto; padding: 0 1; }
    SummaryPane > Static { height: auto; margin-bottom: 1; }
    SummaryPane DataTable { height: auto; max-height: 24; margin-bottom: 1; }
    SummaryPane #allocation { border: round $success; padding: 0 1; }
    SummaryPane #warnings { color: $warning; }
    """

    _summary: Summary | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="warnings")
        yield Static(Text("Scores", style="bold"))
        yield Static(id="scores")
        yield Static(
            Text("Needs (Enter on a need: add what was done, or take it back)", style="bold")
        )
        yield DataTable(cursor_type="row", id="needs")
        yield Static(id="concerns")
        yield Static(id="allocation")

    def on_resize(self) -> None:
        if self._summary is not None:
            self._fill_needs(self._summary)

    def show(self, summary: Summary) -> None:
        self._summary = summary
        warnings = Text()
        missing = flow.not_screened(summary.view.facts)
        if missing:
            warnings.append("Not screened: ", style="bold")
            warnings.append(", ".join(m.words for m in missing))
        others = [s for s in summary.unfinished if s.id not in flow.SCREEN_NAMES]
        if others:
            names = ", ".join(s.title for s in others)
            warnings.append(f"\nNot finished (skip them on purpose or go back): {names}")
        critical = flow.must_acknowledge(summary.view.facts)
        if critical and not summary.chosen:
            names = " and ".join(m.name for m in critical)
            warnings.append(
                f"\n⚠ {names.capitalize()} not screened: a risk may be missed. "
                "You will be asked to acknowledge this before allocating.",
                style="bold",
            )
        if summary.view.ended_early_reason:
            warnings.append(f"\nThe call was ended early before: {summary.view.ended_early_reason}")
        self.query_one("#warnings", Static).update(warnings)
        self.query_one("#scores", Static).update(score_table(summary))
        self._fill_needs(summary)
        concerns = Text()
        if summary.concerns:
            concerns.append("Safeguarding concerns\n", style="bold")
        for c in summary.concerns:
            state = "closed" if c.closed_at else f"follow up by {c.follow_up_due:%d %b %Y}"
            concerns.append(f"⚑ {c.type.replace('_', ' ')}: ", style="bold red")
            concerns.append(f"{c.detail.splitlines()[0]} ({state})\n")
        self.query_one("#concerns", Static).update(concerns)
        self.query_one("#allocation", Static).update(self._allocation(summary))

    def _fill_needs(self, summary: Summary) -> None:
        """The needs table, its long cells wrapped to the width there is (never scrolled)."""
        table = self.query_one("#needs", DataTable)
        row = table.cursor_row
        width = max(self.content_size.width or self.app.size.width - 40, 40)
        need_w, level_w = 16, 6
        done_w = max(14, (width - need_w - level_w - 8) * 2 // 5)
        why_w = max(14, width - need_w - level_w - done_w - 8)
        table.clear(columns=True)
        table.add_column("Need", width=need_w, key="need")
        table.add_column("Level", width=level_w, key="level")
        table.add_column("Done", width=done_w, key="done")
        table.add_column("Why", width=why_w, key="why")
        for need in summary.needs:
            done = "\n".join(d.words for d in need.done) or "to do"
            table.add_row(
                Text(need.label),
                Text(need.level),
                Text(done, style="" if need.done else "bold yellow"),
                Text(need.reason),
                key=str(need.id),
                height=None,
            )
        if not summary.needs:
            table.add_row("No needs found", "", "", "", key="-none-")
        if summary.needs:
            table.move_cursor(row=min(row, len(summary.needs) - 1))

    def _allocation(self, summary: Summary) -> Text:
        s = summary.suggestion
        text = Text()
        text.append(f"Suggested: {s.label}\n", style="bold")
        for reason in s.reasons:
            text.append(f"  • {reason}\n")
        for note in s.notes:
            text.append(f"  ({note})\n", style="dim")
        if summary.chosen:
            chosen = PATH_LABELS[AllocationPath(summary.chosen)]
            text.append(f"\nAllocated: {chosen}", style="bold green")
            if summary.override_reason:
                text.append(f" (instead of the suggestion: {summary.override_reason})")
            text.append(f"\nReferral status: {summary.view.referral_status}")
        else:
            text.append(
                "\nCtrl+Y: accept the suggestion · Ctrl+O: choose otherwise (with a reason)"
            )
        return text

    def focus_needs(self) -> None:
        self.query_one("#needs", DataTable).focus()


class SummaryActions:
    """The summary's keys, mixed into the call screen: needs, onward referrals, allocation."""

    app: Any
    view: Any
    autosaver: Any
    summary: Summary | None = None
    if TYPE_CHECKING:
        _call: Any
        notify: Any
        query: Any

    def load_summary(self) -> None:
        self._call(outcome.summary, self.app.schemes, then=self._show_summary)

    def _show_summary(self, summary: Summary) -> None:
        self.summary = summary
        self.view = summary.view
        panes = self.query(SummaryPane)  # type: ignore[attr-defined]
        if panes:
            panes.first().show(summary)
            panes.first().focus_needs()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "needs" or self.summary is None:
            return
        key = event.row_key.value
        need = next((n for n in self.summary.needs if str(n.id) == key), None)
        if need is None:
            return
        choices = [
            ("advice", "Advice given (no service)"),
            ("signposted", "Signposted to a service"),
            ("referred", "Referred to a service (tracked)"),
            *((f"undo:{d.id}", f"Take back: {d.words}") for d in need.done),
        ]

        def action_chosen(action: str | None) -> None:
            if not action:
                return
            if action.startswith("undo:"):
                self._undo_need(int(action.removeprefix("undo:")))
                return
            if action == "advice":
                self._set_need(need.id, "advice", None)
                return
            self._pick_service(need.id, need.domain, action)

        title = f"{need.label}: what was done? (a need can be met by several services)"
        self.app.push_screen(PickDialog(title, choices), action_chosen)

    def _undo_need(self, done_id: int) -> None:
        app = self.app
        self.autosaver.submit(
            outcome.remove_need_action,
            app.db,
            app.require_actor(),
            done_id,
            then=self._need_saved,
        )

    def _pick_service(self, need_id: int, domain: str, action: str) -> None:
        force = self.summary.view.force_code if self.summary else ""

        def listed(services: list[ServiceEntry]) -> None:
            if not services:
                self.notify("No service in the directory for this need: ask an admin to add one.")
                return
            choices = [(str(s.id), s.label) for s in services]

            def chosen(service_id: str | None) -> None:
                if service_id:
                    self._set_need(need_id, action, int(service_id))

            self.app.push_screen(PickDialog("Which service?", choices), chosen)

        app = self.app
        self.autosaver.submit(
            directory.list_services, app.db, app.require_actor(), force, domain, then=listed
        )

    def _set_need(self, need_id: int, action: str, service_id: int | None) -> None:
        """Needs are addressed by their own id, not the assessment's (so not through _call)."""
        app = self.app
        self.autosaver.submit(
            outcome.set_need_action,
            app.db,
            app.require_actor(),
            need_id,
            action,
            service_id=service_id,
            then=self._need_saved,
        )

    def _need_saved(self, _: object) -> None:
        self.load_summary()

    def action_accept(self) -> None:
        if self.summary is None:
            return
        self._allocate(self.summary.suggestion.path.value, "")

    def action_choose_otherwise(self) -> None:
        if self.summary is None:
            return
        suggested = self.summary.suggestion.path
        choices = [(p.value, PATH_LABELS[p]) for p in AllocationPath if p != suggested]

        def picked(path: str | None) -> None:
            if not path:
                return

            def reason_given(reason: str | None) -> None:
                if reason:
                    self._allocate(path, reason)

            prompt = f"Why {PATH_LABELS[AllocationPath(path)]} and not the suggested {PATH_LABELS[suggested]}?"
            self.app.push_screen(
                ReasonDialog("Reason for choosing otherwise", prompt), reason_given
            )

        self.app.push_screen(PickDialog("Allocate to", choices), picked)

    def _allocate(self, path: str, reason: str) -> None:
        """Allocate; with domestic abuse or safeguarding unscreened, the worker confirms first."""
        critical = flow.must_acknowledge(self.summary.view.facts) if self.summary else []

        def done(_: object) -> None:
            self.notify(
                f"Allocated: {PATH_LABELS[AllocationPath(path)]}. The referral is allocated."
            )
            self.load_summary()

        def send(acknowledged: bool) -> None:
            self._call(
                outcome.allocate,
                path,
                self.app.schemes,
                override_reason=reason,
                acknowledge_unscreened=acknowledged,
                then=done,
            )

        if not critical:
            send(False)
            return
        names = " and ".join(m.name for m in critical)
        body = (
            f"Not screened: {', '.join(m.words for m in critical)}.\n"
            "A risk that would change the allocation may be missed. Allocate anyway, and "
            "record that you knew?"
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                send(True)

        self.app.push_screen(
            ConfirmDialog(
                f"⚠ {names.capitalize()} not screened",
                body,
                "Enter: allocate, I know",
                "Esc: go back",
            ),
            confirmed,
        )
