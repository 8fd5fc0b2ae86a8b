"""The certificate registry (`Registry`) on the fake runtime: issuing, status changes,
new versions, dossiers, verification and purpose-bound evidence, each through its
commands and its own agents, as app.py wires them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from govshare.certificates.v1 import access_log_pb2 as log_pb
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import events_pb2 as ev
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from services.certificates import domain
from services.certificates.domain import DomainError, IssueCommand
from services.certificates.keystore import KeyStore
from services.certificates.registry import Registry
from services.certificates.signatures import Suite
from tests.unit.certificates.test_domain import (
    CATALOG,
    COMMAND,
    FIELDS,
    HOLDER,
    LICENCE,
    MARKETREG,
)
from tests.unit.fakes import FakeRuntime

POWER_CO = common.Party(
    kind=common.PARTY_KIND_ENTERPRISE, id="91370100863014379C", name="济南供电公司"
)
STRANGER = "370105199107224525"  # a resident the registry has never seen
CLERK = common.Actor(
    kind=common.ACTOR_KIND_PERSON,
    person_name="刘登记",
    on_behalf_of=common.Party(kind=common.PARTY_KIND_DEPARTMENT, id=MARKETREG, name="市场监管局"),
    role="staff:marketreg",
)


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime("certificates")


@pytest.fixture
def registry(runtime: FakeRuntime, tmp_path: Path) -> Registry:
    keys = KeyStore(tmp_path / "keys", runtime.clock)
    reg = Registry(runtime, CATALOG, keys, Suite.ED25519, runtime.clock)  # type: ignore[arg-type]
    runtime.consume_batch("certificates.v1.events", reg.on_certificate_events)
    runtime.consume("certificates.v1.access-log", reg.on_access_event, dedup=False)
    return reg


async def issue(registry: Registry, cmd: IssueCommand = COMMAND) -> t.Certificate:
    return await registry.issue(cmd, actor=CLERK, department="marketreg")


def evidence_request(
    holder_id: str = HOLDER.id, matter: str = "power.lv-nonresident-new"
) -> svc.ResolveEvidenceRequest:
    return svc.ResolveEvidenceRequest(
        requester=POWER_CO,
        requested_by=common.Actor(
            kind=common.ACTOR_KIND_SYSTEM, system_id="/govshare/power", on_behalf_of=POWER_CO
        ),
        matter_code=matter,
        purpose="办电",
        case_id="PA-370105-20250604-0000000001",
        holder_id=holder_id,
        type_codes=[LICENCE],
    )


# --- issuing ------------------------------------------------------------------------------


async def test_an_issued_certificate_is_signed_in_the_holders_dossier_and_announced(
    runtime, registry
):
    cert = await issue(registry)

    assert registry.dossier(HOLDER.id).find(cert.id) == cert  # read your own write
    assert registry.find(cert.id).status == domain.ACTIVE
    kinds = [type(m).__name__ for _, m in runtime.records()]
    assert kinds == ["SigningKeyPublished", "CertificateIssued"]  # the key before its use
    env, issued = runtime.records()[-1]
    assert env.subject == HOLDER.id and env.department == "marketreg"
    assert issued.certificate == cert and issued.issued_by == CLERK
    verdict = registry.verify(None, cert.id, runtime.clock.today())
    assert verdict.valid, verdict.details


async def test_issuing_the_same_request_again_returns_the_certificate_already_issued(
    runtime, registry
):
    first = await issue(registry)
    again = await issue(registry, replace(COMMAND, fields={**FIELDS, "name": "别的名字"}))
    assert again == first
    assert len(runtime.published(ev.CertificateIssued)) == 1
    assert len(registry.dossier(HOLDER.id).certificates) == 1


async def test_a_department_may_issue_only_the_types_it_is_the_issuer_of(runtime, registry):
    with pytest.raises(DomainError):
        await registry.issue(COMMAND, actor=CLERK, department="tax")
    assert runtime.records() == []
    assert registry.dossier(HOLDER.id).certificates == []


async def test_a_redelivered_issue_event_changes_nothing(runtime, registry):
    await issue(registry)
    env, issued = runtime.records()[-1]
    await runtime.redeliver(env, issued)
    assert len(registry.dossier(HOLDER.id).certificates) == 1


# --- status changes and new versions -----------------------------------------------------


async def test_the_issuing_department_revokes_and_the_revocation_is_final(runtime, registry):
    cert = await issue(registry)
    revoked = await registry.change_status(
        cert.id,
        "revoke",
        actor=CLERK,
        department="marketreg",
        reason="吊销营业执照",
        revocation_reason=t.REVOCATION_REASON_SANCTION,
    )
    assert revoked.status == domain.REVOKED
    event = runtime.the(ev.CertificateRevoked)
    assert event.certificate.certificate_id == cert.id
    assert event.reason == t.REVOCATION_REASON_SANCTION and event.detail == "吊销营业执照"
    with pytest.raises(DomainError):
        await registry.change_status(cert.id, "reinstate", actor=CLERK, department="marketreg")
    verdict = registry.verify(None, cert.id, runtime.clock.today())
    assert not verdict.valid


async def test_another_department_may_not_change_a_certificate(runtime, registry):
    cert = await issue(registry)
    before = len(runtime.records())
    with pytest.raises(DomainError) as refused:
        await registry.change_status(cert.id, "revoke", actor=CLERK, department="tax")
    assert refused.value.field == "certificate_id"
    assert len(runtime.records()) == before
    assert registry.find(cert.id).status == domain.ACTIVE


async def test_a_suspension_says_why_and_a_reinstatement_ends_it(runtime, registry):
    cert = await issue(registry)
    with pytest.raises(DomainError):
        await registry.change_status(cert.id, "suspend", actor=CLERK, department="marketreg")
    suspended = await registry.change_status(
        cert.id, "suspend", actor=CLERK, department="marketreg", reason="涉嫌虚假登记"
    )
    assert suspended.status == domain.SUSPENDED
    reinstated = await registry.change_status(
        cert.id, "reinstate", actor=CLERK, department="marketreg", reason="核查无误"
    )
    assert reinstated.status == domain.ACTIVE


async def test_a_redelivered_suspension_does_not_undo_a_later_reinstatement(runtime, registry):
    cert = await issue(registry)
    await registry.change_status(
        cert.id, "suspend", actor=CLERK, department="marketreg", reason="涉嫌虚假登记"
    )
    suspension = next(
        (e, m) for e, m in runtime.records() if isinstance(m, ev.CertificateSuspended)
    )
    await registry.change_status(cert.id, "reinstate", actor=CLERK, department="marketreg")
    await runtime.redeliver(*suspension)
    assert registry.find(cert.id).status == domain.ACTIVE


async def test_a_new_version_supersedes_the_current_one(runtime, registry):
    cert = await issue(registry)
    replacement, old = await registry.supersede(
        cert.id,
        "req-2",
        actor=CLERK,
        department="marketreg",
        valid_from=None,
        valid_until=None,
        fields={"address": "济南市历下区"},
    )
    assert old.status == domain.SUPERSEDED
    assert (
        replacement.version == cert.version + 1 and replacement.fields["address"] == "济南市历下区"
    )
    assert runtime.the(ev.CertificateSuperseded).replacement.certificate_id == replacement.id
    dossier = registry.dossier(HOLDER.id)
    assert [c.id for c in dossier.current(LICENCE)] == [replacement.id]
    assert {c.id for c in dossier.certificates} == {cert.id, replacement.id}


async def test_a_rotated_key_is_announced_and_what_it_signed_still_verifies(runtime, registry):
    cert = await issue(registry)
    new = await registry.rotate_key(MARKETREG, Suite.ED25519)
    retired = runtime.the(ev.SigningKeyRetired)
    assert retired.key_id == cert.signature.key_id and new.key_id != cert.signature.key_id
    assert runtime.published(ev.SigningKeyPublished)[-1].replaces_key_id == retired.key_id
    assert registry.verify(None, cert.id, runtime.clock.today()).valid


# --- verification --------------------------------------------------------------------------


async def test_presented_content_that_differs_from_the_registry_is_a_mismatch(registry, runtime):
    cert = await issue(registry)
    forged = t.Certificate()
    forged.CopyFrom(cert)
    forged.fields["registered_capital_fen"] = "900000000"
    verdict = registry.verify(forged, "", runtime.clock.today())
    assert not verdict.valid
    assert svc.VERIFICATION_PROBLEM_CONTENT_MISMATCH in verdict.problems


# --- evidence and the access log -----------------------------------------------------------


async def test_granted_evidence_releases_only_the_catalogs_fields_and_is_logged(runtime, registry):
    cert = await issue(registry)
    resolution, access_id = await registry.resolve(evidence_request(), caller_id=POWER_CO.id)
    await runtime.settle()

    (found,) = resolution.results
    assert found.result.status == common.EVIDENCE_STATUS_FOUND
    assert found.certificate.ref.certificate_id == cert.id
    assert set(found.certificate.fields) == {
        "name",
        "legal_representative",
        "address",
        "entity_type",
    }
    (entry,) = registry.access_log[HOLDER.id]
    assert entry["type"] == "govshare.certificates.v1.EvidenceAccessGranted"
    assert entry["data"]["accessId"] == access_id
    assert runtime.the(log_pb.EvidenceAccessGranted).legal_basis  # the holder sees why


async def test_a_revoked_certificate_is_not_current_evidence(runtime, registry):
    cert = await issue(registry)
    await registry.change_status(cert.id, "revoke", actor=CLERK, department="marketreg")
    resolution, _ = await registry.resolve(evidence_request(), caller_id=POWER_CO.id)
    assert resolution.results[0].result.status == common.EVIDENCE_STATUS_NOT_CURRENT


async def test_a_holder_the_registry_does_not_know_is_missing_when_the_catalog_allows(
    runtime, registry
):
    resolution, _ = await registry.resolve(evidence_request(STRANGER), caller_id=POWER_CO.id)
    await runtime.settle()
    assert resolution.results[0].result.status == common.EVIDENCE_STATUS_MISSING
    assert len(registry.access_log[STRANGER]) == 1  # they will see it once they log in


async def test_a_request_outside_the_catalog_is_denied_alike_for_known_and_unknown_holders(
    runtime, registry
):
    await issue(registry)
    known, _ = await registry.resolve(
        evidence_request(matter="power.unlisted"), caller_id=POWER_CO.id
    )
    unknown, _ = await registry.resolve(
        evidence_request(STRANGER, matter="power.unlisted"), caller_id=POWER_CO.id
    )
    await runtime.settle()
    assert not known.granted and not unknown.granted
    assert (known.denial, known.detail, known.results) == (
        unknown.denial,
        unknown.detail,
        unknown.results,
    )
    for holder in (HOLDER.id, STRANGER):
        (entry,) = registry.access_log[holder]
        assert entry["type"] == "govshare.certificates.v1.EvidenceAccessDenied"


async def test_an_issuers_own_read_is_logged_with_its_default_purpose(runtime, registry):
    cert = await issue(registry)
    access_id = await registry.record_use(
        HOLDER.id,
        t.DATA_USE_CERTIFICATE_READ,
        [cert],
        user=CLERK.on_behalf_of,
        actor=CLERK,
    )
    await runtime.settle()
    used = runtime.the(log_pb.PersonalDataUsed)
    assert used.access_id == access_id and used.purpose  # the catalog's default purpose
    assert [c.certificate_id for c in used.certificates] == [cert.id]
    assert [e["id"] for e in registry.access_log[HOLDER.id]] == [
        env.id for env, m in runtime.records() if isinstance(m, log_pb.PersonalDataUsed)
    ]


async def test_a_batch_issues_each_certificate_once_in_the_order_asked(runtime, registry):
    batch = registry.issue_batch()
    second = replace(COMMAND, request_id="req-2", holder=POWER_CO)
    for cmd in (COMMAND, second, COMMAND):
        await batch.add(cmd, actor=CLERK, caused_by=None)
    await batch.flush()
    await runtime.settle()
    issued = runtime.published(ev.CertificateIssued)
    assert [e.holder_id for e in issued] == [HOLDER.id, POWER_CO.id]
    for event in issued:
        assert registry.find(event.certificate.id).status == domain.ACTIVE
        assert registry.verify(None, event.certificate.id, runtime.clock.today()).valid
