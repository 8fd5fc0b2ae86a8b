"""How long the access log keeps an entry in the table (the holder's `GET
/v1/me/access-log`); the events stay on `certificates.v1.access-log`, the record.

A holder's entries are kept for `access_log_retention_s` (3 years by default: the
Personal Information Protection Law, art. 56, keeps processing records at least that
long) and, per holder, the newest 1,000. A holder the registry does not know has no
certificates to protect, and every such key is made by someone asking about them,
possibly probing identities one by one (each denial is logged so the person can see it
once they sign in): those are kept for `access_log_unknown_holder_s` (90 days), so the
table does not grow with probes. Pure, apart from the table write it is handed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from typing import Any


def occurred(entry: dict[str, Any]) -> float | None:
    """When an access-log entry's event happened (epoch seconds), if it says."""
    stamp = (entry.get("data") or {}).get("occurredAt")
    if not stamp:
        return None
    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).astimezone(UTC).timestamp()


def kept(entries: list[dict[str, Any]], cutoff: float) -> list[dict[str, Any]]:
    """The entries at or after `cutoff`, and those that carry no time (kept: unsure)."""
    out = []
    for entry in entries:
        at = occurred(entry)
        if at is None or at >= cutoff:
            out.append(entry)
    return out


def sweep(
    holders: Iterable[str],
    entries_of: Callable[[str], list[dict[str, Any]]],
    known: Callable[[str], bool],
    owned: Collection[int],
    *,
    now: float,
    retention_s: float,
    unknown_holder_s: float,
    write: Callable[[str, list[dict[str, Any]] | None, int], None],
) -> int:
    """Drop the entries past their horizon of each holder whose log lives on a partition
    this worker owns (the partition its newest entry was written to, `p`); `write(holder,
    entries or None, partition)` rewrites or deletes the key. Returns entries dropped."""
    dropped = 0
    for holder in holders:
        entries = entries_of(holder)
        if not entries or entries[-1].get("p") not in owned:
            continue  # another worker's, or written before entries said their partition
        horizon = retention_s if known(holder) else unknown_holder_s
        remaining = kept(entries, now - horizon)
        if len(remaining) < len(entries):
            dropped += len(entries) - len(remaining)
            write(holder, remaining or None, int(entries[-1]["p"]))
    return dropped
