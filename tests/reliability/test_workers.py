"""Three workers of each service; clients call whichever worker they like and move on to
another when one fails (issue 14, item 5). Power applications: one power worker and one
certificates worker are SIGKILLed while applications are being made. Joint transfers:
one realestate worker and one tax worker are SIGKILLed while cases are filed, assessed,
paid and registered. Either way every flow completes once, requests fail over within
10 s, and every survivor gives the same answers, REST and gRPC.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from services.kit.forwarding import HOP_HEADER
from services.kit.ownership import partition_keys, partition_of
from services.realestate.cases import (
    AWAITING_ASSESSMENT,
    AWAITING_CONFIRMATION,
    AWAITING_PAYMENT,
    COMPLETED,
    IN_REVIEW,
    REGISTERING,
)
from tests.integration.power.support import OPERATOR, Certificates, Http, holder_uscc
from tests.integration.realestate.support import Party, transfer_form
from tests.integration.realestate.support import Platform as Joint
from tests.reliability.joint import check_joint, dead_letters, registrations, wait_settled
from tests.reliability.processes import ARTIFACTS, ServiceProcess, environment, power_application
from tests.security.flows import enterprise, unit_code

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORKERS = 3
APPLICANTS = 24
FAILOVER_S = 10.0
STAGGER_S = 0.5  # between the starts of two flows: the kills find them at every step


@dataclass
class Client:
    """A client of a service of several workers: it starts at a worker of its own and,
    on a broken connection or a 503, tries the next (what a load balancer does)."""

    workers: list[ServiceProcess]
    start: int = 0
    # the longest time from the start of a failed attempt to the answer that followed it
    longest_failover_s: float = 0.0
    # the longest time any call took to be answered, failed attempts or not
    longest_call_s: float = 0.0
    failed_attempts: int = 0
    # while a call is failing over: when its first failed attempt began (else None)
    failing_since: float | None = None
    _turn: Iterator[int] = field(default_factory=lambda: itertools.count())
    # One pool of connections: without it each request built a client (and its TLS
    # context), and on two cores the test's threads fell behind the flows they time.
    _http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=15))

    def call(
        self, method: str, path: str, token: str, body: Any = None, deadline_s: float = 60
    ) -> tuple[int, Any]:
        called = time.monotonic()
        deadline = called + deadline_s
        failed_at: float | None = None
        position = self.start + next(self._turn)
        while True:
            worker = self.workers[position % len(self.workers)]
            position += 1
            attempted = time.monotonic()
            try:
                reply = self._http.request(
                    method,
                    worker.url + path,
                    headers={"Authorization": f"Bearer {token}"},
                    json=body,
                )
                if reply.status_code != 503:
                    self.failing_since = None
                    answered = time.monotonic()
                    if failed_at is not None:
                        waited = answered - failed_at
                        self.longest_failover_s = max(self.longest_failover_s, waited)
                    self.longest_call_s = max(self.longest_call_s, answered - called)
                    return reply.status_code, reply.json() if reply.content else None
            except httpx.HTTPError:
                pass
            self.failed_attempts += 1
            failed_at = self.failing_since = failed_at or attempted
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


def _start_groups(*groups: list[ServiceProcess]) -> None:
    """Start every worker of each group at once; wait until each group has them all."""
    for proc in (proc for group in groups for proc in group):
        proc.start()
    for group in groups:
        _wait_for_group(group, len(group))


def _start_certificates(certs: list[ServiceProcess]) -> str:
    """Start the certificates workers, one by one, and wait for their group: their gRPC
    addresses, for the services that call them."""
    for proc in certs:
        proc.start().wait_announced()
    _wait_for_group(certs, len(certs))
    return ",".join(f"127.0.0.1:{c.grpc_port}" for c in certs)


def _failed_over(clients: list[Client]) -> str:
    """Check that no client waited longer than FAILOVER_S for another worker; say how
    they fared."""
    longest = max(c.longest_failover_s for c in clients)
    slowest = max(c.longest_call_s for c in clients)
    retried = sum(c.failed_attempts for c in clients)
    assert longest <= FAILOVER_S, f"a request waited {longest:.1f} s for another worker"
    return (
        f"{retried} attempts failed over, the longest wait for another worker "
        f"{longest:.1f} s (the slowest request {slowest:.1f} s)"
    )


def _stop(procs: list[ServiceProcess]) -> None:
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.stop()


def _connect(client: Client, app_id: str) -> None:
    """An operator finishing every step of an application through any worker."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, app = client.call("GET", f"/v1/applications/{app_id}", OPERATOR)
        assert status == 200, app
        if app["status"] == "connected":
            return
        path = f"/v1/applications/{app_id}"
        if not app["current_step"]:  # it cannot move on: say what it looks like
            timeline = client.call("GET", path + "/timeline", OPERATOR)[1]
            raise AssertionError(json.dumps({"app": app, "timeline": timeline}, ensure_ascii=False))
        step = {"current_step": app["current_step"]}
        status, moved = client.call("POST", path + "/advance", OPERATOR, step)
        assert status in (200, 409), moved  # 409: the step moved on meanwhile
    raise AssertionError(f"{app_id} not connected in time")


def test_three_workers_one_of_each_killed_every_answer_right(broker, tmp_path):
    env = environment(broker.bootstrap, tmp_path / "keys", GOVSHARE_POWER_OVERDUE_SCAN_S="3600")
    certs = _workers(env, "certificates", WORKERS)
    powers: list[ServiceProcess] = []
    try:
        addresses = _start_certificates(certs)
        powers = _workers({**env, "GOVSHARE_CERTIFICATES_GRPC": addresses}, "power", WORKERS)
        _start_groups(powers)

        applicants = {holder_uscc(): unit_code() for _ in range(APPLICANTS)}
        # The departments issue the evidence through whichever certificates worker.
        issuer = Certificates(0, Http(certs[0].url), workers=addresses)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(issuer.licence, applicants))
            list(pool.map(issuer.property, applicants, applicants.values()))
        issuer.channel.close()

        # Applicants apply, each through a worker of its own, and go on when it fails.
        clients = {holder: Client(powers, start=i) for i, holder in enumerate(applicants)}
        killed_at: dict[str, int] = {}  # applications answered when each died
        started = time.monotonic()

        def apply(n: int, holder: str, unit: str) -> tuple[int, Any]:
            # one after another, STAGGER_S apart: applications still come during both kills
            time.sleep(max(0.0, started + n * STAGGER_S - time.monotonic()))
            body = power_application(holder, unit)
            return clients[holder].call("POST", "/v1/applications", enterprise(holder), body)

        with ThreadPoolExecutor(8) as pool:
            submitted = {
                holder: pool.submit(apply, n, holder, unit)
                for n, (holder, unit) in enumerate(applicants.items())
            }
            while sum(f.done() for f in submitted.values()) < APPLICANTS // 3:
                time.sleep(0.01)
            powers[1].kill()
            killed_at["power"] = sum(f.done() for f in submitted.values())

            # The second kill once no request is still failing over from the first (one
            # past the dead worker's address on its way to another takes 0.2 s): each
            # failover is timed on its own (a request that waited through the power
            # worker's and then at once through the certificates worker's took 11.8 s).
            def calm() -> bool:
                waiting = [h for h, f in submitted.items() if not f.done()]
                since = [clients[h].failing_since for h in waiting]
                now = time.monotonic()
                return len(waiting) <= APPLICANTS // 3 and all(
                    s is None or now - s < 1.0 for s in since
                )

            while not calm():
                time.sleep(0.01)
            certs[2].kill()
            killed_at["certificates"] = sum(f.done() for f in submitted.values())
            assert killed_at["certificates"] < APPLICANTS, "killed after the last"
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
        failovers = _failed_over(list(clients.values()))
    finally:
        _stop([*powers, *certs])
    print(
        f"\n{WORKERS} workers each; power-2 and certificates-3 SIGKILLed while "
        f"{APPLICANTS} applications were made (with {killed_at['power']} and "
        f"{killed_at['certificates']} answered): all {APPLICANTS} accepted once and connected, "
        f"{failovers}; both survivors answer alike"
    )


# --- joint transfers: realestate and tax ---------------------------------------------------

CASES = 14
PARTITIONS = 4  # of every topic (processes.environment), as the services assume by default
# The stages of a case no staff member need look at, in order.
UNATTENDED = (
    AWAITING_CONFIRMATION,
    IN_REVIEW,
    AWAITING_ASSESSMENT,
    AWAITING_PAYMENT,
    REGISTERING,
    COMPLETED,
)


@dataclass
class Transfer:
    """A joint transfer its parties drive through whichever workers (clients of their own
    for realestate, tax and the payment channel)."""

    seller: Party
    buyer: Party
    unit: str
    sold: str  # the seller's certificate of the unit
    realestate: Client
    tax: Client
    bank: Client
    case_id: str = ""
    bill: dict[str, Any] = field(default_factory=dict)


def _command(client: Client, path: str, token: str, body: Any = None) -> tuple[int, Any, bool]:
    """A POST; and whether an attempt failed first (then a 409 says that attempt went
    through and its answer was lost with the worker)."""
    before = client.failed_attempts
    status, answer = client.call("POST", path, token, body)
    return status, answer, client.failed_attempts > before


def _poll(client: Client, path: str, token: str, done: Callable[[int, Any], bool]) -> Any:
    deadline = time.monotonic() + 120
    while True:
        status, answer = client.call("GET", path, token)
        if done(status, answer):
            return answer
        assert time.monotonic() < deadline, f"GET {path}: still {status} {answer}"
        time.sleep(0.5)


def _reached(stage: str) -> Callable[[int, Any], bool]:
    def done(status: int, case: Any) -> bool:
        assert status == 200, case
        assert case["stage"] in UNATTENDED, case  # not rejected, not referred to staff
        return bool(case["stage"] == stage)

    return done


def _transfer(t: Transfer, n: int, reached: dict[str, list[str]]) -> None:
    """The seller files, the buyer confirms, waits for the bill, opens a payment order
    and pays it at the channel; then both wait for the registration."""
    time.sleep(n * STAGGER_S)
    form = transfer_form(t.seller, t.buyer, t.unit)
    status, case, retried = _command(t.realestate, "/v1/transfers", t.seller.token, form)
    if status == 409 and retried:
        t.case_id = case["open_case"]  # filed by the attempt the kill cut short
    else:
        assert status == 201, case
        t.case_id = case["case_id"]
    reached["filed"].append(t.case_id)
    path = f"/v1/cases/{t.case_id}"
    status, confirmed, retried = _command(t.realestate, path + "/confirmation", t.buyer.token)
    assert status == 200 or (status == 409 and retried), confirmed
    _poll(t.realestate, path, t.buyer.token, _reached(AWAITING_PAYMENT))
    t.bill = _poll(t.tax, path + "/assessment", t.buyer.token, lambda s, _: s == 200)
    status, order, _ = _command(t.tax, path + "/payment-orders", t.buyer.token)
    assert status == 200, order  # a second attempt answers the order the first opened
    status, paid, _ = _command(t.bank, f"/v1/orders/{order['order_id']}/pay", t.buyer.token)
    assert status == 200 and paid["status"] == "paid", paid
    t.bill["paid_by"] = paid["transaction_id"]
    reached["paid"].append(t.case_id)
    _poll(t.realestate, path, t.buyer.token, _reached(COMPLETED))
    reached["registered"].append(t.case_id)


def _owners(workers: list[ServiceProcess]) -> list[ServiceProcess]:
    """The worker owning each partition, `[p]` for partition p: a request about a key of
    partition p, sent as if forwarded, is answered by its owner only (the others answer
    503: services/kit/forwarding.py)."""
    owners = []
    with httpx.Client(timeout=5, headers={HOP_HEADER: "1"}) as http:
        for key in partition_keys(PARTITIONS):
            answers = [http.get(w.url + f"/v1/cases/{key}").status_code for w in workers]
            (owner,) = [w for w, status in zip(workers, answers, strict=True) if status != 503]
            owners.append(owner)
    return owners


def _kill_busiest(
    owners: list[ServiceProcess], transfers: list[Transfer], done: list[str]
) -> tuple[ServiceProcess, int]:
    """SIGKILL the worker that owns the most cases filed and not yet `done` (a case lives
    on its unit's partition); it and how many it owned."""
    owned = Counter(
        partition_of(t.unit, PARTITIONS) for t in transfers if t.case_id and t.case_id not in done
    )
    by_worker: Counter[str] = Counter()
    for partition, cases in owned.items():
        by_worker[owners[partition].url] += cases
    assert by_worker, "every case done before the kill: nothing in flight"
    url, most = by_worker.most_common(1)[0]
    victim = next(w for w in owners if w.url == url)
    victim.kill()
    return victim, most


def _joint_view(cert: ServiceProcess, realestate: str, tax: str, devbank: str) -> Joint:
    """The platform as seen through one worker of each service."""
    env = cert.env
    grpc = f"127.0.0.1:{cert.grpc_port}"
    prefix = env["GOVSHARE_TOPIC_PREFIX"]
    return Joint(env["GOVSHARE_KAFKA_BOOTSTRAP"], prefix, cert.url, realestate, tax, grpc, devbank)


def test_three_workers_joint_transfers_with_a_realestate_and_a_tax_worker_killed(broker, tmp_path):
    env = environment(broker.bootstrap, tmp_path / "keys")
    certs = _workers(env, "certificates", WORKERS)
    others: list[ServiceProcess] = []
    started = time.monotonic()
    try:
        env = {**env, "GOVSHARE_CERTIFICATES_GRPC": _start_certificates(certs)}
        realestates = _workers(env, "realestate", WORKERS)
        taxes = _workers(env, "tax", WORKERS)
        devbank = ServiceProcess(
            "devbank", env, ARTIFACTS / f"{env['GOVSHARE_TOPIC_PREFIX']}devbank.log"
        )
        others = [*realestates, *taxes, devbank]
        devbank.start()
        _start_groups(realestates, taxes)
        devbank.wait_ready()
        up_s = time.monotonic() - started

        # The sellers' certificates, issued through every certificates worker.
        views = [_joint_view(c, "", "", "") for c in certs]
        transfers = []
        for i in range(CASES):
            seller, buyer, unit = Party(), Party(), unit_code()
            transfers.append(
                Transfer(
                    seller,
                    buyer,
                    unit,
                    views[i % WORKERS].issue_property_certificate(seller, unit),
                    Client(realestates, start=i),
                    Client(taxes, start=i),
                    Client([devbank]),
                )
            )

        # The parties go on, each case a few steps behind the one before; a tax worker
        # dies once a third of the cases are filed (assessments due), a realestate worker
        # once a third are paid (registrations due, later cases still being filed), each
        # the owner of the most cases not yet registered.
        reached: dict[str, list[str]] = {"filed": [], "paid": [], "registered": []}
        killed: list[str] = []
        tax_owners, realestate_owners = _owners(taxes), _owners(realestates)
        with ThreadPoolExecutor(CASES) as pool:
            flows = [pool.submit(_transfer, t, n, reached) for n, t in enumerate(transfers)]

            def kill_when(stage: str, owners: list[ServiceProcess]) -> None:
                while len(reached[stage]) < CASES // 3:
                    failed = [f.exception() for f in flows if f.done() and f.exception()]
                    assert not failed, failed[0]
                    time.sleep(0.01)
                victim, owned = _kill_busiest(owners, transfers, reached["registered"])
                at = {name: len(ids) for name, ids in reached.items()}  # as it died
                name = victim.log.stem.rsplit(".", 1)[-1]
                killed.append(f"{name}, the owner of {owned} cases in flight ({at})")
                assert at["registered"] < CASES, at

            kill_when("filed", tax_owners)
            kill_when("paid", realestate_owners)
            for flow in flows:
                flow.result()
        flows_s = time.monotonic() - started - up_s

        # Every case registered once; every survivor answers every read alike.
        alive = [[w for w in group if w.running] for group in (realestates, taxes)]
        for group in alive:
            _wait_for_group(group, WORKERS - 1)
        views = [
            _joint_view(cert, alive[0][k % 2].url, alive[1][k % 2].url, devbank.url)
            for k, cert in enumerate(certs)
        ]
        parties = {t.case_id: (t.seller, t.buyer, t.sold) for t in transfers}
        assert len(parties) == CASES
        bills = {t.case_id: t.bill for t in transfers}
        wait_settled(views[0], parties)
        answers = [check_joint(view, parties, bills) for view in views]
        assert all(a == answers[0] for a in answers[1:])
        registered = registrations(views[0])
        assert all(len(registered[c]) == 1 for c in parties), registered
        assert dead_letters(views[0]) == {}
        failovers = _failed_over([c for t in transfers for c in (t.realestate, t.tax, t.bank)])
    finally:
        _stop([*others, *certs])
    print(
        f"\n{WORKERS} workers each of certificates, realestate and tax (up in {up_s:.0f} s); "
        f"{CASES} joint transfers in {flows_s:.0f} s; SIGKILLed {'; '.join(killed)}: "
        f"every case registered once, paid once, one certificate for each buyer, no event "
        f"dead-lettered; "
        f"{failovers}; every survivor answers alike (REST and gRPC)"
    )
