"""A hand-built cohort whose every figure is known, written straight into the tables.

West Midlands, 2026 (the period of the tests), seven referrals:

======  =======  =====  ====  ==========  =====================================================
ref     person   SDE    IC    substance   life
======  =======  =====  ====  ==========  =====================================================
R1      A        W1     IC1   cannabis    contacted next day, assessed, group, completed (18 d)
R2      B        B1     IC3   cocaine     referred 24 Dec: first attempt 30 Dec, 2 working
                                          days over Christmas; assessed, one-to-one, attended
R3      C        A2     IC4   cannabis    referred on a Sunday, first attempt Thursday (4
                                          working days: late), non-compliant, barred
R4      A        W1     IC1   nitrous     A again: a repeat referral, not yet contacted
R5      D        NS     --    ketamine    referred before Easter, declined on day 2 (on time),
                                          non-compliant, barred
R6      E        W1     IC1   cannabis    ineligible; E had a referral in 2025: a repeat
R9      H        W9     IC1   cannabis    withdrawn; its only booking was cancelled
======  =======  =====  ====  ==========  =====================================================

Outside: R7 (31 Dec 2025, before the period), R10 (E in 2025), R8 (West Mercia, 2026).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Assessment,
    Booking,
    ContactAttempt,
    CourseGroup,
    CourseSession,
    IntelligenceLog,
    Need,
    Person,
    Referral,
    SafeguardingConcern,
)
from divert_tui.core.rules.metrics import Period

PERIOD = Period(date(2026, 1, 1), date(2026, 12, 31))


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build_cohort(db: Database) -> None:
    with db.write() as s:
        group = CourseGroup(code="cannabis", name="Cannabis group", path="group_cannabis")
        s.add(group)
        s.flush()
        course = CourseSession(group_id=group.id, starts_at=at(2026, 3, 10))
        s.add(course)
        s.flush()

        def person(key: str, sde: str | None, ic: str | None, sex: str, born: date) -> Person:
            p = Person(
                first_name=f"First{key}",
                last_name=f"Last{key}",
                first_name_key=f"first{key}",
                last_name_key=f"last{key}",
                date_of_birth=born,
                sex=sex,
                self_defined_ethnicity=sde,
                officer_observed_ethnicity=ic,
                phone="07700 900000",
                postcode="B1 1AA",
            )
            s.add(p)
            s.flush()
            return p

        def referral(
            ref: str,
            who: Person,
            when: datetime,
            substance: str,
            status: str,
            *,
            force: str = "west_midlands",
            first_contact: datetime | None = None,
            closed: datetime | None = None,
        ) -> Referral:
            r = Referral(
                force_code=force,
                police_reference=ref,
                person_id=who.id,
                referred_at=when,
                offence_date=when.date(),
                substances=substance,
                main_substance=substance,
                status=status,
                first_contact_at=first_contact,
                closed_at=closed,
            )
            s.add(r)
            s.flush()
            return r

        def attempt(r: Referral, when: datetime, outcome: str) -> None:
            s.add(ContactAttempt(referral_id=r.id, attempted_at=when, outcome=outcome))

        def assessed(r: Referral, when: datetime) -> Assessment:
            a = Assessment(referral_id=r.id, started_at=when, completed_at=when)
            s.add(a)
            s.flush()
            return a

        a = person("A", "W1", "IC1", "male", date(1990, 5, 1))
        b = person("B", "B1", "IC3", "female", date(2000, 1, 10))
        c = person("C", "A2", "IC4", "male", date(2007, 6, 15))
        d = person("D", "NS", None, "not_stated", date(1960, 1, 1))
        e = person("E", "W1", "IC1", "male", date(1985, 2, 2))
        f = person("F", "W2", "IC2", "female", date(1995, 3, 3))
        g = person("G", "W1", "IC1", "male", date(1992, 4, 4))
        h = person("H", "W9", "IC1", "female", date(2003, 7, 2))

        r1 = referral(
            "R1", a, at(2026, 3, 2), "cannabis", "completed",
            first_contact=at(2026, 3, 3), closed=at(2026, 3, 20),
        )  # fmt: skip
        attempt(r1, at(2026, 3, 3), "answered")
        a1 = assessed(r1, at(2026, 3, 3, 11))
        s.add(Need(assessment_id=a1.id, domain="mental_health", action="referred"))
        s.add(Need(assessment_id=a1.id, domain="housing", action="signposted"))
        s.add(Allocation(referral_id=r1.id, suggested="group_cannabis", chosen="group_cannabis"))
        s.add(Booking(session_id=course.id, referral_id=r1.id, status="completed"))

        r2 = referral(
            "R2", b, at(2026, 12, 24, 12), "cocaine", "booked", first_contact=at(2026, 12, 30)
        )
        attempt(r2, at(2026, 12, 30), "no_answer")
        attempt(r2, at(2026, 12, 31), "answered")
        a2 = assessed(r2, at(2026, 12, 31, 11))
        s.add(Need(assessment_id=a2.id, domain="mental_health", action="referred"))
        s.add(Need(assessment_id=a2.id, domain="drug_treatment", action="referred"))
        s.add(Allocation(referral_id=r2.id, suggested="group_cocaine", chosen="one_to_one"))
        s.add(Booking(session_id=course.id, referral_id=r2.id, status="attended"))
        s.add(SafeguardingConcern(referral_id=r2.id, type="children", raised_at=at(2026, 12, 31)))

        r3 = referral(
            "R3", c, at(2026, 6, 14, 9), "cannabis", "non_compliant",
            first_contact=at(2026, 6, 18), closed=at(2026, 6, 30),
        )  # fmt: skip
        for day in (18, 22, 26):
            attempt(r3, at(2026, 6, day), "voicemail")
        s.add(SafeguardingConcern(referral_id=r3.id, type="self_harm", raised_at=at(2026, 6, 18)))
        s.add(SafeguardingConcern(referral_id=r3.id, type="children", raised_at=at(2026, 6, 18)))
        s.add(
            IntelligenceLog(
                person_id=c.id,
                referral_id=r3.id,
                force_code="west_midlands",
                reason="non_compliance",
                created_at=at(2026, 6, 30),
                bar_until=date(2027, 6, 30),
            )
        )

        referral("R4", a, at(2026, 9, 1, 8), "nitrous_oxide", "received")

        r5 = referral(
            "R5", d, at(2026, 4, 2, 15), "ketamine", "non_compliant",
            first_contact=at(2026, 4, 8, 9), closed=at(2026, 4, 8, 9, 10),
        )  # fmt: skip
        attempt(r5, at(2026, 4, 8, 9), "declined")
        s.add(
            IntelligenceLog(
                person_id=d.id,
                referral_id=r5.id,
                force_code="west_midlands",
                reason="declined",
                created_at=at(2026, 4, 8, 9, 10),
                bar_until=date(2027, 4, 8),
            )
        )

        referral("R10", e, at(2025, 6, 1), "cannabis", "completed", closed=at(2025, 6, 20))
        referral("R6", e, at(2026, 5, 5), "cannabis", "ineligible", closed=at(2026, 5, 5, 11))
        referral("R7", f, at(2025, 12, 31, 23, 30), "cannabis", "received")
        referral("R8", g, at(2026, 2, 1), "cannabis", "received", force="west_mercia")
        r9 = referral("R9", h, at(2026, 7, 1), "cannabis", "withdrawn", closed=at(2026, 7, 20))
        s.add(Booking(session_id=course.id, referral_id=r9.id, status="cancelled"))
