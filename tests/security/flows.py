"""Real objects for the security tests to aim at: a joint transfer case waiting for
payment (realestate + tax), a power application in progress, the certificates behind
them; and the people involved, with their tokens."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from functools import cached_property

from devtools.samples import PROPERTY
from services.kit.auth import mint_dev_token
from tests.helpers import wait_until
from tests.integration.power.support import OPERATOR, Certificates, Http, holder_uscc
from tests.integration.realestate.support import Party, transfer_form
from tests.integration.realestate.support import Platform as Joint
from tests.reliability.processes import Platform, call

REGION = "370100"  # Jinan: the seeded case and application lie in Tianqiao (370105)


def unit_code() -> str:
    return f"370105012002GB{random.randrange(100000):05d}F{random.randrange(10**8):08d}"


def staff(department: str, *, region: str = REGION, roles: tuple[str, ...] = ()) -> str:
    return mint_dev_token(
        "staff",
        f"{department}-{uuid.uuid4().hex[:6]}",
        department=department,
        region=region,
        roles=roles,
        name=f"{department} staff",
    )


def enterprise(uscc: str) -> str:
    return mint_dev_token("enterprise", uscc, name="泉城测试餐饮有限公司")


@dataclass
class Seeds:
    platform: Platform
    seller: Party
    buyer: Party
    case_id: str
    unit_code: str
    assessment_id: str
    total_fen: int
    applicant: str  # an enterprise USCC
    application_id: str
    parcel_code: str
    licence_id: str
    property_id: str  # the seller's e-property certificate

    @cached_property
    def applicant_token(self) -> str:
        return enterprise(self.applicant)


def certificates_client(platform: Platform) -> Certificates:
    return Certificates(platform.grpc_port, Http(platform.url("certificates")))


def joint_of(platform: Platform) -> Joint:
    """The realestate tests' view of a platform (its helpers: certificates, cases)."""
    return Joint(
        platform.bootstrap,
        platform.prefix,
        platform.url("certificates"),
        platform.url("realestate"),
        platform.url("tax"),
        platform.grpc_address,
        platform.url("devbank") if "devbank" in platform.services else "",
    )


def joint_case(platform: Platform, seller: Party, buyer: Party) -> tuple[str, str, dict]:
    """A case filed by the seller, confirmed by the buyer, assessed: (case id, unit, bill)."""
    unit = unit_code()
    joint_of(platform).issue_property_certificate(seller, unit)
    realestate, tax = platform.url("realestate"), platform.url("tax")
    status, case = call(
        "POST", f"{realestate}/v1/transfers", seller.token, transfer_form(seller, buyer, unit)
    )
    assert status == 201, case
    case_id = case["case_id"]
    status, body = call("POST", f"{realestate}/v1/cases/{case_id}/confirmation", buyer.token)
    assert status == 200, body

    def assessed() -> bool:
        return call("GET", f"{tax}/v1/cases/{case_id}/assessment", buyer.token)[0] == 200

    wait_until(assessed, 30, f"the assessment of {case_id}")
    bill = call("GET", f"{tax}/v1/cases/{case_id}/assessment", buyer.token)[1]
    return case_id, unit, bill


def power_application(platform: Platform, applicant: str) -> tuple[str, str, str, str]:
    """An evidence-free application: (application id, parcel, licence id, property id)."""
    unit = unit_code()
    certs = certificates_client(platform)
    try:
        licence = certs.licence(applicant)
        deed = certs.property(applicant, unit)
    finally:
        certs.channel.close()
    status, app = call(
        "POST",
        f"{platform.url('power')}/v1/applications",
        enterprise(applicant),
        {"matter_code": "lv-nonresident-new", "requested_capacity_w": 60000, "unit_code": unit},
    )
    assert status == 201 and app["status"] == "in-progress", app
    return app["application_id"], unit[:19], licence.id, deed.id


def seed(platform: Platform, seller: Party | None = None, applicant: str = "") -> Seeds:
    seller = seller or Party()
    buyer = Party()
    case_id, unit, bill = joint_case(platform, seller, buyer)
    applicant = applicant or holder_uscc()
    application_id, parcel, licence_id, _ = power_application(platform, applicant)
    certs = call("GET", f"{platform.url('certificates')}/v1/me/certificates", seller.token)[1]
    (property_id,) = [c["id"] for c in certs["certificates"] if c["fields"]["unit_code"] == unit]
    return Seeds(
        platform,
        seller,
        buyer,
        case_id,
        unit,
        bill["assessment"]["assessmentId"],
        bill["total_fen"],
        applicant,
        application_id,
        parcel,
        licence_id,
        property_id,
    )


def complete(platform: Platform, seeds: Seeds) -> None:
    """Pay the seeded case and connect the seeded application; wait until both are done
    and the buyer holds the new certificate."""
    realestate, tax, power = (platform.url(n) for n in ("realestate", "tax", "power"))
    # The buyer opens a payment order; the payment channel (devbank) confirms the money.
    status, order = call("POST", f"{tax}/v1/cases/{seeds.case_id}/payment-orders",
                         seeds.buyer.token)  # fmt: skip
    assert status == 200, order
    devbank = platform.url("devbank")
    status, paid = call("POST", f"{devbank}/v1/orders/{order['order_id']}/pay")
    assert status == 200 and paid["status"] == "paid", paid
    for step in ("acceptance", "metering"):
        path = f"{power}/v1/applications/{seeds.application_id}/advance"
        assert call("POST", path, OPERATOR, {"current_step": step})[0] == 200
    wait_until(
        lambda: (
            call("GET", f"{realestate}/v1/cases/{seeds.case_id}", seeds.buyer.token)[1]["stage"]
            == "completed"
        ),
        30,
        "the case completed",
    )

    def certified() -> bool:
        certs = call("GET", f"{platform.url('certificates')}/v1/me/certificates",
                     seeds.buyer.token)[1]["certificates"]  # fmt: skip
        return any(c["typeCode"] == PROPERTY for c in certs)

    wait_until(certified, 30, "the buyer's certificate")
