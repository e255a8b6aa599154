"""The referral's life: allowed moves and the words for refused ones."""

from __future__ import annotations

import pytest

from divert_tui.core.rules.lifecycle import MOVES, allowed_targets, check_move
from divert_tui.core.vocab import ReferralStatus as S


def test_the_main_path_with_its_facts():
    assert check_move("received", "contacting") is None
    assert check_move("contacting", "assessed", assessment_completed=True) is None
    assert check_move("assessed", "allocated", allocation_chosen=True) is None
    assert check_move("allocated", "booked", has_booking=True) is None
    assert check_move("booked", "completed", course_completed=True) is None


@pytest.mark.parametrize(
    ("current", "target", "words"),
    [
        ("contacting", "assessed", "the assessment is not completed"),
        ("assessed", "allocated", "no course or one-to-one has been chosen"),
        ("allocated", "booked", "there is no booking on a session"),
        ("booked", "completed", "not recorded as completed"),
        ("contacting", "non_compliant", "the contact policy is not exhausted"),
        ("received", "withdrawn", "say why the referral is withdrawn"),
        ("received", "ineligible", "no bar or scheme rule"),
        ("received", "completed", "a received referral cannot become completed"),
        ("completed", "received", "it can become: nothing (it is closed)"),
        ("contacting", "contacting", "already contacting"),
    ],
)
def test_refusals_say_why(current, target, words):
    refused = check_move(current, target)
    assert refused is not None and words in refused


def test_non_compliance_needs_a_reason_in_facts():
    assert check_move("contacting", "non_compliant", contact_policy_exhausted=True) is None
    assert check_move("contacting", "non_compliant", declined=True) is None
    assert check_move("booked", "non_compliant", missed_sessions=True) is None
    assert check_move("received", "non_compliant", declined=True) is not None


def test_override_of_a_bar_is_for_team_leads_with_a_reason():
    assert check_move("ineligible", "received", actor_role="worker", reason="x") == (
        "only a team lead can override a bar"
    )
    assert check_move("ineligible", "received", actor_role="team_lead") == (
        "a team lead override needs a recorded reason"
    )
    assert check_move("ineligible", "received", actor_role="team_lead", reason="error") is None


def test_ineligible_at_intake_and_not_worked():
    assert check_move("received", "ineligible", eligible=False) is None
    assert check_move("received", "contacting", eligible=False) is not None


def test_closed_states_are_final():
    for closed in (S.COMPLETED, S.NON_COMPLIANT, S.WITHDRAWN):
        assert allowed_targets(closed) == frozenset()


def test_every_status_has_its_moves_and_unknown_facts_fail():
    assert set(MOVES) == set(S)
    with pytest.raises(TypeError):
        check_move("received", "contacting", colour="blue")
    with pytest.raises(ValueError):
        check_move("received", "sideways")
