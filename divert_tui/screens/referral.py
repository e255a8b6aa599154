"""The referral screen: the person, the referral, whether they may be diverted and why, their
earlier referrals, and the timeline; keys to claim, log calls, add notes and close."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable

from divert_tui.core.rules.attendance import MissedVerdict
from divert_tui.core.rules.conflicts import Seen
from divert_tui.core.services import intake, referral_view, referrals
from divert_tui.core.services.base import Permission
from divert_tui.core.vocab import (
    OFFICER_OBSERVED_ETHNICITY,
    SELF_DEFINED_ETHNICITY,
    ReferralStatus,
    Role,
)
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ConfirmDialog, ReasonDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static


def _first_contact(detail: referral_view.ReferralDetail) -> Text:
    """When the first call was made, or by when it is due: never a due date for a call made."""
    due = fmt.uk_date(detail.first_contact_due)
    if detail.first_contact == "done":
        made = fmt.uk_time(detail.first_contact_at) if detail.first_contact_at else ""
        return Text(f"first contact made {made}".rstrip())
    if detail.first_contact == "overdue":
        return Text(f"first contact OVERDUE (was due by {due})", style="bold red")
    if detail.first_contact == "due_today":
        return Text(f"first contact due today ({due})", style="bold yellow")
    return Text(f"first contact due by {due}")


def _person_text(detail: referral_view.ReferralDetail) -> Text:
    p = detail.person
    text = Text()
    text.append(f"{p.first_name} {p.last_name}", style="bold")
    text.append(
        f"   born {fmt.uk_date(p.date_of_birth)} (age {p.age} at referral) · {fmt.label(p.sex)}\n"
    )
    text.append(f"Phone {p.phone or 'none'} · postcode {p.postcode or 'none'}")
    if p.needs_interpreter:
        text.append(" · NEEDS AN INTERPRETER", style="bold")
    if detail.contact_caution is not None:
        text.append("\n")
        text.append(detail.contact_caution.text, style="bold white on red")
    text.append("\nEthnicity: self-defined ")
    text.append(SELF_DEFINED_ETHNICITY.get(p.self_defined_ethnicity or "", "not recorded"))
    text.append(" · officer-observed ")
    text.append(OFFICER_OBSERVED_ETHNICITY.get(p.officer_observed_ethnicity or "", "not recorded"))
    return text


def _referral_text(detail: referral_view.ReferralDetail) -> Text:
    text = Text()
    text.append(f"{detail.police_reference}", style="bold")
    text.append(f" · {detail.scheme} · referred {fmt.uk_moment(detail.referred_at)}")
    text.append(f" · offence {fmt.uk_date(detail.offence_date)} · via {fmt.label(detail.source)}\n")
    text.append("Found: " + ", ".join(fmt.substance(s) for s in detail.substances))
    if detail.officer or detail.location:
        text.append(f" · officer {detail.officer or '?'} at {detail.location or '?'}")
    text.append("\nStatus: ")
    text.append(fmt.label(detail.status).upper(), style="bold")
    if detail.status_reason:
        text.append(f" ({detail.status_reason})")
    text.append(f" · worker: {detail.assigned_worker or 'unassigned'}")
    if detail.status in (ReferralStatus.RECEIVED, ReferralStatus.CONTACTING):
        text.append(" · ")
        text.append_text(_first_contact(detail))
    if detail.feed_notes:
        text.append(f"\nOfficer's notes: {detail.feed_notes}")
    return text


def _call_text(detail: referral_view.ReferralDetail) -> Text:
    """The latest assessment: completed or partial with why, the call-back, screens not done."""
    call = detail.call
    if call is None:
        return Text("No assessment yet · a: start it", style="dim")
    text = Text()
    style = "bold yellow" if call.state == "partial" else "bold"
    text.append(call.words, style=style)
    if call.state == "completed":
        text.append("\na or v: open the assessment, read only (p prints it)")
    else:
        text.append("\na: resume the call · v: read what was recorded")
    return text


def _eligibility_text(detail: referral_view.ReferralDetail) -> Text:
    text = Text()
    if detail.eligible:
        text.append("ELIGIBLE  ", style="bold green")
    else:
        text.append("NOT ELIGIBLE  ", style="bold red")
    text.append(detail.eligibility)
    if detail.bar_override:
        text.append(f"\nBar set aside: {detail.bar_override}", style="italic")
    if detail.possible_match is not None:
        m = detail.possible_match
        text.append("\nPOSSIBLE MATCH: ", style="bold yellow")
        text.append(
            f"{m.first_name} {m.last_name}, born {fmt.uk_date(m.date_of_birth)}, "
            "may be this person. m: same person · M: not the same"
        )
    for concern in detail.open_concerns:
        text.append("\nSAFEGUARDING: ", style="bold red")
        text.append(f"{fmt.label(concern.type)}: {concern.summary}")
        if concern.follow_up_due:
            text.append(f" (follow up by {fmt.uk_date(concern.follow_up_due)})")
    if detail.contact.propose_non_compliant and detail.status in (
        ReferralStatus.RECEIVED,
        ReferralStatus.CONTACTING,
    ):
        text.append("\nCONTACT POLICY MET: ", style="bold red")
        text.append(f"{detail.contact.reason}. x: close as non-compliant")
    return text


def _fill_timeline(table: DataTable[str], entries: tuple[referral_view.TimelineEntry, ...]) -> None:
    """Newest first, long notes wrapped to the width there is rather than cut off; narrow,
    what and who go in front of the detail."""
    width = table.size.width or table.app.size.width * 2 // 3
    wide = width >= 72
    fixed = 16 + (10 + 14 if wide else 0)
    columns = 4 if wide else 2
    detail_width = max(16, width - fixed - 2 * columns - 1)
    table.clear(columns=True)
    table.add_column("When", width=16)
    if wide:
        table.add_column("What", width=10)
        table.add_column("Who", width=14)
    table.add_column("Detail", width=detail_width)
    for entry in reversed(entries):
        when = fmt.uk_moment(entry.at)
        if wide:
            cells = (when, entry.kind, Text(entry.who), Text(entry.text))
        else:
            cells = (when, Text(f"{entry.kind} · {entry.who}: {entry.text}"))
        table.add_row(*cells, height=None)


class ReferralScreen(DivertScreen):
    AREA = "Referral"
    DEFAULT_CSS = """
    ReferralScreen .panel { height: auto; border: round $primary-darken-1; padding: 0 1; }
    ReferralScreen #lists { height: 1fr; min-height: 12; }
    ReferralScreen #timeline-pane { width: 2fr; }
    ReferralScreen #earlier-pane { width: 1fr; }
    ReferralScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("c", "claim", "Claim"),
        Binding("l", "log_attempt", "Log call"),
        Binding("a", "assess", "Assessment"),
        Binding("v", "view_assessment", "View assessment"),
        Binding("t", "note", "Add note"),
        Binding("x", "close_non_compliant", "Close non-compliant"),
        Binding("w", "withdraw", "Withdraw"),
        Binding("m", "match(True)", "Same person"),
        Binding("M", "match(False)", "Not same person", key_display="shift+m"),
        Binding("o", "override_bar", "Override bar"),
        Binding("b", "book", "Book session"),
        Binding("K", "cancel_booking", "Cancel booking", key_display="shift+k"),
        Binding("X", "close_missed", "Close: missed sessions", key_display="shift+x"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, referral_id: int) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.detail: referral_view.ReferralDetail | None = None
        self._stale = False
        self.missed: MissedVerdict | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll():
            yield Static("Loading...", id="person", classes="panel")
            yield Static("", id="facts", classes="panel")
            yield Static("", id="eligibility", classes="panel")
            yield Static("", id="call", classes="panel")
            yield Static("", id="booking", classes="panel")
            with Horizontal(id="lists"):
                with Vertical(id="timeline-pane"):
                    yield Static("Timeline", classes="title")
                    yield DataTable(id="timeline", cursor_type="row")
                with Vertical(id="earlier-pane"):
                    yield Static("Other referrals of this person", classes="title")
                    earlier: DataTable[str] = DataTable(id="earlier", cursor_type="row")
                    earlier.add_columns("Referred", "", "Police ref", "Force", "Outcome")
                    yield earlier
        yield FitFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_suspend(self) -> None:
        # A dialog's own action reloads when it is done; a full screen on top (the call,
        # the instruments, another area) may change the referral without telling us.
        self._stale = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        """Back from a call or another area: show the referral as it is now."""
        if self._stale and self.detail is not None:
            self._stale = False
            self.action_reload()

    # --- loading ------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.call_service(
            referral_view.open_referral,
            self.app.db,
            self.app.require_actor(),
            self.referral_id,
            self.app.schemes,
            today=self.app.today(),
            then=self._show,
        )

    def _show(self, detail: referral_view.ReferralDetail) -> None:
        self.detail = detail
        self.query_one("#person", Static).update(_person_text(detail))
        self.query_one("#facts", Static).update(_referral_text(detail))
        self.query_one("#eligibility", Static).update(_eligibility_text(detail))
        self.query_one("#call", Static).update(_call_text(detail))
        timeline = self.query_one("#timeline", DataTable)
        _fill_timeline(timeline, detail.timeline)
        earlier = self.query_one("#earlier", DataTable)
        earlier.clear()
        for e in detail.earlier:
            earlier.add_row(
                fmt.uk_date(e.referred_at.date()),
                e.relation,
                e.police_reference,
                fmt.label(e.force_code),
                e.outcome,
            )
        if not detail.earlier:
            earlier.add_row("", "", "none", "", "")
        self.refresh_bindings()
        self._focus_without_scrolling(timeline)
        self._load_bookings()

    def _focus_without_scrolling(self, table: DataTable[str]) -> None:
        """Keys go to the timeline, but the top (name, phone, warnings) stays in view."""
        table.focus(scroll_visible=False)
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        detail = self.detail
        if detail is None:
            return action in ("back", "reload")
        actor = self.app.actor
        open_call = detail.status in (ReferralStatus.RECEIVED, ReferralStatus.CONTACTING)
        if action in ("claim", "log_attempt", "assess") and (
            actor is None or actor.role is Role.ADMIN
        ):
            return False  # working referrals needs a worker or team lead account
        if action == "claim":
            return detail.assigned_worker is None and detail.status not in _CLOSED
        if action == "log_attempt":
            return open_call
        if action == "close_non_compliant":
            return open_call and detail.contact.propose_non_compliant
        if action == "match":
            return detail.possible_match is not None
        if action == "override_bar":
            return (
                not detail.eligible
                and actor is not None
                and actor.role in (Role.TEAM_LEAD, Role.ADMIN, Role.TRAINER)
            )
        if action == "withdraw":
            return detail.status not in _CLOSED
        if action == "view_assessment":
            return detail.call is not None
        if action in ("book", "cancel_booking"):
            return _booking_allowed(action, detail.status)
        if action == "close_missed":
            return self.missed is not None and self.missed.propose_non_compliant
        if action == "assess":
            return detail.call is not None or (
                detail.eligible
                and detail.status in (ReferralStatus.RECEIVED, ReferralStatus.CONTACTING)
            )
        return True

    # --- actions ------------------------------------------------------------------------

    def _who(self) -> str:
        return (
            f"{self.detail.person.first_name} {self.detail.person.last_name}" if self.detail else ""
        )

    def _seen(self) -> Seen | None:
        """The referral as shown: a save compares it with what is stored (conflicts)."""
        return self.detail.seen if self.detail else None

    def _done(self, message: str) -> None:
        self.notify(message)
        self.action_reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_claim(self) -> None:
        self.save_referral(
            self._seen(),
            "claim this referral",
            referrals.claim,
            self.app.db,
            self.app.require_actor(),
            self.referral_id,
            then=lambda _: self._done("Claimed: this referral is on your caseload"),
        )

    def action_log_attempt(self) -> None:
        caution = self.detail.contact_caution if self.detail else None
        self.log_call(
            self.referral_id,
            self._who(),
            self._logged,
            seen=self._seen(),
            caution=caution.text if caution else "",
        )

    def _logged(self, logged: referrals.ContactLogged) -> None:
        if logged.verdict.propose_non_compliant:
            self.notify(
                f"Contact policy met: {logged.verdict.reason}. Press x to close as non-compliant.",
                severity="warning",
                timeout=10,
            )
        self._done("Call logged")

    def action_close_non_compliant(self) -> None:
        detail = self.detail
        if detail is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.save_referral(
                    self._seen(),
                    "close as non-compliant",
                    referrals.close_non_compliant,
                    self.app.db,
                    self.app.require_actor(),
                    self.referral_id,
                    self.app.schemes,
                    reason=detail.contact.reason,
                    today=self.app.today(),
                    then=lambda closed: self._done(
                        f"Closed as non-compliant; intelligence log {closed.intelligence_log_id}, "
                        f"barred until {fmt.uk_date(closed.bar_until)}"
                    ),
                )

        self.app.push_screen(
            ConfirmDialog(
                "Close as non-compliant?",
                f"{detail.contact.reason}.\nThis writes an intelligence log for the police and bars "
                f"{self._who()} from diversion for the scheme's bar period.",
            ),
            confirmed,
        )

    def action_note(self) -> None:
        def save(text: str | None) -> None:
            if text:
                self.call_service(
                    referral_view.add_note,
                    self.app.db,
                    self.app.require_actor(),
                    self.referral_id,
                    text,
                    then=lambda _: self._done("Note added"),
                )

        self.app.push_screen(ReasonDialog("Add a note", "Note:"), save)

    def action_withdraw(self) -> None:
        def save(reason: str | None) -> None:
            if reason:
                self.save_referral(
                    self._seen(),
                    f"withdraw the referral ({reason})",
                    referrals.move_status,
                    self.app.db,
                    self.app.require_actor(),
                    self.referral_id,
                    ReferralStatus.WITHDRAWN.value,
                    self.app.schemes,
                    reason=reason,
                    then=lambda _: self._done("Referral withdrawn"),
                )

        self.app.push_screen(
            ReasonDialog("Withdraw the referral", "Why (e.g. police withdrew it, moved away)?"),
            save,
        )

    def action_match(self, same: bool) -> None:
        self.save_referral(
            self._seen(),
            "record the earlier person as " + ("the same person" if same else "someone else"),
            intake.resolve_possible_match,
            self.app.db,
            self.app.require_actor(),
            self.referral_id,
            same_person=same,
            schemes=self.app.schemes,
            then=lambda verdict: self._done(
                ("Linked to the earlier person. " if same else "Kept as a different person. ")
                + verdict
            ),
        )

    def action_override_bar(self) -> None:
        def save(reason: str | None) -> None:
            if reason:
                self.save_referral(
                    self._seen(),
                    f"set the bar aside ({reason})",
                    referrals.override_bar,
                    self.app.db,
                    self.app.require_actor(),
                    self.referral_id,
                    reason,
                    self.app.schemes,
                    then=lambda _: self._done("Bar set aside for this referral (recorded)"),
                )

        self.app.push_screen(
            ReasonDialog("Override the bar", "The reason, recorded in the audit trail:"), save
        )

    # --- the course booking (screens/booking.py) --------------------------------------------

    def _load_bookings(self) -> None:
        from divert_tui.core.services import booking
        from divert_tui.screens.booking import bookings_text, missed_policy

        def show(views: list[booking.BookingView]) -> None:
            detail = self.detail
            self.missed = (
                missed_policy(views, detail.status, self.app.schemes[detail.force_code])
                if detail
                else None
            )
            self.query_one("#booking", Static).update(bookings_text(views, self.missed))
            self.refresh_bindings()

        self.call_service(
            booking.bookings_of, self.app.db, self.app.require_actor(), self.referral_id, then=show
        )

    def action_close_missed(self) -> None:
        from divert_tui.screens.booking import close_for_missed_sessions

        if self.missed is not None:
            close_for_missed_sessions(
                self, self.referral_id, self._who(), self.missed.reason, self._seen(), self._done
            )

    def action_book(self) -> None:
        from divert_tui.screens.booking import start_booking

        if self.detail is not None:
            start_booking(
                self, self.referral_id, self._who(), self.detail.status, self._seen(), self._done
            )

    def action_cancel_booking(self) -> None:
        from divert_tui.screens.booking import cancel_current_booking

        cancel_current_booking(self, self.referral_id, self._seen(), self._done)

    def action_assess(self) -> None:
        """Run (or resume) the call. A finished one opens read only, except an assessed
        referral still to allocate, which reopens on its summary."""
        from divert_tui.screens.assessment import AssessmentScreen

        call = self.detail.call if self.detail else None
        to_allocate = self.detail is not None and self.detail.status == ReferralStatus.ASSESSED
        actor = self.app.actor
        works = actor is not None and actor.can(Permission.WORK_REFERRALS)
        if call is not None and ((call.state == "completed" and not to_allocate) or not works):
            self.action_view_assessment()
            return
        self.app.push_screen(AssessmentScreen(self.referral_id))

    def action_view_assessment(self) -> None:
        from divert_tui.screens.assessment.record import AssessmentRecordScreen

        self.app.push_screen(AssessmentRecordScreen(self.referral_id))


def _booking_allowed(action: str, status: str) -> bool:
    if action == "book":
        return status in (ReferralStatus.ALLOCATED, ReferralStatus.BOOKED)
    return status == ReferralStatus.BOOKED


_CLOSED = {
    ReferralStatus.COMPLETED,
    ReferralStatus.INELIGIBLE,
    ReferralStatus.NON_COMPLIANT,
    ReferralStatus.WITHDRAWN,
}
