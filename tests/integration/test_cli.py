"""`govshare publish` → `govshare tail` round-trips every v1 event type; kcat agrees."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from google.protobuf import json_format

from services.kit.admin import ensure_topics
from services.kit.registry import event_types
from services.kit.topics import all_topic_names
from tests.helpers import ROOT
from tests.samples import SAMPLES, sample_objects


def govshare(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def _canonical(type_name: str, data: dict) -> dict:
    kind = next(t for t in event_types() if t.name == type_name)
    message = json_format.ParseDict(data, kind.message_class())
    return json_format.MessageToDict(message)


def test_every_v1_type_round_trips_through_publish_and_tail(broker, prefix):
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    published = govshare(
        "publish", "--bootstrap", broker.bootstrap, "--topic-prefix", prefix, str(SAMPLES)
    )
    assert published.returncode == 0, published.stderr
    receipts = [json.loads(line) for line in published.stdout.splitlines()]
    samples = sample_objects()
    assert len(receipts) == len(samples)
    assert {s["type"] for s in samples} == {t.name for t in event_types()}

    seen: dict[str, dict] = {}
    for topic in sorted({s["topic"] for s in samples}):
        count = sum(1 for s in samples if s["topic"] == topic)
        tailed = govshare(
            "tail",
            prefix + topic,
            "--bootstrap",
            broker.bootstrap,
            "--from-beginning",
            "--count",
            str(count),
            "--idle-timeout",
            "10",
        )
        assert tailed.returncode == 0, tailed.stderr
        for line in tailed.stdout.splitlines():
            record = json.loads(line)
            assert "error" not in record, record
            seen[record["headers"]["ce_id"]] = record

    for receipt, sample in zip(receipts, samples, strict=True):
        record = seen[receipt["id"]]
        assert record["type"] == sample["type"]
        assert record["subject"] == sample["subject"] == record["key"]
        assert record["data"] == _canonical(sample["type"], sample["data"])
        headers = record["headers"]
        assert headers["ce_specversion"] == "1.0"
        assert headers["ce_source"] == receipt["source"]
        assert headers["content-type"] == "application/protobuf"


def test_kcat_sees_the_ce_headers_and_the_protobuf_bytes(broker, prefix):
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=1))
    line = next(s for s in sample_objects() if s["topic"] == "marketreg.v1.events")
    published = govshare(
        "publish",
        "--bootstrap",
        broker.bootstrap,
        "--topic-prefix",
        prefix,
        stdin=json.dumps(line) + "\n",
    )
    assert published.returncode == 0, published.stderr
    topic = prefix + "marketreg.v1.events"
    kcat = subprocess.run(
        [
            "kcat",
            "-b",
            broker.kcat_bootstrap,
            "-C",
            "-t",
            topic,
            "-p",
            "0",
            "-o",
            "beginning",
            "-c",
            "1",
            "-e",
            "-f",
            "%k\n%h\n%s",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert kcat.returncode == 0, kcat.stderr
    key, headers, value = kcat.stdout.split(b"\n", 2)
    assert key.decode() == line["subject"]
    header_map = dict(h.split(b"=", 1) for h in headers.split(b","))
    for name in (
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "ce_subject",
        "content-type",
        "ce_dataschema",
    ):
        assert name.encode() in header_map, headers
    assert header_map[b"ce_type"] == line["type"].encode()
    kind = next(t for t in event_types() if t.name == line["type"])
    assert kind.message_class.FromString(value) == json_format.ParseDict(
        line["data"], kind.message_class()
    )


def test_publish_refuses_bad_input_naming_line_and_field_and_sends_nothing(broker):
    good = sample_objects()[0]
    bad = {**good, "data": {**good["data"], "noSuchField": 1}}
    result = govshare(
        "publish",
        "--bootstrap",
        broker.bootstrap,
        stdin=json.dumps(good) + "\n" + json.dumps(bad) + "\n",
    )
    assert result.returncode == 1
    assert "line 2: data:" in result.stderr and "noSuchField" in result.stderr
    assert result.stdout == ""  # the valid first line was not produced either
