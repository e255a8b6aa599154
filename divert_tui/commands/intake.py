"""``divert import FILE`` and ``divert intel-export``: the feed in, intelligence logs out.

Exit codes (DESIGN section 8): 0 done, 1 bad input (every problem printed as
``row N: field: reason``, nothing imported), 2 usage (click's own). Messages never carry
personal data beyond what the user's own file holds.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TextIO

import click

from divert_tui.commands.common import cli_errors, db_option, fail, open_for_cli
from divert_tui.core.bootstrap import Opened
from divert_tui.core.feed import ROW_NUMBERING
from divert_tui.core.feed_fields import FieldProblem, parse_when
from divert_tui.core.outfiles import marked_path, open_private, write_csv_file, write_csv_rows
from divert_tui.core.services.base import Actor, ServiceError, ValidationError
from divert_tui.core.services.intake import FeedRejected, ImportSummary, import_feed
from divert_tui.core.services.intel import COLUMNS, IntelExport, export_intel


def _open(db_url: str | None) -> Opened:
    return open_for_cli(db_url)[1]


def _demo(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get("demo"))


def _demo_data(ctx: click.Context, opened: Opened) -> bool:
    """Files are DEMO-marked when the flag was given or the database holds a demo cohort."""
    from divert_tui.core.services.settings import is_demo_database

    return _demo(ctx) or is_demo_database(opened.db)


def _print_summary(summary: ImportSummary) -> None:
    for line in summary.notices:
        click.echo(line)
    for line in summary.lines():
        click.echo(line)


def _write_rejects(
    out: TextIO, summary: ImportSummary, columns: tuple[str, ...], *, demo: bool
) -> None:
    """The rejected rows in the feed's own columns plus ``reason``: fix and import again.

    Written through the one file writer, so a hostile value in a rejected row (a name
    such as ``=HYPERLINK(...)``) reaches the spreadsheet as text, never as a formula.
    """
    rows = (
        [
            *(bad.values.get(name, "") for name in columns),
            "; ".join(f"row {bad.row}: {reason}" for reason in bad.reasons),
        ]
        for bad in summary.rejected
    )
    write_csv_rows(out, [*columns, "reason"], rows, demo=demo)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows; list the rest.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="With --skip-invalid: write the rejected rows, with a reason column, to this CSV.",
)
@db_option
@click.pass_context
@cli_errors
def import_(
    ctx: click.Context, file: Path, skip_invalid: bool, rejects: Path | None, db_url: str | None
) -> None:
    """Import an officer referral feed (CSV with a header, or a JSON array)."""
    if rejects is not None and not skip_invalid:
        raise click.UsageError("--rejects needs --skip-invalid", ctx=ctx)
    if not file.exists():
        fail(f"{file}: no such file")
    if rejects is not None and rejects.resolve() == file.resolve():
        raise click.UsageError("--rejects must not be the feed file itself", ctx=ctx)
    opened = _open(db_url)
    actor = Actor.system("import", demo=_demo(ctx))
    with ExitStack() as stack:
        stack.callback(opened.db.dispose)
        demo = _demo_data(ctx, opened)
        out = None
        if rejects is not None:
            rejects = marked_path(rejects, demo=demo)
            target = rejects
            # Opened before importing so an unwritable path fails first; removed if unused
            # (callbacks run last-in first-out: this one after the file is closed).
            stack.callback(
                lambda: target.exists() and target.stat().st_size == 0 and target.unlink()
            )
            try:
                out = stack.enter_context(open_private(target))
            except OSError as exc:
                fail(f"cannot write the rejects file {target}: {exc.strerror}")
        try:
            summary = import_feed(opened.db, actor, file, opened.schemes, skip_invalid=skip_invalid)
        except FeedRejected as exc:
            click.echo(
                f"{file.name}: {len(exc.problems)} problem(s) in {exc.rows_read} row(s); "
                f"nothing was imported ({ROW_NUMBERING}):",
                err=True,
            )
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(
                "fix these rows, or import the rest with --skip-invalid --rejects FILE", err=True
            )
            raise SystemExit(1) from None
        except ValidationError as exc:
            fail(f"{file.name}: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            fail(str(exc))
        if summary.rejected:
            click.echo(f"{len(summary.rejected)} row(s) rejected ({ROW_NUMBERING}):", err=True)
            for bad in summary.rejected:
                for reason in bad.reasons:
                    click.echo(f"row {bad.row}: {reason}", err=True)
        if out is not None:
            _write_rejects(out, summary, summary.columns, demo=demo)
            click.echo(f"rejected rows written to {rejects}", err=True)
        _print_summary(summary)
        if summary.rejected and summary.imported == 0:
            why = (
                "every row was rejected"
                if summary.already_present == 0
                else f"{len(summary.rejected)} row(s) were rejected and the rest were already present"
            )
            fail(
                f"{file.name}: {why}, so nothing was imported; fix the rows listed above and import again"
            )


def _parse_since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_when(value).date()
    except FieldProblem as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None


@click.command("intel-export")
@click.option(
    "--force", "force", required=True, metavar="CODE", help="Force code, e.g. west_midlands."
)
@click.option("--since", metavar="DATE", help="Only logs written on or after this date.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="CSV file to write (default: standard output).",
)
@db_option
@click.pass_context
@cli_errors
def intel_export(
    ctx: click.Context, force: str, since: str | None, output: Path | None, db_url: str | None
) -> None:
    """Write the force's unsent non-compliance intelligence logs as CSV and mark them sent."""
    since_day = _parse_since(since)
    opened = _open(db_url)
    if force not in opened.schemes:
        opened.db.dispose()
        raise click.BadParameter(
            f"unknown force {force!r}: use {', '.join(sorted(opened.schemes))}",
            param_hint="--force",
        )
    actor = Actor.system("intel-export", demo=_demo(ctx))
    demo = _demo_data(ctx, opened)
    target = None if output is None else marked_path(output, demo=demo)

    def deliver(export: IntelExport) -> None:
        rows = ([row[name] for name in COLUMNS] for row in export.rows)
        write_csv_file(target, COLUMNS, rows, demo=demo, stdout=sys.stdout)

    try:
        export = export_intel(opened.db, actor, force, since=since_day, deliver=deliver)
    except BrokenPipeError:
        raise  # the reader of standard output went away: nothing was marked as sent
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}; nothing was marked as sent")
    except ServiceError as exc:
        fail(str(exc))
    finally:
        opened.db.dispose()
    where = f" to {target}" if target is not None else ""
    click.echo(f"{export.count} intelligence log(s) exported for {force}{where}", err=True)
