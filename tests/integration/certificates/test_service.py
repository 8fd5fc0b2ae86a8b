"""The certificates service as a real process: gRPC for departments, REST for people,
department feeds in, certificate and access-log events out."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from google.rpc import error_details_pb2
from govshare.certificates.v1 import access_log_pb2 as access_log_pb
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common
from grpc_status import rpc_status

from services.kit.admin import ensure_topics, partitions_of
from services.kit.auth import bearer_metadata, mint_dev_token
from services.kit.envelope import encode_headers
from services.kit.log_end import log_ends
from services.kit.topics import all_topic_names
from tests.helpers import ROOT, metric_value, read_topic, started_service, wait_until
from tests.samples import sample_of_topic

LICENCE = "11100000000018833X001"
MARKETREG = "11370100004251392E"
POWER_CO = "91370100863014379C"
MARKETREG_TOKEN = mint_dev_token("department", MARKETREG, department="marketreg")
POWER_TOKEN = mint_dev_token("department", POWER_CO, department="power")
FIELDS = {
    "name": "泉城测试有限公司",
    "legal_representative": "张三",
    "entity_type": "有限责任公司",
    "address": "济南市天桥区",
    "established_on": "2025-01-01",
    "registered_capital_fen": "100000000",
}


def holder_uscc() -> str:
    """A fresh, valid enterprise USCC per test (the registry keys state by holder)."""
    from services.kit.identifiers import uscc_check_char

    weights, alphabet = [3, 7, 9, 10, 5, 8, 4, 2], "0123456789"
    org = "".join(alphabet[b % 10] for b in uuid.uuid4().bytes[:8])
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    body = "91370105" + org + {10: "X", 11: "0"}.get(check, str(check))
    return body + uscc_check_char(body)


def issue_request(
    holder: str,
    request_id: str = "",
    valid_from: common.Date | None = None,
    valid_until: common.Date | None = None,
    **fields: str,
) -> svc.IssueCertificateRequest:
    """A business-licence issue request for `holder` (fresh request id unless given)."""
    return svc.IssueCertificateRequest(
        request_id=request_id or str(uuid.uuid4()),
        type_code=LICENCE,
        holder=common.Party(kind=common.PARTY_KIND_ENTERPRISE, id=holder, name="测试"),
        issuer_uscc=MARKETREG,
        valid_from=valid_from or common.Date(year=2025, month=1, day=1),
        valid_until=valid_until,
        fields={**FIELDS, **fields},
    )


class Service:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log

    def __enter__(self) -> Service:
        self._ctx = started_service("certificates", self.env, self.log)  # gRPC port 0
        process = self._ctx.__enter__()
        self.url, self.grpc_port = process.http_url, process.grpc_port
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.grpc_port}")
        self.stub = svc_grpc.CertificateServiceStub(self.channel)
        return self

    def __exit__(self, *exc: object) -> None:
        self.channel.close()
        self._ctx.__exit__(None, None, None)

    def get(self, path: str, token: str | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=5) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def issue(self, holder: str, request_id: str = "", **kwargs: Any) -> t.Certificate:
        return self.stub.IssueCertificate(
            issue_request(holder, request_id, **kwargs),
            metadata=bearer_metadata(MARKETREG_TOKEN),
            timeout=15,
        ).certificate

    def verify(self, certificate_id: str) -> svc.VerifyCertificateResponse:
        return self.stub.VerifyCertificate(
            svc.VerifyCertificateRequest(certificate_id=certificate_id),
            metadata=bearer_metadata(POWER_TOKEN),
            timeout=10,
        )

    def resolve(
        self,
        holder: str,
        matter: str = "power.lv-nonresident-new",
        token: str = POWER_TOKEN,
        requester: str = POWER_CO,
    ) -> svc.ResolveEvidenceResponse:
        party = common.Party(kind=common.PARTY_KIND_ENTERPRISE, id=requester)
        return self.stub.ResolveEvidence(
            svc.ResolveEvidenceRequest(
                requester=party,
                matter_code=matter,
                case_id="PWR-2025-0001",
                requested_by=common.Actor(
                    kind=common.ACTOR_KIND_SYSTEM, system_id="power", on_behalf_of=party
                ),
                holder_id=holder,
                type_codes=[LICENCE],
            ),
            metadata=bearer_metadata(token),
            timeout=10,
        )


@pytest.fixture(scope="module")
def service(broker, tmp_path_factory) -> Iterator[Service]:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = {
        **os.environ,
        "GOVSHARE_ENV": "test",
        "GOVSHARE_KAFKA_BOOTSTRAP": broker.bootstrap,
        "GOVSHARE_TOPIC_PREFIX": prefix,
        "GOVSHARE_KEYS_DIR": str(tmp_path_factory.mktemp("keys")),
    }
    with Service(env, ROOT / "artifacts" / f"{prefix}certificates.log") as running:
        running.prefix = prefix  # type: ignore[attr-defined]
        yield running


def verify_offline(cert: Path, keys: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.cli", "verify", str(cert), "--keys", str(keys)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_issue_verify_online_and_offline_then_tampering_fails(service, tmp_path):
    holder = holder_uscc()
    cert = service.issue(holder)
    assert cert.signature.suite == t.SIGNATURE_SUITE_SM2_SM3  # the default suite
    assert service.verify(cert.id).valid

    status, downloaded = service.get(
        f"/v1/certificates/{cert.id}", mint_dev_token("enterprise", holder)
    )
    assert status == 200
    _, keys = service.get("/v1/keys")
    (tmp_path / "cert.json").write_text(json.dumps(downloaded, ensure_ascii=False))
    (tmp_path / "keys.json").write_text(json.dumps(keys))
    ok = verify_offline(tmp_path / "cert.json", tmp_path / "keys.json")
    assert ok.returncode == 0, ok.stderr

    raw = (tmp_path / "cert.json").read_bytes()
    index = raw.index(b'"100000000"') + 1
    tampered = raw[:index] + b"2" + raw[index + 1 :]  # one byte: capital 100000000 -> 200000000
    (tmp_path / "tampered.json").write_bytes(tampered)
    bad = verify_offline(tmp_path / "tampered.json", tmp_path / "keys.json")
    assert bad.returncode == 1
    assert "BAD_SIGNATURE" in bad.stderr and "altered" in bad.stderr


def test_only_the_holder_downloads_and_anyone_verifies(service):
    holder = holder_uscc()
    cert = service.issue(holder)
    assert service.get(f"/v1/certificates/{cert.id}")[0] == 401
    stranger = mint_dev_token("enterprise", holder_uscc())
    assert service.get(f"/v1/certificates/{cert.id}", stranger)[0] == 403
    status, body = service.get(f"/v1/certificates/{cert.id}/verification")
    assert status == 200 and body["valid"] is True and "fields" not in json.dumps(body)


def test_revocation_is_final_and_reported_by_verification(service):
    cert = service.issue(holder_uscc())
    revoked = service.stub.RevokeCertificate(
        svc.RevokeCertificateRequest(
            request_id="rv-1", certificate_id=cert.id, reason=t.REVOCATION_REASON_ISSUED_IN_ERROR
        ),
        metadata=bearer_metadata(MARKETREG_TOKEN),
        timeout=10,
    ).certificate
    assert revoked.status == t.CERTIFICATE_STATUS_REVOKED
    result = service.verify(cert.id)
    assert not result.valid and svc.VERIFICATION_PROBLEM_REVOKED in result.problems
    with pytest.raises(grpc.RpcError) as again:
        service.stub.SuspendCertificate(
            svc.SuspendCertificateRequest(request_id="s", certificate_id=cert.id, reason="x"),
            metadata=bearer_metadata(MARKETREG_TOKEN),
            timeout=10,
        )
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "REVOKED" in again.value.details()


def test_errors_are_specific(service):
    with pytest.raises(grpc.RpcError) as bad_holder:
        service.issue("91370100705882496X")
    assert bad_holder.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert bad_holder.value.details().startswith("holder.id:")
    assert _violation(bad_holder.value)[0] == "holder.id"
    assert _trailer(bad_holder.value, "govshare-field") == "holder.id"  # for one more release
    with pytest.raises(grpc.RpcError) as unknown:
        service.stub.GetCertificate(
            svc.GetCertificateRequest(
                certificate_id="1.2.156.3005.2.11100000000018833X001.11370100004251392E.1.001.L"
            ),
            metadata=bearer_metadata(MARKETREG_TOKEN),
            timeout=10,
        )
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    # A holder the registry does not know is no error of its own (that would tell who is
    # registered): inside the catalog each type answers MISSING, and the use is logged.
    (nobody,) = service.resolve(holder_uscc()).results
    assert nobody.result.status == common.EVIDENCE_STATUS_MISSING
    with pytest.raises(grpc.RpcError) as anonymous:
        service.stub.IssueCertificate(svc.IssueCertificateRequest(), timeout=10)
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_an_expired_certificate_says_so(service):
    holder = holder_uscc()
    cert = service.issue(
        holder,
        valid_from=common.Date(year=2020, month=1, day=1),
        valid_until=common.Date(year=2020, month=12, day=31),
    )
    result = service.verify(cert.id)
    assert result.problems == [svc.VERIFICATION_PROBLEM_EXPIRED]
    assert "expired on 2020-12-31" in result.details[0]
    (found,) = service.resolve(holder).results
    assert found.result.status == common.EVIDENCE_STATUS_NOT_CURRENT
    assert "expired" in found.result.detail


def test_key_rotation_keeps_old_certificates_verifiable(service):
    holder = holder_uscc()
    before = service.issue(holder)
    staff = mint_dev_token(
        "staff", "mr-0001", department="marketreg", roles=("key-admin",), region="370100"
    )
    request = urllib.request.Request(
        f"{service.url}/v1/issuers/{MARKETREG}/key-rotations",
        method="POST",
        headers={"Authorization": f"Bearer {staff}"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        new_key = json.loads(reply.read())
    assert new_key["keyId"] != before.signature.key_id
    after = service.issue(holder)
    assert after.signature.key_id == new_key["keyId"]
    assert service.verify(before.id).valid and service.verify(after.id).valid
    _, keys = service.get("/v1/keys")
    status = {k["keyId"]: k["status"] for k in keys["keys"]}
    assert status[before.signature.key_id] == "SIGNING_KEY_STATUS_RETIRED"
    assert status[new_key["keyId"]] == "SIGNING_KEY_STATUS_ACTIVE"
    citizen = mint_dev_token("citizen", "11010519491231002X")
    forbidden = urllib.request.Request(
        f"{service.url}/v1/issuers/{MARKETREG}/key-rotations",
        method="POST",
        headers={"Authorization": f"Bearer {citizen}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forbidden, timeout=10)
    assert refused.value.code == 403


def test_same_request_issues_once(service):
    holder = holder_uscc()
    first = service.issue(holder, request_id="dup-1")
    second = service.issue(holder, request_id="dup-1")
    assert first.id == second.id
    status, dossier = service.get("/v1/me/certificates", mint_dev_token("enterprise", holder))
    assert status == 200 and len(dossier["certificates"]) == 1


def test_resolution_grants_catalog_fields_denies_others_and_logs_both(service):
    holder = holder_uscc()
    service.issue(holder)
    granted = service.resolve(holder)
    (result,) = granted.results
    assert result.result.status == common.EVIDENCE_STATUS_FOUND
    assert set(result.certificate.fields) == {
        "name",
        "legal_representative",
        "address",
        "entity_type",
    }
    outsider = "91310110666007217T"
    with pytest.raises(grpc.RpcError) as denied:
        service.resolve(
            holder,
            token=mint_dev_token("department", outsider, department="outsider"),
            requester=outsider,
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "NOT_IN_CATALOG" in denied.value.details()

    holder_token = mint_dev_token("enterprise", holder)

    def logged() -> list[dict]:
        return service.get("/v1/me/access-log", holder_token)[1]["entries"]

    wait_until(lambda: len(logged()) == 2, 15, "both accesses in the holder's log")
    denial, grant = logged()  # newest first
    assert denial["outcome"] == "denied" and denial["requester"]["id"] == outsider
    assert grant["outcome"] == "granted" and grant["legal_basis"]
    assert grant["released"][0]["fields"] == [
        "name",
        "legal_representative",
        "address",
        "entity_type",
    ]
    assert (
        service.get("/v1/me/access-log", mint_dev_token("enterprise", holder_uscc()))[1]["entries"]
        == []
    )


def _refused(service: Service, holder: str, token: str, requester: str) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        service.resolve(holder, token=token, requester=requester)
    return refused.value


def _denials_counted(service: Service) -> float:
    with urllib.request.urlopen(service.url + "/metrics", timeout=5) as reply:
        text = reply.read().decode()
    return metric_value(
        text,
        "govshare_certificates_access_decisions_total",
        decision="denied",
        matter="power.lv-nonresident-new",
    )


def _trailer(error: grpc.RpcError, key: str) -> str:
    return dict(error.trailing_metadata() or ())[key]  # type: ignore[attr-defined]


def _violation(error: grpc.RpcError) -> tuple[str, str]:
    """The one BadRequest field violation of the call's google.rpc.Status: field, why."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None and status.code == error.code().value[0]  # type: ignore[attr-defined]
    (detail,) = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    (violation,) = bad_request.field_violations
    return violation.field, violation.description


async def test_an_outsider_cannot_tell_a_registered_holder_from_an_unregistered_one(
    service, broker
):
    """Issue 15, acceptance: a department outside the sharing catalog gets the same denial
    for a registered and an unregistered holder, and both are logged (DESIGN.md, Security:
    "a department outside the catalog learns nothing, not even whether the person exists")."""
    registered, unregistered = holder_uscc(), holder_uscc()
    service.issue(registered)
    outsider = "91310110666007217T"
    token = mint_dev_token("department", outsider, department="outsider")
    denied_before = _denials_counted(service)
    first = _refused(service, registered, token, outsider)
    second = _refused(service, unregistered, token, outsider)
    assert _denials_counted(service) == denied_before + 2  # counted alike, no holder label
    assert first.code() == second.code() == grpc.StatusCode.PERMISSION_DENIED
    assert first.details() == second.details()  # byte for byte
    # google.rpc.Status with a BadRequest field violation, alike for both; the old trailer too
    assert rpc_status.from_call(first) == rpc_status.from_call(second)  # type: ignore[arg-type]
    field, reason = _violation(first)
    assert field == "matter_code" and reason.startswith("ACCESS_DENIAL_REASON_NOT_IN_CATALOG")
    assert _trailer(first, "govshare-field") == _trailer(second, "govshare-field") == field
    assert first.details() == (
        "matter_code: ACCESS_DENIAL_REASON_NOT_IN_CATALOG: no catalog entry lets "
        "91310110666007217T obtain evidence for 'power.lv-nonresident-new'"
    )
    ids = {
        holder: _trailer(e, "govshare-access-id")
        for holder, e in ((registered, first), (unregistered, second))
    }
    assert len(set(ids.values())) == 2  # each denial has its own access-log entry

    # Each holder reads theirs: the registered one and the one the registry does
    # not know (anyone who logs in with that identity is the data subject).
    for holder, access_id in ids.items():
        holder_token = mint_dev_token("enterprise", holder)

        def denials(token: str = holder_token) -> list[dict]:
            entries = service.get("/v1/me/access-log", token)[1]["entries"]
            return [e for e in entries if e["outcome"] == "denied"]

        wait_until(lambda: len(denials()) == 1, 15, "the denial in the holder's log")
        (entry,) = denials()
        assert entry["access_id"] == access_id
        assert entry["requester"]["id"] == outsider
        assert entry["denial"] == "ACCESS_DENIAL_REASON_NOT_IN_CATALOG"

    # Both are events on the access log of record, alike but for the holder and the ids:
    # nothing in them says whether the registry knew the holder.
    records = await _all_records(broker.bootstrap, service.prefix + "certificates.v1.access-log")
    events = {}
    for record in records:
        if record.key and record.key.decode() in ids:
            event = access_log_pb.EvidenceAccessDenied.FromString(record.value)
            assert (
                dict(record.headers)["ce_type"] == b"govshare.certificates.v1.EvidenceAccessDenied"
            )
            events[record.key.decode()] = event
    assert set(events) == set(ids)
    for holder, event in events.items():
        assert (event.holder_id, event.access_id) == (holder, ids[holder])
        event.ClearField("holder_id")
        event.ClearField("access_id")
        event.ClearField("occurred_at")
    assert events[registered] == events[unregistered]


async def _all_records(bootstrap: str, topic: str) -> list[Any]:
    """Every record now on `topic` (all partitions, up to their end offsets)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
        consumer.assign(parts)
        ends = await log_ends(consumer._client, await consumer.end_offsets(parts))
        records: list[Any] = []
        behind = set(parts)
        while behind:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
            behind = {tp for tp in behind if await consumer.position(tp) < ends[tp]}
        return records
    finally:
        await consumer.stop()


def test_the_issuers_own_reads_are_in_the_holders_access_log(service):
    """Issue 15, deliverable 4: every use of a person's data, by any department, is an
    access-log event the person can read (DESIGN.md, Security), with the department, the
    actor, the purpose and the legal basis: here the issuer reading what it issued."""
    holder = holder_uscc()
    cert = service.issue(holder)
    marketreg = bearer_metadata(MARKETREG_TOKEN)
    read = svc.GetCertificateRequest(certificate_id=cert.id, purpose="年报抽查", case_id="MR-7")
    assert service.stub.GetCertificate(read, metadata=marketreg, timeout=10).certificate == cert
    listing = svc.ListDossierRequest(holder_id=holder)
    assert list(service.stub.ListDossier(listing, metadata=marketreg, timeout=10).certificates) == [
        cert
    ]
    with pytest.raises(grpc.RpcError) as refused:  # not the issuer: nothing read, nothing used
        service.stub.GetCertificate(read, metadata=bearer_metadata(POWER_TOKEN), timeout=10)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

    token = mint_dev_token("enterprise", holder)

    def uses() -> list[dict]:
        return service.get("/v1/me/access-log", token)[1]["entries"]  # type: ignore[no-any-return]

    wait_until(lambda: len(uses()) == 2, 15, "both reads in the holder's access log")
    listed, got = uses()  # newest first
    for entry in (listed, got):
        assert entry["outcome"] == "used"
        assert entry["requester"]["id"] == MARKETREG
        assert entry["actor"]["onBehalfOf"]["id"] == MARKETREG
        assert entry["legal_basis"].startswith("《个人信息保护法》第十三条第一款第三项")
        assert "《市场主体登记管理条例》第二十一条" in entry["legal_basis"]  # the licence's law
        assert [c["certificateId"] for c in entry["certificates"]] == [cert.id]
    assert (got["use"], got["purpose"], got["case_id"]) == (
        "DATA_USE_CERTIFICATE_READ",
        "年报抽查",
        "MR-7",
    )
    assert listed["use"] == "DATA_USE_DOSSIER_LISTED"
    assert listed["purpose"] == "发证机关查询本机关向该持证主体签发的电子证照 (一企一档)"


async def test_a_licence_feed_event_delivered_twice_issues_one_certificate(service, broker):
    sample = sample_of_topic("marketreg.v1.events")
    holder = holder_uscc()
    sample.message.uscc = holder
    env = sample.envelope.__class__(**{**sample.envelope.__dict__, "subject": holder})
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    try:
        for _ in range(2):
            await producer.send_and_wait(
                service.prefix + "marketreg.v1.events",
                sample.message.SerializeToString(),
                key=holder.encode(),
                headers=encode_headers(env),
            )
    finally:
        await producer.stop()
    token = mint_dev_token("enterprise", holder)

    def dossier() -> list[dict]:
        return service.get("/v1/me/certificates", token)[1]["certificates"]

    await asyncio.to_thread(wait_until, lambda: len(dossier()) >= 1, 20, "the licence")
    await asyncio.sleep(1.0)  # give a second issue every chance to show up
    (licence,) = dossier()
    assert licence["typeCode"] == LICENCE
    assert licence["fields"]["name"] == sample.message.licence.name


def test_state_survives_a_restart(broker, tmp_path):
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = {
        **os.environ,
        "GOVSHARE_ENV": "test",
        "GOVSHARE_KAFKA_BOOTSTRAP": broker.bootstrap,
        "GOVSHARE_TOPIC_PREFIX": prefix,
        "GOVSHARE_KEYS_DIR": str(tmp_path / "keys"),
    }
    log = ROOT / "artifacts" / f"{prefix}certificates.log"
    holder = holder_uscc()
    with Service(dict(env), log) as first:
        kept = first.issue(holder)
        gone = first.issue(holder)
        first.stub.RevokeCertificate(
            svc.RevokeCertificateRequest(
                request_id="rv", certificate_id=gone.id, reason=t.REVOCATION_REASON_ISSUED_IN_ERROR
            ),
            metadata=bearer_metadata(MARKETREG_TOKEN),
            timeout=10,
        )
        first.resolve(holder)  # an access-log entry must survive the restart too
    with Service(dict(env), log) as second:  # tables recovered from their changelogs
        assert second.verify(kept.id).valid
        after = second.verify(gone.id)
        assert svc.VERIFICATION_PROBLEM_REVOKED in after.problems
        status, dossier = second.get("/v1/me/certificates", mint_dev_token("enterprise", holder))
        assert status == 200 and len(dossier["certificates"]) == 2
        holder_token = mint_dev_token("enterprise", holder)

        def outcomes() -> list[str]:
            return [
                e["outcome"] for e in second.get("/v1/me/access-log", holder_token)[1]["entries"]
            ]

        # the entry was logged before the stop; applied before or right after the restart
        wait_until(lambda: outcomes() == ["granted"], 15, "the access-log entry")
    events = asyncio.run(read_topic(broker.bootstrap, prefix + "certificates.v1.events", 4))
    types = [dict(r.headers)["ce_type"].decode() for r in events if r.key == holder.encode()]
    assert types == ["govshare.certificates.v1.CertificateIssued"] * 2 + [
        "govshare.certificates.v1.CertificateRevoked"
    ]
