"""Keys of an index that events of many partitions write (a party's cases, a county's
open cases, a division's applications): one key per partition, `<key>@<partition>`.

Faust writes a table change to the changelog partition of the event being applied, and
recovers each changelog partition in order but the partitions in no order between them.
A key written from events of two partitions has a value in each changelog partition, and
after a restart the older may be the one that stays (a party's second case vanished from
their list in tests/integration/realestate/test_indexes.py). Written only from events of
one partition, each key comes back as it was last written. Readers take the union.
"""

from __future__ import annotations

from typing import Any

from services.kit.idempotency import current_partition

SEPARATOR = "@"


def here(key: str) -> str:
    """`key` in the partition of the event being applied (-1 outside any: unit tests)."""
    return f"{key}{SEPARATOR}{current_partition()}"


def every(key: str, partitions: int) -> list[str]:
    """`key` in every partition (and in -1, where writes outside any event went)."""
    return [f"{key}{SEPARATOR}{p}" for p in range(-1, partitions)]


def base(key: str) -> str:
    """`key` without its partition."""
    return key.rpartition(SEPARATOR)[0]


def partitions_of(app: Any) -> int:
    """The partitions of the service's topics (Faust's setting; 0 for a fake app)."""
    return int(getattr(getattr(app, "conf", None), "topic_partitions", 0) or 0)
