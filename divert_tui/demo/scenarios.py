"""Scripted people a trainer can find by name and role-play a first call with.

They are part of every demo cohort: referred on the demo's "today", status ``received``,
assigned to the first West Midlands worker (the account the role picker logs in as), so a
trainee finds them at the top of their queue. ``script`` is what the trainer, playing the
person on the phone, should disclose when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from divert_tui.core.rules.matching import normalise_name
from divert_tui.core.schemes import Scheme
from divert_tui.demo.clock import to_utc
from divert_tui.demo.data import RECEIVED
from divert_tui.demo.lives import Ids, Sink, referral_row


@dataclass(frozen=True)
class Scenario:
    key: str
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
    summary: str
    script: tuple[str, ...]

    def date_of_birth(self, today: date) -> date:
        month, day = self.birthday
        born = date(today.year - self.age, month, day)
        if (month, day) > (today.month, today.day):
            born = date(today.year - self.age - 1, month, day)
        return born


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="cannabis_only",
        first_name="Tyler",
        last_name="Ashworth",
        age=19,
        birthday=(3, 14),
        sex="male",
        self_defined_ethnicity="W1",
        officer_observed_ethnicity="IC1",
        postcode="B23 6QT",
        phone="+447700900101",
        substances=("cannabis",),
        location="High Street, Erdington",
        minute=9 * 60 + 12,
        feed_notes="Small bag of herbal cannabis found on a stop and search; co-operative.",
        summary="A young man who smokes cannabis most evenings; first referral, no other needs.",
        script=(
            "Smokes about a gram of herbal cannabis most evenings, to help him sleep.",
            "Started at 15 with friends; lives with his mum and younger brother.",
            "Works part-time in a warehouse; worried about losing the job.",
            "No alcohol to speak of; no mental health concerns when asked (PHQ-2 and GAD-2 low).",
            "Happy to do the group course; evenings suit him best.",
        ),
    ),
    Scenario(
        key="cocaine_alcohol",
        first_name="Callum",
        last_name="Whitfield",
        age=27,
        birthday=(8, 2),
        sex="male",
        self_defined_ethnicity="W1",
        officer_observed_ethnicity="IC1",
        postcode="CV1 4FR",
        phone="+447700900202",
        substances=("cocaine",),
        location="Far Gosford Street, Coventry",
        minute=10 * 60 + 47,
        feed_notes="Wrap of powder cocaine found outside a bar at 01:30; had been drinking.",
        summary="Uses cocaine at weekends with heavy drinking: the mixing risk and AUDIT matter.",
        script=(
            "Uses a gram or two of cocaine most Saturdays, always with drinking.",
            "Drinks 8 to 10 pints on a night out, most weekends; sometimes during the week too.",
            "Answer AUDIT-C so that it is positive, then the full AUDIT around 16 to 19.",
            "Has had chest pains once after a long night; did not see a doctor.",
            "Some debt on credit cards; no housing problems.",
        ),
    ),
    Scenario(
        key="nitrous_domestic_abuse",
        first_name="Amira",
        last_name="Qureshi",
        age=22,
        birthday=(11, 21),
        sex="female",
        self_defined_ethnicity="A2",
        officer_observed_ethnicity="IC4",
        postcode="B10 0HJ",
        phone="+447700900303",
        substances=("nitrous_oxide",),
        location="Retail park car park, Small Heath",
        minute=13 * 60 + 5,
        feed_notes="Canisters of nitrous oxide in a car; partner in the driver's seat spoke for her.",
        summary="Nitrous oxide user who discloses domestic abuse when asked in private.",
        script=(
            "Uses nitrous oxide balloons with her partner two or three times a week.",
            "Has had tingling in her feet lately (a sign of B12 damage: the advice matters).",
            "Check she is safe to talk: she is, only when her partner is out.",
            "On routine enquiry she discloses that her partner controls her money and phone.",
            "Answers to the Dash questions reach the high-risk threshold: Marac referral.",
        ),
    ),
)


def scripted_minute(minute: int, index: int, now: int) -> int:
    """The scripted minute, or earlier when the clock is not there yet (in their order)."""
    latest = now - 10 * (len(SCENARIOS) - index)
    return max(index, min(minute, latest))


def scenario_referrals(
    sink: Sink,
    ids: Ids,
    today: date,
    force: str,
    worker: int,
    reference: Callable[[], str],
    officer: Callable[[], str],
    scheme: Scheme,
    *,
    now: int = 24 * 60,
) -> Iterator[dict[str, Any]]:
    """Write each scripted person and their new referral; yields the referral rows.

    They are referred "today", and always before ``now`` (minutes after midnight), so the
    timeline never shows a call before the referral it answers."""
    for index, scenario in enumerate(SCENARIOS):
        moment = (today, scripted_minute(scenario.minute, index, now))
        person_id = ids("person")
        sink(
            "person",
            {
                "id": person_id,
                "first_name": scenario.first_name,
                "last_name": scenario.last_name,
                "first_name_key": normalise_name(scenario.first_name),
                "last_name_key": normalise_name(scenario.last_name),
                "date_of_birth": scenario.date_of_birth(today),
                "sex": scenario.sex,
                "self_defined_ethnicity": scenario.self_defined_ethnicity,
                "officer_observed_ethnicity": scenario.officer_observed_ethnicity,
                "phone": scenario.phone,
                "postcode": scenario.postcode,
                "needs_interpreter": False,
                "interpreter_language": None,
                "created_at": to_utc(moment),
                "version": 1,
            },
        )
        row = referral_row(
            ids("referral"),
            force,
            reference(),
            person_id,
            moment,
            list(scenario.substances),
            scheme,
        )
        row.update(
            officer=officer(),
            location=scenario.location,
            feed_notes=scenario.feed_notes,
            offence_date=today,
            assigned_worker_id=worker,
            version=1,
        )
        sink("referral", row)
        sink(
            "status_change",
            {
                "id": ids("status_change"),
                "referral_id": row["id"],
                "from_status": None,
                "to_status": RECEIVED,
                "at": to_utc(moment),
                "staff_id": None,
                "reason": "referral received from the officer",
            },
        )
        yield row
