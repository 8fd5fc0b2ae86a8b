"""A channel's statement reconciled in shares, one per partition (a case's movements are
on its own partition, on whichever worker): the statement's worker collects the shares
of one statement event and sums them once all are in. Pure.

What it keeps per statement id: {cause id: {partition: share}}, the statement events in
the order their first share came in (a statement issued again starts afresh under its
own cause; a share delivered twice is taken once)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from services.tax.reconciliation import KINDS, Mismatch

Share = dict[str, Any]  # {"entries": int, "matched": int, "mismatches": [Mismatch as dict]}
Held = dict[str, dict[str, Share]]


def share(entries: int, matched: int, mismatches: Iterable[Mismatch]) -> Share:
    return {"entries": entries, "matched": matched, "mismatches": [asdict(m) for m in mismatches]}


def collect(
    held: Mapping[str, Mapping[str, Share]] | None, cause: str, partition: int, one: Share
) -> Held | None:
    """`held` with `one` (the share of `partition` for statement event `cause`) added, or
    None when that share is already in (a redelivery)."""
    kept: Held = {c: dict(parts) for c, parts in (held or {}).items()}
    parts = kept.setdefault(cause, {})
    if str(partition) in parts:
        return None
    parts[str(partition)] = one
    return kept


def complete(held: Mapping[str, Mapping[str, Share]], cause: str, shares: int) -> bool:
    return len(held.get(cause) or {}) >= shares


def settled(held: Mapping[str, Mapping[str, Share]], cause: str) -> Held:
    """What to keep once `cause` is complete: it, and the statement events after it (the
    earlier ones are done or stale)."""
    order = list(held)
    return {c: dict(held[c]) for c in order[order.index(cause) :]}


def merge(parts: Iterable[Share]) -> tuple[int, int, list[Mismatch]]:
    """(lines, lines matched, every mismatch) of the whole statement, the mismatches by
    kind then transaction (the same whatever the partitions)."""
    entries = matched = 0
    found: list[Mismatch] = []
    for part in parts:
        entries += part["entries"]
        matched += part["matched"]
        found.extend(Mismatch(**m) for m in part["mismatches"])
    found.sort(key=lambda m: (KINDS.index(m.kind), m.transaction_id, m.movement, m.case_id))
    return entries, matched, found
