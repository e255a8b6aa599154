"""Command palette source: find a person or referral by name, date of birth or police reference."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider

from divert_tui.core.services.base import AccountInactive, ServiceError

if TYPE_CHECKING:
    from divert_tui.app import DivertApp


class PeopleProvider(Provider):
    """Searches the database as the user types (in a thread, never on the UI thread)."""

    @property
    def divert_app(self) -> DivertApp:
        return self.app  # type: ignore[return-value]

    async def search(self, query: str) -> Hits:
        app = self.divert_app
        if app.actor is None or len(query.strip()) < 2:
            return
        from divert_tui.core.services import search

        try:
            hits = await asyncio.to_thread(search.find, app.db, app.actor, query)
        except ServiceError as error:
            if isinstance(error, AccountInactive):
                app.report_error(error)
            return
        matcher = self.matcher(query)
        for hit in hits:
            score = matcher.match(hit.label) or 0.5
            yield Hit(
                score,
                matcher.highlight(hit.label),
                partial(app.open_referral, hit.referral_id),
                text=hit.label,
                help=hit.detail,
            )
