"""Access-log entries leave the table after their horizon (services/certificates/retention.py):
3 years for a holder the registry knows, 90 days for one it does not (probes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.certificates import retention

DAY = 86400.0
NOW = 1_800_000_000.0  # 2027-01-15


def entry(days_ago: float, partition: int = 0) -> dict[str, Any]:
    at = datetime.fromtimestamp(NOW - days_ago * DAY, UTC).isoformat().replace("+00:00", "Z")
    return {"type": "EvidenceAccessDenied", "id": "x", "data": {"occurredAt": at}, "p": partition}


def test_old_entries_go_sooner_for_holders_the_registry_does_not_know():
    logs = {
        "known": [entry(2000), entry(100), entry(1)],
        "probed": [entry(100), entry(91)],  # unknown to the registry: all past 90 days
        "recent-probe": [entry(120), entry(3)],
        "other-worker": [entry(2000, partition=1)],
        "legacy": [{"type": "t", "id": "y", "data": {"occurredAt": "2001-01-01T00:00:00Z"}}],
    }
    writes: list[tuple[str, Any, int]] = []
    dropped = retention.sweep(
        list(logs),
        lambda h: logs[h],
        lambda h: h == "known" or h == "other-worker",
        {0},
        now=NOW,
        retention_s=3 * 365 * DAY,
        unknown_holder_s=90 * DAY,
        write=lambda h, entries, p: writes.append((h, entries, p)),
    )
    assert dropped == 4
    assert (
        writes
        == [
            ("known", logs["known"][1:], 0),
            ("probed", None, 0),  # nothing left: the key goes
            ("recent-probe", logs["recent-probe"][1:], 0),
        ]
    )


def test_an_entry_without_a_time_is_kept():
    assert retention.kept([{"data": {}}], NOW) == [{"data": {}}]
    assert retention.occurred({"data": {"occurredAt": "2027-01-15T00:00:00.5Z"}}) is not None
