"""``divert sessions``, ``roster``, ``reminders`` and ``outcome-export``: the courses from
the command line (issue texts give the options). Files go through ``core/outfiles``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from divert_tui.commands.common import cli_errors, db_option, fail, open_for_cli, parse_day
from divert_tui.core import outfiles
from divert_tui.core.bootstrap import Opened
from divert_tui.core.rules.recurrence import UK, in_words
from divert_tui.core.services import outcomes, sessions
from divert_tui.core.services.base import Actor, ValidationError
from divert_tui.core.services.course_store import SessionRow
from divert_tui.core.services.settings import is_demo_database
from divert_tui.core.vocab import COURSE_GROUPS

GROUPS = [code for code in COURSE_GROUPS if code != "one_to_one"]
SESSION_COLUMNS = (
    "id",
    "force",
    "group",
    "starts_at",
    "minutes",
    "capacity",
    "booked",
    "places_left",
    "facilitator",
    "link",
    "mode",
    "cancelled",
)
OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def _open(ctx: click.Context, db_url: str | None, name: str) -> tuple[Opened, Actor]:
    opened = open_for_cli(db_url)[1]
    demo = bool(ctx.find_root().params.get("demo")) or is_demo_database(opened.db)
    return opened, Actor.system(name, demo=demo)


def _check_force(opened: Opened, force: str | None) -> None:
    if force is not None and force not in opened.schemes:
        opened.db.dispose()
        raise click.BadParameter(
            f"unknown force {force!r}: use {', '.join(sorted(opened.schemes))}",
            param_hint="--force",
        )


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Aligned columns for people reading a terminal."""
    cells = [[str(h) for h in header]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _local(moment) -> str:  # type: ignore[no-untyped-def]
    return f"{moment.astimezone(UK):%a %d/%m/%Y %H:%M}"


def _session_cells(row: SessionRow) -> tuple[object, ...]:
    data = row.as_json()
    return tuple(data[name] for name in SESSION_COLUMNS)


@click.group("sessions")
def sessions_group() -> None:
    """Course sessions: add (one-off or recurring), list, cancel."""


@sessions_group.command("add")
@click.option("--force", required=True, metavar="CODE", help="Force code, e.g. west_midlands.")
@click.option("--group", required=True, type=click.Choice(GROUPS), help="The course group.")
@click.option("--start", required=True, metavar='"YYYY-MM-DD HH:MM"', help="UK local time.")
@click.option(
    "--repeat",
    metavar="RRULE",
    help="iCalendar rule, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=8 or FREQ=MONTHLY;BYDAY=1MO;COUNT=6.",
)
@click.option("--minutes", required=True, type=int, help="Length of each session.")
@click.option("--capacity", required=True, type=int, help="Places on each session.")
@click.option("--link", metavar="URL", help="Meeting link (https://...).")
@click.option("--facilitator", metavar="USER", help="Staff user name of the facilitator.")
@click.option("--yes", "-y", is_flag=True, help="Save without asking (the dates are still shown).")
@db_option
@click.pass_context
@cli_errors
def sessions_add(
    ctx: click.Context,
    force: str,
    group: str,
    start: str,
    repeat: str | None,
    minutes: int,
    capacity: int,
    link: str | None,
    facilitator: str | None,
    yes: bool,
    db_url: str | None,
) -> None:
    """Add a session, or a series of them; the dates are shown in words before saving."""
    opened, actor = _open(ctx, db_url, "sessions-add")
    try:
        _check_force(opened, force)
        plan = sessions.plan_sessions(
            force=force,
            group=group,
            start=start,
            minutes=minutes,
            capacity=capacity,
            repeat=repeat,
            link=link,
            facilitator=facilitator,
            known_forces=set(opened.schemes),
        )
        click.echo(f"{len(plan.occurrences)} {group.replace('_', ' ')} session(s) for {force}:")
        for words in plan.words:
            click.echo(f"  {words}")
        if not yes and sys.stdin.isatty() and not click.confirm("Save these sessions?"):
            fail("nothing was saved")
        created = sessions.add_sessions(opened.db, actor, plan)
    finally:
        opened.db.dispose()
    click.echo(
        f"saved {len(created)} session(s): ids {', '.join(str(r.session_id) for r in created)}"
    )


@sessions_group.command("list")
@click.option("--force", metavar="CODE", help="Only this force.")
@click.option("--group", type=click.Choice(list(COURSE_GROUPS)), help="Only this group.")
@click.option("--from", "from_", metavar="DATE", help="From this UK date (inclusive).")
@click.option("--to", metavar="DATE", help="Up to this UK date (inclusive).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@db_option
@click.pass_context
@cli_errors
def sessions_list(
    ctx: click.Context,
    force: str | None,
    group: str | None,
    from_: str | None,
    to: str | None,
    fmt: str,
    db_url: str | None,
) -> None:
    """List sessions with places booked and left (times in UK local time)."""
    start, end = parse_day(from_, "--from"), parse_day(to, "--to")
    if start and end and end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    opened, actor = _open(ctx, db_url, "sessions-list")
    try:
        _check_force(opened, force)
        rows = sessions.list_sessions(
            opened.db, actor, force=force, group=group, start=start, end=end
        )
    finally:
        opened.db.dispose()
    if fmt == "json":
        click.echo(json.dumps([r.as_json() for r in rows], indent=2))
    elif fmt == "csv":
        outfiles.write_csv_file(
            None, SESSION_COLUMNS, [_session_cells(r) for r in rows], demo=actor.demo
        )
    else:
        if actor.demo:
            click.echo(outfiles.DEMO_FIRST_LINE)
        _table(
            ("id", "starts (UK)", "force", "group", "min", "cap", "booked", "left", "facilitator"),
            [
                (
                    r.session_id,
                    _local(r.starts_at),
                    r.force,
                    r.group,
                    r.minutes,
                    r.capacity,
                    r.booked,
                    "CANCELLED" if r.cancelled else r.places_left,
                    r.facilitator or "",
                )
                for r in rows
            ],
        )
        click.echo(f"{len(rows)} session(s)", err=True)


@sessions_group.command("cancel")
@click.argument("session_id", type=int, metavar="ID")
@click.option(
    "--move-to-next",
    is_flag=True,
    help="Move everyone booked to the next session of the group with a place (else back to waiting).",
)
@click.option("--reason", default="", help="Why, e.g. the facilitator is ill.")
@db_option
@click.pass_context
@cli_errors
def sessions_cancel(
    ctx: click.Context, session_id: int, move_to_next: bool, reason: str, db_url: str | None
) -> None:
    """Cancel a session; say where everyone booked went."""
    opened, actor = _open(ctx, db_url, "sessions-cancel")
    try:
        result = sessions.cancel_session(
            opened.db,
            actor,
            session_id,
            opened.schemes,
            reason=reason,
            move_to_next=move_to_next,
        )
    finally:
        opened.db.dispose()
    click.echo(f"session {session_id} cancelled; {len(result.moved)} booking(s)")
    for moved in result.moved:
        where = (
            f"moved to session {moved.to_session_id}"
            if moved.to_session_id
            else "back to allocated, on the waiting list"
        )
        click.echo(f"  referral {moved.referral_id} ({moved.police_reference}): {where}")
    click.echo(f"{result.to_next} moved to the next session, {result.to_waiting} waiting", err=True)


@click.command("roster")
@click.argument("session_id", type=int, metavar="ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--output", "-o", type=OUTPUT, help="With --format csv: write to this file.")
@db_option
@click.pass_context
@cli_errors
def roster(
    ctx: click.Context, session_id: int, fmt: str, output: Path | None, db_url: str | None
) -> None:
    """Who is booked on a session: contact details for the reminder call, and attendance."""
    if output is not None and fmt != "csv":
        raise click.UsageError("--output needs --format csv", ctx=ctx)
    opened, actor = _open(ctx, db_url, "roster")
    written: list[Path | None] = []

    def deliver(result: sessions.Roster) -> None:
        if fmt == "csv":
            written.append(
                outfiles.write_csv_file(
                    output, sessions.ROSTER_COLUMNS, sessions.roster_rows(result), demo=actor.demo
                )
            )

    try:
        result = sessions.roster(opened.db, actor, session_id, deliver=deliver)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    finally:
        opened.db.dispose()
    s = result.session
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "session": s.as_json(),
                    "demo": actor.demo,
                    "people": [
                        dict(zip(sessions.ROSTER_COLUMNS, row, strict=True))
                        for row in sessions.roster_rows(result)
                    ],
                },
                indent=2,
            )
        )
    elif fmt == "table":
        if actor.demo:
            click.echo(outfiles.DEMO_FIRST_LINE)
        state = " CANCELLED" if s.cancelled else ""
        click.echo(
            f"Session {s.session_id}: {s.group_name} ({s.force}), {in_words(s.starts_at)}, "
            f"{s.minutes} min, {s.booked}/{s.capacity} booked{state}"
        )
        if s.link:
            click.echo(f"Link: {s.link}")
        _table(
            ("booking", "name", "police ref", "phone", "attendance"),
            [(r[0], r[3], r[2], r[4], r[6]) for r in sessions.roster_rows(result)],
        )
    if written and written[0] is not None:
        click.echo(f"roster written to {written[0]}", err=True)


@click.command("reminders")
@click.option("--date", "day", required=True, metavar="DATE", help="The UK day of the sessions.")
@click.option("--force", metavar="CODE", help="Only this force.")
@click.option("--output", "-o", type=OUTPUT, help="CSV file to write (default: standard output).")
@db_option
@click.pass_context
@cli_errors
def reminders(
    ctx: click.Context, day: str, force: str | None, output: Path | None, db_url: str | None
) -> None:
    """People booked that day with time, link and phone, for the reminder text or call."""
    on = parse_day(day, "--date")
    assert on is not None
    opened, actor = _open(ctx, db_url, "reminders")
    written: list[Path | None] = []

    def deliver(result: outcomes.Reminders) -> None:
        written.append(
            outfiles.write_csv_file(
                output,
                outcomes.REMINDER_COLUMNS,
                [row.cells() for row in result.rows],
                demo=actor.demo,
            )
        )

    try:
        _check_force(opened, force)
        result = outcomes.reminders(opened.db, actor, on, force=force, deliver=deliver)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    finally:
        opened.db.dispose()
    click.echo(
        f"{len(result.rows)} reminder(s) for {on:%d/%m/%Y}; {result.left_out_unsafe} left out "
        "(number not safe to contact)",
        err=True,
    )
    if written and written[0] is not None:
        click.echo(f"written to {written[0]}", err=True)


@click.command("outcome-export")
@click.option("--force", required=True, metavar="CODE", help="Force code, e.g. west_midlands.")
@click.option("--since", metavar="DATE", help="Only outcomes reached on or after this date.")
@click.option("--output", "-o", type=OUTPUT, help="CSV file to write (default: standard output).")
@db_option
@click.pass_context
@cli_errors
def outcome_export(
    ctx: click.Context, force: str, since: str | None, output: Path | None, db_url: str | None
) -> None:
    """Outcomes (completed, non_compliant, withdrawn, ineligible) not yet sent; marked sent."""
    since_day = parse_day(since, "--since")
    opened, actor = _open(ctx, db_url, "outcome-export")
    _check_force(opened, force)
    written: list[Path | None] = []

    def deliver(export: outcomes.OutcomeExport) -> None:
        written.append(
            outfiles.write_csv_file(output, outcomes.OUTCOME_COLUMNS, export.rows, demo=actor.demo)
        )

    try:
        export = outcomes.export_outcomes(
            opened.db,
            actor,
            force,
            since=since_day,
            known_forces=set(opened.schemes),
            deliver=deliver,
        )
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}; nothing was marked as sent")
    except ValidationError as exc:
        fail(str(exc))
    finally:
        opened.db.dispose()
    click.echo(f"{export.count} outcome(s) exported for {force}", err=True)
    if written and written[0] is not None:
        click.echo(f"written to {written[0]}", err=True)
