"""Shipped definitions all validate; broken ones are refused with the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from divert_tui.forms import DefinitionError, Library, default_library

GOOD = """
id = "tiny"
version = "1"
title = "Tiny"
time_frame = "Now"
source = "Tests"
licence = "None"

[option_sets]
scale = [{ points = 0, label = "No" }, { points = 1, label = "Some" }, { points = 2, label = "Lots" }]

[[items]]
id = "q1"
text = "First"
options = "scale"

[[items]]
id = "q2"
text = "Second"
options = "scale"

[[items]]
id = "q3"
text = "Third"
options = "scale"

[[skip]]
when = { item = "q1", equals = 0 }
items = ["q3"]

[[bands]]
id = "low"
label = "Low"
min = 0
max = 2

[[bands]]
id = "high"
label = "High"
min = 3
max = 6

[positive]
at_least = 3

[[flags]]
id = "worry"
label = "Worry"
when = { item = "q2", equals = 2 }

[[needs]]
domain = "housing"
level = "low"
when = { flag = "worry" }
reason = "because"
"""


def write(root: Path, text: str, name: str = "tiny", version: str = "1") -> Library:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{version}.toml").write_text(text, encoding="utf-8")
    return Library(root)


def test_every_shipped_definition_and_version_validates() -> None:
    loaded = default_library().validate_all()
    assert len(loaded) >= 17
    for inst in loaded:
        assert inst.path.startswith(f"definitions/{inst.id}/")


def test_definitions_are_package_data() -> None:
    from importlib import resources

    root = resources.files("divert_tui.forms") / "definitions"
    assert (root / "phq9" / "1.toml").is_file()


def test_the_tiny_definition_is_good(tmp_path: Path) -> None:
    inst = write(tmp_path, GOOD).load("tiny")
    assert inst.score({"q1": 0, "q2": 2}).to_dict()["flags"] == ["worry"]
    assert inst.score({"q1": 1, "q2": 1, "q3": 2}).band == "high"


BROKEN = [
    ('id = "q2"\ntext = "Second"', 'id = "q1"\ntext = "Second"', "item id 'q1' is used twice"),
    ("min = 3\nmax = 6", "min = 4\nmax = 6", "gap between low (ends 2) and high (starts 4)"),
    ("min = 3\nmax = 6", "min = 2\nmax = 6", "low (0-2) overlaps high (2-6)"),
    ("min = 3\nmax = 6", "min = 3\nmax = 5", "highest band ends at 5, but the highest possible"),
    ("min = 0\nmax = 2", "min = 1\nmax = 2", "lowest band starts at 1"),
    (
        '{ points = 1, label = "Some" }',
        '{ label = "Some" }',
        "option 2 needs whole-number 'points'",
    ),
    ('items = ["q3"]', 'items = ["q9"]', "skips unknown item 'q9'"),
    (
        'when = { item = "q1", equals = 0 }',
        'when = { item = "q7", equals = 0 }',
        "refers to unknown item 'q7'",
    ),
    (
        'when = { item = "q1", equals = 0 }\nitems = ["q3"]',
        'when = { item = "q3", equals = 0 }\nitems = ["q1"]',
        "can only skip items after",
    ),
    (
        'when = { item = "q2", equals = 2 }',
        'when = { item = "q2", equals = 5 }',
        "5 is not an answer of item q2",
    ),
    (
        'when = { item = "q2", equals = 2 }',
        'when = { item = "q2", more_than = 1 }',
        "unknown key(s) more_than",
    ),
    ('domain = "housing"', 'domain = "housin"', "domain 'housin' is not one of"),
    ('level = "low"', 'level = "urgent"', "level 'urgent' is not one of"),
    ('options = "scale"', 'options = "scales"', "option set 'scales' is not defined"),
    ("at_least = 3", "at_least = 30", "cut-off 30 is outside the score range 0-6"),
    ('source = "Tests"\n', "", "'source' must be non-empty text"),
    ('version = "1"', 'version = "one"', "version 'one' must look like"),
    ('[[flags]]\nid = "worry"', '[[flags]]\nid = "worry"\nwhen2 = 1', "unknown key"),
    ("[positive]", "[positive\n", "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_broken_definitions_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    lib = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DefinitionError) as caught:
        lib.load("tiny")
    text = str(caught.value)
    assert text.startswith("definitions/tiny/1.toml: ")
    assert message in text


def test_file_name_must_match_version(tmp_path: Path) -> None:
    lib = write(tmp_path, GOOD, version="2")
    with pytest.raises(DefinitionError, match="version '1' does not match the file name"):
        lib.load("tiny")


def test_folder_must_match_id(tmp_path: Path) -> None:
    lib = write(tmp_path, GOOD, name="other")
    with pytest.raises(DefinitionError, match="does not match its folder"):
        lib.load("other")


def test_follow_up_to_unknown_instrument_is_refused(tmp_path: Path) -> None:
    text = (
        GOOD + '\n[[follow_up]]\ninstrument = "ghost"\nwhen = { score = "total", at_least = 3 }\n'
    )
    lib = write(tmp_path, text)
    lib.load("tiny")  # a single file cannot know; the whole library can
    with pytest.raises(DefinitionError, match="follow-up to unknown instrument 'ghost'"):
        lib.validate_all()
