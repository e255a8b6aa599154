"""What every screen of the app shares: safe message handling and services run off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on
from textual.message import Message
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from divert_tui.app import DivertApp

T = TypeVar("T")


class ServiceCaller:
    """Mixin: call a service in a thread worker and hand its result back on the UI thread.

    A refusal (ServiceError) or any other failure goes to the app's one error handler.
    """

    app: DivertApp

    def call_service(
        self,
        service: Callable[..., T],
        *args: Any,
        then: Callable[[T], None] | None = None,
        **kwargs: Any,
    ) -> None:
        def job() -> None:
            result = service(*args, **kwargs)
            if then is not None:
                self.app.call_from_thread(then, result)

        self.app.run_worker(job, thread=True, exit_on_error=True, group="service")

    def log_call(
        self,
        referral_id: int,
        who: str,
        then: Callable[[Any], None],
        *,
        expected_version: int | None = None,
        caution: str = "",
    ) -> None:
        """Ask for a call's outcome (and a note) and record it: a number key and Enter.

        ``caution`` (the number is not safe for call-backs or messages) heads the dialog."""
        from divert_tui.core.services import referrals
        from divert_tui.screens.dialogs import ContactAttemptDialog

        def save(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            outcome, note = result
            self.call_service(
                referrals.log_contact_attempt,
                self.app.db,
                self.app.require_actor(),
                referral_id,
                outcome,
                self.app.schemes,
                note=note,
                expected_version=expected_version,
                then=then,
            )

        self.app.push_screen(ContactAttemptDialog(who, caution=caution), save)

    async def _dispatch_message(self, message: Message) -> None:
        # A failing handler becomes a message on screen; the screen keeps working.
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - the one place that catches everything
            self.app.report_error(error)


def add_demo_marker(screen: Screen[Any]) -> None:
    """In the demo, a DEMO badge on a screen that has no app header (which shows its own).

    Called on mount by every screen and dialog of the app, so a new one is marked unasked."""
    from divert_tui.widgets.app_header import AppHeader
    from divert_tui.widgets.demo_badge import DemoBadge

    if not getattr(screen.app, "demo", False) or not screen.is_attached:
        return
    if screen.query(AppHeader) or screen.query(DemoBadge):
        return
    screen.mount(DemoBadge())


class DivertScreen(ServiceCaller, Screen[Any]):
    """A full screen of the app."""

    AREA = ""
    # The footer at 80 columns (widgets/fit_footer.py): the actions kept first, and shorter words.
    FOOTER_FIRST: tuple[str, ...] = ()
    FOOTER_SHORT: dict[str, str] = {}

    @on(events.Mount)
    def _mark_demo(self) -> None:
        add_demo_marker(self)


class DivertModal(ServiceCaller, ModalScreen[Any]):
    """A dialog over the current screen."""

    @on(events.Mount)
    def _mark_demo(self) -> None:
        add_demo_marker(self)
