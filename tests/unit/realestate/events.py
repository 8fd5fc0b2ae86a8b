"""Realestate events for the unit tests, built like the services build them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

UNIT = "370105012002GB00001F00010751"
CASE = "RE-370105-20250601-0001"
SELLER = common.Party(kind=common.PARTY_KIND_CITIZEN, id="370102198003152316", name="李明")
BUYER = common.Party(kind=common.PARTY_KIND_CITIZEN, id="370105199107224525", name="张丽")
REGISTRY = common.Party(kind=common.PARTY_KIND_DEPARTMENT, id="123701004931056272", name="登记中心")
START = datetime(2025, 6, 1, 2, 10, tzinfo=UTC)


def at(minutes: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(START + timedelta(minutes=minutes))
    return stamp


def citizen(party: common.Party) -> common.Actor:
    return common.Actor(
        kind=common.ACTOR_KIND_PERSON,
        person_id=party.id,
        person_name=party.name,
        on_behalf_of=party,
        role="citizen",
    )


SYSTEM = common.Actor(
    kind=common.ACTOR_KIND_SYSTEM, system_id="/govshare/realestate", on_behalf_of=REGISTRY
)


def applied(case_id: str = CASE, unit: str = UNIT, by: common.Party = SELLER) -> ev.TransferApplied:
    return ev.TransferApplied(
        unit_code=unit,
        case_id=case_id,
        applied_by=citizen(by),
        seller=SELLER,
        buyer=BUYER,
        price=common.Money(fen=235_000_000),
        area_hundredths_m2=12_000,
        usage=t.USAGE_RESIDENTIAL,
        contract_date=common.Date(year=2025, month=6, day=1),
        tax_facts=t.TaxFacts(
            buyer_family_existing_homes=0,
            seller_acquisition_date=common.Date(year=2016, month=8, day=20),
            seller_only_home=True,
            original_cost_proven=True,
            original_cost=common.Money(fen=128_000_000),
            certificate_count=1,
        ),
        location=common.Address(division_code="370105", text="济南市天桥区北园大街1号"),
        applied_at=at(0),
    )


def confirmed(case_id: str = CASE) -> ev.TransferConfirmed:
    return ev.TransferConfirmed(
        unit_code=UNIT, case_id=case_id, confirmed_by=citizen(BUYER), confirmed_at=at(30)
    )


CERT = common.CertificateRef(
    certificate_id="1.2.156.3005.2.111000000000193186001.123701004931056272.2016370105002741.001.G",
    type_code="111000000000193186001",
    version=1,
)


STAFF = common.Actor(
    kind=common.ACTOR_KIND_PERSON, person_name="王窗口", on_behalf_of=REGISTRY, role="window"
)


def passed(case_id: str = CASE, by: common.Actor = SYSTEM) -> ev.ReviewPassed:
    return ev.ReviewPassed(
        unit_code=UNIT,
        case_id=case_id,
        checks_passed=[t.REVIEW_CHECK_SELLER_HOLDS_CERTIFICATE],
        seller_certificate=CERT,
        decided_by=by,
        passed_at=at(31),
    )


def referred(
    department: int = t.DEPARTMENT_REALESTATE,
    check: int = t.REVIEW_CHECK_FACTS_MATCH_CERTIFICATE,
    detail: str = "面积不符",
) -> ev.ReviewReferred:
    return ev.ReviewReferred(
        unit_code=UNIT,
        case_id=CASE,
        findings=[t.ReviewFinding(check=check, detail=detail)],
        waiting_on=department,
        referred_by=SYSTEM,
        referred_at=at(31),
    )


def tax(stage: int, minutes: float, payment_id: str = "") -> ev.TaxProgressRecorded:
    return ev.TaxProgressRecorded(
        unit_code=UNIT,
        case_id=CASE,
        stage=stage,
        assessment_id="TA-1",
        total=common.Money(fen=2_358_000),
        payment_id=payment_id,
        caused_by=common.EventRef(source="/govshare/tax", id="x", type="t"),
        occurred_at=at(minutes),
    )


def registered() -> ev.RegistrationCompleted:
    return ev.RegistrationCompleted(
        unit_code=UNIT,
        case_id=CASE,
        registration_number="2025-370105-DJ-0001",
        registrar=REGISTRY,
        buyer=BUYER,
        seller=SELLER,
        seller_certificate=CERT,
        usage=t.USAGE_RESIDENTIAL,
        area_hundredths_m2=12_000,
        location=common.Address(division_code="370105", text="x"),
        right_type="国有建设用地使用权/房屋所有权",
        certificate_count=1,
        assessment_id="TA-1",
        payment_id="UP-1",
        registered_by=SYSTEM,
        registered_at=at(120),
    )
