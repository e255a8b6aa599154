"""The shape of the synthetic cohort: weights, places and wording, kept apart from the code.

The proportions follow the public figures of the West Midlands scheme closely enough for a
trainer to recognise the work (most referrals for cannabis, young men, a diverse city);
every name, number and place combination is made up. Phone numbers are in Ofcom's drama
range (07700 900000-900999), which is never allocated to a real line, and postcodes end in
an inward letter Royal Mail never uses (demo/fictional.py).
"""

from __future__ import annotations

from divert_tui.core.vocab import ReferralStatus as _S

# Referral statuses as stored (plain strings, as the database and the row dicts hold them).
RECEIVED, CONTACTING, ASSESSED = _S.RECEIVED.value, _S.CONTACTING.value, _S.ASSESSED.value
ALLOCATED, BOOKED, COMPLETED = _S.ALLOCATED.value, _S.BOOKED.value, _S.COMPLETED.value
NON_COMPLIANT, WITHDRAWN = _S.NON_COMPLIANT.value, _S.WITHDRAWN.value
INELIGIBLE = _S.INELIGIBLE.value

# How the referrals split across the forces of the regional scheme.
FORCE_WEIGHTS: dict[str, float] = {
    "west_midlands": 0.56,
    "west_mercia": 0.21,
    "staffordshire": 0.14,
    "warwickshire": 0.09,
}

# Prefix of the police reference ("WMP/2025/012345"), unique per force.
FORCE_PREFIX: dict[str, str] = {
    "west_midlands": "WMP",
    "west_mercia": "WMC",
    "staffordshire": "STF",
    "warwickshire": "WKS",
}

# Workers per force (each force also has one team lead).
WORKERS_PER_FORCE: dict[str, int] = {
    "west_midlands": 3,
    "west_mercia": 2,
    "staffordshire": 2,
    "warwickshire": 2,
}

# Main substance found; the rest of the catalogue shares the last few per cent.
MAIN_SUBSTANCE_WEIGHTS: dict[str, float] = {
    "cannabis": 0.82,
    "cocaine": 0.075,
    "crack_cocaine": 0.012,
    "nitrous_oxide": 0.03,
    "ketamine": 0.02,
    "mdma": 0.015,
    "amphetamine": 0.008,
    "synthetic_cannabinoids": 0.006,
    "benzodiazepines": 0.007,
    "heroin": 0.002,
    "other": 0.005,
}
SECOND_SUBSTANCE_SHARE = 0.08
# What else is found alongside a main substance, when something is.
SECOND_SUBSTANCE: dict[str, tuple[str, ...]] = {
    "cannabis": ("cocaine", "cocaine", "mdma", "ketamine", "nitrous_oxide", "benzodiazepines"),
    "cocaine": ("cannabis", "cannabis", "mdma", "ketamine"),
    "crack_cocaine": ("heroin", "cannabis"),
    "nitrous_oxide": ("cannabis",),
    "ketamine": ("cocaine", "mdma", "cannabis"),
    "mdma": ("ketamine", "cocaine", "cannabis"),
    "amphetamine": ("cannabis",),
    "synthetic_cannabinoids": ("cannabis",),
    "benzodiazepines": ("cannabis",),
    "heroin": ("crack_cocaine",),
    "other": ("cannabis",),
}

SEX_WEIGHTS: dict[str, float] = {"male": 0.85, "female": 0.13, "other": 0.01, "not_stated": 0.01}

# Age bands (inclusive) on the referral date: most people referred are 18 to 30.
AGE_BANDS: dict[tuple[int, int], float] = {
    (18, 21): 0.28,
    (22, 25): 0.24,
    (26, 30): 0.18,
    (31, 40): 0.18,
    (41, 50): 0.08,
    (51, 60): 0.04,
}

# Self-defined ethnicity (18+1) of people referred, roughly a West Midlands spread; with the
# IC codes an officer would most likely record for each.
ETHNICITY_WEIGHTS: dict[str, float] = {
    "W1": 0.56,
    "W2": 0.01,
    "W3": 0.005,
    "W9": 0.035,
    "M1": 0.04,
    "M2": 0.005,
    "M3": 0.01,
    "M9": 0.01,
    "A1": 0.04,
    "A2": 0.08,
    "A3": 0.02,
    "A4": 0.003,
    "A9": 0.015,
    "B1": 0.04,
    "B2": 0.03,
    "B9": 0.015,
    "O2": 0.005,
    "O9": 0.012,
    "NS": 0.05,
}
IC_FOR_ETHNICITY: dict[str, tuple[str, ...]] = {
    "W1": ("IC1",),
    "W2": ("IC1",),
    "W3": ("IC1",),
    "W9": ("IC1", "IC1", "IC2"),
    "M1": ("IC3", "IC3", "IC1"),
    "M2": ("IC3", "IC3", "IC1"),
    "M3": ("IC1", "IC4"),
    "M9": ("IC1", "IC3", "IC4", "IC9"),
    "A1": ("IC4",),
    "A2": ("IC4",),
    "A3": ("IC4",),
    "A4": ("IC5",),
    "A9": ("IC4", "IC4", "IC5"),
    "B1": ("IC3",),
    "B2": ("IC3",),
    "B9": ("IC3",),
    "O2": ("IC6",),
    "O9": ("IC6", "IC4", "IC9"),
    "NS": ("IC1", "IC1", "IC3", "IC4", "IC9"),
}
IC_NOT_RECORDED_SHARE = 0.04

# First names by background, used beside faker's en_GB lists so the cohort looks like the
# region and not only like a 1970s register.
MODERN_MALE = (
    "Jack", "Harry", "Charlie", "Kai", "Tyler", "Callum", "Connor", "Kieran", "Jordan", "Reece",
    "Liam", "Ryan", "Lewis", "Josh", "Bradley", "Jake", "Ethan", "Mason", "Alfie", "Jayden",
    "Brandon", "Dylan", "Nathan", "Aaron", "Luke", "Owen", "Ben", "Sam", "Tom", "Declan",
)  # fmt: skip
MODERN_FEMALE = (
    "Chloe", "Jade", "Courtney", "Megan", "Ellie", "Amber", "Paige", "Shannon", "Leah", "Holly",
    "Jess", "Lauren", "Abbie", "Demi", "Kayleigh", "Sophie", "Mia", "Keira", "Tia", "Georgia",
)  # fmt: skip
SOUTH_ASIAN_MALE = (
    "Mohammed", "Imran", "Bilal", "Adnan", "Hamza", "Usman", "Zain", "Amir", "Arjun", "Rohan",
    "Harpreet", "Gurpreet", "Jaspal", "Kamran", "Shahid", "Rizwan", "Sunny", "Vikram", "Aqib",
    "Tariq", "Faisal", "Rahul", "Abdul", "Ibrahim", "Yasir",
)  # fmt: skip
SOUTH_ASIAN_FEMALE = (
    "Aisha", "Sana", "Zara", "Amira", "Priya", "Simran", "Nadia", "Hina", "Jasmin", "Farah",
)  # fmt: skip
SOUTH_ASIAN_LAST = (
    "Khan", "Hussain", "Ahmed", "Ali", "Iqbal", "Akhtar", "Mahmood", "Rashid", "Hussein", "Shah",
    "Patel", "Sharma", "Singh", "Kaur", "Sandhu", "Gill", "Dhillon", "Bains", "Chohan", "Rahman",
    "Miah", "Uddin", "Islam", "Chowdhury", "Malik", "Butt", "Mirza", "Sidhu",
)  # fmt: skip
BLACK_MALE = (
    "Marcus", "Jermaine", "Tyrone", "Andre", "Kofi", "Kwame", "Emeka", "Chidi", "Tunde", "Daniel",
    "Isaac", "Samuel", "Joshua", "Malachi", "Kyle", "Dwayne", "Jamal", "Femi", "Abdi", "Yusuf",
)  # fmt: skip
BLACK_FEMALE = (
    "Shanice", "Jada", "Tanisha", "Abena", "Chioma", "Ngozi", "Keisha", "Aaliyah", "Blessing",
)  # fmt: skip
BLACK_LAST = (
    "Campbell", "Brown", "Williams", "Clarke", "Francis", "Grant", "Reid", "Thomas", "Bailey",
    "Okafor", "Adeyemi", "Mensah", "Osei", "Okoro", "Asante", "Mohamed", "Abdi", "Hassan",
    "Johnson", "Edwards", "Henry", "Lewis", "Walker", "Morgan",
)  # fmt: skip
EAST_ASIAN_MALE = ("Wei", "Jun", "Ming", "Hao", "Kevin", "Jason", "Tuan", "Minh")
EAST_ASIAN_FEMALE = ("Mei", "Li", "Lin", "Anh", "Grace")
EAST_ASIAN_LAST = ("Chen", "Wong", "Li", "Zhang", "Liu", "Nguyen", "Tran", "Lam")
EUROPEAN_MALE = ("Jakub", "Piotr", "Kacper", "Andrei", "Ionut", "Marius", "Tomas", "Lukas")
EUROPEAN_FEMALE = ("Alicja", "Natalia", "Ioana", "Elena", "Zuzana")
EUROPEAN_LAST = (
    "Kowalski", "Nowak", "Wisniewski", "Popescu", "Ionescu", "Horvath", "Novak", "Kaminski",
)  # fmt: skip
ARAB_MALE = ("Omar", "Ahmad", "Karim", "Hassan", "Khalid", "Said")
ARAB_FEMALE = ("Layla", "Mariam", "Noor", "Yasmin")
ARAB_LAST = ("Al-Sayed", "Haddad", "Mansour", "Nasser", "Saleh", "Darwish")

# Which name lists a self-defined ethnicity draws from (None: faker's en_GB lists).
NAME_FAMILY: dict[str, str | None] = {
    "A1": "south_asian",
    "A2": "south_asian",
    "A3": "south_asian",
    "A9": "south_asian",
    "A4": "east_asian",
    "B1": "black",
    "B2": "black",
    "B9": "black",
    "M1": "black_mixed",
    "M2": "black_mixed",
    "W9": "european",
    "O2": "arab",
}

INTERPRETER_SHARE = 0.02
INTERPRETER_LANGUAGES = ("Polish", "Romanian", "Urdu", "Punjabi", "Arabic", "Kurdish", "Tigrinya")

# Postcode districts by force area: (area letters, district numbers).
POSTCODE_DISTRICTS: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = {
    "west_midlands": (
        ("B", tuple(range(1, 49))),
        ("B", tuple(range(62, 77))),
        ("B", tuple(range(90, 95))),
        ("CV", tuple(range(1, 8))),
        ("WS", tuple(range(1, 11))),
        ("WV", tuple(range(1, 15))),
        ("DY", tuple(range(1, 10))),
    ),
    "west_mercia": (
        ("WR", tuple(range(1, 16))),
        ("HR", tuple(range(1, 10))),
        ("DY", tuple(range(10, 15))),
        ("TF", tuple(range(1, 14))),
        ("SY", tuple(range(1, 14))),
    ),
    "staffordshire": (
        ("ST", tuple(range(1, 22))),
        ("WS", tuple(range(11, 16))),
        ("DE", (13, 14)),
        ("B", (77, 78, 79)),
    ),
    "warwickshire": (
        ("CV", (8, 9, 10, 11, 12, 13, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37)),
        ("B", (49, 50, 80)),
    ),
}

TOWNS: dict[str, tuple[str, ...]] = {
    "west_midlands": (
        "Birmingham", "Birmingham", "Birmingham", "Digbeth", "Handsworth", "Small Heath",
        "Erdington", "Selly Oak", "Northfield", "Sparkhill", "Sutton Coldfield", "Solihull",
        "Coventry", "Coventry", "Wolverhampton", "Wolverhampton", "Walsall", "West Bromwich",
        "Dudley", "Stourbridge", "Smethwick", "Halesowen",
    ),
    "west_mercia": (
        "Worcester", "Hereford", "Shrewsbury", "Telford", "Telford", "Kidderminster", "Redditch",
        "Bromsgrove", "Ludlow", "Evesham", "Malvern", "Oswestry",
    ),
    "staffordshire": (
        "Stoke-on-Trent", "Hanley", "Newcastle-under-Lyme", "Stafford", "Burton upon Trent",
        "Tamworth", "Lichfield", "Cannock", "Leek",
    ),
    "warwickshire": (
        "Nuneaton", "Rugby", "Leamington Spa", "Warwick", "Stratford-upon-Avon", "Bedworth",
        "Kenilworth", "Atherstone",
    ),
}  # fmt: skip
COMMON_STREETS = (
    "High Street", "Station Road", "Church Street", "Park Road", "Victoria Road", "Green Lane",
    "Mill Lane", "New Road", "King Street", "Queen Street", "London Road", "Broad Street",
    "Market Street", "Bridge Street", "Corporation Street", "Stratford Road", "Soho Road",
)  # fmt: skip
STREET_TYPES = ("Road", "Street", "Lane", "Avenue", "Close", "Way", "Drive", "Grove", "Crescent")
PLACES = (
    "Bus station", "Railway station", "Town centre", "Retail park car park", "Recreation ground",
    "Outside a music venue", "Vehicle stop", "Park", "Shopping centre", "Canal towpath",
)  # fmt: skip
OFFICER_RANKS = ("PC", "PC", "PC", "PC", "PCSO", "DC", "Sgt")

SOURCE_WEIGHTS: dict[str, float] = {"officer_app": 0.86, "phone": 0.08, "email": 0.06}

FEED_NOTES = (
    "Found in possession of a small amount for personal use; co-operative.",
    "Stop and search in a vehicle; small quantity found in the glove box.",
    "Smelt of cannabis; small bag found on search. Accepted the offer of diversion.",
    "Found during a search at a venue; says it was for personal use only.",
    "Calm and polite; asked about support for their use.",
    "Admitted possession at the scene; no other offences.",
)

# Terminal outcome of a referral's life, when it has had time to end.
OUTCOME_WEIGHTS: dict[str, float] = {
    "completed": 0.58,
    "non_compliant": 0.16,
    "withdrawn": 0.15,
    "ineligible": 0.11,
}
# Re-referral: the service's figure is "under 5%" of referrals being of someone referred
# before (the report's re_referral_rate); these give about 2.5% over the two years and a
# little more over the last twelve months (people come back once their first has closed).
REPEAT_SHARE = 0.015
BARRED_REPEAT_SHARE = 0.08  # of ineligible referrals, when a barred person is available
OVERRIDE_SHARE = 0.002  # of other referrals: a barred person whose bar a team lead set aside
BAR_OVERRIDE_REASONS = (
    "the earlier log was for missed sessions during a hospital stay (letter seen)",
    "police asked for diversion again: the earlier referral was a misidentification",
    "vulnerable young person; the police and the team agree diversion is better",
)
ONE_TO_ONE_SHARE = 0.12  # suggested by the rules; a few more are chosen by the worker
ONE_TO_ONE_OVERRIDE_SHARE = 0.03
UNASSIGNED_RECENT_SHARE = 0.5  # of referrals from the last three days still in the queue

INELIGIBLE_REASONS = (
    "outside the scheme's rules: the officer suspects supply, so the police will deal with it",
    "outside the scheme area: the person lives and is supported outside the region",
    "outside the scheme's rules: already subject to a drug rehabilitation requirement",
    "outside the scheme's rules: referred for an offence other than possession",
)
WITHDRAWN_REASONS = (
    "police withdrew the referral: charged for another offence",
    "police withdrew the referral: wrong person recorded",
    "moved out of the area",
    "already in structured treatment with the local service",
    "in custody on another matter",
    "police withdrew the referral: evidential review",
)
ONE_TO_ONE_REASONS = (
    "dependent use: SDS positive for the main substance",
    "AUDIT score of 20 or more",
    "safeguarding: domestic abuse disclosed, Dash high risk",
    "safeguarding: PHQ-9 item 9 above 0",
    "safeguarding: exploitation disclosed",
    "safeguarding referral made for a child in the household",
)
OVERRIDE_REASONS = (
    "works nights and cannot attend any group time",
    "severe social anxiety: would not attend a group",
    "needs an interpreter for the session",
    "caring responsibilities at every group time",
)
ATTEMPT_NOTES: dict[str, tuple[str, ...]] = {
    "answered": ("spoke to the person", "identity confirmed before going on"),
    "no_answer": ("rang out", "no answer, no voicemail set up"),
    "voicemail": ("left a voicemail with the callback number", "voicemail, text sent as well"),
    "wrong_number": ("number not recognised by the person answering",),
    "declined": ("person declined the service on the phone",),
}
CALL_BACK_REASONS = (
    "not a good time: at work, asked to be called back",
    "not safe to talk: someone else in the room",
    "on the bus; asked for a call later",
)
NOTES_ASSESSED = (
    "Assessment completed; harm reduction advice given and ticked.",
    "Assessment completed over the phone; no safeguarding concerns identified.",
    "Assessment completed; advised about mixing substances and alcohol.",
)
NOTES_BOOKED = (
    "Course link and joining instructions sent by text.",
    "Booked onto the next group; reminder text scheduled for the day before.",
)
NOTES_COMPLETED = (
    "Attended the whole session and took part; outcome sent to the police.",
    "Completed the course; feedback form returned.",
)
NOTES_DNA = (
    "Did not attend the session; tried to call afterwards.",
    "Did not join the session link; voicemail left.",
)
NOTES_QUEUE = (
    "Prefers calls after 4pm (from the officer's notes).",
    "Officer notes the person asked for help with their use.",
)

# Weekly session slots of each group, UK local time: (weekday 0=Monday, hour, minute).
GROUP_SLOTS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "cannabis": ((1, 18, 0), (3, 10, 0), (5, 10, 0), (0, 18, 0), (2, 13, 0), (4, 14, 0)),
    "cocaine": ((2, 18, 0), (4, 10, 0), (0, 13, 0), (3, 18, 0)),
    "nitrous_oxide": ((0, 16, 0), (3, 16, 0), (5, 13, 0)),
    "general": ((3, 18, 0), (1, 10, 0), (5, 15, 0)),
}
GROUP_NAMES: dict[str, str] = {
    "cannabis": "Cannabis awareness course",
    "cocaine": "Cocaine awareness course",
    "nitrous_oxide": "Nitrous oxide awareness course",
    "general": "General drug awareness course",
    "one_to_one": "One-to-one session",
}
GROUP_PATH: dict[str, str] = {
    "cannabis": "group_cannabis",
    "cocaine": "group_cocaine",
    "nitrous_oxide": "group_nitrous_oxide",
    "general": "group_general",
    "one_to_one": "one_to_one",
}
SESSION_CAPACITY = 12
SESSION_MINUTES = 150
ONE_TO_ONE_MINUTES = 60
MEETING_LINK = "https://meet.example.org/divert/{code}-{id}"


def group_for(main_substance: str) -> str:
    """The group course a substance leads to (DESIGN section 4: crack goes with cocaine)."""
    if main_substance in ("cannabis", "nitrous_oxide"):
        return main_substance
    if main_substance in ("cocaine", "crack_cocaine"):
        return "cocaine"
    return "general"
