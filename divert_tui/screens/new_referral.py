"""A referral that came by phone or email, typed in and checked exactly like a feed row;
each problem shows under its own field."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Select

from divert_tui.core.services import intake
from divert_tui.core.services.base import ValidationError
from divert_tui.core.vocab import (
    OFFICER_OBSERVED_ETHNICITY,
    SELF_DEFINED_ETHNICITY,
    ReferralSource,
    Sex,
)
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.format import UK
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Label, Static

TEXT_FIELDS: list[tuple[str, str, str]] = [
    ("police_reference", "Police reference *", "as given by the officer, e.g. WMP/2026/012345"),
    ("referred_at", "Referred at *", "dd/mm/yyyy hh:mm (UK time)"),
    ("offence_date", "Offence date *", "dd/mm/yyyy"),
    ("first_name", "First name *", ""),
    ("last_name", "Last name *", ""),
    ("date_of_birth", "Date of birth *", "dd/mm/yyyy"),
    ("phone", "Phone *", "UK number, e.g. 07700 900123"),
    ("postcode", "Postcode", "e.g. B15 2TT"),
    (
        "substances",
        "Substances found *",
        "separated by ; e.g. cannabis; cocaine (weed, coke, nos... accepted)",
    ),
    ("officer", "Officer", "collar number or name"),
    ("location", "Location", "where the person was found"),
    ("notes", "Officer's notes", ""),
]


class NewReferralScreen(DivertScreen):
    AREA = "New referral"
    DEFAULT_CSS = """
    NewReferralScreen .field { height: auto; margin: 0 1; }
    NewReferralScreen .field Label { width: 22; padding-top: 1; }
    NewReferralScreen .field Input, NewReferralScreen .field Select { width: 1fr; }
    NewReferralScreen .problem { color: $error; margin-left: 24; height: auto; display: none; }
    NewReferralScreen .problem.-shown { display: block; }
    NewReferralScreen #form-status { margin: 1 2; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save referral", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        actor = self.app.require_actor()
        forces = [
            (scheme.name, code) for code, scheme in self.app.schemes.items() if actor.covers(code)
        ]
        yield AppHeader()
        with VerticalScroll():
            yield Static(
                "A referral received by phone or email. * = required. Tab moves on, Ctrl+S saves.",
                id="intro",
            )
            yield from self._row(
                "force",
                "Force *",
                Select(
                    forces,
                    id="f-force",
                    allow_blank=len(forces) != 1,
                    value=forces[0][1] if len(forces) == 1 else Select.NULL,
                ),
            )
            yield from self._row(
                "source",
                "Came by *",
                Select(
                    [
                        ("phone", ReferralSource.PHONE.value),
                        ("email", ReferralSource.EMAIL.value),
                        ("other", ReferralSource.OTHER.value),
                    ],
                    id="f-source",
                    allow_blank=False,
                    value=ReferralSource.PHONE.value,
                ),
            )
            for name, label, placeholder in TEXT_FIELDS:
                yield from self._row(name, label, Input(id=f"f-{name}", placeholder=placeholder))
            yield from self._row(
                "sex",
                "Sex",
                Select(
                    [(s.value.replace("_", " "), s.value) for s in Sex],
                    id="f-sex",
                    value=Sex.NOT_STATED.value,
                    allow_blank=False,
                ),
            )
            yield from self._row(
                "self_defined_ethnicity",
                "Ethnicity (self)",
                Select(
                    [(f"{code} {text}", code) for code, text in SELF_DEFINED_ETHNICITY.items()],
                    id="f-self_defined_ethnicity",
                ),
            )
            yield from self._row(
                "officer_observed_ethnicity",
                "Ethnicity (officer)",
                Select(
                    [(f"{code} {text}", code) for code, text in OFFICER_OBSERVED_ETHNICITY.items()],
                    id="f-officer_observed_ethnicity",
                ),
            )
            yield Static("", id="form-status")
        yield FitFooter()

    def _row(self, name: str, label: str, widget: Input | Select) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(label)
            yield widget
        yield Static("", id=f"p-{name}", classes="problem")

    def on_mount(self) -> None:
        now = datetime.now(UK)
        self.query_one("#f-referred_at", Input).value = f"{now:%d/%m/%Y %H:%M}"
        self.query_one("#f-police_reference", Input).focus()

    def _values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for widget in self.query("Input, Select"):
            if not widget.id or not widget.id.startswith("f-"):
                continue
            name = widget.id[2:]
            if isinstance(widget, Select):
                values[name] = "" if widget.is_blank() else str(widget.value)
            elif isinstance(widget, Input):
                values[name] = widget.value
        return values

    def action_save(self) -> None:
        values = self._values()
        source = values.pop("source", ReferralSource.PHONE.value)
        for problem in self.query(".problem").results(Static):
            problem.update("")
            problem.remove_class("-shown")
        self.query_one("#form-status", Static).update("Checking...")
        self.run_worker(lambda: self._save(values, source), thread=True, exit_on_error=True)

    def _save(self, values: dict[str, str], source: str) -> None:
        try:
            created = intake.create_referral(
                self.app.db,
                self.app.require_actor(),
                values,
                self.app.schemes,
                source=source,
                today=self.app.today(),
            )
        except ValidationError as error:
            self.app.call_from_thread(self._show_problems, error.errors)
        else:
            self.app.call_from_thread(self._created, created)

    def _show_problems(self, errors: dict[str, str]) -> None:
        first = None
        for name, reason in errors.items():
            matches = self.query(f"#p-{name}")
            if matches:
                problem = matches.first(Static)
                problem.update(f"{name.replace('_', ' ')}: {reason}")
                problem.add_class("-shown")
                first = first or name
        unplaced = [f"{n}: {r}" for n, r in errors.items() if not self.query(f"#p-{n}")]
        summary = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}: nothing was saved."
        if unplaced:
            summary += " " + "; ".join(unplaced)
        self.query_one("#form-status", Static).update(summary)
        if first:
            widget = self.query(f"#f-{first}")
            if widget:
                widget.first().focus()

    def _created(self, created: intake.CreatedReferral) -> None:
        self.app.pop_screen()
        message = f"Referral saved ({created.status})."
        if created.matched_earlier_person:
            message += " Linked to an earlier referral of the same person."
        if created.possible_match_person_id:
            message += " A possible match needs confirming."
        self.notify(message)
        self.app.open_referral(created.referral_id)

    def action_cancel(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()
