"""Generated feed files and generated form answers (issue 13 item 7): they end in a result
or in the house's own refusal (ValidationError and the service errors), never in any other
exception, and a refusal leaves every table as it was. Hostile files written by hand are in
tests/feed/test_hostile_input.py; these are generated."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from divert_tui.core.database import Database
from divert_tui.core.feed import FEED_FIELDS, REQUIRED_FIELDS
from divert_tui.core.models import metadata
from divert_tui.core.services import assessment
from divert_tui.core.services.base import Actor, ServiceError
from divert_tui.core.services.intake import ImportSummary, import_feed
from divert_tui.forms import list_instruments
from tests.faults import helpers as h

TODAY = date(2026, 11, 29)
QUICK = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples every run: CI failures can be replayed
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


# --- feed files ---------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "=1+1", "+44", "-", "@x", "\t", "\r", "\u200b", "NULL", "0"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
)
GOOD: dict[str, list[str]] = {
    "force": ["west_midlands", "west_mercia", "warwickshire", "staffordshire"],
    "referred_at": ["2026-03-02T09:00", "02/03/2026 09:00"],
    "offence_date": ["2026-03-02", "1/3/2026"],
    "first_name": ["Jo", "Zoë", "O'Neil", "Anne-Marie"],
    "last_name": ["Bloggs", "Smith", "Ng"],
    "date_of_birth": ["1999-02-01", "01/02/1999", "2004-12-31"],
    "sex": ["female", "male", ""],
    "self_defined_ethnicity": ["W1", "B2", "NS", ""],
    "officer_observed_ethnicity": ["IC1", "IC9", ""],
    "phone": ["07700 900123", "07700900125"],
    "postcode": ["B15 2TT", "CV1 1AA", ""],
    "substances": ["cannabis", "cocaine;ketamine", "nitrous_oxide"],
    "officer": ["PC 1", ""],
    "location": ["Broad Street", ""],
    "notes": ["", "found in car", "=HYPERLINK()"],
}
BAD: dict[str, list[str]] = {
    "force": ["nowhere", "West Midlands", ""],
    "referred_at": ["2026-13-40", "2030-01-01", "yesterday", ""],
    "offence_date": ["31/02/2026", "2031-01-01", ""],
    "date_of_birth": ["2020-01-01", "1890-01-01", "01/13/1999"],
    "self_defined_ethnicity": ["Z9"],
    "officer_observed_ethnicity": ["IC7"],
    "phone": ["12", "", "phone me"],
    "postcode": ["nowhere"],
    "substances": ["tea", "", "cannabis;;tea"],
    "sex": ["other"],
}


def field_value(column: str) -> st.SearchStrategy[str]:
    """Mostly good values, some known-bad ones, a few anything-at-all."""
    if column == "police_reference":
        good = st.from_regex(r"WM/2026/[0-9]{1,3}", fullmatch=True)
    else:
        good = st.sampled_from(GOOD.get(column, ["x"]))
    bad = st.sampled_from(BAD.get(column, [""]))
    return st.integers(0, 99).flatmap(lambda n: good if n < 94 else (bad if n < 98 else HOSTILE))


VALUE = st.one_of(
    st.none(), st.integers(), st.floats(), st.booleans(), st.lists(st.integers(), max_size=2)
)


@st.composite
def feed_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    columns = [c for c in FEED_FIELDS if c in REQUIRED_FIELDS or draw(st.booleans())]
    if draw(st.integers(0, 9)) == 0:
        columns.remove(draw(st.sampled_from(columns)))  # a column missing now and then
    if draw(st.integers(0, 9)) == 0:
        columns.append(draw(st.sampled_from(["extra", "Force", "police_reference"])))
    rows = []
    for _ in range(draw(st.integers(0, 4)) or draw(st.integers(0, 4))):
        rows.append({column: draw(field_value(column)) for column in columns})
    return rows


@st.composite
def feed_files(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["csv", "csv", "json", "json", "json_typed", "bytes"]))
    if kind == "bytes":
        return draw(st.sampled_from(["feed.csv", "feed.json"])), draw(st.binary(max_size=300))
    rows = draw(feed_rows())
    if kind == "csv":
        out = io.StringIO()
        columns = list(dict.fromkeys(c for r in rows for c in r)) or list(REQUIRED_FIELDS)
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[r.get(c, "") for c in columns] for r in rows])
        encoding = draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "utf-16"]))
        return "feed.csv", out.getvalue().encode(encoding, errors="replace")
    if kind == "json_typed":  # values of every JSON type, not only strings
        for r in rows:
            for column in list(r):
                if draw(st.integers(0, 3)) == 0:
                    r[column] = draw(VALUE)
    return "feed.json", json.dumps(rows, allow_nan=True).encode()


def test_generated_feed_files_import_whole_or_not_at_all(db, admin, schemes, tmp_path: Path):
    examples = iter(range(10**6))

    @QUICK
    @given(file=feed_files(), skip_invalid=st.booleans())
    def run(file: tuple[str, bytes], skip_invalid: bool) -> None:
        path = tmp_path / file[0]
        # References new to each example, so that good rows import rather than repeat.
        path.write_bytes(file[1].replace(b"WM/2026/", f"WM/{next(examples)}/".encode()))
        before = counts(db)
        try:
            summary = import_feed(db, admin, path, schemes, skip_invalid=skip_invalid, today=TODAY)
        except ServiceError:
            assert counts(db) == before  # refused: nothing at all was written
            return
        assert isinstance(summary, ImportSummary)
        after = counts(db)
        assert after["referral"] == before["referral"] + summary.imported
        assert after["audit_event"] > before["audit_event"]
        again = import_feed(db, admin, path, schemes, skip_invalid=skip_invalid, today=TODAY)
        assert again.imported == 0  # the same file twice adds nothing
        assert counts(db)["referral"] == after["referral"]

    run()


# --- form answers -------------------------------------------------------------------------

INSTRUMENTS = {inst.id: inst for inst in list_instruments()}
ANSWER = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["yes", "no", "dont_know", 0, 1, 2, 3, 4, "1", "", " "]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


# The forms a call past the identity check asks (the referral's substance is cannabis).
ASKED = [
    ("substance_use", "cannabis"), ("sds", "cannabis"), ("audit_c", ""), ("pgsi", ""),
    ("phq2", ""), ("gad2", ""), ("domestic_abuse_enquiry", ""), ("housing", ""),
    ("exploitation", ""), ("safeguarding", ""), ("employment", ""), ("debt", ""),
]  # fmt: skip


@st.composite
def answers(draw: st.DrawFn) -> tuple[str, str, str, Any]:
    if draw(st.integers(0, 9)) < 8:
        instrument, subject = draw(st.sampled_from(ASKED))
    else:
        instrument = draw(st.sampled_from(sorted(INSTRUMENTS) + ["no_such_form"]))
        subject = draw(st.sampled_from(["", "cannabis", "cocaine", "tea"]))
    inst = INSTRUMENTS.get(instrument)
    items = [item.id for item in inst.items] if inst else []
    known = items and draw(st.integers(0, 4)) < 4
    item = draw(st.sampled_from(items)) if known else draw(st.text(max_size=8))
    if inst is not None and items and item in items:
        spec = next(i for i in inst.items if i.id == item)
        choices = [o.code for o in spec.options]
        if choices and draw(st.integers(0, 3)) < 3:
            return instrument, subject, item, draw(st.sampled_from(choices))
    return instrument, subject, item, draw(ANSWER)


def test_generated_answers_are_saved_or_refused_and_a_refusal_changes_nothing(db, schemes):
    referral_id, assessment_id = h.call_under_way(db, schemes)
    worker: Actor = h.WORKER
    for n in range(1, 6):  # past the identity check, so every later form may be answered
        assessment.save_answer(db, worker, assessment_id, "identity_check", "", f"q{n}", "yes")

    @QUICK
    @given(answer=answers())
    def run(answer: tuple[str, str, str, Any]) -> None:
        instrument, subject, item, value = answer
        before = counts(db)
        try:
            view = assessment.save_answer(
                db, worker, assessment_id, instrument, subject, item, value, today=TODAY
            )
        except ServiceError:
            assert counts(db) == before  # refused: the answer and the audit trail as they were
            return
        stored = view.stored(instrument, subject)
        assert stored is not None and item in stored.answers
        assert counts(db)["audit_event"] > before["audit_event"]

    run()
