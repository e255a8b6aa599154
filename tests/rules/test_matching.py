"""Matching a referral's person to people already known: hard cases of real names."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divert_tui.core.rules.matching import (
    Candidate,
    MatchKind,
    best_match,
    compare,
    find_matches,
    normalise_name,
)

DOB = date(1999, 2, 1)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O'Brien", "obrien"),
        ("O’Brien", "O'BRIEN"),
        ("Smith-Jones", "smith jones"),
        ("  Smith   Jones ", "SmithJones"),
        ("Zoë", "zoe"),
        ("José", "JOSE"),
        ("Łukasz", "lukasz"),
        ("Weiß", "weiss"),
        ("Mc Donald", "McDonald"),
    ],
)
def test_normalised_names_agree(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_different_names_differ():
    assert normalise_name("Jon") != normalise_name("John")


@pytest.mark.parametrize(
    ("first", "last"),
    [("jo", "o'brien"), ("JO", "OBRIEN"), ("Jo ", "O Brien"), ("Jó", "O-Brien")],
)
def test_exact_match_forgives_typing(first, last):
    known = Candidate(7, "Jo", "O'Brien", DOB)
    match = compare(first, last, DOB, known)
    assert match is not None and match.kind is MatchKind.EXACT and match.person_id == 7


def test_swapped_names_are_only_possible():
    known = Candidate(7, "Jo", "Bloggs", DOB)
    match = compare("Bloggs", "Jo", DOB, known)
    assert match is not None
    assert match.kind is MatchKind.POSSIBLE
    assert "swapped" in match.reason


def test_short_first_name_is_possible():
    match = compare("Jon", "Smith", DOB, Candidate(3, "Jonathan", "Smith", DOB))
    assert match is not None and match.kind is MatchKind.POSSIBLE


def test_day_month_swapped_birth_date_is_possible():
    match = compare("Jo", "Bloggs", date(1999, 1, 2), Candidate(3, "Jo", "Bloggs", DOB))
    assert match is not None and match.kind is MatchKind.POSSIBLE


def test_different_birth_date_is_no_match():
    assert compare("Jo", "Bloggs", date(1999, 2, 2), Candidate(3, "Jo", "Bloggs", DOB)) is None


def test_different_person_same_birthday():
    assert compare("Amir", "Khan", DOB, Candidate(3, "Jo", "Bloggs", DOB)) is None


def test_exact_wins_over_possible_and_oldest_first():
    people = [
        Candidate(9, "Bloggs", "Jo", DOB),
        Candidate(5, "Jo", "Bloggs", DOB),
        Candidate(2, "jo", "bloggs", DOB),
    ]
    found = find_matches("Jo", "Bloggs", DOB, people)
    assert [(m.person_id, m.kind) for m in found] == [
        (2, MatchKind.EXACT),
        (5, MatchKind.EXACT),
        (9, MatchKind.POSSIBLE),
    ]
    assert best_match("Jo", "Bloggs", DOB, people).person_id == 2


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé' -", min_size=1, max_size=20).filter(
    lambda s: normalise_name(s)
)


@given(names, names)
def test_case_and_spacing_never_change_the_match(first, last):
    known = Candidate(1, first, last, DOB)
    match = compare(f"  {first.upper()} ", last.title(), DOB, known)
    assert match is not None and match.kind is MatchKind.EXACT


@given(names, names)
def test_matching_is_never_exact_across_birth_dates(first, last):
    known = Candidate(1, first, last, DOB)
    match = compare(first, last, date(1999, 3, 1), known)
    assert match is None or match.kind is MatchKind.POSSIBLE
