"""Admin subcommands: migrate the database, manage staff, verify the audit trail."""

from __future__ import annotations

import sys

import click

from divert_tui.commands.common import cli_errors, db_option, fail, open_for_cli
from divert_tui.core.services import audit, staff
from divert_tui.core.services.base import ROLE_LABELS, Actor
from divert_tui.core.vocab import Role


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@db_option
@cli_errors
def db_upgrade(db_url: str | None) -> None:
    """Create or migrate the database to this version's schema."""
    _, opened = open_for_cli(db_url)
    if opened.migrated:
        click.echo(f"{opened.db.display_url}: upgraded to {', '.join(opened.migrated)}")
    else:
        click.echo(f"{opened.db.display_url}: already up to date")


@click.group("staff")
def staff_group() -> None:
    """Staff accounts."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("--password-stdin: no password on standard input")
        return line.rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat password")


@staff_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="What the person does: worker, team_lead, trainer or admin.",
)
@click.option(
    "--force",
    "forces",
    multiple=True,
    metavar="CODE",
    help="Force the person works for (repeat for more): west_midlands, west_mercia, warwickshire, staffordshire.",
)
@click.option(
    "--name", "display_name", default=None, help="Name shown in the app (default: USERNAME)."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
@db_option
@cli_errors
def staff_add(
    username: str,
    role: str,
    forces: tuple[str, ...],
    display_name: str | None,
    password_stdin: bool,
    db_url: str | None,
) -> None:
    """Create a staff account; the password is asked twice unless --password-stdin."""
    _, opened = open_for_cli(db_url)
    password = _read_password(password_stdin)
    made = staff.add_staff(
        opened.db,
        Actor.system("staff-add"),
        username,
        role,
        password,
        display_name=display_name,
        forces=forces,
    )
    where = ", ".join(made.forces) or "all forces"
    click.echo(f"added {made.username} ({ROLE_LABELS[made.role]}, {where})")


@staff_group.command("list")
@db_option
@cli_errors
def staff_list(db_url: str | None) -> None:
    """List staff accounts."""
    _, opened = open_for_cli(db_url)
    for person in staff.list_staff(opened.db, Actor.system("staff-list")):
        state = "locked" if person.locked else ("active" if person.active else "inactive")
        forces = ",".join(person.forces) or "-"
        click.echo(
            f"{person.username}\t{person.role.value}\t{forces}\t{state}\t{person.display_name}"
        )


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@db_option
@cli_errors
def audit_verify(db_url: str | None) -> None:
    """Check the hash chain of the audit trail; name the first broken link."""
    _, opened = open_for_cli(db_url)
    report = audit.verify(opened.db, Actor.system("audit-verify"))
    if report.intact:
        click.echo(f"audit trail intact: {report.events_checked} events checked")
        return
    fail(f"audit trail broken at event {report.first_broken_id}: {report.problem}")
