"""Every metric of the catalog (deploy/README.md, "Metrics exported now") is on the
services' `/metrics` once the demo flows have run: a joint transfer from filing to the new
certificate, a power application from submission to connection and evaluation, and one
malformed event. A metric that no service exports, or exports only after something the
flows do not do, fails here: labelled series whose values are known are created at 0 when
a service starts (`preinitialise` in each service's metrics module)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaProducer

from services.kit.envelope import encode_headers
from tests.deploy.support import metrics_documented
from tests.reliability.processes import Platform, call, environment
from tests.samples import sample_of_topic
from tests.security.flows import complete, seed

pytestmark = pytest.mark.integration

SERVICES = ("certificates", "realestate", "tax", "power")
SAMPLE = re.compile(r"^([a-z_:][a-z0-9_:]*)(?:\{|\s)", re.MULTILINE)
SUFFIXES = ("_bucket", "_count", "_sum", "_created", "_total", "_info")


@pytest.fixture(scope="module")
def platform(broker, tmp_path_factory) -> Iterator[Platform]:
    env = environment(broker.bootstrap, tmp_path_factory.mktemp("keys"))
    # devbank: the development payment channel the transfer is paid through
    with Platform(env, (*SERVICES, "devbank")) as started:
        yield started


def _malformed(platform: Platform) -> None:
    """One event whose value is not the protobuf its headers announce."""
    sample = sample_of_topic("tax.v1.events")

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=platform.bootstrap)
        await producer.start()
        try:
            await producer.send_and_wait(
                platform.prefix + "tax.v1.events",
                b"\xff\xff\xff",
                key=sample.envelope.subject.encode(),
                headers=encode_headers(sample.envelope),
            )
        finally:
            await producer.stop()

    asyncio.run(send())


def _families(text: str) -> set[str]:
    """The metric families that have at least one sample in an exposition."""
    found = set()
    for name in SAMPLE.findall(text):
        found.add(name)
        for suffix in SUFFIXES:
            if name.endswith(suffix):
                found.add(name.removesuffix(suffix))
    return found


def _exposed(platform: Platform) -> set[str]:
    return set().union(*(_families(platform[name].metrics()) for name in SERVICES))


def test_every_catalog_metric_has_samples_after_the_demo_flows(platform: Platform):
    seeds = seed(platform)
    complete(platform, seeds)
    path = f"{platform.url('power')}/v1/applications/{seeds.application_id}/evaluation"
    status, body = call("POST", path, seeds.applicant_token, {"grade": "satisfied"})
    assert status in (200, 201), body
    _malformed(platform)

    catalog = set(metrics_documented())
    assert len(catalog) > 20, "the catalog table was not found in deploy/README.md"
    # Consumer lag is exported every 5 s and dead letters once the consumer reaches them.
    deadline = time.monotonic() + 30
    while (missing := catalog - _exposed(platform)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert missing == set(), "catalog metrics without a sample on any service's /metrics"
