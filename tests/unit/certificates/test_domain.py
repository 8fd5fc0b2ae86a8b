"""Certificate registry rules (pure)."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from services.certificates import canonical, catalog, domain
from services.certificates.domain import DomainError, Dossier, IssueCommand
from services.certificates.signatures import Suite, generate_key
from services.kit import identifiers

CATALOG = catalog.load()
LICENCE = "11100000000018833X001"
PROPERTY = "111000000000193186001"
MARKETREG = "11370100004251392E"
POWER_CO = "91370100863014379C"
HOLDER = common.Party(kind=common.PARTY_KIND_ENTERPRISE, id="91370100705882496U", name="某公司")
FIELDS = {
    "name": "某公司",
    "legal_representative": "张三",
    "entity_type": "有限责任公司",
    "address": "济南市天桥区",
    "established_on": "2025-01-01",
    "registered_capital_fen": "100000000",
}
COMMAND = IssueCommand(
    request_id="req-1",
    type_code=LICENCE,
    holder=HOLDER,
    issuer_uscc=MARKETREG,
    valid_from=date(2025, 1, 1),
    valid_until=None,
    fields=FIELDS,
)


def signed(cmd: IssueCommand = COMMAND, suite: Suite = Suite.ED25519):
    key = generate_key(suite, f"{cmd.issuer_uscc}/{suite.short}/2025-01")
    cert = domain.draft(
        cmd,
        CATALOG,
        issued_at=datetime(2025, 1, 1, tzinfo=UTC),
        suite=suite.proto_value,
        key_id=key.key_id,
    )
    cert.signature.value = key.sign(canonical.certificate_bytes(cert))
    public = t.SigningKey(
        key_id=key.key_id,
        issuer_uscc=cmd.issuer_uscc,
        suite=suite.proto_value,
        public_key=key.public_bytes,
        status=t.SIGNING_KEY_STATUS_ACTIVE,
    )
    return cert, public


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"request_id": ""}, "request_id", "INVALID_ARGUMENT"),
        ({"type_code": "11100000000018833X999"}, "type_code", "INVALID_ARGUMENT"),
        ({"issuer_uscc": "11370100004251392F"}, "issuer_uscc", "INVALID_ARGUMENT"),
        ({"issuer_uscc": "123701004931056272"}, "issuer_uscc", "PERMISSION_DENIED"),
        (
            {"holder": common.Party(kind=common.PARTY_KIND_CITIZEN, id="110105194912310021")},
            "holder.id",
            "INVALID_ARGUMENT",
        ),
        ({"valid_until": date(2024, 1, 1)}, "valid_until", "INVALID_ARGUMENT"),
        ({"fields": {**FIELDS, "name": ""}}, "fields.name", "INVALID_ARGUMENT"),
        ({"fields": {**FIELDS, "colour": "red"}}, "fields.colour", "INVALID_ARGUMENT"),
        ({"serial": "abc"}, "serial", "INVALID_ARGUMENT"),
    ],
)
def test_issue_commands_are_refused_naming_the_field(change, field, code):
    with pytest.raises(DomainError) as caught:
        domain.check_issue(replace(COMMAND, **change), CATALOG, department=None)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_an_issuer_of_another_department_is_refused():
    with pytest.raises(DomainError, match="does not act for"):
        domain.check_issue(COMMAND, CATALOG, department="tax")
    assert domain.check_issue(COMMAND, CATALOG, department="marketreg").code == LICENCE


def test_same_request_names_the_same_certificate_and_ids_are_standard():
    first, _ = signed()
    again, _ = signed()
    other, _ = signed(replace(COMMAND, request_id="req-2"))
    assert first.id == again.id != other.id
    assert identifiers.check_cert_id(first.id).valid
    assert first.id.startswith(f"1.2.156.3005.2.{LICENCE}.{MARKETREG}.")


@pytest.mark.parametrize("suite", list(Suite))
def test_signed_certificates_verify_offline_and_tampering_is_caught(suite):
    cert, key = signed(suite=suite)
    assert domain.verify_offline(cert, [key], date(2025, 6, 1)).valid
    tampered = t.Certificate()
    tampered.CopyFrom(cert)
    tampered.fields["registered_capital_fen"] = "900000000"
    result = domain.verify_offline(tampered, [key], date(2025, 6, 1))
    assert result.problems == [svc.VERIFICATION_PROBLEM_BAD_SIGNATURE]
    assert domain.verify_offline(cert, [], date(2025, 6, 1)).problems == [
        svc.VERIFICATION_PROBLEM_UNKNOWN_KEY
    ]


def test_validity_window_is_checked():
    cert, key = signed(replace(COMMAND, valid_until=date(2025, 12, 31)))
    early = domain.verify_offline(cert, [key], date(2024, 12, 31))
    late = domain.verify_offline(cert, [key], date(2026, 1, 1))
    assert early.problems == [svc.VERIFICATION_PROBLEM_NOT_YET_VALID]
    assert late.problems == [svc.VERIFICATION_PROBLEM_EXPIRED]


def test_lifecycle_transitions_and_final_states():
    cert, _ = signed()
    dossier = Dossier()
    assert domain.apply_issued(dossier, cert)
    assert not domain.apply_issued(dossier, cert)  # a redelivered issue changes nothing
    assert domain.apply_status(dossier, cert.id, "suspend")
    assert not domain.apply_status(dossier, cert.id, "suspend")
    assert domain.apply_status(dossier, cert.id, "reinstate")
    assert domain.apply_status(dossier, cert.id, "revoke")
    stored = dossier.find(cert.id)
    assert stored is not None and stored.status == domain.REVOKED
    for action in ("suspend", "reinstate", "supersede", "revoke"):
        with pytest.raises(DomainError, match="REVOKED") as caught:
            domain.check_transition(stored, action)
        assert caught.value.code == "FAILED_PRECONDITION"


def test_successor_keeps_serial_bumps_version_and_merges_fields():
    cert, _ = signed()
    nxt = domain.successor(
        cert, "req-9", valid_from=None, valid_until=None, fields={"address": "济南市历下区"}
    )
    assert (nxt.serial, nxt.version, nxt.supersedes_id) == (cert.serial, 2, cert.id)
    assert nxt.fields["address"] == "济南市历下区" and nxt.fields["name"] == "某公司"


def _resolve(
    dossier,
    requester=POWER_CO,
    matter="power.lv-nonresident-new",
    types=(LICENCE,),
    on=date(2025, 6, 1),
    object_id="",
):
    return domain.resolve(
        CATALOG,
        requester_id=requester,
        matter=matter,
        type_codes=types,
        dossier=dossier,
        on=on,
        object_id=object_id,
    )


def test_resolution_is_denied_by_default():
    denied = _resolve(Dossier(), requester="91310110666007217T")
    assert not denied.granted and denied.denial == t.ACCESS_DENIAL_REASON_NOT_IN_CATALOG
    wrong_matter = _resolve(Dossier(), matter="power.unknown-matter")
    assert wrong_matter.denial == t.ACCESS_DENIAL_REASON_NOT_IN_CATALOG
    wrong_type = _resolve(Dossier(), types=(LICENCE, "11100000000019334U001"))
    assert wrong_type.denial == t.ACCESS_DENIAL_REASON_TYPE_NOT_ALLOWED
    assert "11100000000019334U001" in wrong_type.detail


def test_granted_resolution_releases_only_the_catalogs_fields():
    cert, _ = signed()
    resolution = _resolve(Dossier([cert]))
    assert resolution.granted
    (found,) = resolution.results
    assert found.result.status == common.EVIDENCE_STATUS_FOUND
    assert set(found.certificate.fields) == {
        "name",
        "legal_representative",
        "address",
        "entity_type",
    }
    assert "registered_capital_fen" not in found.certificate.fields
    assert list(resolution.released[0].released_fields) == [
        "name",
        "legal_representative",
        "address",
        "entity_type",
    ]


def test_missing_ambiguous_and_not_current_are_explicit():
    cert, _ = signed()
    other, _ = signed(replace(COMMAND, request_id="req-2"))
    assert _resolve(Dossier()).results[0].result.status == common.EVIDENCE_STATUS_MISSING
    two = _resolve(Dossier([cert, other])).results[0].result
    assert two.status == common.EVIDENCE_STATUS_AMBIGUOUS and len(two.candidates) == 2
    revoked = Dossier([cert])
    domain.apply_status(revoked, cert.id, "revoke")
    gone = _resolve(revoked).results[0].result
    assert gone.status == common.EVIDENCE_STATUS_NOT_CURRENT and "REVOKED" in gone.detail
    expiring, _ = signed(replace(COMMAND, request_id="r3", valid_until=date(2025, 3, 1)))
    expired = _resolve(Dossier([expiring])).results[0].result
    assert expired.status == common.EVIDENCE_STATUS_NOT_CURRENT and "expired" in expired.detail


def test_admission_is_decided_on_the_request_alone():
    """DESIGN.md, Security: a department outside the catalog learns nothing, not even
    whether the person exists. `admit` takes no holder data, so it cannot differ."""
    outsider = "91310110666007217T"
    ask = dict(type_codes=(LICENCE,), case_id="PWR-1", matter="power.lv-nonresident-new")
    denied = domain.admit(CATALOG, caller_id=outsider, requester_id=outsider, **ask)
    assert denied.denial == t.ACCESS_DENIAL_REASON_NOT_IN_CATALOG
    assert denied.detail == (
        "no catalog entry lets 91310110666007217T obtain evidence for 'power.lv-nonresident-new'"
    )
    posing = domain.admit(CATALOG, caller_id=outsider, requester_id=POWER_CO, **ask)
    assert posing.denial == t.ACCESS_DENIAL_REASON_REQUESTER_MISMATCH
    no_case = domain.admit(
        CATALOG, caller_id=POWER_CO, requester_id=POWER_CO, **{**ask, "case_id": ""}
    )
    assert no_case.denial == t.ACCESS_DENIAL_REASON_NO_CASE
    admitted = domain.admit(CATALOG, caller_id=POWER_CO, requester_id=POWER_CO, **ask)
    assert admitted.granted and admitted.entry is not None and not admitted.results


def test_a_counting_purpose_gets_every_current_certificate_with_only_the_catalogs_fields():
    cert, _ = signed()
    other, _ = signed(replace(COMMAND, request_id="req-2"))
    plain = _resolve(Dossier([cert, other])).results[0]
    assert plain.result.status == common.EVIDENCE_STATUS_AMBIGUOUS and not plain.candidates
    counted = domain.resolve(
        CATALOG,
        requester_id=POWER_CO,
        matter="power.lv-nonresident-new",
        type_codes=(LICENCE,),
        dossier=Dossier([cert, other]),
        on=date(2025, 6, 1),
        every_current=True,
    )
    (answer,) = counted.results
    assert answer.result.status == common.EVIDENCE_STATUS_AMBIGUOUS
    assert [c.ref.certificate_id for c in answer.candidates] == [cert.id, other.id]
    for released in answer.candidates:
        assert set(released.fields) <= {"name", "legal_representative", "address", "entity_type"}
        assert "registered_capital_fen" not in released.fields
    assert set(counted.released[0].released_fields) == set(answer.candidates[0].fields)


def test_the_registry_may_count_homes_with_unit_and_usage_only():
    (entry,) = CATALOG.sharing_entries("123701004931056272", "realestate.transfer-reliefs")
    assert dict(entry.fields_by_type) == {"111000000000193186001": ("unit_code", "usage")}
    assert "财税〔2016〕23号" in entry.legal_basis and "278号" in entry.legal_basis
