"""Counts by label (cases by stage, by status) kept as events apply, for the gauges.

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
from collections.abc import Callable, Hashable, Iterable


class Tally:
    def __init__(
        self,
        rebuild: Callable[[], Iterable[str]],
        epoch: Callable[[], Hashable | None],
    ) -> None:
        """`rebuild()` yields the label of every record (the one scan); `epoch()` names the
        current assignment (the consumer generation), None while the tables are not yet
        recovered and caught up."""
        self._rebuild = rebuild
        self._epoch = epoch
        self._built: Hashable | None = None
        self._counts: Counter[str] = Counter()
        self.rebuilds = 0  # how many scans so far (tests, and an operator's curiosity)

    def counts(self) -> dict[str, int]:
        """The counts now. While not serving, the last known ones (no scan mid-recovery)."""
        epoch = self._epoch()
        if epoch is not None and epoch != self._built:
            self._counts = Counter(self._rebuild())
            self._built = epoch
            self.rebuilds += 1
        return {label: n for label, n in self._counts.items() if n > 0}

    def move(self, before: str | None, after: str | None) -> None:
        """A record went from `before` to `after` (None: did not exist / no longer counted).
        Before the first rebuild of this epoch the move is left to that rebuild, which
        reads the record as it is after this apply."""
        if self._built is None or self._built != self._epoch() or before == after:
            return
        if before is not None:
            self._counts[before] -= 1
        if after is not None:
            self._counts[after] += 1
