"""Two workers of the certificates and of the power service on the session broker: a
request answers the same whichever worker it reaches (issue 14, item 5)."""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from contextlib import ExitStack
from dataclasses import replace

import grpc
from govshare.certificates.v1 import certificates_service_pb2 as svc

from services.kit.admin import ensure_topics
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.envelope import encode_headers
from services.kit.topics import all_topic_names
from tests.helpers import wait_until
from tests.integration.power.support import (
    MARKETREG_TOKEN,
    OPERATOR,
    Certificates,
    Http,
    base_env,
    certificates_service,
    holder_uscc,
    parcel_code,
    power_service,
    produce,
    unit_code,
)
from tests.samples import sample_of_topic

HOLDERS = 6


def enterprise(holder: str) -> str:
    return mint_dev_token("enterprise", holder, name="泉城测试餐饮有限公司")


def workers(http: Http) -> int:
    try:
        with urllib.request.urlopen(http.url + "/readyz", timeout=5) as reply:
            ready = json.loads(reply.read())
    except urllib.error.HTTPError:
        return 0
    return int(ready["workers"]) if ready["ready"] else 0


def test_every_worker_gives_the_same_answers(broker, tmp_path):
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = base_env(broker.bootstrap, prefix)
    keys = tmp_path / "keys"
    with ExitStack() as stack:
        certs = [stack.enter_context(certificates_service(env, keys)) for _ in range(2)]
        wait_until(lambda: all(workers(c.http) == 2 for c in certs), 60, "two certificates")
        both = ",".join(f"127.0.0.1:{c.grpc_port}" for c in certs)
        powers = [
            stack.enter_context(
                power_service(env, certs[0].grpc_port, GOVSHARE_CERTIFICATES_GRPC=both)
            )
            for _ in range(2)
        ]
        wait_until(lambda: all(workers(p) == 2 for p in powers), 60, "two power workers")
        check_certificates(certs)
        check_power(certs, powers)
        check_preparations(broker.bootstrap, prefix, certs, powers)


def check_certificates(certs: list[Certificates]) -> None:
    holders = [holder_uscc() for _ in range(HOLDERS)]
    # Issued through either worker: each lands in the dossier of its holder's owner.
    issued = [certs[i % 2].licence(holder) for i, holder in enumerate(holders)]
    for holder, licence in zip(holders, issued, strict=True):
        for c in certs:
            status, dossier = c.http.call("GET", "/v1/me/certificates", enterprise(holder))
            assert status == 200, dossier
            assert [d["id"] for d in dossier["certificates"]] == [licence.id]
            status, one = c.http.call("GET", f"/v1/certificates/{licence.id}", enterprise(holder))
            assert status == 200 and one["id"] == licence.id, one
            reply = c.stub.GetCertificate(
                svc.GetCertificateRequest(certificate_id=licence.id),
                metadata=bearer_metadata(MARKETREG_TOKEN),
                timeout=10,
            )
            assert reply.certificate.id == licence.id
    missing = issued[0].id[:-5] + "999.0"
    for c in certs:
        try:
            c.stub.GetCertificate(
                svc.GetCertificateRequest(certificate_id=missing),
                metadata=bearer_metadata(MARKETREG_TOKEN),
                timeout=10,
            )
        except grpc.RpcError as error:
            assert error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT)
        else:
            raise AssertionError("an unknown certificate was found")


def check_power(certs: list[Certificates], powers: list[Http]) -> None:
    holders = [holder_uscc() for _ in range(HOLDERS)]
    made: dict[str, str] = {}
    licences = {}
    for i, holder in enumerate(holders):
        unit = unit_code()
        licences[holder] = certs[0].licence(holder)
        certs[1].property(holder, unit)
        body = {"matter_code": "lv-nonresident-new", "requested_capacity_w": 60000}
        body["unit_code"] = unit
        if i % 2:  # a client's request id: the id is fixed, the owner decides
            body["request_id"] = f"r-{uuid.uuid4().hex[:8]}"
        status, app = powers[i % 2].call("POST", "/v1/applications", enterprise(holder), body)
        assert status == 201, app
        assert app["status"] == "in-progress" and app["missing_evidence"] == [], app
        made[holder] = app["application_id"]
        if "request_id" in body:  # the retry, through the other worker: the same answer
            again = powers[(i + 1) % 2].call("POST", "/v1/applications", enterprise(holder), body)
            assert again[0] == 201 and again[1]["application_id"] == app["application_id"]
    for holder, app_id in made.items():
        answers = [p.call("GET", f"/v1/applications/{app_id}", enterprise(holder)) for p in powers]
        assert [status for status, _ in answers] == [200, 200], answers
        assert answers[0][1]["status"] == answers[1][1]["status"] == "in-progress"
        mine = [p.call("GET", "/v1/me/applications", enterprise(holder)) for p in powers]
        for status, listed in mine:
            assert status == 200
            assert [a["application_id"] for a in listed["applications"]] == [app_id]
        # A command through either worker is decided by the owner.
        path = f"/v1/applications/{app_id}/advance"
        status, advanced = powers[1].call("POST", path, OPERATOR, {"current_step": "acceptance"})
        assert status == 200, advanced
    # A licence revoked (on its holder's certificates worker): each holder's application
    # is flagged, on whichever power worker holds it, and both workers show it.
    for holder in made:
        certs[1].revoke(licences[holder].id)
    for holder, app_id in made.items():
        for p in powers:
            path = f"/v1/applications/{app_id}"
            wait_until(
                lambda p=p, path=path, h=holder: bool(
                    p.call("GET", path, enterprise(h))[1]["evidence_to_refresh"]
                ),
                30,
                f"{app_id} flagged",
            )
    staff = [p.call("GET", "/v1/staff/applications?limit=1000", OPERATOR) for p in powers]
    for status, listed in staff:
        assert status == 200
        assert set(made.values()) <= {a["application_id"] for a in listed["applications"]}


def check_preparations(
    bootstrap: str, prefix: str, certs: list[Certificates], powers: list[Http]
) -> None:
    """A parcel prepared from land supply (keyed by parcel code) shortens high-voltage
    applications on it, whichever worker takes them: an application is born on its
    parcel's partition, where the preparation is."""
    parcels = [parcel_code("370112") for _ in range(4)]
    land = sample_of_topic("landsupply.v1.events")
    records = []
    for parcel in parcels:
        land.message.parcel_code = parcel
        env = replace(land.envelope, id=str(uuid.uuid4()), subject=parcel)
        records.append((parcel.encode(), land.message.SerializeToString(), encode_headers(env)))
    asyncio.run(produce(bootstrap, prefix + "landsupply.v1.events", records))
    for i, parcel in enumerate(parcels):
        path = f"/v1/preparations/{parcel}"
        wait_until(lambda p=path: powers[0].call("GET", p, OPERATOR)[0] == 200, 30, path)
        holder, unit = holder_uscc(), unit_code(parcel)
        certs[0].licence(holder)
        certs[1].property(holder, unit)
        body = {"matter_code": "hv-new", "requested_capacity_w": 800000, "unit_code": unit}
        status, app = powers[i % 2].call("POST", "/v1/applications", enterprise(holder), body)
        assert status == 201, app
        assert [s["step_code"] for s in app["steps"]] == ["acceptance", "plan-reply", "metering"]
