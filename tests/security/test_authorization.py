"""Who may do what, as a table, against the running services and real objects: a joint
case waiting for payment, a power application in progress, the seller's e-property
certificate. Each row is a caller, a request and the answer the service defines
(a caller who may not see a case or an application gets 404, the answer for an unknown
id, so ids cannot be probed; 403 is for a caller who sees it but may not do this).

The services' own integration tests cover some rules already (a stranger reading a case
or a bill, claims by the wrong staff, advancing by the wrong staff); the rows here are
the rest: every other route and kind of caller, the other region, the other department,
department tokens on people's routes, and people's tokens on staff routes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from services.kit.auth import bearer_metadata, mint_dev_token
from tests.helpers import wait_until
from tests.integration.power.support import holder_uscc
from tests.integration.realestate.support import Party
from tests.reliability.processes import Platform, call
from tests.security.flows import Seeds, enterprise, seed, staff

pytestmark = pytest.mark.integration

REGISTRAR = "123701004931056272"
MARKETREG = "11370100004251392E"
POWER_CO = "91370100863014379C"
TAX_OFFICE = "11370105MB2857497F"
PROPERTY = "111000000000193186001"


@dataclass(frozen=True)
class Row:
    who: str
    service: str
    method: str
    path: str
    status: int
    body: Any = None


def tokens(seeds: Seeds) -> dict[str, str]:
    return {
        "seller": seeds.seller.token,
        "buyer": seeds.buyer.token,
        "citizen stranger": Party().token,
        "applicant": seeds.applicant_token,
        "enterprise stranger": enterprise(holder_uscc()),
        "realestate staff": staff("realestate"),
        "realestate window": staff("realestate", roles=("window",)),
        "realestate window, Qingdao": staff("realestate", region="370200", roles=("window",)),
        "realestate key-admin": staff("realestate", roles=("key-admin",)),
        "tax staff": staff("tax"),
        "tax staff, Qingdao": staff("tax", region="370200"),
        "power staff": staff("power"),
        "power operator, Qingdao": staff("power", region="370200", roles=("operator",)),
        "power window": staff("power", roles=("window",)),
        "marketreg key-admin": staff("marketreg", roles=("key-admin",)),
        "dept realestate": mint_dev_token("department", REGISTRAR, department="realestate"),
        "dept tax": mint_dev_token("department", TAX_OFFICE, department="tax"),
        "dept power": mint_dev_token("department", POWER_CO, department="power"),
    }


def rows(s: Seeds) -> list[Row]:
    case = f"/v1/cases/{s.case_id}"
    app = f"/v1/applications/{s.application_id}"
    cert = f"/v1/certificates/{s.property_id}"
    rotate = f"/v1/issuers/{REGISTRAR}/key-rotations"
    decision = {"decision": "pass", "note": "x"}
    upload = {"type_code": PROPERTY, "upload_ref": "uploads/x.pdf"}
    rating = {"grade": "satisfied"}
    manual = {"lines": [{"kind": "deed_tax", "payer": "buyer", "amount_fen": 1}],
              "legal_basis": "x", "reviewer": {"id": "tax-2", "name": "y"}}  # fmt: skip
    done, called = {"action": "x"}, {"applicant_satisfied": True, "note": "x"}
    rectification, followed = case + "/rectifications/RF-x", {"party_satisfied": True, "note": "x"}
    apply = {"matter_code": "lv-nonresident-new", "requested_capacity_w": 60000,
             "unit_code": s.unit_code}  # fmt: skip
    R = Row
    # fmt: off
    return [
        # realestate: a case is for its parties and the window staff of its region
        R("seller", "realestate", "GET", case, 200),
        R("buyer", "realestate", "GET", case, 200),
        R("realestate staff", "realestate", "GET", case, 200),
        R("tax staff", "realestate", "GET", case, 200),
        R("enterprise stranger", "realestate", "GET", case, 404),
        R("power staff", "realestate", "GET", case, 404),
        R("realestate window, Qingdao", "realestate", "GET", case, 404),
        R("dept tax", "realestate", "GET", case, 404),
        R("seller", "realestate", "POST", case + "/confirmation", 403),  # the filer
        R("citizen stranger", "realestate", "POST", case + "/confirmation", 404),
        R("realestate window", "realestate", "POST", case + "/confirmation", 403),
        R("citizen stranger", "realestate", "POST", case + "/withdrawal", 404, {"reason": "x"}),
        R("realestate window", "realestate", "POST", case + "/withdrawal", 403, {"reason": "x"}),
        R("dept realestate", "realestate", "POST", case + "/withdrawal", 404, {"reason": "x"}),
        R("realestate staff", "realestate", "GET", "/v1/me/cases", 403),
        R("dept realestate", "realestate", "GET", "/v1/me/cases", 403),
        R("enterprise stranger", "realestate", "GET", "/v1/queue", 403),
        R("power staff", "realestate", "GET", "/v1/queue", 403),
        R("dept realestate", "realestate", "GET", "/v1/queue", 403),
        R("power window", "realestate", "POST", case + "/claim", 404),
        R("realestate window, Qingdao", "realestate", "POST", case + "/claim", 404),
        R("dept realestate", "realestate", "POST", case + "/claim", 404),
        R("citizen stranger", "realestate", "POST", case + "/decision", 404, decision),
        # a completed case is rated by its parties only (this one is not completed yet)
        R("seller", "realestate", "POST", case + "/evaluation", 409, rating),
        R("citizen stranger", "realestate", "POST", case + "/evaluation", 404, rating),
        R("realestate window", "realestate", "POST", case + "/evaluation", 403, rating),
        R("dept realestate", "realestate", "POST", case + "/evaluation", 404, rating),
        # a rectification is completed and followed up by window staff of the region
        R("seller", "realestate", "POST", rectification + "/completion", 403, done),
        R("citizen stranger", "realestate", "POST", rectification + "/completion", 404, done),
        R("realestate staff", "realestate", "POST", rectification + "/completion", 403, done),
        R("realestate window, Qingdao", "realestate", "POST", rectification + "/completion",
          404, done),
        R("realestate window", "realestate", "POST", rectification + "/completion", 404, done),
        R("buyer", "realestate", "POST", rectification + "/follow-up", 403, followed),
        R("dept realestate", "realestate", "POST", rectification + "/follow-up", 404, followed),
        R("buyer", "realestate", "GET", "/v1/rectifications", 403),
        R("power staff", "realestate", "GET", "/v1/rectifications", 403),
        R("tax staff", "realestate", "GET", "/v1/rectifications", 200),
        R("seller", "realestate", "GET", f"/v1/units/{s.unit_code}/history", 403),
        R("tax staff", "realestate", "GET", f"/v1/units/{s.unit_code}/history", 200),
        R("power staff", "realestate", "GET", f"/v1/units/{s.unit_code}/history", 403),
        R("tax staff, Qingdao", "realestate", "GET", f"/v1/units/{s.unit_code}/history", 403),
        R("dept realestate", "realestate", "GET", f"/v1/units/{s.unit_code}/history", 403),
        # tax: the bill for the parties and window staff; the ledger for tax staff only
        R("seller", "tax", "GET", case + "/assessment", 200),
        R("realestate staff", "tax", "GET", case + "/assessment", 200),
        R("enterprise stranger", "tax", "GET", case + "/assessment", 404),
        R("tax staff, Qingdao", "tax", "GET", case + "/assessment", 404),
        R("power staff", "tax", "GET", case + "/assessment", 404),
        R("dept power", "tax", "GET", case + "/assessment", 404),
        # a payment order: the parties only; no token at all may declare a payment
        R("citizen stranger", "tax", "POST", case + "/payment-orders", 404),
        R("tax staff", "tax", "POST", case + "/payment-orders", 403),
        R("dept power", "tax", "POST", case + "/payment-orders", 404),
        R("dept tax", "tax", "POST", case + "/payment-orders", 404),  # not a channel by token
        R("buyer", "tax", "POST", case + "/payments", 404),  # the old declared payment: gone
        R("seller", "tax", "GET", case + "/ledger", 403),
        R("buyer", "tax", "GET", case + "/ledger", 403),
        R("realestate staff", "tax", "GET", case + "/ledger", 403),
        R("tax staff, Qingdao", "tax", "GET", case + "/ledger", 404),
        R("tax staff", "tax", "GET", case + "/ledger", 200),
        # assessing by hand: tax staff, and only a case the engine could not assess
        R("seller", "tax", "POST", case + "/manual-assessment", 404, manual),
        R("realestate staff", "tax", "POST", case + "/manual-assessment", 404, manual),
        R("tax staff", "tax", "POST", case + "/manual-assessment", 404, manual),
        R("buyer", "tax", "GET", "/v1/manual-assessments", 403),
        R("realestate staff", "tax", "GET", "/v1/manual-assessments", 403),
        R("tax staff", "tax", "GET", "/v1/manual-assessments", 200),
        R("buyer", "tax", "GET", "/v1/ledger", 403),
        R("realestate staff", "tax", "GET", "/v1/ledger", 403),
        R("dept tax", "tax", "GET", "/v1/ledger", 403),
        # power: the applicant and the power staff of the region; others learn nothing
        R("applicant", "power", "GET", app, 200),
        R("power staff", "power", "GET", app, 200),
        R("citizen stranger", "power", "GET", app, 404),
        R("power operator, Qingdao", "power", "GET", app + "/timeline", 404),
        R("realestate staff", "power", "GET", app, 404),
        R("dept power", "power", "GET", app, 404),
        R("enterprise stranger", "power", "POST", app + "/evidence", 404, upload),
        R("power staff", "power", "POST", app + "/evidence", 403, upload),
        R("enterprise stranger", "power", "POST", app + "/evidence/refresh", 404),
        R("power staff", "power", "POST", app + "/evidence/refresh", 403),
        R("power staff", "power", "POST", app + "/evaluation", 403, {"grade": "satisfied"}),
        R("dept power", "power", "POST", app + "/advance", 403, {"current_step": "acceptance"}),
        # a rectification is completed and followed up by operators of the region
        R("applicant", "power", "POST", app + "/rectification/completion", 403, done),
        R("power staff", "power", "POST", app + "/rectification/completion", 403, done),
        R("power operator, Qingdao", "power", "POST", app + "/rectification/completion", 403,
          done),
        R("dept power", "power", "POST", app + "/rectification/follow-up", 403, called),
        R("applicant", "power", "POST", app + "/rectification/follow-up", 403, called),
        R("applicant", "power", "GET", "/v1/staff/rectifications", 403),
        R("power staff", "power", "GET", "/v1/staff/rectifications", 200),
        R("power staff", "power", "GET", "/v1/me/applications", 403),
        R("dept power", "power", "GET", "/v1/me/applications", 403),
        R("applicant", "power", "GET", "/v1/staff/applications", 403),
        R("citizen stranger", "power", "GET", "/v1/staff/applications", 403),
        R("realestate staff", "power", "GET", "/v1/staff/applications", 403),
        R("applicant", "power", "GET", f"/v1/preparations/{s.parcel_code}", 403),
        R("realestate staff", "power", "GET", f"/v1/preparations/{s.parcel_code}", 403),
        R("power staff", "power", "POST", "/v1/applications", 403, apply),
        R("dept power", "power", "POST", "/v1/applications", 403, apply),
        # certificates: a certificate, a dossier, an access log are the holder's only
        R("seller", "certificates", "GET", cert, 200),
        R("buyer", "certificates", "GET", cert, 403),
        R("realestate staff", "certificates", "GET", cert, 403),
        R("dept realestate", "certificates", "GET", cert, 403),  # even its issuer: gRPC
        R("realestate staff", "certificates", "GET", "/v1/me/certificates", 403),
        R("dept realestate", "certificates", "GET", "/v1/me/certificates", 403),
        R("tax staff", "certificates", "GET", "/v1/me/access-log", 403),
        R("dept power", "certificates", "GET", "/v1/me/access-log", 403),
        R("seller", "certificates", "POST", rotate, 403),
        R("realestate staff", "certificates", "POST", rotate, 403),  # no key-admin role
        R("marketreg key-admin", "certificates", "POST", rotate, 403),  # another department
        R("dept realestate", "certificates", "POST", rotate, 403),
        R("realestate key-admin", "certificates", "POST", rotate, 200),
    ]
    # fmt: on


@pytest.fixture(scope="module")
def seeds(platform: Platform) -> Seeds:
    return seed(platform)


def test_every_caller_gets_what_the_service_defines(platform: Platform, seeds: Seeds):
    who = tokens(seeds)
    wrong = []
    table = rows(seeds)
    for row in table:
        status, body = call(
            row.method, platform.url(row.service) + row.path, who[row.who], row.body
        )
        if status != row.status:
            wrong.append(f"{row.who}: {row.method} {row.service}{row.path} -> {status} {body}")
    assert not wrong, "\n".join(wrong)
    print(f"\nauthorization table: {len(table)} rows, {len(who)} kinds of caller")


def test_lists_show_only_what_is_the_callers(platform: Platform, seeds: Seeds):
    who = tokens(seeds)

    def ids(service: str, path: str, token: str, key: str, field: str) -> list[str]:
        status, body = call("GET", platform.url(service) + path, who[token])
        assert status == 200, (token, path, body)
        return [item[field] for item in body[key]]

    assert seeds.case_id in ids("realestate", "/v1/me/cases", "seller", "cases", "case_id")
    assert ids("realestate", "/v1/me/cases", "citizen stranger", "cases", "case_id") == []
    assert seeds.case_id in ids("realestate", "/v1/queue", "realestate staff", "cases", "case_id")
    qingdao = ids("realestate", "/v1/queue", "realestate window, Qingdao", "cases", "case_id")
    assert seeds.case_id not in qingdao
    mine = ids("power", "/v1/me/applications", "applicant", "applications", "application_id")
    assert mine == [seeds.application_id]
    assert ids("power", "/v1/me/applications", "enterprise stranger", "applications",
               "application_id") == []  # fmt: skip
    region = ids("power", "/v1/staff/applications", "power staff", "applications",
                 "application_id")  # fmt: skip
    assert seeds.application_id in region
    other = ids("power", "/v1/staff/applications", "power operator, Qingdao", "applications",
                "application_id")  # fmt: skip
    assert seeds.application_id not in other
    assert seeds.property_id in ids(
        "certificates", "/v1/me/certificates", "seller", "certificates", "id"
    )
    assert ids("certificates", "/v1/me/certificates", "citizen stranger", "certificates",
               "id") == []  # fmt: skip
    # The seller sees that the registry used their certificate for this case.
    log = ids("certificates", "/v1/me/access-log", "seller", "entries", "case_id")
    assert seeds.case_id in log
    assert ids("certificates", "/v1/me/access-log", "citizen stranger", "entries",
               "case_id") == []  # fmt: skip


@pytest.fixture
def stub(platform: Platform) -> Iterator[svc_grpc.CertificateServiceStub]:
    with grpc.insecure_channel(platform.grpc_address) as channel:
        yield svc_grpc.CertificateServiceStub(channel)


def _code(call_: Any, request: Any, department: str, uscc: str) -> grpc.StatusCode:
    token = mint_dev_token("department", uscc, department=department)
    try:
        call_(request, metadata=bearer_metadata(token), timeout=10)
    except grpc.RpcError as error:
        return error.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


def test_departments_change_and_read_only_what_they_issued(stub, seeds: Seeds, platform):
    cert = seeds.property_id
    denied = grpc.StatusCode.PERMISSION_DENIED
    get = svc.GetCertificateRequest(certificate_id=cert)
    assert _code(stub.GetCertificate, get, "realestate", REGISTRAR) == grpc.StatusCode.OK
    assert _code(stub.GetCertificate, get, "marketreg", MARKETREG) == denied
    assert _code(stub.GetCertificate, get, "power", POWER_CO) == denied
    revoke = svc.RevokeCertificateRequest(
        request_id=str(uuid.uuid4()), certificate_id=cert, reason=t.REVOCATION_REASON_OTHER
    )
    assert _code(stub.RevokeCertificate, revoke, "marketreg", MARKETREG) == denied
    no_reason = svc.RevokeCertificateRequest(request_id=str(uuid.uuid4()), certificate_id=cert)
    assert (
        _code(stub.RevokeCertificate, no_reason, "realestate", REGISTRAR)
        == grpc.StatusCode.INVALID_ARGUMENT
    )
    suspend = svc.SuspendCertificateRequest(
        request_id=str(uuid.uuid4()), certificate_id=cert, reason="x"
    )
    assert _code(stub.SuspendCertificate, suspend, "tax", TAX_OFFICE) == denied
    supersede = svc.SupersedeCertificateRequest(request_id=str(uuid.uuid4()), certificate_id=cert)
    assert _code(stub.SupersedeCertificate, supersede, "power", POWER_CO) == denied

    def dossier(department: str, uscc: str) -> list[str]:
        token = mint_dev_token("department", uscc, department=department)
        reply = stub.ListDossier(
            svc.ListDossierRequest(holder_id=seeds.seller.id),
            metadata=bearer_metadata(token),
            timeout=10,
        )
        return [c.id for c in reply.certificates]

    assert dossier("realestate", REGISTRAR) == [cert]
    assert dossier("marketreg", MARKETREG) == []


def test_evidence_is_refused_outside_its_purpose_and_the_holder_sees_the_refusal(
    stub, seeds: Seeds, platform
):
    holder = seeds.seller.id

    def resolve(requester: str, matter: str) -> grpc.StatusCode:
        party = common.Party(kind=common.PARTY_KIND_ENTERPRISE, id=requester)
        request = svc.ResolveEvidenceRequest(
            requester=party,
            matter_code=matter,
            case_id=seeds.case_id,
            requested_by=common.Actor(
                kind=common.ACTOR_KIND_SYSTEM, system_id="power", on_behalf_of=party
            ),
            holder_id=holder,
            type_codes=[PROPERTY],
        )
        return _code(stub.ResolveEvidence, request, "power", POWER_CO)

    # The power company may not look at a seller's deed for a real-estate transfer, nor
    # pretend to be the registry.
    assert resolve(POWER_CO, "realestate.transfer-review") == grpc.StatusCode.PERMISSION_DENIED
    assert resolve(REGISTRAR, "realestate.transfer-review") == grpc.StatusCode.PERMISSION_DENIED

    def denials() -> list[dict]:
        entries = call(
            "GET", platform.url("certificates") + "/v1/me/access-log", seeds.seller.token
        )[1]["entries"]
        return [e for e in entries if e["outcome"] == "denied"]

    wait_until(lambda: len(denials()) == 2, 15, "both refusals in the holder's access log")
    assert {d["denial"] for d in denials()} == {
        "ACCESS_DENIAL_REASON_NOT_IN_CATALOG",
        "ACCESS_DENIAL_REASON_REQUESTER_MISMATCH",
    }
