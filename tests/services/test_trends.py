"""Referrals by UK month and substance: month bounds in local time, folding, withholding."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from divert_tui.core.models import Person, Referral
from divert_tui.core.rules.metrics.timing import Period
from divert_tui.core.rules.metrics.trends import fold_monthly, month_starts
from divert_tui.core.services.trends import referrals_by_month
from divert_tui.core.vocab import Role
from tests.conftest import make_actor

PERIOD = Period(date(2026, 1, 1), date(2026, 12, 31))


def test_month_starts_cover_the_period() -> None:
    assert month_starts(PERIOD)[0] == date(2026, 1, 1)
    assert month_starts(PERIOD)[-1] == date(2026, 12, 1)
    assert len(month_starts(Period(date(2026, 3, 15), date(2026, 4, 2)))) == 2


def test_fold_names_the_top_four_and_withholds_small_cells() -> None:
    rows = [
        (0, "cannabis", 40),
        (1, "cannabis", 3),
        (0, "cocaine", 9),
        (0, "nitrous_oxide", 6),
        (0, "ketamine", 5),
        (0, "mdma", 2),
        (0, "heroin", 2),
        (0, "other", 2),
    ]
    series = fold_monthly(PERIOD, rows)
    assert series.substances == ("cannabis", "cocaine", "nitrous_oxide", "ketamine", "other")
    assert series.counts["cannabis"][:2] == (40, None)  # 3 is withheld
    assert series.counts["other"][0] == 6  # mdma + heroin + other, shown once folded
    assert series.withheld == 1
    assert series.labels()[0] == "Jan 26"


def _referral(db, n: int, at: datetime, substance: str = "cannabis") -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        person = Person(first_name="A", last_name=f"B{n}", date_of_birth=date(1990, 1, 1))
        session.add(person)
        session.flush()
        session.add(
            Referral(
                force_code="west_midlands",
                police_reference=f"T{n}",
                person_id=person.id,
                referred_at=at,
                offence_date=at.date(),
                substances=substance,
                main_substance=substance,
            )
        )


def test_a_referral_just_after_uk_midnight_counts_in_the_new_month(db) -> None:  # type: ignore[no-untyped-def]
    # 1 April 2026 00:30 BST is 31 March 23:30 UTC: it belongs to April.
    for n in range(5):
        _referral(db, n, datetime(2026, 3, 31, 23, 30, tzinfo=UTC) + timedelta(seconds=n))
    for n in range(5, 10):
        _referral(db, n, datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # 23:30 BST: March
    _referral(db, 10, datetime(2025, 12, 31, 23, 59, tzinfo=UTC))  # before the period
    lead = make_actor(Role.TEAM_LEAD)
    from divert_tui.core.schemes import load_schemes

    series = referrals_by_month(db, lead, load_schemes(), PERIOD)
    assert series.counts["cannabis"][2] == 5  # March
    assert series.counts["cannabis"][3] == 5  # April
    assert sum(v or 0 for v in series.counts["cannabis"]) == 10
