"""The commissioner report and the evaluation extract: figures from ``core.rules.metrics``.

One call checks that the person may see reports (and the force asked for), reads every
figure of a period in one read transaction (one snapshot, so the tables agree), and
records one audit event: a report viewed on screen, or exported in a format. The event
is written in a short transaction of its own after the read, so that a report over a
large database never holds SQLite's write lock while a worker is saving answers;
``deliver`` (writing the file) runs inside it, so a file that cannot be written leaves
no "exported" event behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session

from divert_tui.core.database import Database
from divert_tui.core.rules.id_ranges import referrals_detail
from divert_tui.core.rules.metrics import queries
from divert_tui.core.rules.metrics.figures import Figures, ForceSettings, fold
from divert_tui.core.rules.metrics.publish import Published
from divert_tui.core.rules.metrics.timing import UK, Period
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    Permission,
    PermissionDenied,
    ValidationError,
    require,
)
from divert_tui.core.services.retention_scrub import ANONYMISED_NAME
from divert_tui.core.services.settings import is_demo_database


def report_forces(actor: Actor, schemes: Mapping[str, Scheme], force: str | None) -> list[str]:
    """The forces a report covers: the one asked for, or every force the person may see."""
    if force is not None:
        if force not in schemes:
            raise ValidationError(
                {"force": f"unknown force {force!r}: use {', '.join(sorted(schemes))}"}
            )
        require(actor, Permission.VIEW_REPORTS, force=force)
        return [force]
    require(actor, Permission.VIEW_REPORTS)
    codes = [code for code in schemes if actor.covers(code)]
    if not codes:
        raise PermissionDenied(f"{actor.username} works for no force, so has no figures to see")
    return codes


def _snapshot(session: Session) -> Connection:
    """The session's connection, reading one snapshot for all its statements (SQLite's
    transaction does so already; PostgreSQL needs REPEATABLE READ)."""
    if session.get_bind().dialect.name == "postgresql":
        return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session.connection()


def _settings(scheme: Scheme) -> ForceSettings:
    return ForceSettings(
        scheme.name,
        scheme.first_contact_working_days,
        scheme.hours_saved_per_referral,
        scheme.commissioned_places,
    )


def commissioner_report(
    db: Database,
    actor: Actor,
    schemes: Mapping[str, Scheme],
    period: Period,
    *,
    force: str | None = None,
    output: str = "screen",
    deliver: Callable[[Published], str | None] | None = None,
) -> Published:
    """Every figure of the period for one force or all the person's forces, suppressed.

    ``output`` names where it goes (screen, json, csv, xlsx, table) for the audit trail;
    ``deliver`` may return the path written, which the audit event keeps.
    """
    codes = report_forces(actor, schemes, force)
    ordered = sorted(codes)
    settings = {code: _settings(schemes[code]) for code in ordered}
    low, high = period.bounds()
    demo = is_demo_database(db)
    with db.read() as reading:
        run = _snapshot(reading).execute
        figures: list[Figures] = fold(
            period,
            settings,
            run(queries.cube(low, high, ordered)).all(),
            run(queries.allocations(low, high, ordered)).all(),
            run(queries.onward_referrals(low, high, ordered)).all(),
            run(queries.safeguarding(low, high, ordered)).all(),
            run(queries.first_contacts(low, high, ordered)).all(),
            run(queries.completions(low, high, ordered)).all(),
        )
    published = Published(period, figures, demo=demo)
    with db.write() as session:
        where = deliver(published) if deliver is not None else None
        detail = f"{period.start.isoformat()}..{period.end.isoformat()} forces={','.join(ordered)}"
        detail += f" output={output}" + (f" file={where}" if where else "")
        audit.record(
            session,
            actor,
            "report.view" if output == "screen" else "report.export",
            "report",
            "",
            detail,
        )
    return published


# --- the evaluation extract ----------------------------------------------------------------

EVALUATION_COLUMNS: tuple[str, ...] = (
    "record",
    "first_initial",
    "last_initial",
    "date_of_birth",
    "sex",
    "force",
    "self_defined_ethnicity",
    "officer_observed_ethnicity",
    "drug",
    "referral_date",
    "first_contact_date",
    "assessment_date",
    "completion_date",
    "outcome",
    "outcome_date",
)

EVALUATION_DICTIONARY: tuple[tuple[str, str], ...] = (
    ("record", "Row number of this extract (changes from one extract to the next)."),
    ("first_initial", "First letter of the first name, upper case."),
    ("last_initial", "First letter of the last name, upper case."),
    (
        "date_of_birth",
        "Date of birth, YYYY-MM-DD (the initials and this are empty for a person anonymised "
        "at the end of the retention period).",
    ),
    ("sex", "male, female, other or not_stated."),
    ("force", "Force code of the referral."),
    ("self_defined_ethnicity", "18+1 code (NS: not stated); empty when not recorded."),
    ("officer_observed_ethnicity", "IC code (IC1-IC6, IC9); empty when not recorded."),
    ("drug", "Main substance found."),
    ("referral_date", "UK day of the referral."),
    ("first_contact_date", "UK day of the first contact attempt; empty when none."),
    ("assessment_date", "UK day the assessment was completed; empty when none."),
    ("completion_date", "UK day the referral was closed as completed; empty otherwise."),
    ("outcome", "Status: completed, non_compliant, ineligible, withdrawn, or open."),
    ("outcome_date", "UK day the referral was closed; empty while open."),
)


@dataclass(frozen=True)
class EvaluationExtract:
    period: Period
    rows: tuple[tuple[str, ...], ...]
    demo: bool

    @property
    def count(self) -> int:
        return len(self.rows)


def _initial(name: str | None) -> str:
    text = (name or "").strip()
    return text[0].upper() if text else ""


def _day(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UK).date().isoformat()


def _evaluation_row(number: int, row: Any) -> tuple[str, ...]:
    (
        first,
        last,
        born,
        sex,
        force,
        sde,
        ic,
        referred,
        contacted,
        assessed,
        status,
        closed,
        drug,
        _referral_id,
    ) = row
    open_statuses = {"received", "contacting", "assessed", "allocated", "booked"}
    outcome = "open" if status in open_statuses else status
    # Past its retention period nothing links the person any more: no initials, no birth date.
    gone = first == ANONYMISED_NAME
    return (
        str(number),
        "" if gone else _initial(first),
        "" if gone else _initial(last),
        "" if gone else born.isoformat(),
        sex,
        force,
        sde or "",
        ic or "",
        drug,
        _day(referred),
        _day(contacted),
        _day(assessed),
        _day(closed) if status == "completed" else "",
        outcome,
        "" if outcome == "open" else _day(closed),
    )


def evaluation_extract(
    db: Database,
    actor: Actor,
    schemes: Mapping[str, Scheme],
    period: Period,
    *,
    force: str | None = None,
    deliver: Callable[[EvaluationExtract], str | None] | None = None,
) -> EvaluationExtract:
    """The pseudonymised linkage rows of the national evaluation: initials, never names,
    addresses or phone numbers. Audited with the number of rows and where they went."""
    codes = sorted(report_forces(actor, schemes, force))
    low, high = period.bounds()
    demo = is_demo_database(db)
    with db.read() as reading:
        found = _snapshot(reading).execute(queries.evaluation_rows(low, high, codes)).all()
    extract = EvaluationExtract(
        period, tuple(_evaluation_row(n, row) for n, row in enumerate(found, start=1)), demo
    )
    with db.write() as session:
        where = deliver(extract) if deliver is not None else None
        audit.record(
            session,
            actor,
            "evaluation.export",
            "report",
            "",
            f"{period.start.isoformat()}..{period.end.isoformat()} forces={','.join(codes)} "
            f"rows={extract.count}"
            + (f" file={where}" if where else "")
            + referrals_detail(row[-1] for row in found),
        )
    return extract
