"""Three workers of the certificates and of the power service; clients call whichever
worker they like and move on to another when one fails. One power worker and one
certificates worker are SIGKILLed while applications are being made: every
application completes once, requests fail over within 10 s, and every survivor gives
the same answers (issue 14, item 5).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.integration.power.support import OPERATOR, Certificates, Http, holder_uscc
from tests.reliability.processes import ARTIFACTS, ServiceProcess, environment, power_application
from tests.security.flows import enterprise, unit_code

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORKERS = 3
APPLICANTS = 24
FAILOVER_S = 10.0


@dataclass
class Client:
    """A client of a service of several workers: it starts at a worker of its own and,
    on a broken connection or a 503, tries the next (what a load balancer does)."""

    workers: list[ServiceProcess]
    start: int = 0
    # the longest time from a failed attempt to the answer that followed it
    longest_failover_s: float = 0.0
    failed_attempts: int = 0
    _turn: Iterator[int] = field(default_factory=lambda: itertools.count())

    def call(
        self, method: str, path: str, token: str, body: Any = None, deadline_s: float = 60
    ) -> tuple[int, Any]:
        deadline = time.monotonic() + deadline_s
        failed_at: float | None = None
        position = self.start + next(self._turn)
        while True:
            worker = self.workers[position % len(self.workers)]
            position += 1
            try:
                reply = httpx.request(
                    method,
                    worker.url + path,
                    headers={"Authorization": f"Bearer {token}"},
                    json=body,
                    timeout=15,
                )
                if reply.status_code != 503:
                    if failed_at is not None:
                        waited = time.monotonic() - failed_at
                        self.longest_failover_s = max(self.longest_failover_s, waited)
                    return reply.status_code, reply.json() if reply.content else None
            except httpx.HTTPError:
                pass
            self.failed_attempts += 1
            failed_at = failed_at or time.monotonic()
            assert time.monotonic() < deadline, f"{method} {path}: no worker answered"
            time.sleep(0.2)


def _readyz(proc: ServiceProcess) -> dict[str, Any]:
    try:
        with httpx.Client(timeout=5) as client:
            return dict(client.get(proc.url + "/readyz").json())
    except (httpx.HTTPError, json.JSONDecodeError):
        return {}


def _wait_for_group(workers: list[ServiceProcess], size: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [_readyz(w) if w.has_announced() else {} for w in workers]
        if all(s.get("ready") and s.get("workers") == size for s in states):
            return
        time.sleep(0.3)
    raise AssertionError(f"the group did not settle at {size} workers: {states}")


def _workers(env: dict[str, str], name: str, count: int) -> list[ServiceProcess]:
    prefix = env["GOVSHARE_TOPIC_PREFIX"]
    return [
        ServiceProcess(
            name,
            env,
            ARTIFACTS / f"{prefix}{name}-{n}.log",
            grpc_port=0 if name == "certificates" else None,
        )
        for n in range(1, count + 1)
    ]


def _connect(client: Client, app_id: str) -> None:
    """An operator finishing every step of an application through any worker."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, app = client.call("GET", f"/v1/applications/{app_id}", OPERATOR)
        assert status == 200, app
        if app["status"] == "connected":
            return
        step = {"current_step": app["current_step"]}
        client.call("POST", f"/v1/applications/{app_id}/advance", OPERATOR, step)
    raise AssertionError(f"{app_id} not connected in time")


def test_three_workers_one_of_each_killed_every_answer_right(broker, tmp_path):
    env = environment(broker.bootstrap, tmp_path / "keys", GOVSHARE_POWER_OVERDUE_SCAN_S="3600")
    certs = _workers(env, "certificates", WORKERS)
    powers: list[ServiceProcess] = []
    try:
        for proc in certs:
            proc.start().wait_announced()
        _wait_for_group(certs, WORKERS)
        addresses = ",".join(f"127.0.0.1:{c.grpc_port}" for c in certs)
        powers = _workers({**env, "GOVSHARE_CERTIFICATES_GRPC": addresses}, "power", WORKERS)
        for proc in powers:
            proc.start()
        _wait_for_group(powers, WORKERS)

        applicants = {holder_uscc(): unit_code() for _ in range(APPLICANTS)}
        # The departments issue the evidence through whichever certificates worker.
        issuer = Certificates(0, Http(certs[0].url), workers=addresses)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(issuer.licence, applicants))
            list(pool.map(issuer.property, applicants, applicants.values()))
        issuer.channel.close()

        # Applicants apply, each through a worker of its own, and go on when it fails.
        clients = {holder: Client(powers, start=i) for i, holder in enumerate(applicants)}
        killed_at: dict[str, float] = {}
        with ThreadPoolExecutor(8) as pool:
            submitted = {
                holder: pool.submit(
                    clients[holder].call,
                    "POST",
                    "/v1/applications",
                    enterprise(holder),
                    power_application(holder, unit),
                )
                for holder, unit in applicants.items()
            }
            while sum(f.done() for f in submitted.values()) < APPLICANTS // 3:
                time.sleep(0.01)
            powers[1].kill()
            killed_at["power"] = time.monotonic()
            while sum(f.done() for f in submitted.values()) < 2 * APPLICANTS // 3:
                time.sleep(0.01)
            certs[2].kill()
            killed_at["certificates"] = time.monotonic()
            answers = {holder: f.result() for holder, f in submitted.items()}
        made = {}
        for holder, (status, app) in answers.items():
            assert status == 201, app
            assert app["status"] == "in-progress", app  # evidence resolved, accepted
            made[holder] = app["application_id"]

        survivors = [powers[0], powers[2]]
        _wait_for_group(survivors, WORKERS - 1)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda h: _connect(clients[h], made[h]), made))

        # Every survivor: one application per applicant, connected, every step once.
        for holder, app_id in made.items():
            for worker in survivors:
                one = Client([worker])
                mine = one.call("GET", "/v1/me/applications", enterprise(holder))[1]
                assert [a["application_id"] for a in mine["applications"]] == [app_id], mine
                path = f"/v1/applications/{app_id}/timeline"
                timeline = one.call("GET", path, enterprise(holder))[1]
                assert timeline["status"] == "connected", timeline
                what = Counter((e["what"], e.get("step_code")) for e in timeline["events"])
                assert all(n == 1 for n in what.values()), what
                assert what[("submitted", None)] == what[("connected", None)] == 1, what
        longest = max(c.longest_failover_s for c in clients.values())
        retried = sum(c.failed_attempts for c in clients.values())
        assert longest <= FAILOVER_S, f"a request waited {longest:.1f} s for another worker"
    finally:
        for proc in [*powers, *certs]:
            with contextlib.suppress(Exception):
                proc.stop()
    print(
        f"\n{WORKERS} workers each; power-2 and certificates-3 SIGKILLed while "
        f"{APPLICANTS} applications were made: all {APPLICANTS} accepted once and connected, "
        f"{retried} attempts failed over, the longest wait for another worker "
        f"{longest:.1f} s; both survivors answer alike"
    )
