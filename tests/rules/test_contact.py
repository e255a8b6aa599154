"""The contact policy: when to propose closing as non-compliant, and why."""

from __future__ import annotations

from datetime import datetime, timedelta

from divert_tui.core.rules.contact import AttemptFact, assess_contact

START = datetime(2026, 3, 2, 10, 0)


def attempts(*pairs):
    return [AttemptFact(START + timedelta(days=d), outcome) for d, outcome in pairs]


def test_three_unanswered_over_ten_days_is_exhausted(schemes):
    verdict = assess_contact(
        attempts((0, "no_answer"), (4, "voicemail"), (10, "no_answer")), schemes["west_midlands"]
    )
    assert verdict.propose_non_compliant and not verdict.declined
    assert verdict.unanswered == 3
    assert verdict.reason == (
        "3 attempts without an answer between 2 Mar 2026 and 12 Mar 2026 "
        "(West Midlands scheme: 3 attempts over at least 10 days)"
    )


def test_three_attempts_too_close_together_are_not_enough(schemes):
    verdict = assess_contact(
        attempts((0, "no_answer"), (1, "no_answer"), (2, "wrong_number")), schemes["west_midlands"]
    )
    assert not verdict.propose_non_compliant
    assert "an attempt on or after 12 Mar 2026" in verdict.reason


def test_two_attempts_over_ten_days_are_not_enough(schemes):
    verdict = assess_contact(
        attempts((0, "no_answer"), (10, "no_answer")), schemes["west_midlands"]
    )
    assert not verdict.propose_non_compliant
    assert "1 more attempt(s)" in verdict.reason


def test_an_answer_resets_the_count(schemes):
    verdict = assess_contact(
        attempts(
            (0, "no_answer"),
            (4, "answered"),
            (5, "no_answer"),
            (10, "no_answer"),
            (12, "no_answer"),
        ),
        schemes["west_midlands"],
    )
    assert not verdict.propose_non_compliant and verdict.unanswered == 3


def test_declining_proposes_non_compliance_at_once(schemes):
    verdict = assess_contact(attempts((0, "declined")), schemes["west_midlands"])
    assert verdict.propose_non_compliant and verdict.declined
    assert verdict.reason == "the person declined on 2 Mar 2026"


def test_no_attempts(schemes):
    verdict = assess_contact([], schemes["west_midlands"])
    assert not verdict.propose_non_compliant and verdict.reason.startswith(
        "no contact attempts yet"
    )


def test_order_of_input_does_not_matter(schemes):
    pairs = [(10, "no_answer"), (0, "no_answer"), (4, "voicemail")]
    assert assess_contact(attempts(*pairs), schemes["west_midlands"]).propose_non_compliant
