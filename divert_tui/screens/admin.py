"""Admin: staff accounts, the scheme settings in force, and the way to the audit review."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable

from divert_tui.core.services import staff
from divert_tui.core.services.base import ROLE_LABELS
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ConfirmDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static


def _retention_words(years: int, intel_months: int) -> str:
    """The retention setting in a table cell: years after closing, intelligence reasons."""
    intel = "to the bar's end" if intel_months == 0 else f"bar + {intel_months} months"
    return f"{years} years after closing; intel {intel}"


class AdminScreen(DivertScreen):
    AREA = "Admin"
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("d", "deactivate", "Deactivate"),
        Binding("a", "activate", "Activate"),
        Binding("u", "unlock", "Unlock"),
        Binding("v", "audit_review", "Audit review and subject access"),
    ]
    FOOTER_SHORT = {"audit_review": "Audit review"}
    DEFAULT_CSS = """
    AdminScreen #admin-panes > Vertical { width: 1fr; }
    AdminScreen DataTable { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="admin-panes"):
            with Vertical():
                yield Static(
                    "Staff  (add with: divert staff add USER --role ROLE --force CODE; "
                    "roles, forces and passwords: divert staff --help)"
                )
                staff_table: DataTable[str] = DataTable(id="staff", cursor_type="row")
                staff_table.add_columns("User", "Name", "Role", "Forces", "State")
                yield staff_table
            with Vertical():
                yield Static("Scheme settings")
                schemes: DataTable[str] = DataTable(id="schemes", cursor_type="row")
                schemes.add_columns(
                    "Force", "Bar", "Contact policy", "First contact", "Hours saved", "Retention"
                )
                for scheme in self.app.schemes.values():
                    schemes.add_row(
                        scheme.name,
                        f"{scheme.bar_months} months",
                        f"{scheme.contact_attempts} attempts / {scheme.contact_days} days",
                        f"{scheme.first_contact_working_days} working days",
                        f"{scheme.hours_saved_per_referral:g} h",
                        _retention_words(scheme.retention_years, scheme.intel_months_after_bar),
                    )
                yield schemes
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#staff", DataTable).focus()
        self.action_refresh()

    def action_audit_review(self) -> None:
        from divert_tui.screens.audit_review import AuditReviewScreen

        self.app.push_screen(AuditReviewScreen())

    def action_refresh(self) -> None:
        self.call_service(staff.list_staff, self.app.db, self.app.require_actor(), then=self._show)

    def _show(self, people: list[staff.StaffSummary]) -> None:
        table = self.query_one("#staff", DataTable)
        followed = None
        if table.row_count:
            followed = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        for person in people:
            state = "locked" if person.locked else ("active" if person.active else "inactive")
            table.add_row(
                person.username,
                person.display_name,
                ROLE_LABELS[person.role],
                ", ".join(person.forces) or "all",
                state,
                key=person.username,
            )
        usernames = [person.username for person in people]
        if followed in usernames:  # a refresh keeps the cursor on the same person
            table.move_cursor(row=usernames.index(followed))

    # --- acting on the chosen account -------------------------------------------------------

    def _chosen(self) -> str | None:
        table = self.query_one("#staff", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def _act(self, service: Callable[..., staff.StaffSummary], username: str, done: str) -> None:
        def after(person: staff.StaffSummary) -> None:
            self.notify(f"{person.username}: {done}", title="Staff")
            self.action_refresh()

        self.call_service(service, self.app.db, self.app.require_actor(), username, then=after)

    def action_deactivate(self) -> None:
        """Stop the account at once: its open sessions are logged out at their next step."""
        username = self._chosen()
        if username is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._act(staff.deactivate, username, "deactivated")

        self.app.push_screen(
            ConfirmDialog(
                f"Deactivate {username}?",
                "They cannot log in, and a session they have open is logged out.",
                "Enter: deactivate",
                "Esc: keep",
            ),
            confirmed,
        )

    def action_activate(self) -> None:
        username = self._chosen()
        if username is not None:
            self._act(staff.activate, username, "activated")

    def action_unlock(self) -> None:
        username = self._chosen()
        if username is not None:
            self._act(staff.unlock, username, "unlocked")
