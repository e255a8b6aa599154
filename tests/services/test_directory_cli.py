"""The service directory from the command line: list a force's entries, fill in a placeholder,
add a local service, and refuse bad input with a message naming the field."""

from __future__ import annotations

from click.testing import CliRunner

from divert_tui.cli import main


def _run(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--db", db_url, "services", *args])


def test_fill_in_a_placeholder_and_add_a_service(db, db_url) -> None:
    listed = _run(db_url, "list", "--force", "west_midlands", "--domain", "housing")
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t") for line in listed.output.splitlines()]
    assert any(row[2] == "Shelter helpline" for row in rows)
    placeholder = next(row for row in rows if row[-1] == "PLACEHOLDER")

    done = _run(db_url, "set", placeholder[0], "--name", "Housing options", "--contact", "0121 000")
    assert done.exit_code == 0, done.output
    again = _run(db_url, "list", "--force", "west_midlands", "--domain", "housing")
    filled = next(r.split("\t") for r in again.output.splitlines() if r.startswith(placeholder[0]))
    assert filled[2:] == ["Housing options", "0121 000"]

    added = _run(
        db_url, "add", "--force", "west_midlands", "--domain", "debt", "--name", "Local CAB"
    )
    assert added.exit_code == 0 and "Local CAB" in added.output
    debt = _run(db_url, "list", "--force", "west_midlands", "--domain", "debt")
    assert "Local CAB" in debt.output


def test_bad_domain_names_the_field_and_changes_nothing(db, db_url) -> None:
    before = _run(db_url, "list", "--force", "west_midlands").output
    result = _run(db_url, "add", "--force", "west_midlands", "--domain", "hous", "--name", "X")
    assert result.exit_code == 1
    assert "domain: use one of" in result.output
    assert _run(db_url, "list", "--force", "west_midlands").output == before
