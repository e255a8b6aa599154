"""The local service directory: where a worker signposts or refers a person, per force area.

Shipped as data (``core/data/services/<force>.toml`` plus ``national.toml``) and copied into
the ``service`` table by an idempotent sync that never overwrites what an admin changed.
Local entries ship as placeholders for the admin to fill in.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlmodel import Session, col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Force, Service
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    NotFound,
    Permission,
    ValidationError,
    require,
)
from divert_tui.core.vocab import NeedDomain


@dataclass(frozen=True)
class ServiceEntry:
    id: int
    code: str | None
    name: str
    domain: str
    force_code: str | None
    contact: str
    notes: str
    active: bool
    placeholder: bool

    @property
    def label(self) -> str:
        mark = " [placeholder: ask an admin]" if self.placeholder else ""
        contact = f" · {self.contact}" if self.contact else ""
        return f"{self.name}{contact}{mark}"


def _entry(row: Service) -> ServiceEntry:
    return ServiceEntry(
        row.id or 0,
        row.code,
        row.name,
        row.domain,
        row.force_code,
        row.contact or "",
        row.notes or "",
        row.active,
        row.placeholder,
    )


def _read(name: str) -> dict[str, Any]:
    folder = resources.files("divert_tui.core") / "data" / "services"
    return tomllib.loads((folder / name).read_text("utf-8"))


def shipped(force_code: str) -> list[dict[str, Any]]:
    """The entries shipped for one force: its own file, plus the national ones if it asks."""
    try:
        raw = _read(f"{force_code}.toml")
    except FileNotFoundError:
        raw = {"include_national": True, "service": []}
    entries = list(raw.get("service", []))
    if raw.get("include_national", True):
        entries = list(_read("national.toml").get("service", [])) + entries
    for entry in entries:
        if entry.get("domain") not in {d.value for d in NeedDomain}:
            raise ValueError(f"services/{force_code}: {entry.get('code')}: unknown domain")
    return entries


def _sync(session: Session, force_codes: Iterable[str]) -> int:
    added = 0
    for force in force_codes:
        have = set(
            session.exec(
                select(Service.code).where(
                    Service.force_code == force, col(Service.code).is_not(None)
                )
            ).all()
        )
        for entry in shipped(force):
            if entry["code"] in have:
                continue  # an admin's edits win over the shipped file
            session.add(
                Service(
                    code=entry["code"],
                    name=entry["name"],
                    domain=entry["domain"],
                    force_code=force,
                    contact=entry.get("contact") or None,
                    notes=entry.get("notes") or None,
                    placeholder=bool(entry.get("placeholder", False)),
                )
            )
            added += 1
    return added


def sync_services(db: Database, force_codes: Iterable[str] | None = None) -> int:
    """Add the shipped entries missing from the table (all forces by default); returns how many.

    Safe to run at every start: rows already there are left exactly as an admin left them.
    """
    with db.write() as session:
        codes = (
            list(force_codes)
            if force_codes is not None
            else [f.code for f in session.exec(select(Force)).all()]
        )
        return _sync(session, codes)


def ensure_synced(session: Session, force_code: str) -> None:
    """Inside a caller's transaction: give a force its shipped directory the first time."""
    if session.exec(select(Service.id).where(Service.force_code == force_code)).first() is None:
        _sync(session, [force_code])


def list_services(
    db: Database, actor: Actor, force_code: str, domain: str | None = None
) -> list[ServiceEntry]:
    """Active services of a force area (optionally one domain), real ones before placeholders."""
    require(actor, Permission.VIEW_REFERRALS, force=force_code)
    with db.read() as session:
        query = select(Service).where(Service.force_code == force_code, col(Service.active))
        if domain:
            query = query.where(Service.domain == domain)
        rows = session.exec(query.order_by(col(Service.placeholder), col(Service.id))).all()
        return [_entry(r) for r in rows]


def update_service(
    db: Database,
    actor: Actor,
    service_id: int,
    *,
    name: str | None = None,
    contact: str | None = None,
    notes: str | None = None,
    active: bool | None = None,
) -> ServiceEntry:
    """An admin fills in or corrects an entry; giving a name and contact ends a placeholder."""
    require(actor, Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = session.get(Service, service_id)
        if row is None:
            raise NotFound(f"no service {service_id}")
        if name is not None:
            if not name.strip():
                raise ValidationError({"name": "a service needs a name"})
            row.name = name.strip()[:150]
        if contact is not None:
            row.contact = contact.strip()[:255] or None
        if notes is not None:
            row.notes = notes.strip() or None
        if active is not None:
            row.active = active
        if row.placeholder and name is not None and row.contact:
            row.placeholder = False
        session.add(row)
        audit.record(session, actor, "service.update", "service", service_id)
        return _entry(row)


def add_service(
    db: Database,
    actor: Actor,
    force_code: str,
    domain: str,
    name: str,
    contact: str = "",
    notes: str = "",
) -> ServiceEntry:
    """An admin adds a local service that the shipped files do not have."""
    require(actor, Permission.MANAGE_SETTINGS)
    problems = {}
    if domain not in {d.value for d in NeedDomain}:
        problems["domain"] = f"use one of {', '.join(d.value for d in NeedDomain)}"
    if not name.strip():
        problems["name"] = "a service needs a name"
    if problems:
        raise ValidationError(problems)
    with db.write() as session:
        if session.get(Force, force_code) is None:
            raise NotFound(f"no force {force_code}")
        row = Service(
            name=name.strip()[:150],
            domain=domain,
            force_code=force_code,
            contact=contact.strip()[:255] or None,
            notes=notes.strip() or None,
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "service.add", "service", row.id or "")
        return _entry(row)
