"""Admin subcommands: migrate the database, manage staff, verify the audit trail."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from divert_tui.commands.common import cli_errors, db_option, fail, open_for_cli, parse_day
from divert_tui.core.services import audit, staff
from divert_tui.core.services.base import ROLE_LABELS, Actor
from divert_tui.core.vocab import Role


@click.group("db")
def db_group() -> None:
    """Database schema, backups and restores."""


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


def _database_url(db_url: str | None) -> str:
    """The database a db command works on, without opening or migrating it."""
    from divert_tui.commands.common import resolve_db_url
    from divert_tui.config import load_settings
    from divert_tui.logs import setup_logging

    settings = load_settings(resolve_db_url(db_url))
    setup_logging(settings.log_dir)
    return settings.database_url


@db_group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@db_option
@cli_errors
def db_backup(file: Path, force: bool, db_url: str | None) -> None:
    """Copy the SQLite database to FILE while it is in use (owner-only, checked)."""
    from divert_tui.core.services import backup

    made = backup.backup(_database_url(db_url), file, force=force)
    click.echo(f"backed up to {made.path} ({made.size_bytes:,} bytes, schema {made.revision})")
    if not made.audited:
        click.echo(
            "divert: not recorded in the audit trail: the database's schema is not this "
            "version's (run divert db upgrade)",
            err=True,
        )


@db_group.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@cli_errors
def db_restore(file: Path, db_url: str | None) -> None:
    """Replace the SQLite database with the backup FILE, after checking it; the replaced
    database is kept beside it, renamed with the time. Stop divert everywhere first."""
    from divert_tui.core.services import backup

    done = backup.restore(_database_url(db_url), file)
    click.echo(f"restored {done.database} from {file} (schema {done.revision})")
    if done.kept is not None:
        click.echo(f"the database it replaced is kept as {done.kept}")


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
        forces = ",".join(person.forces) or "-"
        click.echo(
            f"{person.username}\t{person.role.value}\t{forces}\t{_state(person)}"
            f"\t{person.display_name}"
        )


def _state(person: staff.StaffSummary) -> str:
    return "locked" if person.locked else ("active" if person.active else "inactive")


def _show(person: staff.StaffSummary, what: str) -> None:
    forces = ", ".join(person.forces) or "all forces"
    click.echo(
        f"{person.username}: {what} ({ROLE_LABELS[person.role]}, {forces}, {_state(person)})"
    )


@staff_group.command("deactivate")
@click.argument("username")
@db_option
@cli_errors
def staff_deactivate(username: str, db_url: str | None) -> None:
    """Stop an account at once: no more logins, and an open session is logged out."""
    _, opened = open_for_cli(db_url)
    _show(staff.deactivate(opened.db, Actor.system("staff-deactivate"), username), "deactivated")


@staff_group.command("activate")
@click.argument("username")
@db_option
@cli_errors
def staff_activate(username: str, db_url: str | None) -> None:
    """Let a deactivated account log in again (any lockout is lifted too)."""
    _, opened = open_for_cli(db_url)
    _show(staff.activate(opened.db, Actor.system("staff-activate"), username), "activated")


@staff_group.command("unlock")
@click.argument("username")
@db_option
@cli_errors
def staff_unlock(username: str, db_url: str | None) -> None:
    """Lift the lockout after failed logins, from every terminal."""
    _, opened = open_for_cli(db_url)
    _show(staff.unlock(opened.db, Actor.system("staff-unlock"), username), "unlocked")


@staff_group.command("reset-password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from the first line of standard input.",
)
@db_option
@cli_errors
def staff_reset_password(username: str, password_stdin: bool, db_url: str | None) -> None:
    """Set a new password (asked twice unless --password-stdin); lifts any lockout."""
    _, opened = open_for_cli(db_url)
    password = _read_password(password_stdin)
    person = staff.reset_password(
        opened.db, Actor.system("staff-reset-password"), username, password
    )
    _show(person, "password reset")


@staff_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@db_option
@cli_errors
def staff_set_role(username: str, role: str, db_url: str | None) -> None:
    """Change what a person does: worker, team_lead, trainer or admin."""
    _, opened = open_for_cli(db_url)
    person = staff.set_role(opened.db, Actor.system("staff-set-role"), username, role)
    _show(person, f"now a {ROLE_LABELS[person.role]}")


@staff_group.command("set-forces")
@click.argument("username")
@click.argument("forces", nargs=-1, metavar="CODE...")
@db_option
@cli_errors
def staff_set_forces(username: str, forces: tuple[str, ...], db_url: str | None) -> None:
    """Replace the forces a person works for, e.g. west_midlands west_mercia."""
    _, opened = open_for_cli(db_url)
    person = staff.set_forces(opened.db, Actor.system("staff-set-forces"), username, forces)
    _show(person, "forces set")


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
    where = f" at event {report.first_broken_id}" if report.first_broken_id is not None else ""
    fail(f"audit trail broken{where}: {report.problem}")


AUDIT_COLUMNS = ("id", "at_uk", "staff", "action", "about", "detail")


@audit_group.command("search")
@click.option(
    "--person", default="", metavar="ID", help="Person id, 'referral N', police reference or name."
)
@click.option(
    "--staff", "staff_member", default="", metavar="USER", help="User name or part of a name."
)
@click.option(
    "--action", default="", metavar="A", help="An action (referral.view) or a part (export)."
)
@click.option("--from", "start", metavar="D", help="First day, UK time (YYYY-MM-DD).")
@click.option("--to", "end", metavar="D", help="Last day, included.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    help="table (default), csv or json, on standard output or to --output.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (owner-only) instead of standard output.",
)
@click.option(
    "--limit",
    default=200,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="At most this many events, newest first.",
)
@db_option
@cli_errors
def audit_search_command(
    person: str,
    staff_member: str,
    action: str,
    start: str | None,
    end: str | None,
    output_format: str,
    output: Path | None,
    limit: int,
    db_url: str | None,
) -> None:
    """Search the audit trail by person, staff member, action and date range."""
    from divert_tui.core import outfiles
    from divert_tui.core.services import audit_search
    from divert_tui.core.services.settings import is_demo_database

    wanted = audit_search.AuditFilter(
        person=person, staff=staff_member, action=action,
        date_from=parse_day(start, "--from"), date_to=parse_day(end, "--to"),
    )  # fmt: skip
    _, opened = open_for_cli(db_url)
    found = audit_search.search(opened.db, Actor.system("audit-search"), wanted, page_size=limit)
    demo = is_demo_database(opened.db)
    rows = [
        (r.id, audit_search.uk_time(r.at), r.who, r.action, r.about, r.detail)
        for r in found.page.rows
    ]
    if found.person_ids == ():
        click.echo(f"divert: no person matches {person!r}", err=True)
    if output_format == "json":
        data = {
            "filter": wanted.in_words(found.person_ids),
            "total": found.page.total,
            "events": [dict(zip(AUDIT_COLUMNS, row, strict=True)) for row in rows],
        }
        if output is None:
            click.echo(outfiles.json_text(data, demo=demo), nl=False)
        else:
            click.echo(f"wrote {outfiles.write_json_file(output, data, demo=demo)}")
    elif output_format == "csv" or output is not None:
        written = outfiles.write_csv_file(output, AUDIT_COLUMNS, rows, demo=demo)
        if written is not None:
            click.echo(f"wrote {written}")
    else:
        for row in rows:
            click.echo("\t".join(str(cell) for cell in row))
    if found.page.total > len(rows):
        click.echo(
            f"divert: showing the newest {len(rows)} of {found.page.total:,} events; "
            "narrow the search or raise --limit",
            err=True,
        )


@click.group("services")
def services_group() -> None:
    """The local service directory that workers signpost and refer to."""


@services_group.command("list")
@click.option(
    "--force", "force_code", required=True, metavar="CODE", help="Force area, e.g. west_midlands."
)
@click.option("--domain", default=None, help="Only one need domain, e.g. housing or debt.")
@db_option
@cli_errors
def services_list(force_code: str, domain: str | None, db_url: str | None) -> None:
    """List the active services of a force area (placeholders are marked for filling in)."""
    from divert_tui.core.services import directory

    _, opened = open_for_cli(db_url)
    for entry in directory.list_services(
        opened.db, Actor.system("services-list"), force_code, domain
    ):
        mark = "PLACEHOLDER" if entry.placeholder else ""
        click.echo(f"{entry.id}\t{entry.domain}\t{entry.name}\t{entry.contact}\t{mark}".rstrip())


@services_group.command("set")
@click.argument("service_id", type=int)
@click.option("--name", default=None, help="The service's name.")
@click.option("--contact", default=None, help="Phone, website or address workers give out.")
@click.option("--notes", default=None, help="Anything workers should know (hours, criteria).")
@click.option("--active/--inactive", default=None, help="Offer it to workers or not.")
@db_option
@cli_errors
def services_set(
    service_id: int,
    name: str | None,
    contact: str | None,
    notes: str | None,
    active: bool | None,
    db_url: str | None,
) -> None:
    """Fill in or correct an entry; a placeholder given a name and contact becomes real."""
    from divert_tui.core.services import directory

    _, opened = open_for_cli(db_url)
    entry = directory.update_service(
        opened.db, Actor.system("services-set"), service_id,
        name=name, contact=contact, notes=notes, active=active,
    )  # fmt: skip
    click.echo(f"updated {entry.id}: {entry.label}")


@services_group.command("add")
@click.option("--force", "force_code", required=True, metavar="CODE", help="Force area.")
@click.option("--domain", required=True, help="Need domain, e.g. housing, debt, mental_health.")
@click.option("--name", required=True, help="The service's name.")
@click.option("--contact", default="", help="Phone, website or address workers give out.")
@click.option("--notes", default="", help="Anything workers should know.")
@db_option
@cli_errors
def services_add(
    force_code: str, domain: str, name: str, contact: str, notes: str, db_url: str | None
) -> None:
    """Add a local service the shipped directory does not have."""
    from divert_tui.core.services import directory

    _, opened = open_for_cli(db_url)
    entry = directory.add_service(
        opened.db, Actor.system("services-add"), force_code, domain, name, contact, notes
    )
    click.echo(f"added {entry.id}: {entry.label}")
