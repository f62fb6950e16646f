"""Shapes shared by the API routers: bounded ids in paths, and the page envelope of lists.

Lists ordered by id page with a cursor that is the last id seen: callers fetch limit + 1
rows and `cut` tells whether there is a next page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel

from csops.errors import Invalid

T = TypeVar("T")
R = TypeVar("R")

MAX_ID = 2_147_483_647  # the largest INTEGER on PostgreSQL; larger ids cannot exist

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The numeric id")]


class Page(BaseModel, Generic[T]):
    """One page of a list. Pass `next_cursor` back as `cursor` for the next page."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None


def after_id(cursor: str | None) -> int | None:
    """The id a cursor made by `cut` points after; None for the first page."""
    if not cursor:
        return None
    if not cursor.isdigit() or int(cursor) > MAX_ID:
        raise Invalid("the cursor is not valid; start from the first page")
    return int(cursor)


def cut(rows: Sequence[R], limit: int, ident: Callable[[R], int]) -> tuple[list[R], str | None]:
    """The first `limit` rows, and the cursor of the next page when there are more."""
    items = list(rows[:limit])
    return items, (str(ident(items[-1])) if len(rows) > limit and items else None)
