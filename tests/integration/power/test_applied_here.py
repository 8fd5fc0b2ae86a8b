"""A command is applied in the worker that decided it, not after its consumer fetches it
back (services/kit/runtime.py `_apply_here`): with a fetch wait far beyond the command's
15 s apply timeout, applications are still answered, read back, and applied once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest

from services.kit.admin import ensure_topics
from services.kit.auth import mint_dev_token
from services.kit.topics import all_topic_names
from tests.helpers import metric_value
from tests.integration.power.support import (
    Certificates,
    Http,
    base_env,
    certificates_service,
    holder_uscc,
    power_service,
    unit_code,
)

# Tansu holds a fetch that finds nothing for this long: the consumer cannot bring a
# record back before the command's wait for it (waiters.APPLY_TIMEOUT_S) gives up.
FETCH_WAIT_MS = "25000"


@pytest.fixture(scope="module")
def services(broker, tmp_path_factory) -> Iterator[tuple[Certificates, Http]]:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = base_env(broker.bootstrap, prefix)
    with (
        certificates_service(env, tmp_path_factory.mktemp("keys")) as certs,
        power_service(
            env,
            certs.grpc_port,
            GOVSHARE_CONSUMER_FETCH_WAIT_MS=FETCH_WAIT_MS,
            GOVSHARE_CONSUMER_IDLE_FETCH_WAIT_MS=FETCH_WAIT_MS,
        ) as power,
    ):
        yield certs, power


def test_commands_are_answered_and_read_back_without_their_consumer(services):
    certs, power = services
    holders = {holder_uscc(): unit_code() for _ in range(3)}
    for holder, unit in holders.items():
        certs.licence(holder)
        certs.property(holder, unit)
    for holder, unit in holders.items():
        token = mint_dev_token("enterprise", holder, name="泉城测试餐饮有限公司")
        body = {"matter_code": "lv-nonresident-new", "requested_capacity_w": 60000}
        status, app = power.call("POST", "/v1/applications", token, body | {"unit_code": unit})
        assert status == 201, app
        assert app["status"] == "in-progress"
        status, mine = power.call("GET", "/v1/me/applications", token)
        assert [a["application_id"] for a in mine["applications"]] == [app["application_id"]]
        status, timeline = power.call(
            "GET", f"/v1/applications/{app['application_id']}/timeline", token
        )
        what = Counter(e["what"] for e in timeline["events"])
        assert what["submitted"] == what["accepted"] == 1, what
    applied_here = metric_value(power.metrics(), "govshare_events_applied_here_total")
    assert applied_here >= 3 * 2  # at least submitted and accepted, for each
