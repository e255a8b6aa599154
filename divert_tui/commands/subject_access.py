"""``divert export-person``: a subject-access export of everything held about a person."""

from __future__ import annotations

from pathlib import Path

import click

from divert_tui.commands.common import cli_errors, db_option, open_for_cli
from divert_tui.core.services import subject_access
from divert_tui.core.services.base import Actor


@click.command("export-person")
@click.argument("person_id", type=int, required=False, metavar="ID")
@click.option(
    "--reference", default=None, metavar="REF", help="Find the person by a police reference."
)
@click.option(
    "--output",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the two files (it must exist).",
)
@db_option
@cli_errors
def export_person(
    person_id: int | None, reference: str | None, folder: Path, db_url: str | None
) -> None:
    """Everything held about person ID, as JSON and as a letter they can read (owner-only).

    Free text that may name other people is listed under REVIEW BEFORE RELEASE: read
    those items before anything is sent.
    """
    if (person_id is None) == (reference is None):
        raise click.UsageError("give the person ID or --reference REF (one of them)")
    _, opened = open_for_cli(db_url)
    actor = Actor.system("export-person")
    if person_id is None:
        assert reference is not None
        person_id = subject_access.person_by_reference(opened.db, actor, reference)
    made = subject_access.export_person(opened.db, actor, person_id, folder)
    click.echo(f"wrote {made.json_path}")
    click.echo(f"wrote {made.text_path}")
    if made.review_items:
        click.echo(
            f"{made.review_items} item(s) of free text may name other people: read them under "
            "REVIEW BEFORE RELEASE before anything is sent"
        )
