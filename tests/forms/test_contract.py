"""DESIGN section 5, the public contract of divert_tui.forms, exactly as written there."""

from __future__ import annotations

import sys

import pytest

from divert_tui.forms import list_instruments, load_instrument

SCORED = ["audit", "audit_c", "sds", "pgsi", "phq2", "phq9", "gad2", "gad7", "dash"]
MODULES = ["identity_check", "substance_use", "housing", "employment", "debt", "exploitation",
           "safeguarding"]  # fmt: skip


def test_design_example_audit_c() -> None:
    audit_c = load_instrument("audit_c")
    result = audit_c.score({"q1": 2, "q2": 2, "q3": 1})
    assert (result.total, result.band, result.positive, result.flags) == (
        5,
        "increasing_risk",
        True,
        set(),
    )
    assert isinstance(result.flags, set)


def test_design_example_sds_positive_per_substance() -> None:
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0}  # 3
    assert load_instrument("sds").score(answers, substance="cannabis").positive is True


@pytest.mark.parametrize("instrument_id", SCORED + MODULES)
def test_metadata_and_item_ids(instrument_id: str) -> None:
    inst = load_instrument(instrument_id)
    assert inst.id == instrument_id
    for field in ("version", "title", "time_frame", "source", "licence"):
        assert getattr(inst, field).strip(), field
    ids = [it.id for it in inst.items]
    assert ids == [f"q{n}" for n in range(1, len(ids) + 1)]
    for item in inst.items:
        assert item.text.strip()
        assert item.kind in ("choice", "yes_no", "yes_no_dk", "text", "number")


@pytest.mark.parametrize(
    ("instrument_id", "count"),
    [("audit", 10), ("audit_c", 3), ("sds", 5), ("pgsi", 9), ("phq2", 2), ("phq9", 10),
     ("gad2", 2), ("gad7", 7), ("dash", 24)],
)  # fmt: skip
def test_item_counts(instrument_id: str, count: int) -> None:
    assert len(load_instrument(instrument_id).items) == count


@pytest.mark.parametrize(
    ("instrument_id", "needs_permission"),
    [("dash", True), ("pgsi", True), ("audit", True), ("phq9", False), ("gad7", False)],
)
def test_licence_permission_is_said(instrument_id: str, needs_permission: bool) -> None:
    inst = load_instrument(instrument_id)
    assert inst.permission_required is needs_permission
    if needs_permission:
        assert "PERMISSION" in inst.licence.upper()


def test_list_instruments_has_everything_once() -> None:
    ids = [i.id for i in list_instruments()]
    assert len(ids) == len(set(ids))
    assert set(SCORED + MODULES) <= set(ids)
    assert all(i.kind == "scored" for i in list_instruments()[: len(SCORED)])


def test_published_option_labels() -> None:
    phq = load_instrument("phq9").item("q1")
    assert [(o.code, o.label) for o in phq.options] == [
        (0, "Not at all"),  # not "Not at all sure" (Zorowitz et al. 2021)
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    ]
    pgsi = load_instrument("pgsi").item("q1")
    assert [o.label for o in pgsi.options] == ["Never", "Sometimes", "Most of the time",
                                               "Almost always"]  # fmt: skip
    q9 = load_instrument("audit").item("q9")
    assert [o.code for o in q9.options] == [0, 2, 4]
    dash = load_instrument("dash").item("q1")
    assert [(o.code, o.points) for o in dash.options] == [("yes", 1), ("no", 0), ("dont_know", 0)]


def test_result_to_dict_is_plain_data() -> None:
    import json

    result = load_instrument("phq9").score({f"q{n}": 1 for n in range(1, 10)} | {"q10": "very"})
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["instrument"] == "phq9" and data["version"] == result.version
    assert data["total"] == 9 and data["band"] == "mild" and data["flags"] == ["self_harm_risk"]
    assert data["answers"]["q9"] == 1


def test_forms_never_import_textual() -> None:
    import subprocess

    code = (
        "import sys, divert_tui.forms, divert_tui.forms.session\n"
        "from divert_tui.forms import list_instruments\n"
        "[i.score_so_far({}) for i in list_instruments()]\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
