"""The trainers' scenarios, read from ``demo/scenarios/*.toml`` (one named case per file).

A scenario is data so that a trainer's handout and the app cannot drift apart: who the
person is, what the officer sent, what they say on the phone, what the learner should see
and do, and the outcome it leads to (``expect``, in the app's own ids, which the tests
check). Reading them needs no database; ``scenario_loader`` puts one into the demo.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from divert_tui.demo.fictional import is_drama_phone, is_fictional_postcode

SCENARIO_DIR = Path(__file__).with_name("scenarios")
EARLIER_OUTCOMES = ("completed", "non_compliant")


@dataclass(frozen=True)
class EarlierReferral:
    """A referral of the same person before this one, closed the way ``outcome`` says."""

    months_ago: int
    substances: tuple[str, ...]
    outcome: str


@dataclass(frozen=True)
class FirstCall:
    """A call already made on this referral (answered), stopped after the identity check."""

    days_ago: int
    identity: dict[str, str]
    note: str


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    summary: str
    learner_sees: tuple[str, ...]
    learner_does: tuple[str, ...]
    outcome: str
    script: tuple[str, ...]
    first_name: str
    last_name: str
    age: int
    birthday: tuple[int, int]  # (month, day)
    sex: str
    self_defined_ethnicity: str
    officer_observed_ethnicity: str
    postcode: str
    phone: str
    substances: tuple[str, ...]
    location: str
    minute: int  # minutes after local midnight on "today" when the officer referred them
    feed_notes: str
    in_cohort: bool = False
    earlier: tuple[EarlierReferral, ...] = ()
    first_call: FirstCall | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    file: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def date_of_birth(self, today: date) -> date:
        month, day = self.birthday
        born = date(today.year - self.age, month, day)
        if (month, day) > (today.month, today.day):
            born = date(today.year - self.age - 1, month, day)
        return born


class ScenarioFileError(ValueError):
    """A scenario file that cannot be read: the message names the file and the field."""


def _text_list(data: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioFileError(f"{where}: {name}: write a list of sentences")
    return tuple(value)


def parse_scenario(data: dict[str, Any], where: str) -> Scenario:
    """One scenario from its TOML table; ``where`` names the file in error messages."""
    try:
        person = data["person"]
        referral = data["referral"]
        earlier = tuple(
            EarlierReferral(int(e["months_ago"]), tuple(e["substances"]), str(e["outcome"]))
            for e in data.get("earlier", [])
        )
        call = data.get("first_call")
        first_call = (
            FirstCall(int(call["days_ago"]), dict(call["identity"]), str(call.get("note", "")))
            if call
            else None
        )
        month, day = person["birthday"]
        scenario = Scenario(
            key=str(data["key"]),
            title=str(data["title"]),
            summary=str(data["summary"]),
            learner_sees=_text_list(data, "learner_sees", where),
            learner_does=_text_list(data, "learner_does", where),
            outcome=str(data["outcome"]),
            script=_text_list(data, "script", where),
            first_name=str(person["first_name"]),
            last_name=str(person["last_name"]),
            age=int(person["age"]),
            birthday=(int(month), int(day)),
            sex=str(person["sex"]),
            self_defined_ethnicity=str(person["self_defined_ethnicity"]),
            officer_observed_ethnicity=str(person["officer_observed_ethnicity"]),
            postcode=str(person["postcode"]),
            phone=str(person["phone"]),
            substances=tuple(referral["substances"]),
            location=str(referral["location"]),
            minute=int(referral["minute"]),
            feed_notes=str(referral.get("feed_notes", "")),
            in_cohort=bool(data.get("in_cohort", False)),
            earlier=earlier,
            first_call=first_call,
            expect=dict(data.get("expect", {})),
            file=where,
        )
    except KeyError as missing:
        raise ScenarioFileError(f"{where}: {missing.args[0]}: this field is required") from None
    except (TypeError, ValueError) as error:
        raise ScenarioFileError(f"{where}: {error}") from None
    for e in scenario.earlier:
        if e.outcome not in EARLIER_OUTCOMES:
            raise ScenarioFileError(
                f"{where}: earlier.outcome: use one of {', '.join(EARLIER_OUTCOMES)}"
            )
    if not scenario.substances:
        raise ScenarioFileError(f"{where}: referral.substances: name at least one substance")
    if not is_fictional_postcode(scenario.postcode):
        raise ScenarioFileError(
            f"{where}: person.postcode: {scenario.postcode!r} could be a real address; end the"
            " inward code with a letter postcodes never use (C, I, K, M, O or V), e.g. B23 9ZC"
        )
    if not is_drama_phone(scenario.phone):
        raise ScenarioFileError(
            f"{where}: person.phone: {scenario.phone!r} could ring a real line; use Ofcom's"
            " drama range +447700900000 to +447700900999"
        )
    return scenario


def read_scenarios(folder: Path = SCENARIO_DIR) -> tuple[Scenario, ...]:
    """Every scenario of ``folder``, in the order of their file names; keys are unique."""
    found: list[Scenario] = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise ScenarioFileError(f"{path.name}: {error}") from None
        found.append(parse_scenario(data, path.name))
    keys = [s.key for s in found]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise ScenarioFileError(f"scenario keys used twice: {', '.join(duplicated)}")
    return tuple(found)


@cache
def all_scenarios() -> tuple[Scenario, ...]:
    """The scenarios shipped with the app (read once)."""
    return read_scenarios()


def scenario(key: str) -> Scenario:
    for candidate in all_scenarios():
        if candidate.key == key:
            return candidate
    raise KeyError(key)
