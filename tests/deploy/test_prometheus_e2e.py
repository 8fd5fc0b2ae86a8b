"""A real Prometheus (the Debian server) scrapes the four real service processes.

One stack for the module: the session's embedded broker, the services started as
`govshare up` starts them (devtools.launcher), and `prometheus` with the local scrape
config (prometheus.local.yml, its targets pointed at this run's ports), scraping and
evaluating every second, loaded with the real rule files plus a copy of their alerts with
`for:` shortened to FAST_FOR (label variant="fast"). The tests then act on the services and
read the outcome through Prometheus' HTTP API only. The last test stops a service: keep it
last.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from devtools.launcher import SERVICES, Platform
from services.kit.admin import ensure_topics
from services.kit.envelope import encode_headers, make_envelope
from services.kit.topics import all_topic_names
from tests.deploy.support import (
    DEPLOY,
    PROMETHEUS_DIR,
    RULES_DIR,
    consumed_topics,
    dashboard_queries,
    declared_topics,
    faust_internal_topics,
    load_yaml,
    rule_groups,
    tool,
)
from tests.helpers import ROOT, http_get, wait_until
from tests.samples import sample_of_topic

pytestmark = pytest.mark.integration

FAST_FOR = "2s"
TOPIC = "tax.v1.events"  # consumed by certificates, realestate and tax
JOBS = {f"govshare-{s}" for s in SERVICES}
# Panels that must show data once events flowed (the others may legitimately be empty).
PANELS_WITH_DATA = {
    "Scrape target up",
    "Ready",
    "Running versions",
    "Events consumed by outcome",
    "Events produced by topic",
    "Dead letters by topic and field",
    "Event handling time p50 / p99",
}
T = TypeVar("T")


@dataclass
class Stack:
    platform: Platform
    url: str
    prefix: str
    bootstrap: str

    @property
    def topic(self) -> str:
        return self.prefix + TOPIC

    def api(self, path: str, **params: str) -> Any:
        status, body = http_get(f"{self.url}{path}?{urllib.parse.urlencode(params)}", timeout=5)
        assert status == 200, body[:500]
        reply = json.loads(body)
        assert reply["status"] == "success", reply
        return reply["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        return list(self.api("/api/v1/query", query=expr)["result"])

    def alerts(self, name: str, state: str) -> list[dict[str, str]]:
        return [
            a["labels"]
            for a in self.api("/api/v1/alerts")["alerts"]
            if a["labels"]["alertname"] == name and a["state"] == state
        ]


def eventually(probe: Callable[[], T], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.25)


def _consumers(topic: str) -> set[str]:
    return {f"govshare-{s}" for s, topics in consumed_topics().items() if topic in topics}


def _fast_rules() -> dict[str, Any]:
    """The real alerts whose `for:` is longer than a test can wait, with FAST_FOR."""
    groups = []
    for group in rule_groups():
        rules = [
            {**r, "for": FAST_FOR, "labels": {**r.get("labels", {}), "variant": "fast"}}
            for r in group["rules"]
            if "alert" in r and r.get("for")
        ]
        if rules:
            groups.append({"name": group["name"] + "-fast", "rules": rules})
    return {"groups": groups}


def _write_config(workdir: Path, platform: Platform) -> Path:
    config = load_yaml(PROMETHEUS_DIR / "prometheus.local.yml")
    config["global"].update(scrape_interval="1s", scrape_timeout="1s", evaluation_interval="1s")
    (workdir / "fast-rules.yml").write_text(yaml.safe_dump(_fast_rules()))
    config["rule_files"] = [str(RULES_DIR / "*.yml"), str(workdir / "fast-rules.yml")]
    targets = load_yaml(PROMETHEUS_DIR / "local-targets.yml")
    for entry in targets:  # the repository's targets file, pointed at this run's ports
        service = entry["labels"]["job"].removeprefix("govshare-")
        entry["targets"] = [f"127.0.0.1:{platform.services[service].http_port}"]
    (workdir / "targets.yml").write_text(yaml.safe_dump(targets))
    (job,) = config["scrape_configs"]
    job["file_sd_configs"][0]["files"] = [str(workdir / "targets.yml")]
    path = workdir / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


# Prometheus listens on port 0 and logs the address it got (exporter-toolkit's
# `msg="Listening on" address=127.0.0.1:44281`, at level info): nothing picks its port.
LISTENING = re.compile(rb'msg="Listening on" address=\S*:(\d+)')


def _listening_port(log: Path, offset: int) -> int | None:
    found = LISTENING.search(log.read_bytes()[offset:])
    return int(found.group(1)) if found else None


@contextlib.contextmanager
def _prometheus(config: Path, workdir: Path, log: Path) -> Iterator[str]:
    offset = log.stat().st_size if log.exists() else 0
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [
                tool("prometheus"),
                f"--config.file={config}",
                f"--storage.tsdb.path={workdir / 'data'}",
                "--web.listen-address=127.0.0.1:0",
                "--log.level=info",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(
                lambda: proc.poll() is not None or _listening_port(log, offset) is not None,
                30,
                "prometheus listening",
            )
            assert proc.poll() is None, f"prometheus exited: see {log}"
            url = f"http://127.0.0.1:{_listening_port(log, offset)}"
            wait_until(lambda: http_get(url + "/-/ready")[0] == 200, 30, "prometheus ready")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def stack(broker, tmp_path_factory) -> Iterator[Stack]:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    workdir = tmp_path_factory.mktemp("prometheus-e2e")
    logs = ROOT / "artifacts" / f"{prefix}deploy-e2e"
    logs.mkdir(parents=True, exist_ok=True)
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = {
        "GOVSHARE_ENV": "test",
        "GOVSHARE_TOPIC_PREFIX": prefix,
        "GOVSHARE_DATA_DIR": str(workdir / "service-data"),
        "GOVSHARE_KEYS_DIR": str(workdir / "keys"),
    }
    platform = Platform(broker.bootstrap, env=env, fixed_ports=False, log_dir=logs)
    try:
        platform.start()
        platform.wait_ready(60)
        config = _write_config(workdir, platform)
        with _prometheus(config, workdir, logs / "prometheus.log") as url:
            yield Stack(platform, url, prefix, broker.bootstrap)
    finally:
        platform.stop()


def _produce(stack: Stack, *, malformed: bool) -> None:
    sample = sample_of_topic(TOPIC)
    # a fresh event id each time, so a good event is handled, not ignored as a duplicate
    env = make_envelope(
        sample.message, source=sample.envelope.source, subject=sample.envelope.subject
    )
    value = b"\xff\xfe not protobuf \x00" if malformed else sample.message.SerializeToString()

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap)
        await producer.start()
        try:
            await producer.send_and_wait(
                stack.topic, value, key=env.subject.encode(), headers=encode_headers(env)
            )
        finally:
            await producer.stop()

    asyncio.run(send())


def _dead_letters_seen(stack: Stack) -> float:
    result = stack.query(f'sum(govshare_events_dead_lettered_total{{topic="{stack.topic}"}})')
    return float(result[0]["value"][1]) if result else 0.0


def test_prometheus_scrapes_every_service_under_its_job_name(stack):
    def all_up() -> list[dict[str, Any]] | None:
        up = stack.query('up{job=~"govshare-.+"} == 1')
        return up if len(up) == len(JOBS) else None

    up = eventually(all_up, 20, "all four targets up")
    assert {r["metric"]["job"] for r in up} == JOBS
    ready = eventually(lambda: stack.query("govshare_ready == 1"), 10, "govshare_ready")
    assert {(r["metric"]["job"], r["metric"]["service"]) for r in ready} == {
        (f"govshare-{s}", s) for s in SERVICES
    }  # the metric's own `service` label survives scraping (no exported_service)
    info = stack.query("govshare_build_info")
    assert {r["metric"]["service"] for r in info} == set(SERVICES)


def test_dead_letters_are_visible_and_dead_letters_appearing_fires_for_each_consumer(stack):
    before = _dead_letters_seen(stack)
    _produce(stack, malformed=True)
    consumers = _consumers(TOPIC)
    assert "govshare-tax" in consumers  # the owner reads its own topic

    def dead_letters() -> list[dict[str, Any]] | None:
        found = stack.query(
            f'govshare_events_dead_lettered_total{{topic="{stack.topic}", field="value"}}'
        )
        jobs = {r["metric"]["job"] for r in found}
        enough = _dead_letters_seen(stack) >= before + len(consumers)
        return found if jobs == consumers and enough else None

    series = eventually(dead_letters, 20, "dead letters of every consumer in Prometheus")
    assert all(float(r["value"][1]) >= 1 for r in series)

    # the real rule (for: 0), not the fast copy; a series born at 1 still fires it
    def firing() -> list[dict[str, str]] | None:
        alerts = stack.alerts("DeadLettersAppearing", "firing")
        mine = [a for a in alerts if a["topic"] == stack.topic and a["field"] == "value"]
        return mine if {a["job"] for a in mine} == consumers else None

    alerts = eventually(firing, 15, "DeadLettersAppearing firing for every consumer")
    assert len(alerts) == len(consumers)
    for alert in alerts:
        assert alert["severity"] == "ticket"
        assert "variant" not in alert


def test_every_dashboard_query_runs_and_the_health_panels_show_data(stack):
    # two dead letters one scrape apart, so that rate() and increase() see a change
    for _ in range(2):
        seen = _dead_letters_seen(stack)
        _produce(stack, malformed=True)
        eventually(lambda s=seen: _dead_letters_seen(stack) > s, 20, "a new dead letter scraped")
        time.sleep(1.2)
    _produce(stack, malformed=False)
    eventually(
        lambda: stack.query(
            f'govshare_events_consumed_total{{topic="{stack.topic}", outcome="handled"}}'
        ),
        20,
        "a handled event scraped",
    )

    empty = set()
    for _board, title, expr in dashboard_queries():
        result = stack.query(expr)  # fails on any query error
        values = [float(r["value"][1]) for r in result]
        if not [v for v in values if v == v]:  # nothing, or only NaN
            empty.add(title)
    assert not (PANELS_WITH_DATA & empty), f"panels without data: {PANELS_WITH_DATA & empty}"


def test_rules_evaluate_without_errors_in_a_real_server(stack):
    def evaluated() -> list[dict[str, Any]] | None:
        groups = stack.api("/api/v1/rules")["groups"]
        rules = [r for g in groups for r in g["rules"]]
        return groups if all(r["health"] != "unknown" for r in rules) else None

    groups = eventually(evaluated, 10, "every rule evaluated once")
    files = {Path(g["file"]).name for g in groups}
    assert {p.name for p in RULES_DIR.glob("*.yml")} <= files
    for group in groups:
        for rule in group["rules"]:
            assert rule["health"] == "ok", (group["name"], rule["name"], rule.get("lastError"))


def test_the_topics_the_services_created_are_all_declared(stack):
    async def topics() -> list[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap)
        await admin.start()
        try:
            return list(await admin.list_topics())
        finally:
            await admin.close()

    created = {
        t.removeprefix(stack.prefix) for t in asyncio.run(topics()) if t.startswith(stack.prefix)
    }
    internal = {t for t in created if t.startswith("govshare-")}
    assert internal, "the Faust apps created no changelog or leader topic"
    assert created <= set(declared_topics()), "add them to deploy/kafka/topics.txt"
    assert internal <= set(faust_internal_topics())


def test_the_container_health_check_passes_against_a_ready_service(stack):
    port = stack.platform.services["tax"].http_port
    done = subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")],
        env={"GOVSHARE_HTTP_PORT": str(port)},
        timeout=20,
        check=False,
    )
    assert done.returncode == 0


def test_a_stopped_service_fires_service_down(stack):  # keep last: stops tax
    proc = stack.platform.services["tax"].process
    assert proc is not None
    proc.terminate()
    proc.wait(20)
    eventually(lambda: stack.query('up{job="govshare-tax"} == 0'), 15, "up 0 for tax")
    fast = eventually(
        lambda: [a for a in stack.alerts("ServiceDown", "firing") if a.get("variant") == "fast"],
        15,
        "ServiceDown (fast copy) firing",
    )
    assert {a["job"] for a in fast} == {"govshare-tax"}
    assert fast[0]["severity"] == "page"
    # the real rule sees it too, and waits its minute
    pending = stack.alerts("ServiceDown", "pending")
    assert [a["job"] for a in pending if "variant" not in a] == ["govshare-tax"]
