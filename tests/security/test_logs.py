"""Personal identifiers never appear unmasked in logs or metric labels. Runs after the
other tests of this package (file order), so it scans everything the four services
logged while they were fuzzed, fed malformed events and walked through the flows, plus
a refusal whose reason quotes a citizen's resident id."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiokafka import AIOKafkaProducer

from services.kit.envelope import encode_headers
from services.kit.identifiers import check_resident_id, check_uscc, mask
from tests.helpers import metric_value, wait_until
from tests.integration.realestate.support import resident_id
from tests.reliability.processes import Platform
from tests.samples import sample_of_topic

pytestmark = pytest.mark.integration

# 18-character resident-id-shaped runs, not inside longer alphanumeric runs.
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def unmasked_resident_ids(text: str) -> set[str]:
    """Valid resident ids in `text` (an 18-digit USCC is an enterprise, not a person)."""
    return {
        m
        for m in _ID_SHAPED.findall(text)
        if check_resident_id(m).valid and not check_uscc(m).valid
    }


async def _refused_for_a_citizen(platform: Platform, person: str) -> None:
    """An access-log event keyed by `person` but about someone else: the certificates
    service dead-letters it, and its warning quotes the record key."""
    sample = sample_of_topic("certificates.v1.access-log")
    producer = AIOKafkaProducer(bootstrap_servers=platform.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            platform.prefix + "certificates.v1.access-log",
            sample.message.SerializeToString(),
            key=person.encode(),
            headers=encode_headers(sample.envelope),
        )
    finally:
        await producer.stop()


def test_no_log_line_and_no_metric_label_carries_an_unmasked_resident_id(platform: Platform):
    person = resident_id()
    certificates = platform["certificates"]
    topic = platform.prefix + "certificates.v1.access-log"
    before = metric_value(
        certificates.metrics(), "govshare_events_dead_lettered_total", topic=topic
    )
    asyncio.run(_refused_for_a_citizen(platform, person))
    wait_until(
        lambda: (
            metric_value(certificates.metrics(), "govshare_events_dead_lettered_total", topic=topic)
            > before
        ),
        20,
        "the refusal",
    )
    logs = platform.logs()
    everything = "\n".join(logs.values())
    assert mask(person) in everything  # the refusal was logged, masked
    lines = sum(text.count("\n") for text in logs.values())
    found = {name: unmasked_resident_ids(text) for name, text in logs.items()}
    assert not any(found.values()), found
    for name, proc in platform.services.items():
        assert not unmasked_resident_ids(proc.metrics()), name
    print(f"\nlog scan: {lines} log lines of {len(logs)} processes, no unmasked resident id")
