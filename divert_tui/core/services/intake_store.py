"""Storing validated referrals: matching people, judging eligibility, bulk inserts.

Shared by the feed import and manual entry so both follow exactly the same rules; works
inside the caller's transaction and never commits. Lookups go in chunks so a feed of any
size stays within the databases' limits on bound parameters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from divert_tui.core import feed_fields
from divert_tui.core.feed import FeedRecord
from divert_tui.core.models import (
    IntelligenceLog,
    Person,
    PersonChange,
    Referral,
    StatusChange,
    utcnow,
)
from divert_tui.core.rules import eligibility, matching
from divert_tui.core.rules.calendar import first_contact_due
from divert_tui.core.rules.lifecycle import check_move
from divert_tui.core.schemes import Scheme
from divert_tui.core.services.base import Actor, ConflictError
from divert_tui.core.vocab import ReferralSource, ReferralStatus

CHUNK = 500  # bound parameters per IN (...) lookup, well inside every database's limit


@dataclass
class StoreCounts:
    imported: int = 0
    already: int = 0
    matched: int = 0
    possible: int = 0
    barred: int = 0
    outside: int = 0
    notices: list[str] = field(default_factory=list)
    referral_ids: list[int] = field(default_factory=list)


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _existing_references(session: Session, records: list[FeedRecord]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    refs = sorted({r.police_reference for r in records})
    for part in _chunks(refs):
        rows = session.exec(
            select(Referral.force_code, Referral.police_reference).where(
                col(Referral.police_reference).in_(part)
            )
        ).all()
        found.update((f, p) for f, p in rows)
    return found


def _candidates(
    session: Session, records: list[FeedRecord]
) -> dict[date, list[matching.Candidate]]:
    dates = sorted({d for r in records for d in matching.candidate_dates(r.date_of_birth)})
    by_date: dict[date, list[matching.Candidate]] = defaultdict(list)
    for part in _chunks(dates):
        rows = session.exec(
            select(Person.id, Person.first_name, Person.last_name, Person.date_of_birth).where(
                col(Person.date_of_birth).in_(part)
            )
        ).all()
        for pid, first, last, born in rows:
            by_date[born].append(matching.Candidate(pid, first, last, born))
    return by_date


def intel_facts(
    session: Session, person_ids: Iterable[int], schemes: Mapping[str, Scheme]
) -> dict[int, list[eligibility.IntelLogFact]]:
    """The intelligence logs of these people, as the eligibility rule reads them."""
    facts: dict[int, list[eligibility.IntelLogFact]] = defaultdict(list)
    for part in _chunks(sorted(set(person_ids))):
        logs = session.exec(
            select(IntelligenceLog).where(col(IntelligenceLog.person_id).in_(part))
        ).all()
        for log in logs:
            scheme = schemes.get(log.force_code)
            facts[log.person_id].append(
                eligibility.IntelLogFact(
                    id=log.id or 0,
                    created=local_day(log.created_at),
                    reason=log.reason,
                    bar_until=log.bar_until,
                    scheme_name=scheme.name if scheme else log.force_code,
                    bar_months=scheme.bar_months if scheme else None,
                )
            )
    return facts


def local_day(moment: datetime) -> date:
    """The UK calendar day of a stored moment (stored in UTC, lived in UK time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(feed_fields.UK_TIME).date()


def _person_values(record: FeedRecord, now: datetime) -> dict[str, Any]:
    first_key, last_key, _ = matching.name_key(
        record.first_name, record.last_name, record.date_of_birth
    )
    return {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "first_name_key": first_key,
        "last_name_key": last_key,
        "date_of_birth": record.date_of_birth,
        "sex": record.sex,
        "self_defined_ethnicity": record.self_defined_ethnicity,
        "officer_observed_ethnicity": record.officer_observed_ethnicity,
        "phone": record.phone,
        "postcode": record.postcode,
        "needs_interpreter": False,
        "created_at": now,
        "version": 1,
    }


def _executemany(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """One INSERT for many rows at the driver, with each column's own bind processing.

    The same values SQLAlchemy would write, without its per-row bookkeeping, which costs
    more than SQLite's own work for a feed of thousands of rows.
    """
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    processors = [column.type._cached_bind_processor(dialect) for column in columns]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    prepared = []
    for row in rows:
        values = [row[name] for name in names]
        prepared.append(
            tuple(p(v) if p is not None else v for p, v in zip(processors, values, strict=True))
        )
    connection.exec_driver_sql(sql, prepared)


def _insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert, giving back the new ids in the order of ``rows``.

    SQLite: ids are handed out from max(id) (the import holds the write lock from
    BEGIN IMMEDIATE, so no one else can take them) and inserted with a plain executemany,
    which is many times faster than RETURNING row by row. PostgreSQL: RETURNING in order.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        start = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
        ids = list(range(start, start + len(rows)))
        _executemany(session, table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
        return ids
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in session.execute(statement, rows)]


def store_records(
    session: Session,
    actor: Actor,
    records: list[FeedRecord],
    schemes: Mapping[str, Scheme],
    *,
    source: str = ReferralSource.OFFICER_APP.value,
) -> StoreCounts:
    """Match, judge and insert validated records inside the caller's transaction."""
    counts = StoreCounts()
    now = utcnow()
    present = _existing_references(session, records)
    fresh = [r for r in records if (r.force, r.police_reference) not in present]
    counts.already = len(records) - len(fresh)
    by_date = _candidates(session, fresh)
    # People of this same file are matched too, so one person referred twice is one person.
    new_people: list[dict[str, Any]] = []
    new_index: dict[tuple[str, str, date], int] = {}
    in_file: dict[date, list[matching.Candidate]] = defaultdict(list)  # ids -1, -2, ...
    person_of: list[tuple[str, int, int | None, str]] = []  # kind, person slot/id, possible
    for record in fresh:
        dates = matching.candidate_dates(record.date_of_birth)
        candidates = [c for d in dates for c in by_date[d]]
        candidates += [c for d in dates for c in in_file[d]]
        match = matching.best_match(
            record.first_name, record.last_name, record.date_of_birth, candidates
        )
        key = matching.name_key(record.first_name, record.last_name, record.date_of_birth)
        if match is not None and match.kind == matching.MatchKind.EXACT and match.person_id > 0:
            counts.matched += 1
            person_of.append(("id", match.person_id, None, match.reason))
            continue
        if key in new_index:
            person_of.append(("new", new_index[key], None, ""))
            continue
        possible = match.person_id if match is not None else None
        if possible is not None:
            counts.possible += 1
        new_index[key] = len(new_people)
        in_file[record.date_of_birth].append(
            matching.Candidate(
                -len(new_people) - 1, record.first_name, record.last_name, record.date_of_birth
            )
        )
        new_people.append(_person_values(record, now))
        person_of.append(("new", new_index[key], possible, match.reason if match else ""))
    new_ids = _insert_returning_ids(session, Person.__table__, new_people)
    person_ids = [pid if kind == "id" else new_ids[pid] for kind, pid, _, _ in person_of]
    person_of = [
        (
            kind,
            pid,
            new_ids[-possible - 1] if possible is not None and possible < 0 else possible,
            why,
        )
        for kind, pid, possible, why in person_of
    ]
    contact_changes = _refresh_contact_details(session, fresh, person_of)
    logs = intel_facts(session, [pid for kind, pid, _, _ in person_of if kind == "id"], schemes)
    referral_rows: list[dict[str, Any]] = []
    statuses: list[tuple[str, str]] = []
    for record, person_id, (_, _, possible, why) in zip(fresh, person_ids, person_of, strict=True):
        scheme = schemes[record.force]
        verdict = eligibility.decide(
            record.referred_at,
            scheme,
            date_of_birth=record.date_of_birth,
            logs=logs.get(person_id, ()),
        )
        note = verdict.explanation
        if possible is not None:
            note += f"; possible match with person {possible} ({why}): confirm before contact"
        status = ReferralStatus.RECEIVED.value
        if not verdict.eligible:
            status = ReferralStatus.INELIGIBLE.value
            refused = check_move(ReferralStatus.RECEIVED.value, status, eligible=False)
            assert refused is None, refused  # intake's one move follows the lifecycle too
            if verdict.rule == "age":
                counts.outside += 1
                counts.notices.append(
                    f"row {record.row}: date_of_birth: {verdict.explanation}; imported as ineligible"
                )
            else:
                counts.barred += 1
                counts.notices.append(f"row {record.row}: {verdict.explanation}")
        statuses.append((status, verdict.explanation if not verdict.eligible else f"{source}"))
        referral_rows.append(
            {
                "force_code": record.force,
                "police_reference": record.police_reference,
                "person_id": person_id,
                "possible_match_person_id": possible,
                "referred_at": record.referred_at,
                "offence_date": record.offence_date,
                "substances": ";".join(record.substances),
                "main_substance": record.substances[0],
                "officer": record.officer or None,
                "location": record.location or None,
                "feed_notes": record.notes or None,
                "source": source,
                "status": status,
                "status_reason": verdict.explanation if not verdict.eligible else None,
                "eligibility_note": note,
                "first_contact_due": first_contact_due(
                    record.referred_at.astimezone(feed_fields.UK_TIME),
                    scheme.first_contact_working_days,
                ),
                "closed_at": now if status != "received" else None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    try:
        referral_ids = _insert_returning_ids(session, Referral.__table__, referral_rows)
    except IntegrityError:
        raise ConflictError(
            "some of these referrals were added by someone else at the same moment; "
            "nothing was imported: run the import again"
        ) from None
    # A received referral's arrival is its own created_at; only a referral that starts
    # life ineligible gets a status row, so the timeline shows why at intake.
    closed = [
        {
            "referral_id": rid,
            "from_status": None,
            "to_status": status,
            "at": now,
            "staff_id": actor.staff_id,
            "reason": reason,
        }
        for rid, (status, reason) in zip(referral_ids, statuses, strict=True)
        if status != ReferralStatus.RECEIVED.value
    ]
    if closed:
        session.execute(insert(StatusChange.__table__), closed)
    _record_contact_changes(session, contact_changes, fresh, referral_ids, source, now, counts)
    counts.imported = len(referral_ids)
    counts.referral_ids = referral_ids
    return counts


CONTACT_FIELDS = ("phone", "postcode")


@dataclass(frozen=True)
class ContactChange:
    """One contact detail of a known person that a newer referral changed."""

    person_id: int
    record: FeedRecord
    field: str
    old: str | None
    new: str | None


def _refresh_contact_details(
    session: Session, records: list[FeedRecord], person_of: list[tuple[str, int, int | None, str]]
) -> list[ContactChange]:
    """A known person's phone and postcode follow their latest referral (the number to ring).

    Only values that differ change, never to blank; each change bumps the person's version
    and is returned so that it can be kept in their history and shown on the referral.
    """
    latest: dict[int, FeedRecord] = {}
    for record, (kind, pid, _, _) in zip(records, person_of, strict=True):
        if kind == "id" and (pid not in latest or record.referred_at >= latest[pid].referred_at):
            latest[pid] = record
    if not latest:
        return []
    current: dict[int, tuple[str | None, str | None]] = {}
    for chunk in _chunks(sorted(latest)):
        for pid, phone, postcode in session.execute(
            select(Person.id, Person.phone, Person.postcode).where(col(Person.id).in_(chunk))
        ).all():
            current[pid] = (phone, postcode)
    changes: list[ContactChange] = []
    updates: list[dict[str, Any]] = []
    for pid, record in latest.items():
        old = dict(zip(CONTACT_FIELDS, current.get(pid, (None, None)), strict=True))
        new = {name: getattr(record, name) or None for name in CONTACT_FIELDS}
        changed = [name for name in CONTACT_FIELDS if new[name] and new[name] != old[name]]
        if not changed:
            continue
        changes += [ContactChange(pid, record, n, old[n], new[n]) for n in changed]
        kept = {name: new[name] if name in changed else old[name] for name in CONTACT_FIELDS}
        updates.append({"pid": pid, "new_phone": kept["phone"], "new_postcode": kept["postcode"]})
    if updates:
        table = Person.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("pid"))
            .values(
                phone=bindparam("new_phone"),
                postcode=bindparam("new_postcode"),
                version=table.c.version + 1,
            ),
            updates,
        )
    return changes


def _record_contact_changes(
    session: Session,
    changes: list[ContactChange],
    fresh: list[FeedRecord],
    referral_ids: list[int],
    source: str,
    now: datetime,
    counts: StoreCounts,
) -> None:
    """Keep each change in the person's history, tied to the referral that brought it."""
    if not changes:
        return
    referral_of = {id(record): rid for record, rid in zip(fresh, referral_ids, strict=True)}
    session.execute(
        insert(PersonChange.__table__),
        [
            {
                "person_id": change.person_id,
                "referral_id": referral_of.get(id(change.record)),
                "field": change.field,
                "old_value": change.old,
                "new_value": change.new,
                "source": source,
                "changed_at": now,
            }
            for change in changes
        ],
    )
    by_row: dict[int, list[str]] = defaultdict(list)
    for change in changes:
        by_row[change.record.row].append(change.field)
    for row, names in sorted(by_row.items()):
        counts.notices.append(
            f"row {row}: {' and '.join(names)} of a known person changed; the old "
            f"{'values are' if len(names) > 1 else 'value is'} kept in their history"
        )
