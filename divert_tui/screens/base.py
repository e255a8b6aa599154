"""What every screen of the app shares: safe message handling and services run off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on
from textual.message import Message
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from divert_tui.app import DivertApp
    from divert_tui.core.rules.conflicts import Conflict, Seen

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

    def save_referral(
        self,
        seen: Seen | None,
        yours: str,
        service: Callable[..., T],
        *args: Any,
        then: Callable[[T], None] | None = None,
        keeping: Conflict | None = None,
        **kwargs: Any,
    ) -> None:
        """A save of a referral the screen read as ``seen``: if someone else saved it since,
        the conflict dialog shows what they changed and asks to reload or keep ``yours``
        (the change in words). Never a silent overwrite: keeping is a deliberate second
        save on top of the version just shown (``referral_conflicts.keep_mine``)."""
        from divert_tui.core.services import referral_conflicts
        from divert_tui.core.services.base import StaleVersion

        app = self.app
        actor = app.require_actor()

        def job() -> None:
            try:
                if keeping is not None:
                    result = referral_conflicts.keep_mine(keeping, service, *args, **kwargs)
                else:
                    version = seen.version if seen is not None else None
                    result = service(*args, expected_version=version, **kwargs)
            except StaleVersion:
                base = keeping.now if keeping is not None else seen
                if base is None:
                    raise
                conflict = referral_conflicts.what_changed(app.db, actor, base)
                app.call_from_thread(ask, conflict)
                return
            if then is not None:
                app.call_from_thread(then, result)

        def ask(conflict: Conflict) -> None:
            from divert_tui.screens.conflict_dialog import KEEP, ConflictDialog

            def chosen(choice: str | None) -> None:
                if choice == KEEP:
                    self.save_referral(
                        conflict.now, yours, service, *args, then=then, keeping=conflict, **kwargs
                    )
                    return
                app.notify(f"Reloaded; not saved: {yours}", severity="warning", timeout=8)
                reload = getattr(self, "action_reload", None)
                if callable(reload):
                    reload()

            app.push_screen(ConflictDialog(conflict, yours), chosen)

        app.run_worker(job, thread=True, exit_on_error=True, group="service")

    def log_call(
        self,
        referral_id: int,
        who: str,
        then: Callable[[Any], None],
        *,
        seen: Seen | None = None,
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
            self.save_referral(
                seen,
                f"log a call ({outcome.replace('_', ' ')})"
                + (f' with the note "{note}" (copy it before reloading)' if note else ""),
                referrals.log_contact_attempt,
                self.app.db,
                self.app.require_actor(),
                referral_id,
                outcome,
                self.app.schemes,
                note=note,
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
