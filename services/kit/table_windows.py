"""Read a Faust table a window of entries at a time, with no store iterator between windows.

A RocksDB iterator keeps its database open, and Faust's RocksDB store closes nothing when
a partition is revoked: it drops its reference and leaves the rest to the garbage
collector. An iterator held across an await while a rebalance takes the partition away
keeps the database's lock; reopening it on reassignment retries for 30 s and the worker
crashes. So each window is read by a fresh iterator that is gone when `read` returns, and
the next window resumes from a `Cursor` that holds no store object: with RocksDB the
partition database and the last key read (its keys are sorted: the next iterator seeks
there); with any other store (Faust's memory store, a dict) the number of entries read,
since those keep insertion order. A window never holds more than `size` entries.

A walk is best effort, as its users (expiry) can afford: entries written behind the
cursor meanwhile are met by the next walk, and one re-inserted is met twice.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Cursor:
    """Where the next window starts."""

    partition: int = -1  # RocksDB: the partition database read last (-1: none yet)
    after: bytes | None = None  # ... and the last raw key read in it
    position: int = 0  # other stores: entries before the next window

    def forgetting(self, dropped: int) -> Cursor:
        """The same place once the caller deleted `dropped` entries it had read: in an
        insertion-ordered store the entries after them moved that many places forward."""
        return replace(self, position=max(0, self.position - dropped))


def read(table: Any, size: int, cursor: Cursor) -> tuple[list[tuple[Any, Any]], Cursor | None]:
    """Up to `size` (key, value) entries of `table` from `cursor`, and the cursor of the
    next window (None: the walk is over)."""
    store = getattr(table, "data", table)
    dbs = getattr(store, "_dbs", None)
    if isinstance(dbs, dict):  # faust's rocksdb store: one database per partition
        return _read_rocksdb(store, dbs, size, cursor)
    return _read_in_order(getattr(store, "data", store), size, cursor)


def _read_in_order(
    data: Any, size: int, cursor: Cursor
) -> tuple[list[tuple[Any, Any]], Cursor | None]:
    window = list(itertools.islice(data.items(), cursor.position, cursor.position + size))
    if len(window) < size:
        return window, None
    return window, replace(cursor, position=cursor.position + size)


def _read_rocksdb(
    store: Any, dbs: dict[int, Any], size: int, cursor: Cursor
) -> tuple[list[tuple[Any, Any]], Cursor | None]:
    window: list[tuple[Any, Any]] = []
    after = cursor.after
    for partition in sorted(p for p in dbs if p >= cursor.partition):  # as it is now
        if partition != cursor.partition:
            after = None
        raw = _raw_entries(store, dbs[partition], size - len(window), after)
        window += [(store._decode_key(k), store._decode_value(v)) for k, v in raw]
        if len(window) == size:
            return window, Cursor(partition, raw[-1][0])
    return window, None


def _raw_entries(store: Any, db: Any, size: int, after: bytes | None) -> list[tuple[bytes, bytes]]:
    """Up to `size` raw entries of one partition database after the key `after`. The
    database and its iterator are locals of this call, deleted on the way out even on an
    error: a traceback keeps the frames it passed through, and their locals with them."""
    entries = db.items() if after is None else db.items(from_key=after)
    try:
        skipped = (after, getattr(store, "offset_key", None))
        window: list[tuple[bytes, bytes]] = []
        for key, value in entries:
            if key not in skipped:
                window.append((key, value))
                if len(window) == size:
                    break
        return window
    finally:
        del entries, db
