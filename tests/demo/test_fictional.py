"""The demo's contact details cannot belong to anyone (pure checks, no database)."""

from __future__ import annotations

from random import Random

import pytest

from divert_tui.core.feed_fields import clean_phone, clean_postcode
from divert_tui.demo.fictional import fictional_postcode, is_drama_phone, is_fictional_postcode


@pytest.mark.parametrize("text", ["B23 9ZC", "b23 9zc", "WS10 8JK", "CV1 4MA", "B5  4TO", "DY14VV"])
def test_inward_code_with_a_never_used_letter_is_fictional(text: str) -> None:
    assert is_fictional_postcode(text)


@pytest.mark.parametrize(
    "text", ["B23 6QT", "CV1 4FR", "B15 2TT", "GIR 0AA", "", "B23", "B23 9Z", "12 3AB"]
)
def test_possible_real_or_malformed_postcodes_are_not_fictional(text: str) -> None:
    assert not is_fictional_postcode(text)


@pytest.mark.parametrize(
    "text", ["+447700900000", "+447700900999", "07700 900123", "+44 7700 900101"]
)
def test_drama_range_numbers(text: str) -> None:
    assert is_drama_phone(text)


@pytest.mark.parametrize(
    "text", ["+447700901000", "+447700800123", "+447911123456", "+4477009001234", "07700 90012", ""]
)
def test_numbers_outside_the_drama_range(text: str) -> None:
    assert not is_drama_phone(text)


def test_generated_postcodes_are_fictional_and_accepted_by_the_app() -> None:
    rng = Random(7)
    made = [fictional_postcode(rng) for _ in range(300)] + [
        fictional_postcode(i) for i in range(1500)
    ]
    for code in made:
        assert is_fictional_postcode(code), code
        assert clean_postcode(code) == code
    assert len({fictional_postcode(i) for i in range(1200)}) == 1200


def test_index_is_stable_and_outward_is_kept() -> None:
    assert fictional_postcode(42) == fictional_postcode(42)
    assert fictional_postcode(Random(3), outward="ws10").startswith("WS10 ")
    assert fictional_postcode(5, outward="B23").startswith("B23 ")


def test_drama_numbers_pass_the_apps_phone_check() -> None:
    assert clean_phone("07700 900101") == "+447700900101"


def test_every_shipped_scenario_uses_contact_details_that_cannot_be_real() -> None:
    from divert_tui.demo.scenario_book import all_scenarios

    for case in all_scenarios():
        assert is_fictional_postcode(case.postcode), case.file
        assert is_drama_phone(case.phone), case.file
