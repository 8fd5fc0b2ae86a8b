"""Counts by label (cases by stage, by status) and sums (ledger balances) kept as events
apply, for the gauges and the totals.

A scrape used to count by scanning and decoding every case in the tables, so its cost grew
with history. A `Tally` moves one count from a record's old label to its new one when an
apply changes the record, and is rebuilt from the tables by one scan only when the worker's
partitions may have changed: once per consumer generation, after the tables are recovered
and caught up. The counts are not a table of their own: a count written beside its record
under another key could survive a SIGKILL without the record (or the reverse), and the
redelivered event, finding its record already changed, would not move it again. Rebuilt
from the records after every start and rebalance, the counts cannot drift.

Pure: the service says what its epoch is (None while it is not serving) and how to rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class Tally(Generic[K]):
    def __init__(
        self,
        rebuild: Callable[[], Mapping[K, int]],
        epoch: Callable[[], Hashable | None],
    ) -> None:
        """`rebuild()` counts (or sums) over every record: the one scan; `epoch()` names
        the current assignment (the consumer generation), None while the tables are not
        yet recovered and caught up."""
        self._rebuild = rebuild
        self._epoch = epoch
        self._built: Hashable | None = None
        self._counts: Counter[K] = Counter()
        self.rebuilds = 0  # how many scans so far (tests, and an operator's curiosity)

    def counts(self) -> dict[K, int]:
        """The counts now. While not serving, the last known ones (no scan mid-recovery)."""
        epoch = self._epoch()
        if epoch is not None and epoch != self._built:
            self._counts = Counter(self._rebuild())
            self._built = epoch
            self.rebuilds += 1
        return {label: n for label, n in self._counts.items() if n}

    def move(self, before: K | None, after: K | None) -> None:
        """A record went from `before` to `after` (None: did not exist / no longer counted).
        Before the first rebuild of this epoch the move is left to that rebuild, which
        reads the record as it is after this apply."""
        if before != after:
            self.swap(
                Counter() if before is None else Counter([before]),
                Counter() if after is None else Counter([after]),
            )

    def swap(self, before: Mapping[K, int], after: Mapping[K, int]) -> None:
        """A record's contribution changed from `before` to `after` (sums by label)."""
        if self._built is None or self._built != self._epoch():
            return
        self._counts.update(after)
        self._counts.subtract(before)
