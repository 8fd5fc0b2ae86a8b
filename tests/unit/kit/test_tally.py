"""Counts kept as records change, rebuilt by one scan per epoch (services/kit/tally.py)."""

from __future__ import annotations

from collections import Counter

from services.kit.tally import Tally


class Scanned:
    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.scans = 0

    def __call__(self) -> Counter[str]:
        self.scans += 1
        return Counter(self.labels)


def test_a_scrape_scans_once_per_epoch_and_moves_keep_the_counts():
    records = Scanned(["open", "open", "closed"])
    epoch: list[int | None] = [None]
    tally = Tally(records, lambda: epoch[0])
    assert tally.counts() == {} and records.scans == 0  # not serving yet: no scan
    tally.move(None, "open")  # before the first rebuild: left to the rebuild
    epoch[0] = 1
    assert tally.counts() == {"open": 2, "closed": 1}
    tally.move("open", "closed")
    tally.move(None, "open")
    tally.move("closed", "closed")  # nothing changed
    for _ in range(5):
        assert tally.counts() == {"open": 2, "closed": 2}
    assert records.scans == 1 and tally.rebuilds == 1


def test_a_new_epoch_rebuilds_from_the_records_and_ignores_moves_meanwhile():
    records = Scanned(["open"])
    epoch: list[int | None] = [1]
    tally = Tally(records, lambda: epoch[0])
    assert tally.counts() == {"open": 1}
    epoch[0] = 2  # a rebalance: the worker's partitions may have changed
    records.labels = ["open", "closed", "closed"]
    tally.move("open", "closed")  # applied under the new epoch before any scrape
    assert tally.counts() == {"open": 1, "closed": 2}
    assert records.scans == 2
    epoch[0] = None  # recovering again: the last counts stand, no scan
    assert tally.counts() == {"open": 1, "closed": 2} and records.scans == 2


def test_sums_move_by_a_records_old_and_new_contribution():
    epoch = [1]
    tally: Tally[tuple[str, str]] = Tally(lambda: Counter({("a", "debit"): 100}), lambda: epoch[0])
    assert tally.counts() == {("a", "debit"): 100}
    tally.swap(Counter(), Counter({("a", "debit"): 50, ("b", "credit"): 50}))
    tally.swap(Counter({("b", "credit"): 50}), Counter())  # the record dropped that part
    assert tally.counts() == {("a", "debit"): 150}
