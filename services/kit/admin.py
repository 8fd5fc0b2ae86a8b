"""Create topics before anything uses them.

Topics are created explicitly, never auto-created, because a Faust table's changelog
must have exactly as many partitions as its source topic.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


async def ensure_topics(
    bootstrap: str,
    names: Iterable[str],
    partitions: int,
    replication: int = 1,
    options: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create the topics that do not exist yet; return the ones created. `options` are the
    client's security settings (KafkaSecurity.client_options)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **(options or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [n for n in dict.fromkeys(names) if n not in existing]
        if wanted:
            # A concurrent starter may win the race; the topic is there either way.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(n, num_partitions=partitions, replication_factor=replication)
                        for n in wanted
                    ]
                )
        return wanted
    finally:
        await admin.close()


async def partitions_of(
    bootstrap: str, topic: str, options: Mapping[str, Any] | None = None
) -> list[int]:
    """The topic's partition ids; empty when it does not exist."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **(options or {}))
    await admin.start()
    try:
        # Ask for the list first: a metadata request naming a topic makes some brokers
        # (Tansu, Kafka with auto-create on) create it.
        if topic not in await admin.list_topics():
            return []
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    for entry in described:
        if entry.get("topic") == topic and not entry.get("error_code"):
            return sorted(p["partition"] for p in entry.get("partitions", []))
    return []
