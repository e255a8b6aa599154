"""Bulk inserts for the demo cohort: buffered per table, flushed in batches, parents first.

A Core ``executemany`` spends most of its time in SQLAlchemy's per-row parameter
handling. On SQLite the writer therefore compiles each INSERT once and converts values
itself with each column type's own bind processor (the very function SQLAlchemy would
call), so the stored bytes are the same as through ``insert(table)``; only aware UTC
datetimes and dates, the bulk of the values, get an equivalent quicker formatter, which
the tests check against SQLAlchemy's. On PostgreSQL the rows go through ``COPY ... FROM
STDIN`` (psycopg's copy, values converted by the same bind processors), which is many times
faster than an ``executemany`` of INSERTs; the tests compare both paths row for row. Any
other database takes the plain Core path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, Table, insert
from sqlmodel.sql.sqltypes import UTCDateTime

from divert_tui.core import models

BATCH_ROWS = 5000
FAST_SQLITE = True  # the tests switch it off to compare with the plain Core path
FAST_POSTGRES = True  # likewise for COPY on PostgreSQL

# Insert order: every table after the tables it points at.
TABLES: dict[str, Table] = {
    model.__tablename__: model.__table__  # type: ignore[attr-defined]
    for model in (
        models.Staff,
        models.StaffForce,
        models.CourseGroup,
        models.Person,
        models.Referral,
        models.CourseSession,
        models.StatusChange,
        models.ContactAttempt,
        models.Assessment,
        models.InstrumentResponse,
        models.SubstanceUse,
        models.AdviceGiven,
        models.Need,
        models.NeedService,
        models.SafeguardingConcern,
        models.Allocation,
        models.Booking,
        models.WaitingEntry,
        models.IntelligenceLog,
        models.Note,
    )
}

Processor = Callable[[Any], Any]
_Plan = tuple[str, Callable[[Any], Any], list[tuple[int, Processor]]]


def sqlite_utc_text(value: datetime) -> str:
    """What SQLAlchemy stores in SQLite for an aware datetime: UTC, no offset, microseconds."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def sqlite_date_text(value: date) -> str:
    return value.isoformat()


class Writer:
    """Collects rows (dicts keyed by column) and inserts them in batches."""

    def __init__(
        self,
        connection: Connection,
        tables: Mapping[str, Table] = TABLES,
        batch: int = BATCH_ROWS,
        *,
        fast: bool | None = None,
    ) -> None:
        self.connection = connection
        self.tables = dict(tables)
        self.batch = batch
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in self.tables}
        self.counts: dict[str, int] = dict.fromkeys(self.tables, 0)
        wanted = FAST_SQLITE if fast is None else fast
        self.fast = wanted and connection.dialect.name == "sqlite"
        copy_wanted = FAST_POSTGRES if fast is None else fast
        self.copy = copy_wanted and connection.dialect.name == "postgresql"
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan | None] = {}
        self._copy_plans: dict[tuple[str, tuple[str, ...]], _Plan | None] = {}
        self._texts: dict[datetime, str] = {}

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Drop the tables' secondary indexes and build them again at the end.

        Building an index once over sorted keys costs far less than keeping eight of them
        (the referral table's) up to date row by row. It all happens inside the caller's
        transaction, so a failure rolls the dropped indexes back with the rows. Indexes that
        back a constraint (primary keys, unique constraints) stay.
        """
        if not (self.fast or self.copy):
            yield
            self.flush()
            return
        saved: list[str] = []
        for name in self.tables:
            for index_name, sql in self._secondary_indexes(name):
                self.connection.exec_driver_sql(f'DROP INDEX "{index_name}"')
                saved.append(sql)
        yield
        self.flush()
        for sql in saved:
            self.connection.exec_driver_sql(sql)

    def _secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        if self.fast:
            found = self.connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                (table,),
            ).all()
        else:
            found = self.connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = %(table)s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname",
                {"table": table},
            ).all()
        return [(str(n), str(sql)) for n, sql in found]

    def _utc_text(self, value: datetime) -> str:
        # Most moments recur (a status change, its contact attempt and the referral's
        # updated_at share one), so formatting each once saves a good part of the work.
        text = self._texts.get(value)
        if text is None:
            if len(self._texts) > 200_000:
                self._texts.clear()
            text = self._texts[value] = sqlite_utc_text(value)
        return text

    def __call__(self, table: str, row: dict[str, Any]) -> None:
        self.buffers[table].append(row)

    def maybe_flush(self) -> None:
        """Flush when a buffer is full; call it only between whole parents and children."""
        if any(len(rows) >= self.batch for rows in self.buffers.values()):
            self.flush()

    def flush(self) -> None:
        for name, rows in self.buffers.items():
            for start in range(0, len(rows), self.batch):
                self._insert(name, rows[start : start + self.batch])
            self.counts[name] += len(rows)
            self.buffers[name] = []

    def _plan(self, name: str, keys: tuple[str, ...]) -> _Plan | None:
        """The compiled INSERT and converters for rows with these keys (None: use Core)."""
        if (name, keys) not in self._plans:
            table, dialect = self.tables[name], self.connection.dialect
            compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
            order = list(compiled.positiontup or ())
            if set(order) != set(keys):  # a column default SQLAlchemy would compute: let it
                self._plans[(name, keys)] = None
                return None
            converters: list[tuple[int, Processor]] = []
            for index, key in enumerate(order):
                column_type = table.c[key].type
                if isinstance(column_type, UTCDateTime):
                    converters.append((index, self._utc_text))
                    continue
                if isinstance(column_type, Date):
                    converters.append((index, sqlite_date_text))
                    continue
                processor = column_type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    converters.append((index, processor))
            self._plans[(name, keys)] = (str(compiled), itemgetter(*order), converters)
        return self._plans[(name, keys)]

    def _copy_plan(self, name: str, keys: tuple[str, ...]) -> _Plan | None:
        """The COPY statement and converters for rows with these keys (None: use Core,
        when SQLAlchemy would fill in a column default the rows leave out)."""
        if (name, keys) not in self._copy_plans:
            table, dialect = self.tables[name], self.connection.dialect
            compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
            if set(compiled.params) != set(keys):
                self._copy_plans[(name, keys)] = None
                return None
            converters: list[tuple[int, Processor]] = []
            for index, key in enumerate(keys):
                column_type = table.c[key].type
                processor = column_type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    converters.append((index, processor))
            columns = ", ".join(dialect.identifier_preparer.quote(key) for key in keys)
            quoted = dialect.identifier_preparer.format_table(table)
            sql = f"COPY {quoted} ({columns}) FROM STDIN"
            self._copy_plans[(name, keys)] = (sql, itemgetter(*keys), converters)
        return self._copy_plans[(name, keys)]

    def _copy(self, name: str, rows: list[dict[str, Any]]) -> bool:
        keys = tuple(rows[0])
        plan = self._copy_plan(name, keys)
        if plan is None or any(tuple(row) != keys for row in rows):
            return False
        sql, getter, converters = plan
        single = len(keys) == 1
        raw = self.connection.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                value = [getter(row)] if single else list(getter(row))
                for index, convert in converters:
                    item = value[index]
                    if item is not None:
                        value[index] = convert(item)
                copy.write_row(value)
        return True

    def _insert(self, name: str, rows: list[dict[str, Any]]) -> None:
        if self.copy and self._copy(name, rows):
            return
        plan = self._plan(name, tuple(rows[0])) if self.fast else None
        if plan is None:
            self.connection.execute(insert(self.tables[name]), rows)
            return
        sql, getter, converters = plan
        values = []
        for row in rows:
            value = list(getter(row))
            for index, convert in converters:
                item = value[index]
                if item is not None:
                    value[index] = convert(item)
            values.append(tuple(value))
        self.connection.exec_driver_sql(sql, values)
