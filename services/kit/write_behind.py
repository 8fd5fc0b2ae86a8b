"""A batch's table writes reach the changelog once per key: the last value.

Faust sends a changelog record for every `table[key] = value`, and each costs the
service Faust's producer-buffer path and the broker a record. A batch often writes one
key several times: a unit once per event of its case, a county's queue of open cases
once per case of the county that moved. Recovery reads only a key's last record in
each changelog partition, so the records before it in the same batch are never needed.
Kafka Streams' record cache does the same between commits (`statestore.cache.max.bytes`).

What changes and what does not:
- The table itself (memory or RocksDB) is written at once, as before: reads within the
  batch see every write.
- The changelog records of a batch are sent when the batch's handler is done
  (`coalescing` ends), before the batch's records are produced and before
  `AppliedEvents.writes_durable` and the offsets. So what is durable when a batch is
  acknowledged is what it was: every key's last write.
- A value is serialised when it is sent, so the changelog gets it as it is at the end of
  the batch. That is what the table holds: the memory store keeps the written object
  itself, so a change made in place after the write (realestate's `Unit.from_json` hands
  out the stored cases) is in the table too; RocksDB hands out copies, so nothing reaches
  the written object after the write.
- A write outside a batch (a mark, an expiry, a command that writes itself) is sent at
  once, as is one made after its batch's writes were sent (a task the batch started).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from services.kit.metrics import TABLE_WRITES_COALESCED


@dataclass(frozen=True)
class _Message:
    partition: int


@dataclass(frozen=True)
class Held:
    """What Faust's table reads of a changelog send it made: the partition it goes to."""

    message: _Message

    @classmethod
    def at(cls, partition: int) -> Held:
        return cls(_Message(partition))


class WriteBehind:
    """The changelog sends held during one batch, the last per table, partition and key."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, int, Hashable], Callable[[], Any]] = {}
        self._open = True

    def hold(self, table: str, partition: int, key: Hashable, send: Callable[[], Any]) -> bool:
        """Keep `send` in place of any held for the same key; False once sent (send now)."""
        if not self._open:
            return False
        slot = (table, partition, key)
        if slot in self._held:
            TABLE_WRITES_COALESCED.labels(table).inc()
        self._held[slot] = send
        return True

    def release(self) -> None:
        """Send what is held, in the order the keys were first written; hold no more."""
        self._open = False
        held, self._held = self._held, {}
        for send in held.values():
            send()

    def __len__(self) -> int:
        return len(self._held)


_current: ContextVar[WriteBehind | None] = ContextVar("govshare_write_behind", default=None)


def current() -> WriteBehind | None:
    """The batch's write-behind here, or None (write through)."""
    return _current.get()


@contextlib.contextmanager
def coalescing() -> Iterator[WriteBehind]:
    """Within this block (and the tasks it starts), changelog sends are held, the last per
    key, and sent when it ends, whether it ends well or raises (the table writes were made
    either way)."""
    cache = WriteBehind()
    token = _current.set(cache)
    try:
        yield cache
    finally:
        _current.reset(token)
        cache.release()
