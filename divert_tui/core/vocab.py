"""The fixed vocabularies of the service: states, roles, codes and the substance catalogue.

They live in one place so that models, rules, the feed and the screens agree on every
value; the database stores the string values and checks them with constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    WORKER = "worker"
    TEAM_LEAD = "team_lead"
    TRAINER = "trainer"
    ADMIN = "admin"


class ReferralStatus(StrEnum):
    RECEIVED = "received"
    CONTACTING = "contacting"
    ASSESSED = "assessed"
    ALLOCATED = "allocated"
    BOOKED = "booked"
    COMPLETED = "completed"
    INELIGIBLE = "ineligible"
    NON_COMPLIANT = "non_compliant"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset(
    {
        ReferralStatus.RECEIVED,
        ReferralStatus.CONTACTING,
        ReferralStatus.ASSESSED,
        ReferralStatus.ALLOCATED,
        ReferralStatus.BOOKED,
    }
)
CLOSED_STATUSES = frozenset(set(ReferralStatus) - OPEN_STATUSES)


class ContactOutcome(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"
    DECLINED = "declined"


CONTACT_OUTCOME_LABELS = {
    ContactOutcome.ANSWERED: "answered",
    ContactOutcome.NO_ANSWER: "no answer",
    ContactOutcome.VOICEMAIL: "voicemail left",
    ContactOutcome.WRONG_NUMBER: "wrong number",
    ContactOutcome.DECLINED: "declined",
}


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    NOT_STATED = "not_stated"


class NeedDomain(StrEnum):
    DRUG_TREATMENT = "drug_treatment"
    ALCOHOL = "alcohol"
    MENTAL_HEALTH = "mental_health"
    GAMBLING = "gambling"
    HOUSING = "housing"
    DOMESTIC_ABUSE = "domestic_abuse"
    EXPLOITATION = "exploitation"
    SAFEGUARDING = "safeguarding"
    EMPLOYMENT = "employment"
    DEBT = "debt"


class NeedAction(StrEnum):
    ADVICE = "advice"
    SIGNPOSTED = "signposted"
    REFERRED = "referred"


class OnwardReferralStatus(StrEnum):
    NONE = "none"
    MADE = "made"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NOT_ENGAGED = "not_engaged"


class SafeguardingType(StrEnum):
    MARAC = "marac"
    CHILDREN = "children"
    ADULT_AT_RISK = "adult_at_risk"
    EXPLOITATION = "exploitation"
    SELF_HARM = "self_harm"
    OTHER = "other"


class AllocationPath(StrEnum):
    ONE_TO_ONE = "one_to_one"
    GROUP_CANNABIS = "group_cannabis"
    GROUP_COCAINE = "group_cocaine"
    GROUP_NITROUS_OXIDE = "group_nitrous_oxide"
    GROUP_GENERAL = "group_general"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    ATTENDED = "attended"
    COMPLETED = "completed"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CourseGroupInfo:
    code: str
    name: str
    path: AllocationPath


#: The course groups of the service: the four group courses and the one-to-one "group".
COURSE_GROUPS: dict[str, CourseGroupInfo] = {
    g.code: g
    for g in (
        CourseGroupInfo("cannabis", "Cannabis awareness course", AllocationPath.GROUP_CANNABIS),
        CourseGroupInfo("cocaine", "Cocaine awareness course", AllocationPath.GROUP_COCAINE),
        CourseGroupInfo(
            "nitrous_oxide", "Nitrous oxide awareness course", AllocationPath.GROUP_NITROUS_OXIDE
        ),
        CourseGroupInfo("general", "General drug awareness course", AllocationPath.GROUP_GENERAL),
        CourseGroupInfo("one_to_one", "One-to-one session", AllocationPath.ONE_TO_ONE),
    )
}
GROUP_OF_PATH: dict[str, str] = {g.path.value: g.code for g in COURSE_GROUPS.values()}


class ReferralSource(StrEnum):
    OFFICER_APP = "officer_app"
    PHONE = "phone"
    EMAIL = "email"
    OTHER = "other"


# Self-defined ethnicity: the police 18+1 codes (2011 census categories plus "not stated").
SELF_DEFINED_ETHNICITY: dict[str, str] = {
    "W1": "White - English, Welsh, Scottish, Northern Irish or British",
    "W2": "White - Irish",
    "W3": "White - Gypsy or Irish Traveller",
    "W9": "White - any other White background",
    "M1": "Mixed - White and Black Caribbean",
    "M2": "Mixed - White and Black African",
    "M3": "Mixed - White and Asian",
    "M9": "Mixed - any other Mixed or multiple ethnic background",
    "A1": "Asian - Indian",
    "A2": "Asian - Pakistani",
    "A3": "Asian - Bangladeshi",
    "A4": "Asian - Chinese",
    "A9": "Asian - any other Asian background",
    "B1": "Black - Caribbean",
    "B2": "Black - African",
    "B9": "Black - any other Black, African or Caribbean background",
    "O2": "Other - Arab",
    "O9": "Other - any other ethnic group",
    "NS": "Not stated",
}

# Officer-observed ethnicity: the Home Office IC codes. There is no IC7 or IC8; IC9 is unknown.
OFFICER_OBSERVED_ETHNICITY: dict[str, str] = {
    "IC1": "White - North European",
    "IC2": "White - South European",
    "IC3": "Black",
    "IC4": "Asian",
    "IC5": "Chinese, Japanese or other South East Asian",
    "IC6": "Arab or North African",
    "IC9": "Unknown",
}
# Codes that were stored before the vocabulary was put right, and what they mean now.
RETIRED_IC_CODES: dict[str, str] = {"IC7": "IC9", "IC8": "IC9"}


@dataclass(frozen=True)
class Substance:
    """A substance of the catalogue, with the names people and officers use for it."""

    code: str
    label: str
    legal_class: str
    aliases: tuple[str, ...] = ()


SUBSTANCES: dict[str, Substance] = {
    s.code: s
    for s in (
        Substance(
            "cannabis",
            "Cannabis",
            "B",
            ("weed", "skunk", "marijuana", "hash", "resin", "ganja", "herbal cannabis", "thc"),
        ),
        Substance(
            "cocaine",
            "Cocaine (powder)",
            "A",
            ("coke", "charlie", "powder cocaine", "cocaine powder"),
        ),
        Substance("crack_cocaine", "Crack cocaine", "A", ("crack", "rock", "rocks")),
        Substance(
            "nitrous_oxide",
            "Nitrous oxide",
            "C",
            ("nos", "n2o", "laughing gas", "nitrous", "balloons", "hippy crack"),
        ),
        Substance("ketamine", "Ketamine", "B", ("ket", "k", "special k")),
        Substance(
            "mdma", "MDMA / ecstasy", "A", ("ecstasy", "molly", "mandy", "pills", "xtc", "e")
        ),
        Substance("amphetamine", "Amphetamine", "B", ("speed", "amphetamines", "whizz", "base")),
        Substance(
            "synthetic_cannabinoids",
            "Synthetic cannabinoids",
            "B",
            ("spice", "mamba", "synthetic cannabis"),
        ),
        Substance("heroin", "Heroin", "A", ("smack", "brown", "gear", "diamorphine")),
        Substance(
            "benzodiazepines",
            "Benzodiazepines",
            "C",
            ("benzos", "diazepam", "valium", "xanax", "alprazolam", "etizolam"),
        ),
        Substance(
            "ghb",
            "GHB/GBL",
            "B",
            ("gbl", "g", "gina", "liquid ecstasy", "ghb/gbl", "gamma hydroxybutyrate"),
        ),
        Substance(
            "mephedrone", "Mephedrone", "B", ("meow meow", "m cat", "mcat", "4 mmc", "drone")
        ),
        Substance("tramadol", "Tramadol", "C", ("trams",)),
        Substance("pregabalin", "Pregabalin", "C", ("lyrica", "pregab", "buds")),
        Substance("lsd", "LSD", "A", ("acid", "tabs", "blotter")),
        Substance(
            "magic_mushrooms",
            "Magic mushrooms (psilocybin)",
            "A",
            ("mushrooms", "shrooms", "psilocybin", "liberty caps"),
        ),
        Substance(
            "ssri",
            "SSRI antidepressants",
            "",
            ("antidepressants", "sertraline", "fluoxetine", "citalopram", "prozac"),
        ),
        Substance("other", "Other", "", ()),
    )
}

_SUBSTANCE_LOOKUP: dict[str, str] = {}
for _sub in SUBSTANCES.values():
    _SUBSTANCE_LOOKUP[_sub.code] = _sub.code
    _SUBSTANCE_LOOKUP[_sub.code.replace("_", " ")] = _sub.code
    _SUBSTANCE_LOOKUP[_sub.label.lower()] = _sub.code
    for _alias in _sub.aliases:
        _SUBSTANCE_LOOKUP[_alias] = _sub.code


def substance_code(name: str) -> str | None:
    """The catalogue code for a substance name as an officer or a person might write it."""
    key = " ".join(name.strip().lower().replace("-", " ").split())
    if key in _SUBSTANCE_LOOKUP:
        return _SUBSTANCE_LOOKUP[key]
    return _SUBSTANCE_LOOKUP.get(key.replace(" ", "_"))
