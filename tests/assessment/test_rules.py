"""The pure rules of the call: combinations, advice, allocation, needs and the flow."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divert_tui.core.rules import advice, allocation, combinations
from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules.needs import concerns_from, needs_from
from divert_tui.core.vocab import SUBSTANCES, AllocationPath

# The matrix of reference/instruments.md section 7.2, copied by hand (row x column).
REFERENCE = """
|**Alc**|·|LR+|UNS|CAU|CAU|n/r|DNG|CAU|DNG|DNG|DNG|DNG|n/r|CAU|LR-|LR-|
|**Can**|LR+|·|CAU|CAU|LR+|n/r|LR+|LR+|LR-|LR+|LR+|LR+|LR+|LR=|CAU|CAU|
|**Coc**|UNS|CAU|·|CAU|CAU|n/r|CAU|LR+|LR-|DNG|DNG|CAU|UNS|LR=|CAU|CAU|
|**Amp**|CAU|CAU|CAU|·|CAU|n/r|CAU|LR+|LR-|CAU|DNG|CAU|UNS|LR=|CAU|CAU|
|**MDMA**|CAU|LR+|CAU|CAU|·|DNG|LR+|LR+|LR-|LR=|DNG|CAU|UNS|LR-|LR+|LR+|
|**Meph**|n/r|n/r|n/r|n/r|DNG|·|n/r|n/r|n/r|CAU|DNG|CAU|UNS|n/r|CAU|LR+|
|**Ket**|DNG|LR+|CAU|CAU|LR+|n/r|·|LR+|CAU|DNG|DNG|DNG|CAU|LR=|LR+|LR+|
|**N2O**|CAU|LR+|LR+|LR+|LR+|n/r|LR+|·|LR-|CAU|CAU|CAU|CAU|LR=|LR+|LR+|
|**Benz**|DNG|LR-|LR-|LR-|LR-|n/r|CAU|LR-|·|DNG|DNG|DNG|n/r|LR=|LR-|LR-|
|**Opi**|DNG|LR+|DNG|CAU|LR=|CAU|DNG|CAU|DNG|·|DNG|DNG|DNG|LR=|LR=|LR=|
|**Tram**|DNG|LR+|DNG|DNG|DNG|DNG|DNG|CAU|DNG|DNG|·|DNG|UNS|DNG|UNS|UNS|
|**GHB**|DNG|LR+|CAU|CAU|CAU|CAU|DNG|CAU|DNG|DNG|DNG|·|DNG|LR=|LR-|LR-|
|**Preg**|n/r|LR+|UNS|UNS|UNS|UNS|CAU|CAU|n/r|DNG|UNS|DNG|·|n/r|CAU|LR+|
|**SSRI**|CAU|LR=|LR=|LR=|LR-|n/r|LR=|LR=|LR=|LR=|DNG|LR=|n/r|·|LR-|LR-|
|**LSD**|LR-|CAU|CAU|CAU|LR+|CAU|LR+|LR+|LR-|LR=|UNS|LR-|CAU|LR-|·|LR+|
|**Mush**|LR-|CAU|CAU|CAU|LR+|LR+|LR+|LR+|LR-|LR=|UNS|LR-|LR+|LR-|LR+|·|
"""
KEYS = [
    "alcohol",
    "cannabis",
    "cocaine",
    "amphetamines",
    "mdma",
    "mephedrone",
    "ketamine",
    "nitrous_oxide",
    "benzodiazepines",
    "opioids",
    "tramadol",
    "ghb",
    "pregabalin",
    "ssri",
    "lsd",
    "mushrooms",
]


def reference_cells() -> dict[tuple[str, str], str]:
    rows = [line.strip("|").split("|")[1:] for line in REFERENCE.strip().splitlines()]
    return {
        (KEYS[r], KEYS[c]): value
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if value != "·"
    }


def test_every_pair_of_the_reference_table_is_in_the_data() -> None:
    cells = reference_cells()
    assert len(cells) == 16 * 15
    for (a, b), status in cells.items():
        assert combinations.lookup(a, b).status.code == status, (a, b)


@given(st.sampled_from(KEYS + list(SUBSTANCES)), st.sampled_from(KEYS + list(SUBSTANCES)))
def test_lookup_is_symmetric(a: str, b: str) -> None:
    assert combinations.lookup(a, b).status == combinations.lookup(b, a).status


def test_not_rated_is_unknown_and_never_safe() -> None:
    pair = combinations.lookup("alcohol", "pregabalin")
    assert pair.unknown and pair.risky
    other = combinations.lookup("cannabis", "other")  # not in the matrix at all
    assert other.unknown and other.risky
    spice = combinations.risky_pairs(["synthetic_cannabinoids", "cannabis"])
    assert [p.status.code for p in spice] == ["n/r"]


def test_risky_pairs_add_alcohol_only_when_the_person_drinks() -> None:
    assert combinations.risky_pairs(["cocaine"]) == []
    pairs = combinations.risky_pairs(["cocaine", "cannabis"], drinks_alcohol=True)
    assert [(p.key, p.status.code) for p in pairs] == [
        ("alcohol+cocaine", "UNS"),
        ("cannabis+cocaine", "CAU"),
    ]  # cannabis + alcohol is low risk: not a warning
    assert combinations.risky_pairs(["cocaine", "crack_cocaine"]) == []  # the same drug


def test_every_catalogue_substance_and_alcohol_has_advice_with_a_source() -> None:
    assert set(SUBSTANCES) | {"alcohol"} <= advice.covered_substances()
    for item in advice.catalogue().by_id().values():
        assert item.text and item.source and item.title


@pytest.mark.parametrize(
    ("substances", "drinks", "expected"),
    [
        (["cocaine"], True, "pair.cocaine_alcohol.cocaethylene"),
        (["heroin", "benzodiazepines"], False, "pair.depressant_stacking"),
        (["nitrous_oxide"], True, "pair.nitrous_alcohol"),
        (["cannabis"], True, "pair.cannabis_alcohol.whitey"),
        (["ketamine", "other"], False, "pair.unknown"),
    ],
)
def test_pair_advice(substances, drinks, expected) -> None:
    mixing, _ = advice.for_substances(substances, drinks_alcohol=drinks)
    assert expected in [i.id for i in mixing]


def test_substance_advice_names_the_known_harms() -> None:
    _, items = advice.for_substances(["nitrous_oxide", "ketamine", "cannabis", "cocaine"])
    ids = [i.id for i in items]
    assert {
        "nitrous_oxide.b12",
        "ketamine.bladder",
        "cannabis.mental_health",
        "cocaine.heart",
    } <= set(ids)
    assert "B12" in advice.catalogue().by_id()["nitrous_oxide.b12"].text


F = allocation.AllocationFacts


@pytest.mark.parametrize(
    ("facts", "path", "reason"),
    [
        (
            F("cannabis", "cannabis", 1),
            AllocationPath.GROUP_CANNABIS,
            "Main substance cannabis: cannabis group",
        ),
        (
            F("crack_cocaine"),
            AllocationPath.GROUP_COCAINE,
            "Main substance crack cocaine: cocaine group",
        ),
        (
            F("nitrous_oxide"),
            AllocationPath.GROUP_NITROUS_OXIDE,
            "Main substance nitrous oxide: nitrous oxide group",
        ),
        (
            F("ketamine", "ketamine", 9),
            AllocationPath.GROUP_GENERAL,
            "Main substance ketamine: no group of its own, general group",
        ),
        (
            F("cocaine", "cocaine", 6),
            AllocationPath.ONE_TO_ONE,
            "SDS 6 for cocaine, cut-off 3: possible dependence",
        ),
        (
            F("amphetamine", "amphetamine", 4),
            AllocationPath.GROUP_GENERAL,
            "Main substance amphetamine: no group of its own, general group",
        ),
        (
            F("amphetamine", "amphetamine", 5),
            AllocationPath.ONE_TO_ONE,
            "SDS 5 for amphetamine, cut-off 5: possible dependence",
        ),
        (
            F("cannabis", audit_total=21),
            AllocationPath.ONE_TO_ONE,
            "AUDIT 21, 20 or more: possible alcohol dependence",
        ),
        (
            F("nitrous_oxide", dash_total=15),
            AllocationPath.ONE_TO_ONE,
            "Dash 15 'yes', 14 or more: visible high risk, Marac referral",
        ),
        (
            F("cannabis", marac_criteria=("Marac criterion 3: potential escalation",)),
            AllocationPath.ONE_TO_ONE,
            "Marac referral criterion met: Marac criterion 3: potential escalation",
        ),
        (
            F("cannabis", safeguarding_referrals=("children",)),
            AllocationPath.ONE_TO_ONE,
            "A safeguarding referral for a child",
        ),
        (
            F("cannabis", phq9_item9=1),
            AllocationPath.ONE_TO_ONE,
            "PHQ-9 question 9 answered 1 (above 0): thoughts of self-harm",
        ),
        (
            F("cannabis", exploitation=True),
            AllocationPath.ONE_TO_ONE,
            "Signs of criminal exploitation or modern slavery disclosed",
        ),
        (
            F("cocaine", groups_offered=("cannabis", "general")),
            AllocationPath.GROUP_GENERAL,
            "The cocaine group is not offered here: general group",
        ),
    ],
)
def test_allocation_path_and_reason(facts, path, reason) -> None:
    suggestion = allocation.suggest(facts)
    assert suggestion.path is path
    assert reason in suggestion.reasons


def test_every_one_to_one_reason_is_listed() -> None:
    suggestion = allocation.suggest(
        F("cocaine", "cocaine", 6, audit_total=22, dash_total=16, phq9_item9=2, exploitation=True)
    )
    assert len(suggestion.reasons) == 5


def stored(
    instrument: str, answers: dict, subject: str = "", context: dict | None = None
) -> flow.Stored:
    from divert_tui.forms import load_instrument

    inst = load_instrument(instrument)
    result = inst.score_so_far(answers, **(context or {}))
    return flow.Stored(
        instrument,
        inst.version,
        subject,
        answers,
        dict(result.context),
        (),
        result.complete,
        frozenset(result.flags),
    )


def facts(*responses: flow.Stored, **kw) -> flow.Facts:
    return flow.Facts(
        substances=kw.get("substances", ("cannabis",)),
        main_substance=kw.get("main", "cannabis"),
        responses={(r.instrument, r.subject): r for r in responses},
        marks=kw.get("marks", {}),
        self_harm_recorded=kw.get("recorded", False),
    )


def test_flow_follow_ups_come_from_the_engine() -> None:
    low = facts(stored("audit_c", {"q1": 1, "q2": 0, "q3": 0}))
    assert [f.instrument for f in flow.forms_for("alcohol", low)] == ["audit_c"]
    high = facts(stored("audit_c", {"q1": 3, "q2": 2, "q3": 1}))
    forms = flow.forms_for("alcohol", high)
    assert [f.instrument for f in forms] == ["audit_c", "audit"]
    assert forms[1].carried == {"q1": 3, "q2": 2, "q3": 1}
    assert flow.step_state("alcohol", high).due == ("audit",)
    assert flow.step_state("alcohol", high).state == "in_progress"
    mh = facts(stored("phq2", {"q1": 2, "q2": 1}), stored("gad2", {"q1": 0, "q2": 0}))
    assert [f.instrument for f in flow.forms_for("mental_health", mh)] == ["phq2", "phq9", "gad2"]


def test_flow_states_skips_flags_and_the_self_harm_block() -> None:
    f = facts(
        stored(
            "identity_check",
            {"q1": "yes", "q2": "yes", "q3": "no", "q6": "yes", "q4": "yes", "q5": "yes"},
        ),
        marks={"gambling": "skipped", "mixing": "done"},
    )
    states = {s.id: s for s in flow.states(f)}
    assert states["identity"].state == "done" and states["identity"].flagged
    assert states["gambling"].state == "skipped"
    assert states["mixing"].state == "done"
    assert states["drug_use"].state == "not_started"
    phq9 = stored("phq9", {f"q{n}": 0 for n in range(1, 9)} | {"q9": 1})
    blocked = facts(phq9)
    assert flow.self_harm_pending(blocked)
    assert flow.blocked("housing", blocked) and flow.blocked("mental_health", blocked) is None
    assert not flow.self_harm_pending(facts(phq9, recorded=True))


def test_stop_reason_when_not_safe_to_talk() -> None:
    f = facts(stored("identity_check", {"q1": "yes", "q2": "no"}))
    assert flow.stop_reason(f) == "not safe to talk now"


def test_needs_and_concerns_with_reasons() -> None:
    dash = stored("dash", {f"q{n}": ("yes" if n <= 15 else "no") for n in range(1, 25)})
    pgsi = stored("pgsi", {f"q{n}": (1 if n <= 4 else 0) for n in range(1, 10)})
    needs = {n.domain: n for n in needs_from([dash, pgsi])}
    assert needs["domestic_abuse"].level == "high"
    assert "PGSI 3-7" in needs["gambling"].reason
    (concern,) = concerns_from([dash])
    assert concern.type == "marac" and "Dash 15" in concern.detail


def test_every_combination_column_has_a_substance_and_every_substance_a_column() -> None:
    m = combinations.matrix()
    for column in m.columns:
        assert any(key == column for key in m.catalogue.values()), (
            f"column {column} has no substance"
        )
    for code in [*SUBSTANCES, "alcohol"]:
        assert (code in m.catalogue) != (code in m.unrated), (
            f"{code}: needs a column, or a place in `unrated` with the reason"
        )
    for code in m.unrated:
        assert code in SUBSTANCES


def test_ghb_is_in_the_catalogue_with_its_feed_names_and_advice() -> None:
    from divert_tui.core.vocab import substance_code

    assert [substance_code(name) for name in ("ghb", "GBL", "g", "GHB/GBL")] == ["ghb"] * 4
    dangerous = {"alcohol", "benzodiazepines", "heroin", "ketamine"}
    for other in dangerous:
        assert combinations.lookup("ghb", other).status.code == "DNG", other
    mixing, items = advice.for_substances(["ghb", "benzodiazepines"], drinks_alcohol=True)
    ids = {item.id for item in items} | {item.id for item in mixing}
    assert {"ghb.dosing", "ghb.depressants", "pair.depressant_stacking"} <= ids
    texts = " ".join(advice.catalogue().by_id()[i].text for i in ("ghb.dosing", "ghb.depressants"))
    for words in ("syringe", "alcohol", "recovery position", "999"):
        assert words in texts
