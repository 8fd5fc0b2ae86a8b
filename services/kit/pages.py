"""Cursor pagination of list answers: `?limit=` and `?cursor=`, and `next_cursor` back.

A list answer keeps its list field and adds `next_cursor` (null on the last page). The
cursor is opaque to clients: the URL-safe base64 of the last item's sort key (JSON), so
the next page starts strictly after that item, whatever was added or removed meanwhile.
Sort keys end with the item's id, so ties never lose or repeat an item.

`Paging` (a FastAPI dependency, `pages.query()`) reads and checks both parameters: a
limit out of range or a cursor this list did not hand out is a 422 problem naming the
field (`limit`, `cursor`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from services.kit.errors import invalid

DEFAULT_LIMIT: Final = 100  # a page as large as the portal shows: its answers stay whole
MAX_LIMIT: Final = 500

Key = tuple[str | int, ...]
T = TypeVar("T")


class Page(BaseModel):
    """What every paged list answer adds to its list field."""

    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last page"
    )


def encode(key: Key) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> Key:
    """The sort key a cursor carries; a 422 problem on `cursor` if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid("cursor", "not a cursor of this list") from None
    if not isinstance(key, list) or not key:
        raise invalid("cursor", "not a cursor of this list")
    if not all(isinstance(part, str | int) and not isinstance(part, bool) for part in key):
        raise invalid("cursor", "not a cursor of this list")
    return tuple(key)


@dataclass(frozen=True)
class Paging:
    """One request's page: at most `limit` items after the item `after` names."""

    limit: int = DEFAULT_LIMIT
    after: Key | None = None

    def take(
        self, items: Iterable[T], key: Callable[[T], Key], *, newest_first: bool = False
    ) -> tuple[list[T], str | None]:
        """This page of `items` in `key` order (descending when `newest_first`), and the
        cursor of the next page (None when nothing follows)."""
        ordered = sorted(((key(i), i) for i in items), key=lambda p: p[0], reverse=newest_first)
        if self.after is not None:
            ordered = [p for p in ordered if _beyond(p[0], self.after, newest_first)]
        shown = ordered[: self.limit]
        more = len(ordered) > self.limit
        return [i for _, i in shown], encode(shown[-1][0]) if more and shown else None


def _beyond(key: Key, after: Key, newest_first: bool) -> bool:
    try:
        return key < after if newest_first else key > after
    except TypeError:  # a cursor of another list: its key's parts have other types
        raise invalid("cursor", "not a cursor of this list") from None


def query(
    default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT
) -> Callable[..., Awaitable[Paging]]:
    """A dependency reading `?limit=` (1..maximum, `default` when absent) and `?cursor=`."""

    async def paging(  # async: see provided.py (no thread hop per request)
        limit: int = Query(default, ge=1, le=maximum, description=f"items (at most {maximum})"),
        cursor: str | None = Query(
            None, max_length=512, description="`next_cursor` of the previous page"
        ),
    ) -> Paging:
        return Paging(limit, None if cursor is None else decode(cursor))

    return paging


PageQuery = Annotated[Paging, Depends(query())]


def sort_key(*parts: str | int | None) -> Key:
    """A sort key from parts that may be missing (None sorts first, as "")."""
    return tuple("" if p is None else p for p in parts)


def by(*fields: str) -> Callable[[dict[str, Any]], Key]:
    """The sort key of an answer's item: its members `fields` (the last one its id). The
    route pages with it and kit/forwarding.py merges the workers' pages with it, so both
    agree on the order and on what a cursor means."""

    def key(item: dict[str, Any]) -> Key:
        return sort_key(*(item.get(f) for f in fields))

    return key
