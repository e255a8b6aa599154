"""The telephone assessment screen: the steps of the call, one form at a time, by keyboard.

The screen only shows what the services and rules decide (``rules.assessment_flow``): which
forms a step asks, follow-ups, states, blocks. Every answer is saved the moment it is given
through the ordered autosave queue (a thread worker), so nothing typed is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, OptionList

from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules import scores
from divert_tui.core.rules.call_back import UK, describe
from divert_tui.core.services import assessment as svc
from divert_tui.core.services import assessment_safety as safety
from divert_tui.core.services.assessment_store import AssessmentView
from divert_tui.core.vocab import SUBSTANCES
from divert_tui.forms import load_instrument
from divert_tui.forms.session import CONTEXT_PREFIX
from divert_tui.screens.assessment.advice_step import AdviceStep
from divert_tui.screens.assessment.autosave import Autosaver
from divert_tui.screens.assessment.dialogs import EndEarlyDialog, SelfHarmProtocol
from divert_tui.screens.assessment.footer import CallFooter
from divert_tui.screens.assessment.panel import StepPanel
from divert_tui.screens.assessment.summary import SummaryActions, SummaryPane
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ConfirmDialog, PickDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.plain import Static
from divert_tui.widgets.question import QuestionForm

FORM_STEPS = {s.id for s in flow.STEPS if s.instruments}


class AssessmentScreen(SummaryActions, DivertScreen):
    """The call for one referral: ``AssessmentScreen(referral_id)``; resumes an unfinished one."""

    AREA = "Assessment"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    DEFAULT_CSS = """
    AssessmentScreen #call { height: 1fr; }
    AssessmentScreen.-narrow StepPanel { width: 26; padding: 0; }
    AssessmentScreen #step-body { width: 1fr; padding: 0 1; }
    AssessmentScreen #step-head { height: auto; padding: 0 1; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("f8", "steps", "Steps", id="assessment.steps"),
        Binding("ctrl+down", "next_step", "Next step", id="assessment.next_step"),
        Binding(
            "ctrl+up", "previous_step", "Previous step", id="assessment.previous_step", show=False
        ),
        # Priority: a typed answer's text box has its own Ctrl+K, Ctrl+A and Ctrl+E.
        Binding("ctrl+k", "skip_step", "Skip step", id="assessment.skip_step", priority=True),
        Binding("ctrl+n", "other_form(1)", "Next form", id="assessment.next_form", show=False),
        Binding(
            "ctrl+b", "other_form(-1)", "Previous form", id="assessment.previous_form", show=False
        ),
        Binding(
            "ctrl+a",
            "add_substance",
            "Add substance",
            id="assessment.add_substance",
            priority=True,
        ),
        Binding(
            "ctrl+t", "make_main", "Main substance", id="assessment.main_substance", show=False
        ),
        Binding("ctrl+y", "accept", "Accept allocation", id="assessment.accept"),
        Binding("ctrl+o", "choose_otherwise", "Allocate otherwise", id="assessment.otherwise"),
        Binding("ctrl+e", "end_early", "End call", id="assessment.end_early", priority=True),
        Binding("escape", "leave", "Leave (saved)", id="assessment.leave"),
    ]

    def __init__(self, referral_id: int) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.view: AssessmentView | None = None
        self.step = "identity"
        self.form_index = 0
        self.ref: flow.FormRef | None = None
        self.autosaver = Autosaver(self)
        self._panel_signature: tuple[object, ...] = ()
        self._form_count = 0

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="call"):
            yield StepPanel(id="panel")
            with VerticalScroll(id="step-body"):
                yield Static("Opening the call…", id="step-head")
        yield CallFooter()

    # --- opening -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(0.3, self._show_saving)
        actor = self.app.require_actor()
        self.autosaver.submit(svc.find, self.app.db, actor, self.referral_id, then=self._found)

    def _found(self, view: AssessmentView | None) -> None:
        if view is None or not view.resumable:
            self._start()
            return
        title = flow.step_def(view.current_step).title
        answered = sum(len(s.answers) for s in view.facts.responses.values())
        body = f"This call stopped at: {title}. {answered} answers are saved."
        if view.ended_early_reason:
            body += f"\nIt was ended early: {view.ended_early_reason}"

        def chosen(resume: bool | None) -> None:
            if resume:
                self._start()
            else:
                self.dismiss_screen()

        self.app.push_screen(
            ConfirmDialog("Resume the call where it stopped?", body, "Enter: resume", "Esc: back"),
            chosen,
        )

    def _start(self, *, take_over: bool = False) -> None:
        app: Any = self.app
        args = (app.db, app.require_actor(), self.referral_id, app.schemes)
        self.autosaver.submit(
            svc.start_or_resume,
            *args,
            take_over=take_over,
            then=self._started,
            on_error=self._not_started,
        )

    def _not_started(self, error: BaseException) -> None:
        """Someone else is on this call: say who, and offer to take it over (or go back)."""
        app: Any = self.app
        if not isinstance(error, svc.AlreadyOnTheCall):
            app.report_error(error)
            self.dismiss_screen()
            return

        def chosen(take_over: bool | None) -> None:
            if take_over:
                self._start(take_over=True)
            else:
                self.dismiss_screen()

        self.app.push_screen(
            ConfirmDialog(
                "Someone else is on this call",
                f"{error}\nTaking it over means their screen can no longer change the answers.",
                "Enter: take it over",
                "Esc: back",
            ),
            chosen,
        )

    def _started(self, view: AssessmentView) -> None:
        self.view = view
        who = f"{view.person_name} · {view.police_reference}"
        self.query_one(StepPanel).who(who)
        step = "mental_health" if flow.self_harm_pending(view.facts) else view.current_step
        if view.completed_at is not None:
            step = "summary"
        self.call_later(self.show_step, step)

    def dismiss_screen(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    # --- drawing -----------------------------------------------------------------------

    def _show_saving(self) -> None:
        self.query_one(StepPanel).saving(self.autosaver.pending)

    def _refresh_panel(self) -> None:
        """Redraw the step list only when a state, flag or the current step changed."""
        if self.view is None:
            return
        steps = self.view.steps
        self._form_count = len(flow.forms_for(self.step, self.view.facts))
        signature = (self.step, tuple((s.state, s.flags, s.due) for s in steps))
        if signature != self._panel_signature:
            self._panel_signature = signature
            self.query_one(StepPanel).show(steps, self.step)

    def forms(self) -> list[flow.FormRef]:
        return flow.forms_for(self.step, self.view.facts) if self.view else []

    async def show_step(self, step: str, form_index: int | None = None) -> None:
        """Draw a step: its current form, the advice list, or the summary."""
        assert self.view is not None
        self.step = step
        body = self.query_one("#step-body", VerticalScroll)
        await body.remove_children()
        head = Static(id="step-head")
        await body.mount(head)
        self._refresh_panel()
        title = Text(flow.step_def(step).title, style="bold")
        if step in FORM_STEPS:
            await self._show_form(body, head, title, form_index)
        elif step in ("mixing", "advice"):
            pairs, mixing, per_substance = svc.mixing_and_advice(self.view)
            if step == "mixing":
                widget = AdviceStep(
                    "The pairs named and what to say", mixing, self.view.advice_given, pairs
                )
            else:
                widget = AdviceStep(
                    "Advice for each substance", per_substance, self.view.advice_given
                )
            head.update(title)
            await body.mount(widget)
            widget.focus_list()
        else:
            head.update(title)
            await body.mount(SummaryPane(id="summary"))
            self.load_summary()
        self.refresh_bindings()

    async def _show_form(
        self, body: VerticalScroll, head: Static, title: Text, index: int | None
    ) -> None:
        assert self.view is not None
        forms = self.forms()
        if not forms:
            self.ref = None
            head.update(title + Text("\nNo substance named yet: Ctrl+A adds one."))
            return
        if index is None:
            index = next((n for n, f in enumerate(forms) if not self._completed(f)), 0)
        self.form_index = max(0, min(index, len(forms) - 1))
        ref = self.ref = forms[self.form_index]
        stored = self.view.stored(ref.instrument, ref.subject)
        inst = load_instrument(ref.instrument, stored.version if stored else None)
        title.append(f"  ·  form {self.form_index + 1} of {len(forms)}", style="dim")
        if ref.reason:
            title.append(f"\n{ref.reason}", style="italic")
        if self.step == "drug_use":
            named = [
                f"{'★' if s == self.view.main_substance else ''}{s.replace('_', ' ')}"
                for s in self.view.substances
            ]
            title.append(f"\nSubstances: {', '.join(named)}  (★ main)", style="dim")
        if inst.intro:
            title.append(f"\nSay: {inst.render(inst.intro, ref.context)}", style="italic")
        results = self._results_so_far(forms[: self.form_index])
        if results:
            title.append(f"\nResults: {'; '.join(results)}", style="bold")
        head.update(title)
        form = QuestionForm(
            inst,
            answers=dict(stored.answers) if stored else dict(ref.carried),
            context=dict(stored.context or ref.context) if stored else dict(ref.context),
            marked=stored.marked if stored else (),
            fixed={*ref.carried, *(CONTEXT_PREFIX + k for k in ref.context)},
            standing=self._standing(forms, self.form_index),
            checker=self._checker(ref.instrument),
            id="step-form",
        )
        await body.mount(form)
        self.focus_form(form)
        if self.step == "mental_health" and flow.self_harm_pending(self.view.facts):
            self.call_later(self.protocol)

    def _results_so_far(self, earlier: list[flow.FormRef]) -> list[str]:
        """The results of the forms of this step already finished, as one line each."""
        found = []
        for ref in earlier:
            stored = self.view.stored(ref.instrument, ref.subject) if self.view else None
            line = scores.score_line(stored) if stored is not None and stored.completed else None
            if line is not None:
                found.append(line.words)
        return found

    def _checker(self, instrument: str) -> Any:
        """Checks an answer against what the call already knows (the person's age...)."""

        def check(item_id: str, value: Any) -> str | None:
            return (
                flow.known_conflict(instrument, item_id, value, self.view.facts)
                if self.view
                else None
            )

        return check

    def _standing(self, forms: list[flow.FormRef], index: int) -> str:
        """For a follow-up (the AUDIT after AUDIT-C), the result of the form it follows."""
        ref = forms[index]
        if not ref.carried:
            return ""
        parents = flow.step_def(self.step).instruments
        for earlier in reversed(forms[:index]):
            if earlier.instrument in parents:
                stored = (
                    self.view.stored(earlier.instrument, earlier.subject) if self.view else None
                )
                line = scores.score_line(stored) if stored is not None else None
                return line.words if line is not None else ""
        return ""

    def focus_form(self, form: QuestionForm) -> None:
        """Typed answers go to the text box, picked ones to the form itself."""
        step = form.session.current
        if step is not None and not step.item.has_options and form.interrupting is None:
            form.query_one(Input).focus()
        else:
            form.focus()

    def _completed(self, ref: flow.FormRef) -> bool:
        stored = self.view.stored(ref.instrument, ref.subject) if self.view else None
        return stored is not None and stored.completed

    # --- answers ------------------------------------------------------------------------

    def _saved(self, view: AssessmentView) -> None:
        self.view = view
        self._refresh_panel()

    def _call(self, service: Any, *args: Any, then: Any = None, **kwargs: Any) -> None:
        """Queue a service call for this assessment (database, actor and id filled in)."""
        assert self.view is not None
        app: Any = self.app
        self.autosaver.submit(
            service, app.db, app.require_actor(), self.view.id, *args, then=then, **kwargs
        )

    @on(QuestionForm.Answered)
    def _answered(self, event: QuestionForm.Answered) -> None:
        if self.ref is None:
            return
        ref = self.ref
        self._call(
            svc.save_answer,
            ref.instrument,
            ref.subject,
            event.item_id,
            event.value,
            context=event.context,
            then=self._saved,
        )

    @on(QuestionForm.Skipped)
    def _skipped(self, event: QuestionForm.Skipped) -> None:
        if self.ref is not None:
            self._call(svc.mark_item, self.ref.instrument, self.ref.subject, event.item_id)

    @on(QuestionForm.FlagRaised)
    def _flag(self, event: QuestionForm.FlagRaised) -> None:
        if event.flag == flow.SELF_HARM_FLAG:
            self.call_later(self.protocol)
        elif not event.interrupt:
            self.notify(event.label, title="Flag", severity="warning", timeout=6)

    @on(QuestionForm.Completed)
    def _form_done(self, event: QuestionForm.Completed) -> None:
        self._call(svc.load, then=self._after_form)

    def _after_form(self, view: AssessmentView) -> None:
        self.view = view
        self._refresh_panel()
        if self.ref is not None:
            stored = view.stored(self.ref.instrument, self.ref.subject)
            line = scores.score_line(stored) if stored is not None else None
            if line is not None and line.complete:
                flags = f" · ⚑ {'; '.join(line.flags)}" if line.flags else ""
                self.notify(line.words + flags, title="Result", timeout=10)
        forms = self.forms()
        later = [n for n, f in enumerate(forms) if n > self.form_index and not self._completed(f)]
        if later:
            self.call_later(self.show_step, self.step, later[0])
            return
        stop = flow.stop_reason(view.facts) if self.step == "identity" else None
        if stop:
            self.notify(f"The call cannot go on: {stop}.", severity="warning")
            self.action_end_early(stop)
            return
        self.action_next_step()

    # --- the self-harm risk protocol ---------------------------------------------------

    def protocol(self) -> None:
        if isinstance(self.app.screen, SelfHarmProtocol):
            return
        rule = load_instrument("phq9").flag_rule(flow.SELF_HARM_FLAG)
        form = self.query("#step-form").first(QuestionForm) if self.query("#step-form") else None
        answer = form.session.answers.get("q9") if form else "above 0"

        def save(action: str, referred: str, notes: str, done: Any) -> None:
            def recorded(view: AssessmentView) -> None:
                self._saved(view)
                done()

            self._call(
                safety.record_self_harm_action,
                action,
                referred_to=referred,
                notes=notes,
                then=recorded,
            )

        def after(_: object) -> None:
            forms = self.query("#step-form")
            if forms:
                form = forms.first(QuestionForm)
                if form.interrupting is not None:
                    form.action_acknowledge()
                self.focus_form(form)

        self.app.push_screen(SelfHarmProtocol(rule.action, answer, save), after)

    # --- moving between steps and forms ------------------------------------------------

    def go_to(self, step: str) -> None:
        if self.view is None:
            return
        refused = flow.blocked(step, self.view.facts)
        if refused:
            self.notify(refused, severity="warning")
            self.protocol()
            return

        def arrived(view: AssessmentView) -> None:
            self.view = view
            self.call_later(self.show_step, step)

        self._call(svc.go_to_step, step, then=arrived)

    def action_steps(self) -> None:
        self.query_one("#step-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#step-list")
    def _step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id:
            self.go_to(event.option_id)

    def action_next_step(self) -> None:
        following = flow.next_step(self.step)
        if following is None:
            return
        if self.step in flow.MARKED_STEPS and self.view is not None:
            # The step being left (mixing risks, advice) is done when the worker moves on.
            self._call(svc.go_to_step, self.step, mark="done", then=self._saved)
        self.go_to(following)

    def action_previous_step(self) -> None:
        previous = flow.previous_step(self.step)
        if previous is not None:
            self.go_to(previous)

    def action_skip_step(self) -> None:
        """Skipping a step is a decision: ask why, store it, then go on."""
        following = flow.next_step(self.step)
        if following is None or self.view is None:
            return
        step = self.step
        title = flow.step_def(step).title

        def picked(reason: str | None) -> None:
            if reason:
                self._call(svc.go_to_step, step, mark="skipped", reason=reason, then=self._saved)
                self.go_to(following)

        choices = [(code, words.capitalize()) for code, words in flow.SKIP_REASONS.items()]
        self.app.push_screen(PickDialog(f"Skip {title}: why?", choices), picked)

    def action_other_form(self, delta: int) -> None:
        forms = self.forms()
        target = self.form_index + delta
        if 0 <= target < len(forms):
            self.call_later(self.show_step, self.step, target)
        else:
            self.app.bell()

    def action_add_substance(self) -> None:
        if self.view is None:
            return
        choices = [(c, s.label) for c, s in SUBSTANCES.items() if c not in self.view.substances]

        def picked(code: str | None) -> None:
            if code:
                index = len(self.view.substances) if self.view else 0

                def added(view: AssessmentView) -> None:
                    self.view = view
                    self.call_later(self.show_step, "drug_use", index)

                self._call(svc.add_substance, code, then=added)

        self.app.push_screen(PickDialog("Add a substance the person uses", choices), picked)

    def action_make_main(self) -> None:
        if self.ref is None or not self.ref.subject:
            return
        subject = self.ref.subject

        def done(view: AssessmentView) -> None:
            self._saved(view)
            self.notify(f"Main substance: {subject.replace('_', ' ')} (the SDS asks about it).")
            self.call_later(self.show_step, self.step, self.form_index)

        self._call(svc.add_substance, subject, main=True, then=done)

    def action_end_early(self, reason: str = "") -> None:
        def given(result: tuple[str, datetime | None] | None) -> None:
            if not result:
                return
            text, call_back = result

            def ended(_: AssessmentView) -> None:
                message = "Call saved as partial: reopen the referral to resume it."
                if call_back is not None:
                    message += f" Call-back {describe(call_back)} is on your list."
                self.notify(message)
                self.dismiss_screen()

            self._call(svc.end_early, text, call_back_at=call_back, now=self._now(), then=ended)

        self.app.push_screen(EndEarlyDialog(reason, self._now), given)

    def _now(self) -> datetime:
        """Now on the app's clock (a demo or a test may fix the day)."""
        today = self.app.today()
        now = datetime.now(UK)
        return now if now.date() == today else datetime.combine(today, now.time(), UK)

    def action_leave(self) -> None:
        if self.autosaver.pending:
            self.set_timer(0.1, self.action_leave)
            return
        self.dismiss_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_substance", "make_main"):
            return self.step == "drug_use"
        if action in ("accept", "choose_otherwise"):
            return self.step == "summary"
        if action in ("next_step", "skip_step"):
            return flow.next_step(self.step) is not None
        if action == "other_form":
            return self.step in FORM_STEPS and self._form_count > 1
        return True

    @on(AdviceStep.Toggled)
    def _advice(self, event: AdviceStep.Toggled) -> None:
        self._call(svc.tick_advice, event.advice_id, event.given, then=self._saved)
