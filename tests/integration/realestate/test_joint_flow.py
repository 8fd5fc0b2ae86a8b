"""One application, one payment, one shared queue: certificates, realestate and tax as real
processes on the session broker. A seller's e-property certificate is issued first; then
apply -> confirm -> smart review -> assessment -> one payment -> split -> registration ->
the buyer's certificate, the seller's revoked, a tax payment certificate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaProducer
from govshare.common.v1 import types_pb2 as common
from govshare.courts.v1 import events_pb2 as courts
from govshare.courts.v1 import types_pb2 as court_types
from govshare.payments.v1 import events_pb2 as pay_events

from devtools.samples import PROPERTY, TAX_PAYMENT
from tests.helpers import metric_value, read_topic, wait_until
from tests.integration.realestate.support import (
    Party,
    Platform,
    environment,
    joined,
    platform,
    services,
    staff,
    transfer_form,
    unit_code,
)


@pytest.fixture(scope="module")
def running(broker, tmp_path_factory) -> Iterator[Platform]:
    with platform(broker.bootstrap, str(tmp_path_factory.mktemp("keys"))) as started:
        yield started


def file(running: Platform, seller: Party, buyer: Party, unit: str, **kw) -> dict:
    status, case = running.post(
        f"{running.realestate}/v1/transfers", seller.token, transfer_form(seller, buyer, unit, **kw)
    )
    assert status == 201, case
    return case


def dossier(running: Platform, holder: Party) -> list[dict]:
    status, body = running.get(f"{running.certificates}/v1/me/certificates", holder.token)
    assert status == 200, body
    return body["certificates"]


def test_a_residential_transfer_completes_end_to_end(running: Platform):
    seller, buyer, stranger = Party(), Party(), Party()
    unit = unit_code()
    old_certificate = running.issue_property_certificate(seller, unit)

    case = file(running, seller, buyer, unit)
    case_id = case["case_id"]
    assert (case["stage"], case["waiting_on"]) == ("awaiting_confirmation", "citizen")
    assert running.get(f"{running.realestate}/v1/cases/{case_id}", stranger.token)[0] == 404

    status, confirmed = running.post(
        f"{running.realestate}/v1/cases/{case_id}/confirmation", buyer.token
    )
    assert status == 200, confirmed
    case = running.wait_case(case_id, buyer.token, "awaiting_payment")
    assert (
        case["review"] == "passed"
        and case["seller_certificate"]["certificate_id"] == old_certificate
    )
    assert case["waiting_on"] == "citizen"

    # The bill: 2025 rules, only home of 120 m² -> deed tax 1 %; the rest exempt; 80 yuan fee.
    status, bill = running.get(f"{running.tax}/v1/cases/{case_id}/assessment", buyer.token)
    assert status == 200, bill
    assessment = bill["assessment"]
    assert assessment["ruleSet"] == "transfer-2024-12-01"
    lines = {(x["kind"], x["payer"]["id"]): x for x in assessment["lines"]}
    deed = lines[("LINE_KIND_DEED_TAX", buyer.id)]
    assert (deed["ratePpm"], deed["amount"]["fen"]) == (10_000, "2350000")
    assert deed["legalSource"] == "财政部 税务总局 住房城乡建设部公告2024年第16号"
    assert bill["total_fen"] == 2_358_000
    assert running.get(f"{running.tax}/v1/cases/{case_id}/assessment", stranger.token)[0] == 404
    # The same facts signed before 2024-12-01: the 2016 rules, 1.5 % for 120 m² (a quote).
    facts = transfer_form(seller, buyer, unit)["tax_facts"]
    status, earlier = running.post(
        f"{running.tax}/v1/quotes",
        None,
        {"contract_date": "2024-06-01", "price_fen": 235_000_000, "area_hundredths_m2": 12_000,
         "usage": "residential", **facts},
    )  # fmt: skip
    assert status == 200 and earlier["lines"][0]["rate_ppm"] == 15_000, earlier

    # Nobody pays by saying so: money moves on the payment channel's confirmation of an
    # order. A confirmation of less than the order is refused (and refunded); the
    # order's amount clears the bill.
    order = running.open_order(case_id, buyer.token)
    assert order["amount_fen"] == 2_358_000
    short = pay_events.PaymentConfirmed(
        case_id=case_id,
        order_id=order["order_id"],
        transaction_id=f"DB-SHORT-{case_id}",
        amount=common.Money(fen=2_350_000),
        payer=common.Party(kind=common.PARTY_KIND_CITIZEN, id=buyer.id, name=buyer.name),
        channel="devbank",
        paid_at=_now(),
    )
    running.publish(short, case_id, "/dept/payments/devbank")

    def refused() -> dict | None:
        seen = running.get(f"{running.tax}/v1/cases/{case_id}/assessment", buyer.token)[1]
        return seen["payments"].get(f"DB-SHORT-{case_id}")

    wait_until(refused, 20, "the short payment decided")
    wrong = refused()
    assert wrong["reason"] == "AMOUNT_MISMATCH" and wrong["expected_fen"] == 2_358_000
    paid = running.pay(case_id, buyer.token)
    assert paid["order_id"] == order["order_id"] and paid["status"] == "paid"

    case = running.wait_case(case_id, buyer.token, "completed")
    assert case["registration_number"] and case["payment_id"] == paid["transaction_id"]

    # One payment, split once, balanced to the fen.
    tax_staff = staff("tax")
    status, journal = running.get(f"{running.tax}/v1/cases/{case_id}/ledger", tax_staff)
    assert status == 200, journal
    assert journal["balanced"] and journal["debits_fen"] == 2_358_000
    (postings,) = journal["journals"].values()
    assert {(p["account"], p["side"], p["amount_fen"]) for p in postings} == {
        ("clearing.received", "debit", 2_358_000),
        ("treasury.deed-tax", "credit", 2_350_000),
        ("fees.registration", "credit", 8_000),
    }

    # The buyer's new certificate, the seller's retired one, the tax payment certificate.
    def buyer_has_both() -> bool:
        kinds = {
            c["typeCode"]
            for c in dossier(running, buyer)
            if c["status"] == "CERTIFICATE_STATUS_ACTIVE"
        }
        return {PROPERTY, TAX_PAYMENT} <= kinds

    wait_until(buyer_has_both, 30, "the buyer's property and tax payment certificates")
    new = next(c for c in dossier(running, buyer) if c["typeCode"] == PROPERTY)
    assert new["fields"]["unit_code"] == unit and new["fields"]["case_id"] == case_id
    receipt = next(c for c in dossier(running, buyer) if c["typeCode"] == TAX_PAYMENT)
    # The deed tax alone: the 80 yuan registration fee paid with it is non-tax revenue
    # (发改价格规〔2016〕2559号) and never on the tax payment certificate (DOMAIN.md).
    assert receipt["fields"]["total_tax_fen"] == "2350000"
    wait_until(
        lambda: (
            next(c for c in dossier(running, seller) if c["id"] == old_certificate)["status"]
            == "CERTIFICATE_STATUS_REVOKED"
        ),
        30,
        "the seller's certificate revoked",
    )
    wait_until(
        lambda: (
            "certificate_issued"
            in [s["step"] for s in running.case(case_id, buyer.token)["timeline"]]
        ),
        30,
        "the new certificate in the buyer's timeline",
    )
    steps = [s["step"] for s in running.case(case_id, buyer.token)["timeline"]]
    for step in ("applied", "confirmed", "review_passed", "assessed", "paid", "registered"):
        assert step in steps

    # 一码关联: everything about the unit, in order, by its code.
    realestate_staff = staff("realestate")
    status, history = running.get(f"{running.realestate}/v1/units/{unit}/history", realestate_staff)
    assert status == 200, history
    events = [e["event"] for e in history["entries"]]
    for name in ("TransferApplied", "ReviewPassed", "TaxProgressRecorded", "RegistrationCompleted"):
        assert name in events
    wait_until(
        lambda: (
            "CertificateRevoked"
            in [
                e["event"]
                for e in running.get(
                    f"{running.realestate}/v1/units/{unit}/history", realestate_staff
                )[1]["entries"]
            ]
        ),
        30,
        "certificate events in the unit history",
    )
    assert running.get(f"{running.realestate}/v1/units/{unit}/history", buyer.token)[0] == 403

    # Metrics: stages, completion time, amounts cleared per account, refusals.
    metrics_text = running.text(f"{running.realestate}/metrics")
    assert metric_value(metrics_text, "govshare_realestate_case_completion_seconds_count") >= 1
    assert metric_value(metrics_text, "govshare_realestate_cases", stage="completed") >= 1
    tax_text = running.text(f"{running.tax}/metrics")
    assert (
        metric_value(tax_text, "govshare_tax_cleared_fen_total", account="treasury.deed-tax")
        >= 2_350_000
    )
    assert (
        metric_value(tax_text, "govshare_tax_payments_refused_total", reason="AMOUNT_MISMATCH") >= 1
    )


def test_a_replayed_payment_event_posts_no_second_entry(running: Platform):
    seller, buyer = Party(), Party()
    unit = unit_code()
    running.issue_property_certificate(seller, unit)
    case_id = file(running, seller, buyer, unit)["case_id"]
    running.post(f"{running.realestate}/v1/cases/{case_id}/confirmation", buyer.token)
    running.wait_case(case_id, buyer.token, "awaiting_payment")
    paid = running.pay(case_id, buyer.token)
    running.wait_case(case_id, buyer.token, "completed")

    async def replay() -> None:
        records = await read_topic(running.bootstrap, running.prefix + "tax.v1.events", 1)
        received = [
            r for r in records
            if dict(r.headers).get("ce_type") == b"govshare.tax.v1.PaymentReceived"
            and r.key == case_id.encode()
        ]  # fmt: skip
        producer = AIOKafkaProducer(bootstrap_servers=running.bootstrap)
        await producer.start()
        try:
            for record in received * 2:  # the very same record, delivered twice more
                await producer.send_and_wait(
                    record.topic, record.value, key=record.key, headers=list(record.headers)
                )
        finally:
            await producer.stop()

    asyncio.run(replay())
    time.sleep(2)
    status, journal = running.get(f"{running.tax}/v1/cases/{case_id}/ledger", staff("tax"))
    assert status == 200 and len(journal["journals"]) == 1 and journal["balanced"]
    status, bill = running.get(f"{running.tax}/v1/cases/{case_id}/assessment", buyer.token)
    assert list(bill["payments"]) == [paid["transaction_id"]] and bill["status"] == "paid"


def test_rejections_name_their_reason(running: Platform):
    # An invalid identifier is refused before anything is produced.
    seller, buyer = Party(), Party()
    bad = Party(id=buyer.id[:-1] + ("0" if buyer.id[-1] != "0" else "1"))
    unit = unit_code()
    status, body = running.post(
        f"{running.realestate}/v1/transfers", seller.token, transfer_form(seller, bad, unit)
    )
    assert status == 422 and body["field"] == "buyer.id"
    assert "check" in body["reason"]

    # A second open case on the same unit.
    running.issue_property_certificate(seller, unit)
    first = file(running, seller, buyer, unit)
    status, second = running.post(
        f"{running.realestate}/v1/transfers", seller.token, transfer_form(seller, Party(), unit)
    )
    assert status == 409 and second["reason"].startswith("NO_OTHER_OPEN_CASE")
    assert second["open_case"] == first["case_id"]

    # A seller without the certificate.
    no_certificate = Party()
    case = file(running, no_certificate, buyer, unit_code())
    running.post(f"{running.realestate}/v1/cases/{case['case_id']}/confirmation", buyer.token)
    rejected = running.wait_case(case["case_id"], buyer.token, "rejected")
    assert [f["check"] for f in rejected["findings"]] == ["SELLER_HOLDS_CERTIFICATE"]

    # A unit sealed by a court (the courts' feed).
    owner, sealed_unit = Party(), unit_code()
    running.issue_property_certificate(owner, sealed_unit)
    running.publish(
        courts.PropertySealed(
            unit_code=sealed_unit,
            seal_id="SF-370105-2025-000412",
            kind=court_types.SEAL_KIND_SEAL,
            court=common.Party(
                kind=common.PARTY_KIND_DEPARTMENT,
                id="11370105004190761C",
                name="济南市天桥区人民法院",
            ),
            case_number="(2025)鲁0105执1234号",
            subject=common.Party(kind=common.PARTY_KIND_CITIZEN, id=owner.id, name=owner.name),
            sealed_from=common.Date(year=2025, month=5, day=20),
            sealed_until=common.Date(year=2099, month=5, day=19),
            recorded_at=_now(),
        ),
        sealed_unit,
        "/dept/courts",
    )
    history = f"{running.realestate}/v1/units/{sealed_unit}/history"
    wait_until(
        lambda: any(
            e["event"] == "PropertySealed"
            for e in running.get(history, staff("realestate"))[1]["entries"]
        ),
        20,
        "the seal in the unit's history",
    )
    case = file(running, owner, buyer, sealed_unit)
    running.post(f"{running.realestate}/v1/cases/{case['case_id']}/confirmation", buyer.token)
    rejected = running.wait_case(case["case_id"], buyer.token, "rejected")
    assert [f["check"] for f in rejected["findings"]] == ["UNIT_NOT_SEALED"]
    assert "(2025)鲁0105执1234号" in rejected["findings"][0]["detail"]


def test_the_shared_queue_and_who_may_work_it(running: Platform):
    seller, buyer = Party(), Party()
    unit = unit_code()
    # The register says 95.20 m², the parties declare 89.50 m²: staff must look.
    running.issue_property_certificate(seller, unit, area=9_520)
    case_id = file(running, seller, buyer, unit, area=8_950)["case_id"]
    running.post(f"{running.realestate}/v1/cases/{case_id}/confirmation", buyer.token)
    case = running.wait_case(case_id, buyer.token, "referred")
    assert case["waiting_on"] == "realestate" and "95.20" in case["findings"][0]["detail"]

    realestate_staff, tax_staff = staff("realestate"), staff("tax")
    status, queue = running.get(f"{running.realestate}/v1/queue?department=realestate", tax_staff)
    assert status == 200
    mine = [i for i in queue["cases"] if i["case_id"] == case_id]
    assert len(mine) == 1 and mine[0]["stage"] == "referred" and mine[0]["waiting_seconds"] >= 0
    status, everything = running.get(f"{running.realestate}/v1/queue?city=370100", realestate_staff)
    ids = [i["case_id"] for i in everything["cases"]]
    assert len(ids) == len(set(ids)) and case_id in ids
    assert all(i["waiting_on"] in ("citizen", "realestate", "tax") for i in everything["cases"])
    elsewhere = staff("realestate", region="370200")  # Qingdao staff see no Jinan case
    assert case_id not in [
        i["case_id"] for i in running.get(f"{running.realestate}/v1/queue", elsewhere)[1]["cases"]
    ]

    claim = f"{running.realestate}/v1/cases/{case_id}/claim"
    assert running.post(claim, buyer.token)[0] == 403  # a citizen cannot claim
    assert running.get(f"{running.realestate}/v1/queue", buyer.token)[0] == 403
    assert running.post(claim, staff("realestate", window=False))[0] == 403  # no window role
    assert running.post(claim, tax_staff)[0] == 403  # it waits on realestate staff
    status, claimed = running.post(claim, realestate_staff)
    assert status == 200 and claimed["claimed_by"]["department"] == "realestate"
    assert running.post(claim, staff("realestate"))[0] == 409  # taken

    decide = f"{running.realestate}/v1/cases/{case_id}/decision"
    status, decided = running.post(
        decide, realestate_staff, {"decision": "pass", "note": "现场核实面积 89.50 m²"}
    )
    assert status == 200, decided
    running.wait_case(case_id, buyer.token, "awaiting_payment")

    # Withdrawn before payment: the bill is void, no payment order can be opened.
    status, _ = running.post(
        f"{running.realestate}/v1/cases/{case_id}/withdrawal", seller.token, {"reason": "协商解除"}
    )
    assert status == 200
    case = running.wait_case(case_id, buyer.token, "withdrawn")

    def refused() -> bool:
        status, _ = running.post(f"{running.tax}/v1/cases/{case_id}/payment-orders", buyer.token)
        return status == 409

    wait_until(refused, 20, "no payment order for a withdrawn case")


def _now():
    from google.protobuf.timestamp_pb2 import Timestamp

    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


def test_cases_bills_and_payments_survive_a_restart(broker, tmp_path):
    """realestate and tax restart on their recovered tables (certificates keeps running)."""
    seller, buyer = Party(), Party()
    unit = unit_code()
    env = environment(broker.bootstrap, str(tmp_path / "keys"))
    with services(env, "certificates") as certificates:
        with services(env, "realestate", "tax") as urls:
            first = joined(env, certificates["certificates"], urls)
            first.issue_property_certificate(seller, unit)
            case_id = file(first, seller, buyer, unit)["case_id"]
            first.post(f"{first.realestate}/v1/cases/{case_id}/confirmation", buyer.token)
            before = first.wait_case(case_id, buyer.token, "awaiting_payment")
        with services(env, "realestate", "tax", "devbank") as urls:
            again = joined(env, certificates["certificates"], urls)
            after = again.case(case_id, buyer.token)
            assert after["stage"] == "awaiting_payment"
            assert after["timeline"] == before["timeline"]
            assert again.pay(case_id, buyer.token)["status"] == "paid"
            again.wait_case(case_id, buyer.token, "completed")
            _, queue = again.get(f"{again.realestate}/v1/queue", staff("realestate"))
            assert case_id not in [i["case_id"] for i in queue["cases"]]


def test_nothing_was_dead_lettered(running: Platform):
    """Every event the flows above produced was accepted by every consumer (runs last)."""
    for url in (running.certificates, running.realestate, running.tax):
        text = running.text(f"{url}/metrics")
        assert metric_value(text, "govshare_events_dead_lettered_total") == 0, url
        assert metric_value(text, "govshare_events_consumed_total", outcome="handled") > 0, url
