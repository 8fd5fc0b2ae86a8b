"""The title re-check on the real broker: a seller's certificate revoked or suspended after
review, or a court seal, stops the open case and refers it to the window with the reason;
registration never goes ahead on a title that no longer holds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import types_pb2 as cert_types
from govshare.common.v1 import types_pb2 as common
from govshare.courts.v1 import events_pb2 as courts
from govshare.courts.v1 import types_pb2 as court_types

from devtools import samples
from tests.helpers import metric_value
from tests.integration.realestate.support import (
    Party,
    Platform,
    platform,
    staff,
    transfer_form,
    unit_code,
)


@pytest.fixture(scope="module")
def running(broker, tmp_path_factory) -> Iterator[Platform]:
    with platform(broker.bootstrap, str(tmp_path_factory.mktemp("keys"))) as started:
        yield started


def awaiting_payment(running: Platform, seller: Party, buyer: Party, unit: str) -> dict:
    status, case = running.post(
        f"{running.realestate}/v1/transfers", seller.token, transfer_form(seller, buyer, unit)
    )
    assert status == 201, case
    running.post(f"{running.realestate}/v1/cases/{case['case_id']}/confirmation", buyer.token)
    return running.wait_case(case["case_id"], buyer.token, "awaiting_payment")


def pay(running: Platform, case: dict, buyer: Party) -> None:
    """The buyer pays through the payment channel; tax clears the bill on its word."""
    paid = running.pay(case["case_id"], buyer.token)
    assert paid["status"] == "paid", paid
    running.wait_bill(case["case_id"], buyer.token, "paid")


def test_a_title_revoked_between_review_and_registration_stops_the_registration(
    running: Platform,
):
    seller, buyer = Party(), Party()
    unit = unit_code()
    certificate = running.issue_property_certificate(seller, unit)
    case = awaiting_payment(running, seller, buyer, unit)
    assert case["review"] == "passed"

    # The registry revokes the seller's certificate (a court order) after review passed;
    # the buyer pays at once, so the re-check at registration or the certificate feed,
    # whichever comes first, must stop the case.
    running.registrar_call(
        "RevokeCertificate",
        svc.RevokeCertificateRequest(
            request_id=f"revoke-{uuid.uuid4().hex[:8]}",
            certificate_id=certificate,
            reason=cert_types.REVOCATION_REASON_COURT_ORDER,
            detail="(2025)鲁0105民初77号 判决",
        ),
    )
    pay(running, case, buyer)

    stopped = running.wait_case(case["case_id"], buyer.token, "referred")
    assert stopped["waiting_on"] == "realestate" and stopped["tax"] == "paid"
    assert not stopped["registration_number"]
    assert [f["check"] for f in stopped["findings"]] == ["SELLER_HOLDS_CERTIFICATE"]
    assert any(word in stopped["findings"][0]["detail"] for word in ("注销", "revoked"))

    # Window staff cannot pass it on a title that no longer holds; they reject it.
    window = staff("realestate")
    base = f"{running.realestate}/v1/cases/{case['case_id']}"
    assert running.post(f"{base}/claim", window)[0] == 200
    status, refused = running.post(
        f"{base}/decision", window, {"decision": "pass", "note": "继续办理"}
    )
    assert status == 409 and refused["field"] == "decision", refused
    status, _ = running.post(
        f"{base}/decision", window, {"decision": "reject", "note": "卖方证书已被法院判决注销"}
    )
    assert status == 200
    closed = running.wait_case(case["case_id"], buyer.token, "rejected")
    assert "registered" not in [s["step"] for s in closed["timeline"]]
    text = running.text(f"{running.realestate}/metrics")
    assert metric_value(text, "govshare_realestate_title_rechecks_total", result="referred") >= 1


def test_a_certificate_suspended_while_the_bill_waits_stops_the_case_at_once(
    running: Platform,
):
    seller, buyer = Party(), Party()
    unit = unit_code()
    certificate = running.issue_property_certificate(seller, unit)
    case = awaiting_payment(running, seller, buyer, unit)
    running.registrar_call(
        "SuspendCertificate",
        svc.SuspendCertificateRequest(
            request_id=f"suspend-{uuid.uuid4().hex[:8]}",
            certificate_id=certificate,
            reason="更正登记审查中",
        ),
    )
    # Nobody paid: the certificate feed alone stops the case.
    stopped = running.wait_case(case["case_id"], buyer.token, "referred")
    assert "暂停" in stopped["findings"][0]["detail"]
    assert "更正登记审查中" in stopped["findings"][0]["detail"]


def test_a_court_seal_while_the_case_is_open_stops_it(running: Platform):
    seller, buyer = Party(), Party()
    unit = unit_code()
    running.issue_property_certificate(seller, unit)
    case = awaiting_payment(running, seller, buyer, unit)
    now = Timestamp()
    now.GetCurrentTime()
    running.publish(
        courts.PropertySealed(
            unit_code=unit,
            seal_id=f"SF-{uuid.uuid4().hex[:6]}",
            kind=court_types.SEAL_KIND_SEAL,
            court=common.Party(
                kind=common.PARTY_KIND_DEPARTMENT,
                id="11370105004190761C",
                name="济南市天桥区人民法院",
            ),
            case_number="(2025)鲁0105执88号",
            subject=common.Party(kind=common.PARTY_KIND_CITIZEN, id=seller.id, name=seller.name),
            sealed_from=common.Date(year=2025, month=5, day=20),
            sealed_until=common.Date(year=2099, month=5, day=19),
            recorded_at=now,
        ),
        unit,
        "/dept/courts",
    )
    stopped = running.wait_case(case["case_id"], buyer.token, "referred")
    assert [f["check"] for f in stopped["findings"]] == ["UNIT_NOT_SEALED"]
    assert "(2025)鲁0105执88号" in stopped["findings"][0]["detail"]
    # Paying now changes nothing: the case stays stopped until staff decide.
    pay(running, case, buyer)
    assert running.wait_case(case["case_id"], buyer.token, "referred")["tax"] == "paid"


def test_a_new_version_stops_the_case_and_staff_pass_it_on_the_same_bill(running: Platform):
    seller, buyer = Party(), Party()
    unit = unit_code()
    certificate = running.issue_property_certificate(seller, unit)
    case = awaiting_payment(running, seller, buyer, unit)
    holder = common.Party(kind=common.PARTY_KIND_CITIZEN, id=seller.id, name=seller.name)
    fields = dict(samples.property_request(holder, unit).fields)
    fields["location"] += " (更正)"
    replaced = running.registrar_call(
        "SupersedeCertificate",
        svc.SupersedeCertificateRequest(
            request_id=f"supersede-{uuid.uuid4().hex[:8]}",
            certificate_id=certificate,
            valid_from=common.Date(year=2016, month=8, day=20),
            fields=fields,
        ),
    )
    stopped = running.wait_case(case["case_id"], buyer.token, "referred")
    assert "新版本" in stopped["findings"][0]["detail"]

    # The title holds again on the new version: staff pass it, the bill stands, it registers.
    window = staff("realestate")
    base = f"{running.realestate}/v1/cases/{case['case_id']}"
    assert running.post(f"{base}/claim", window)[0] == 200
    status, passed = running.post(
        f"{base}/decision", window, {"decision": "pass", "note": "更正登记后证书有效"}
    )
    assert status == 200, passed
    again = running.wait_case(case["case_id"], buyer.token, "awaiting_payment")
    assert again["assessment_id"] == case["assessment_id"]
    assert again["seller_certificate"]["certificate_id"] == replaced.certificate.id
    pay(running, again, buyer)
    done = running.wait_case(case["case_id"], buyer.token, "completed")
    assert done["registration_number"]
