"""Made-up people, staff, officers and places for the demo cohort.

Names come from faker's en_GB lists and a few lists of names common in the region's
communities, drawn with the cohort's own seeded ``random.Random`` so that a seed always
gives the same people. Nothing here is, or is derived from, a real person.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from itertools import accumulate
from random import Random
from typing import Any

from faker import Faker
from faker.providers.person.en_GB import Provider as GBNames

from divert_tui.core.rules.matching import normalise_name
from divert_tui.demo import data
from divert_tui.demo.fictional import fictional_postcode

EN_MALE: tuple[str, ...] = tuple(GBNames.first_names_male)
EN_FEMALE: tuple[str, ...] = tuple(GBNames.first_names_female)
EN_LAST: tuple[str, ...] = tuple(GBNames.last_names)

_FAMILIES: dict[str, tuple[Sequence[str], Sequence[str], Sequence[str]]] = {
    "south_asian": (data.SOUTH_ASIAN_MALE, data.SOUTH_ASIAN_FEMALE, data.SOUTH_ASIAN_LAST),
    "east_asian": (data.EAST_ASIAN_MALE, data.EAST_ASIAN_FEMALE, data.EAST_ASIAN_LAST),
    "black": (data.BLACK_MALE, data.BLACK_FEMALE, data.BLACK_LAST),
    "black_mixed": (data.BLACK_MALE + data.MODERN_MALE, data.BLACK_FEMALE, data.BLACK_LAST),
    "european": (data.EUROPEAN_MALE, data.EUROPEAN_FEMALE, data.EUROPEAN_LAST),
    "arab": (data.ARAB_MALE, data.ARAB_FEMALE, data.ARAB_LAST),
}


def quota(rng: Random, weights: Mapping[Any, float], n: int) -> list[Any]:
    """Exactly proportional values in random order, so shares hold for any seed and size."""
    total = sum(weights.values())
    exact = [(key, n * w / total) for key, w in weights.items()]
    counts = {key: int(share) for key, share in exact}
    short = n - sum(counts.values())
    by_remainder = sorted(exact, key=lambda kv: kv[1] - int(kv[1]), reverse=True)
    for key, _ in by_remainder[:short]:
        counts[key] += 1
    values = [key for key, _ in exact for _ in range(counts[key])]
    rng.shuffle(values)
    return values


def weighted(rng: Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), cum_weights=list(accumulate(weights.values())))[0]


class PersonMaker:
    """Builds person rows; names are drawn to fit the person's stated background."""

    def __init__(self, rng: Random, reserved: set[tuple[str, str]] = frozenset()) -> None:  # type: ignore[assignment]
        self.rng = rng
        self.reserved = reserved

    def names(self, sex: str, ethnicity: str) -> tuple[str, str]:
        rng = self.rng
        female = sex == "female" or (sex in ("other", "not_stated") and rng.random() < 0.5)
        family = data.NAME_FAMILY.get(ethnicity)
        if family is None:
            firsts = (
                (data.MODERN_FEMALE if female else data.MODERN_MALE)
                if rng.random() < 0.5
                else (EN_FEMALE if female else EN_MALE)
            )
            lasts: Sequence[str] = EN_LAST
        else:
            male_names, female_names, lasts = _FAMILIES[family]
            firsts = female_names if female else male_names
            if family in ("black", "black_mixed") and rng.random() < 0.4:
                lasts = EN_LAST
        return rng.choice(firsts), rng.choice(lasts)

    def row(
        self,
        person_id: int,
        *,
        sex: str,
        ethnicity: str,
        age: int,
        force: str,
        on: date,
        created_at: datetime,
    ) -> dict[str, Any]:
        rng = self.rng
        first, last = self.names(sex, ethnicity)
        while (first, last) in self.reserved:
            first, last = self.names(sex, ethnicity)
        ic = rng.choice(data.IC_FOR_ETHNICITY[ethnicity])
        if rng.random() < data.IC_NOT_RECORDED_SHARE:
            ic = "IC9"
        interpreter = rng.random() < data.INTERPRETER_SHARE
        return {
            "id": person_id,
            "first_name": first,
            "last_name": last,
            "first_name_key": normalise_name(first),
            "last_name_key": normalise_name(last),
            "date_of_birth": birth_date(rng, on, age),
            "sex": sex,
            "self_defined_ethnicity": ethnicity,
            "officer_observed_ethnicity": ic,
            "phone": phone(rng),
            "postcode": postcode(rng, force) if rng.random() > 0.02 else None,
            "needs_interpreter": interpreter,
            "interpreter_language": rng.choice(data.INTERPRETER_LANGUAGES) if interpreter else None,
            "created_at": created_at,
            "version": 1,
        }


def birth_date(rng: Random, on: date, age: int) -> date:
    """A birthday that makes the person exactly ``age`` on ``on``."""
    year = on.year - age
    try:
        latest = on.replace(year=year)
    except ValueError:  # 29 February
        latest = date(year, 2, 28)
    return latest - timedelta(days=rng.randrange(364))


def age_for_band(rng: Random, band: tuple[int, int]) -> int:
    return rng.randint(*band)


def phone(rng: Random) -> str:
    """A UK mobile in E.164 from Ofcom's drama range, so it can never ring a real person."""
    return f"+447700900{rng.randrange(1000):03d}"


def postcode(rng: Random, force: str) -> str:
    """A real district of the force's area with an inward code that can never be issued."""
    area, districts = rng.choice(data.POSTCODE_DISTRICTS[force])
    return fictional_postcode(rng, f"{area}{rng.choice(districts)}")


class Places:
    """Where officers found people, and the officers who referred them."""

    def __init__(self, rng: Random, fake: Faker) -> None:
        self.rng = rng
        # faker's en_GB street suffixes include American ones ("Stravenue"), so build them.
        self.streets = list(data.COMMON_STREETS) + [
            f"{fake.last_name()} {rng.choice(data.STREET_TYPES)}" for _ in range(250)
        ]
        self.officers: dict[str, list[str]] = {}
        for force in data.FORCE_WEIGHTS:
            self.officers[force] = [
                f"{rng.choice(data.OFFICER_RANKS)} {rng.randint(1000, 23999)} {rng.choice(EN_LAST)}"
                for _ in range(60)
            ]

    def location(self, force: str) -> str:
        town = self.rng.choice(data.TOWNS[force])
        if self.rng.random() < 0.7:
            return f"{self.rng.choice(self.streets)}, {town}"
        return f"{self.rng.choice(data.PLACES)}, {town}"

    def officer(self, force: str) -> str:
        return self.rng.choice(self.officers[force])


def unusable_password_hash(rng: Random) -> str:
    """An argon2id hash of no known password: the demo logs in through the role picker."""
    salt = base64.b64encode(rng.randbytes(16)).decode().rstrip("=")
    digest = base64.b64encode(rng.randbytes(32)).decode().rstrip("=")
    return f"$argon2id$v=19$m=65536,t=3,p=4${salt}${digest}"


def staff_rows(
    rng: Random,
    fake: Faker,
    next_id: Callable[[], int],
    taken: set[str],
    created_at: datetime,
    forces: Sequence[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per force its workers and a team lead, then one trainer and one admin.

    Returns the staff rows and their force links; the West Midlands workers come first, so
    the demo's role picker logs in as a West Midlands worker.
    """
    plan: list[tuple[str, tuple[str, ...]]] = []
    for force in forces:
        plan += [("worker", (force,))] * data.WORKERS_PER_FORCE[force]
    plan += [("team_lead", (force,)) for force in forces]
    plan += [("trainer", tuple(forces)), ("admin", ())]
    staff: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for role, covers in plan:
        first, last = fake.first_name(), fake.last_name()
        base = f"{normalise_name(first)[:1]}.{normalise_name(last)}"
        username, n = base, 1
        while username in taken:
            n += 1
            username = f"{base}{n}"
        taken.add(username)
        staff_id = next_id()
        staff.append(
            {
                "id": staff_id,
                "username": username,
                "display_name": f"{first} {last}",
                "role": role,
                "password_hash": unusable_password_hash(rng),
                "active": True,
                "failed_logins": 0,
                "locked_until": None,
                "last_login_at": None,
                "created_at": created_at,
            }
        )
        links += [{"staff_id": staff_id, "force_code": code} for code in covers]
    return staff, links
