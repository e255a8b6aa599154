"""Booking from the referral: the next sessions with places (a number key books), the
waiting list, a one-to-one time, cancelling with a reason; and the booking in words for
the referral screen and "my work"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from divert_tui.core.rules.attendance import MissedVerdict, assess_missed
from divert_tui.core.rules.conflicts import Seen
from divert_tui.core.rules.recurrence import in_words
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import booking
from divert_tui.core.services.base import ServiceError
from divert_tui.core.vocab import ReferralStatus
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertModal
from divert_tui.screens.dialogs import DIALOG_CSS, ConfirmDialog, ReasonDialog
from divert_tui.widgets.dialog_buttons import DialogButtons
from divert_tui.widgets.paged_table import TablePage
from divert_tui.widgets.plain import Static

if TYPE_CHECKING:
    from divert_tui.screens.base import DivertScreen


def session_line(row: booking.SessionRow) -> str:
    left = f"{row.places_left} place{'s' if row.places_left != 1 else ''} left"
    who = f" · {row.facilitator}" if row.facilitator else ""
    return f"{in_words(row.starts_at)} · {row.minutes} min{who} · {left}"


class BookSessionDialog(DivertModal):
    """The next sessions of the allocated group: 1-9 books one, w joins the waiting list."""

    DEFAULT_CSS = DIALOG_CSS.format(name="BookSessionDialog")
    AUTO_FOCUS = ""
    BINDINGS = [
        *(Binding(str(n), f"pick({n})", f"Book {n}", show=False) for n in range(1, 10)),
        Binding("w", "wait", "Waiting list", id="booking.wait"),
        Binding("escape", "dismiss(None)", "Cancel", id="booking.cancel"),
    ]

    def __init__(self, offers: booking.Offers, who: str, *, rebook: bool = False) -> None:
        super().__init__()
        self.offers, self.who, self.rebook = offers, who, rebook

    def compose(self) -> ComposeResult:
        o = self.offers
        verb = "Rebook" if self.rebook else "Book"
        with Vertical():
            yield Static(
                Text(f"{verb} {self.who}: {fmt.label(o.group)} course, {fmt.label(o.force)}"),
                classes="title",
            )
            if not o.sessions:
                yield Static(
                    Text(
                        f"Every session is full or none is planned. {o.waiting} on the waiting "
                        "list. Press w to add this person to it."
                    )
                )
            for n, row in enumerate(o.sessions, start=1):
                offered = (
                    "  OFFERED TO THIS PERSON" if row.session_id == o.offered_session_id else ""
                )
                yield Static(Text(f"{n}  {session_line(row)}{offered}"), classes="choice")
            state = " (on it now)" if o.on_waiting_list else ""
            yield Static(
                f"Number: book that session · w: waiting list{state} · Esc: cancel",
                classes="hint",
            )
            yield DialogButtons(("Waiting list · w", "wait"), ("Cancel · Esc", "dismiss(None)"))

    def on_click(self, event: events.Click) -> None:
        """A click on a session books it, like its number key."""
        widget = event.widget
        choices = list(self.query(".choice"))
        while widget is not None and widget is not self:
            if widget in choices:
                self.action_pick(choices.index(widget) + 1)
                return
            widget = widget.parent  # type: ignore[assignment]

    def action_pick(self, number: int) -> None:
        if number <= len(self.offers.sessions):
            self.dismiss(("book", self.offers.sessions[number - 1].session_id))

    def action_wait(self) -> None:
        if self.rebook or self.offers.on_waiting_list:
            self.notify("Already on the waiting list." if not self.rebook else "Cancel first.")
            return
        self.dismiss(("wait", None))


class OneToOneDialog(DivertModal):
    """A one-to-one: a time (UK) and how: p phone, v video; Enter books."""

    DEFAULT_CSS = DIALOG_CSS.format(name="OneToOneDialog")
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="booking.cancel")]

    def __init__(self, who: str) -> None:
        super().__init__()
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"One-to-one with {self.who}"), classes="title")
            yield Static("When (UK time), YYYY-MM-DD HH:MM, then a space and phone or video:")
            yield Input(placeholder="2027-03-30 10:00 phone", id="when")
            yield Static("Enter: book · Esc: cancel", classes="hint")
            yield DialogButtons(("Book · Enter", "book"), ("Cancel · Esc", "dismiss(None)"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_book()

    def action_book(self) -> None:
        parts = self.query_one(Input).value.split()
        mode = "phone"
        if parts and parts[-1].lower() in ("phone", "video"):
            mode = parts.pop().lower()
        self.dismiss((" ".join(parts), mode))


def start_booking(
    screen: DivertScreen,
    referral_id: int,
    who: str,
    status: str,
    seen: Seen | None,
    then: Callable[[str], None],
) -> None:
    """Two keys from the referral: b shows the sessions, a number books one."""
    app = screen.app
    actor = app.require_actor()

    def chosen(offers: booking.Offers) -> None:
        if offers.group is None:
            screen.notify(offers.reason, severity="warning")
            return
        if offers.group == "one_to_one" and status == ReferralStatus.ALLOCATED.value:
            app.push_screen(OneToOneDialog(who), one_to_one)
            return
        app.push_screen(
            BookSessionDialog(offers, who, rebook=status == ReferralStatus.BOOKED.value), picked
        )

    def one_to_one(result: tuple[str, str] | None) -> None:
        if result:
            screen.save_referral(
                seen, "book a one-to-one", booking.add_one_to_one, app.db, actor, referral_id,
                result[0], app.schemes, mode=result[1],
                then=lambda b: then(f"One-to-one booked: {in_words(b.session.starts_at)}"),
            )  # fmt: skip

    def picked(result: tuple[str, Any] | None) -> None:
        if result is None:
            return
        kind, session_id = result
        if kind == "wait":
            screen.call_service(
                booking.join_waiting_list, app.db, actor, referral_id,
                then=lambda place: then(f"On the waiting list ({place} waiting in this group)"),
            )  # fmt: skip
            return
        if status == ReferralStatus.BOOKED.value:
            views = booking.bookings_of  # the current booking is looked up in the worker

            def rebook(expected_version: int | None = None) -> booking.Booked:
                current = next(v for v in views(app.db, actor, referral_id) if v.status == "booked")
                return booking.rebook(
                    app.db, actor, current.booking_id, session_id, expected_version=expected_version
                )

            screen.save_referral(
                seen,
                "move the booking to another session",
                rebook,
                then=lambda b: then(f"Rebooked: {in_words(b.session.starts_at)}"),
            )
            return
        screen.save_referral(
            seen, "book the session", booking.book, app.db, actor, referral_id, session_id,
            app.schemes,
            then=lambda b: then(
                f"Booked: {b.session.group_name}, {in_words(b.session.starts_at)}"
            ),
        )  # fmt: skip

    screen.call_service(booking.offers, app.db, actor, referral_id, then=chosen)


def cancel_current_booking(
    screen: DivertScreen, referral_id: int, seen: Seen | None, then: Callable[[str], None]
) -> None:
    """Cancel the referral's booked place with a reason; it goes back to allocated."""
    app = screen.app
    actor = app.require_actor()

    def save(reason: str | None) -> None:
        if not reason:
            return

        def job(expected_version: int | None = None) -> int | None:
            current = next(
                (
                    v
                    for v in booking.bookings_of(app.db, actor, referral_id)
                    if v.status == "booked"
                ),
                None,
            )
            if current is None:
                raise ServiceError("there is no booked place to cancel")
            return booking.cancel_booking(
                app.db, actor, current.booking_id, reason, app.schemes,
                expected_version=expected_version,
            )  # fmt: skip

        screen.save_referral(
            seen,
            f"cancel the booking ({reason})",
            job,
            then=lambda offered_to: then(
                "Booking cancelled; back to allocated"
                + ("; the place is held for the first person waiting" if offered_to else "")
            ),
        )

    app.push_screen(ReasonDialog("Cancel the booking", "Why (e.g. cannot make that day)?"), save)


def missed_policy(
    views: list[booking.BookingView], status: str, scheme: Scheme
) -> MissedVerdict | None:
    """The missed-session verdict of an allocated referral (None once it is closed)."""
    if status not in (ReferralStatus.ALLOCATED, ReferralStatus.BOOKED):
        return None
    return assess_missed([v.status for v in views], scheme)


def close_for_missed_sessions(
    screen: DivertScreen,
    referral_id: int,
    who: str,
    reason: str,
    seen: Seen | None,
    then: Callable[[str], None],
) -> None:
    """Confirm, then close as non-compliant for missed sessions (writes the intelligence log)."""
    from divert_tui.core.services import referrals

    app = screen.app

    def confirmed(yes: bool | None) -> None:
        if yes:
            screen.save_referral(
                seen, "close as non-compliant for missed sessions",
                referrals.close_non_compliant, app.db, app.require_actor(), referral_id,
                app.schemes, reason=reason, today=app.today(),
                then=lambda closed: then(
                    f"Closed as non-compliant; intelligence log {closed.intelligence_log_id}, "
                    f"barred until {fmt.uk_date(closed.bar_until)}"
                ),
            )  # fmt: skip

    app.push_screen(
        ConfirmDialog(
            "Close as non-compliant for missed sessions?",
            f"{who} {reason}.\nThis writes an intelligence log for the police and bars them "
            "from diversion for the scheme's bar period.",
        ),
        confirmed,
    )


def bookings_text(views: list[booking.BookingView], missed: MissedVerdict | None = None) -> Text:
    """The referral's bookings in words, the current one first."""
    text = Text()
    if not views:
        text.append("Course: no booking yet")
        return text
    text.append("Course bookings:", style="bold")
    for view in views[:4]:
        style = "bold" if view.status == "booked" else ""
        text.append(f"\n  {view.words}: ", style=style)
        text.append(view.status_label.upper() if view.status == "booked" else view.status_label)
        if view.cancel_reason:
            text.append(f" ({view.cancel_reason})")
    if missed is not None and missed.propose_non_compliant:
        text.append("\nMISSED-SESSION POLICY MET: ", style="bold red")
        text.append(f"{missed.reason}. shift+x: close as non-compliant")
    return text


def annotate_bookings(page: TablePage, db: Any, actor: Any, status_column: int) -> TablePage:
    """ "my work": the status of a booked referral says when its session is (in the fetch
    worker, one query per booked row of the page)."""
    rows = []
    for key, cells in page.rows:
        cells = list(cells)
        if str(cells[status_column]) == "booked":
            current = next(
                (v for v in booking.bookings_of(db, actor, int(key)) if v.status == "booked"),
                None,
            )
            if current is not None:
                cells[status_column] = f"booked {fmt.uk_time(current.session.starts_at)}"
        rows.append((key, cells))
    return replace(page, rows=rows)
