"""Course groups and their weekly sessions, opened as bookings fill them.

Each group has a few usual weekly slots (UK local time); a week's first session opens
when someone is booked into that week, more open as sessions fill (12 places), and in big
cohorts parallel sessions open at the same times. Weeks nobody is booked into still get
one session, so the course calendar looks complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from random import Random
from typing import Any

from sqlalchemy import Connection, select

from divert_tui.demo import data
from divert_tui.demo.clock import Moment, next_monday, to_utc, working_moment
from divert_tui.demo.writer import TABLES

Sink = Callable[[str, dict[str, Any]], None]


class SessionBook:
    """Weekly course sessions per group, opened as bookings fill them (12 places each)."""

    def __init__(
        self,
        rng: Random,
        next_id: Callable[[], int],
        sink: Sink,
        group_ids: Mapping[str, int],
        facilitators: list[int],
    ) -> None:
        self.rng, self.next_id, self.sink = rng, next_id, sink
        self.group_ids = group_ids
        self.facilitators = facilitators
        self.weeks: dict[tuple[str, str, date], list[list[Any]]] = {}

    def _create(
        self,
        force: str,
        code: str,
        start: Moment,
        minutes: int,
        capacity: int,
        facilitator: int,
        **extra: Any,
    ) -> int:
        session_id = self.next_id()
        self.sink(
            "course_session",
            {
                "id": session_id,
                "group_id": self.group_ids[code],
                "starts_at": to_utc(start),
                "duration_minutes": minutes,
                "facilitator_id": facilitator,
                "capacity": capacity,
                "meeting_link": data.MEETING_LINK.format(
                    code=code.replace("_", "-"), id=session_id
                ),
                "version": 1,
                "force_code": force,
                "mode": "phone" if code == "one_to_one" else "video",
                "recurrence": None,
                "created_by": None,
                "cancelled_at": None,
                "cancel_reason": None,
                **extra,
            },
        )
        return session_id

    def _slot(self, force: str, code: str, monday: date, week: list[list[Any]]) -> None:
        # Past the usual slots, parallel sessions open at the same times (big cohorts only).
        slots = data.GROUP_SLOTS[code]
        weekday, hour, minute = slots[len(week) % len(slots)]
        start = (monday + timedelta(days=weekday), hour * 60 + minute)
        facilitator = self.rng.choice(self.facilitators)
        session_id = self._create(
            force, code, start, data.SESSION_MINUTES, data.SESSION_CAPACITY, facilitator
        )
        week.append([start, session_id, 0])

    def book(self, force: str, code: str, earliest: Moment) -> tuple[int, Moment, int]:
        """The first session of the group in the force from ``earliest`` with a free place."""
        monday = next_monday(earliest[0])
        while True:
            week = self.weeks.setdefault((force, code, monday), [])
            if not week:
                self._slot(force, code, monday, week)
            best = None
            for entry in week:
                if (
                    entry[0] >= earliest
                    and entry[2] < data.SESSION_CAPACITY
                    and (best is None or entry[0] < best[0])
                ):
                    best = entry
            if best is not None:
                best[2] += 1
                return best[1], best[0], data.SESSION_MINUTES
            if any(entry[0] >= earliest for entry in week[-len(data.GROUP_SLOTS[code]) :]) or len(
                week
            ) < len(data.GROUP_SLOTS[code]):
                self._slot(force, code, monday, week)
            else:
                monday += timedelta(days=7)

    def one_to_one(self, force: str, worker: int, after: Moment) -> tuple[int, Moment, int]:
        day, _ = working_moment(self.rng, after, self.rng.randint(2, 6))
        start = (day, self.rng.choice((570, 630, 690, 810, 870, 930)))
        session_id = self._create(force, "one_to_one", start, data.ONE_TO_ONE_MINUTES, 1, worker)
        return session_id, start, data.ONE_TO_ONE_MINUTES

    def fill_gaps(self, forces: list[str], first: date, last: date) -> None:
        """At least one session every week for every group in every force, booked or not."""
        for force in forces:
            for code in data.GROUP_SLOTS:
                monday = next_monday(first)
                while monday <= last:
                    week = self.weeks.setdefault((force, code, monday), [])
                    if not week:
                        self._slot(force, code, monday, week)
                    monday += timedelta(days=7)

    def cancelled(self, force: str, code: str, start: Moment, reason: str) -> int:
        """A session called off (nobody was booked on it yet), as the calendar shows it."""
        return self._create(
            force,
            code,
            start,
            data.SESSION_MINUTES,
            data.SESSION_CAPACITY,
            self.rng.choice(self.facilitators),
            cancelled_at=to_utc(start) - timedelta(days=3),
            cancel_reason=reason,
        )


def course_groups(connection: Connection, sink: Sink, next_id: Callable[[], int]) -> dict[str, int]:
    """Ids of the demo's course groups by code, adding those the database lacks."""
    table = TABLES["course_group"]
    existing = {code: gid for gid, code in connection.execute(select(table.c.id, table.c.code))}
    for code, name in data.GROUP_NAMES.items():
        if code not in existing:
            existing[code] = next_id()
            sink(
                "course_group",
                {"id": existing[code], "code": code, "name": name, "path": data.GROUP_PATH[code]},
            )
    return existing
