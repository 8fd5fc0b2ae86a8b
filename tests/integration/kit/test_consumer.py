"""The kit consumer pipeline, through a real service process on the session broker."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from services.kit.admin import ensure_topics
from services.kit.envelope import encode_headers, make_envelope
from services.kit.topics import all_topic_names
from tests.helpers import ROOT, http_get, metric_value, read_topic, running_service, wait_until
from tests.samples import sample_of_topic

TOPIC = "tax.v1.events"


def _without(headers: list[tuple[str, bytes]], name: str) -> list[tuple[str, bytes]]:
    return [(n, v) for n, v in headers if n != name]


def _replace(headers: list[tuple[str, bytes]], name: str, value: bytes) -> list[tuple[str, bytes]]:
    return [*_without(headers, name), (name, value)]


async def test_bad_events_are_dead_lettered_and_the_consumer_keeps_going(
    broker, prefix, service_env, tmp_path
):
    topic = prefix + TOPIC
    await ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4)
    good = sample_of_topic(TOPIC)
    headers = encode_headers(good.envelope)
    key = good.envelope.subject.encode()
    value = good.message.SerializeToString()
    missing_required = type(good.message)()  # every required field empty
    empty_env = make_envelope(missing_required, source="/govshare/tax", subject=key.decode())

    bad = [  # (headers, value, field the dead letter must blame)
        (headers, b"\xff\xfe garbage \x00\x01", "value"),
        (_replace(headers, "ce_type", b"govshare.tax.v1.NoSuchEvent"), value, "ce_type"),
        (_without(headers, "ce_id"), value, "ce_id"),
        (_replace(headers, "ce_source", b"/govshare/power"), value, "ce_source"),
        (encode_headers(empty_env), missing_required.SerializeToString(), None),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    try:
        for bad_headers, bad_value, _ in bad:
            await producer.send_and_wait(topic, bad_value, key=key, headers=bad_headers)
        # the consumer must still handle the next good event, and only once
        await producer.send_and_wait(topic, value, key=key, headers=headers)
        await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()

    log = ROOT / "artifacts" / f"{prefix}tax.log"
    with running_service("tax", service_env, log) as url:

        def consumed(outcome: str) -> float:
            text = http_get(url + "/metrics")[1].decode()
            return metric_value(
                text, "govshare_events_consumed_total", topic=topic, outcome=outcome
            )

        wait_until(lambda: consumed("duplicate") >= 1, 30, "the duplicate to be seen")
        assert consumed("handled") == 1
        assert consumed("duplicate") == 1
        assert consumed("dead_lettered") == len(bad)

        def lag_series() -> list[str]:
            text = http_get(url + "/metrics")[1].decode()
            return [
                line
                for line in text.splitlines()
                if line.startswith("govshare_consumer_lag_messages{") and f'topic="{topic}"' in line
            ]

        # exported for every partition the worker owns, and 0 once all 7 records are done
        wait_until(lambda: len(lag_series()) == 4, 15, "lag of all four partitions")
        assert all(line.endswith(" 0.0") for line in lag_series()), lag_series()

    letters = await read_topic(broker.bootstrap, topic + ".dlq", len(bad))
    assert len(letters) == len(bad)
    for letter, (bad_headers, bad_value, field) in zip(letters, bad, strict=True):
        got = dict(letter.headers)
        assert letter.key == key
        assert letter.value == bad_value  # the original bytes, untouched
        assert got["dlq_topic"] == topic.encode()
        assert got["dlq_consumer_group"] == f"{prefix}govshare-tax".encode()
        assert got["dlq_reason"]
        if field is not None:
            assert got["dlq_field"] == field.encode(), got["dlq_reason"]
        else:  # the contract's required fields are named in the reason
            assert b"required field is missing" in got["dlq_reason"]
        for name, original in bad_headers:  # original headers are kept
            assert got[name] == original
