"""One page of a list read from SQL: the rows, how many there are in all, and where we are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def last_page(total: int, page_size: int) -> int:
    return max(0, -(-total // page_size) - 1)


def clamp_page(page: int, total: int, page_size: int) -> int:
    """A page number that exists (a list that shrank shows its last page, not an empty one)."""
    return max(0, min(page, last_page(total, page_size)))


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return last_page(self.total, self.page_size) + 1
