"""Scripted people a trainer can find by name and role-play a first call with.

They are the scenarios marked ``in_cohort`` in ``demo/scenarios/*.toml`` (Tyler Ashworth,
Callum Whitfield, Amira Qureshi: the handouts use them), and part of every demo cohort: referred on the demo's "today", status ``received``,
assigned to the first West Midlands worker (the account the role picker logs in as), so a
trainee finds them at the top of their queue. ``script`` is what the trainer, playing the
person on the phone, should disclose when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from divert_tui.core.rules.matching import normalise_name
from divert_tui.core.schemes import Scheme
from divert_tui.demo.clock import to_utc
from divert_tui.demo.data import RECEIVED
from divert_tui.demo.lives import Ids, Sink, referral_row
from divert_tui.demo.scenario_book import Scenario, all_scenarios

SCENARIOS: tuple[Scenario, ...] = tuple(s for s in all_scenarios() if s.in_cohort)


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
