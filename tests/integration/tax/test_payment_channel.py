"""Money moves only on the payment channel's word (issue 15, deliverable 1): certificates,
realestate, tax and the development payment channel as real processes on the session
broker. A party opens a payment order; only the channel's confirmation, from its own
identity, clears the bill; anyone else's is dead-lettered with the reason; a paid case
withdrawn is refunded through the channel and the ledger still balances; the channel's
daily statement is reconciled against the ledger, mismatches flagged and counted."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import types_pb2 as cert_types
from govshare.common.v1 import types_pb2 as common
from govshare.payments.v1 import events_pb2 as pay
from govshare.payments.v1 import types_pb2 as pay_types

from services.tax.reconciliation import CHINA
from tests.helpers import metric_value, read_topic, wait_until
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


def billed(running: Platform, *, area: int = 12_000, declared: int = 12_000):
    """A confirmed case with its bill: (seller, buyer, case id, bill)."""
    seller, buyer = Party(), Party()
    unit = unit_code()
    running.issue_property_certificate(seller, unit, area=area)
    form = transfer_form(seller, buyer, unit, area=declared)
    status, case = running.post(f"{running.realestate}/v1/transfers", seller.token, form)
    assert status == 201, case
    case_id = case["case_id"]
    assert running.post(f"{running.realestate}/v1/cases/{case_id}/confirmation", buyer.token)[0]
    bill = running.wait_bill(case_id, buyer.token, "assessed")
    return seller, buyer, case_id, bill


def now() -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(datetime.now(UTC))
    return stamp


def confirmation(case_id: str, order: dict, channel: str = "devbank") -> pay.PaymentConfirmed:
    return pay.PaymentConfirmed(
        case_id=case_id,
        order_id=order["order_id"],
        transaction_id=f"FORGED-{order['order_id']}-{channel}",
        amount=common.Money(fen=order["amount_fen"]),
        payer=common.Party(kind=common.PARTY_KIND_CITIZEN, id="11010519491231002X", name="某"),
        channel=channel,
        paid_at=now(),
    )


def dead_letters(running: Platform, count: int) -> list[dict[str, str]]:
    records = asyncio.run(
        read_topic(running.bootstrap, running.prefix + "payments.v1.events.dlq", count)
    )
    return [{k: v.decode() for k, v in r.headers} for r in records]


def test_a_party_cannot_clear_a_bill_only_the_channel_can(running: Platform):
    seller, buyer, case_id, bill = billed(running)
    total = bill["total_fen"]

    # The party's own token: no route takes a declared payment any more.
    status, _ = running.post(
        f"{running.tax}/v1/cases/{case_id}/payments",
        buyer.token,
        {"payment_id": "UP-1", "assessment_id": bill["assessment"]["assessmentId"],
         "channel": "unionpay", "amount_fen": total},
    )  # fmt: skip
    assert status in (404, 405)
    # A stranger may not open an order (nor learn the case exists); a party may.
    assert running.post(f"{running.tax}/v1/cases/{case_id}/payment-orders", Party().token)[0] == 404
    order = running.open_order(case_id, buyer.token)
    assert order["amount_fen"] == total and order["status"] == "open"
    assert order["assessment_id"] == bill["assessment"]["assessmentId"]
    assert datetime.fromisoformat(order["expires_at"]) > datetime.now(UTC)
    assert order["cashier_url"].endswith(f"/orders/{order['order_id']}")
    # Pressing pay again reuses the open order.
    assert running.open_order(case_id, seller.token)["order_id"] == order["order_id"]

    # A confirmation from anyone but the channel is refused, with the reason.
    running.publish(confirmation(case_id, order), case_id, "/govshare/realestate")
    running.publish(confirmation(case_id, order), case_id, f"/citizen/{buyer.id}")
    # ... and a channel may not confirm in another channel's name.
    running.publish(confirmation(case_id, order, "devbank"), case_id, "/dept/payments/otherbank")
    reasons = [h["dlq_reason"] for h in dead_letters(running, 3)]
    assert sum("may not write payments.v1.events" in r for r in reasons) == 2, reasons
    assert any("may not speak for channel 'devbank'" in r for r in reasons), reasons
    assert running.bill(case_id, buyer.token)["status"] == "assessed"
    assert running.case(case_id, buyer.token)["stage"] == "awaiting_payment"

    # The channel's confirmation clears it: paid, split, registered.
    paid = running.pay(case_id, buyer.token)
    assert paid["status"] == "paid" and paid["transaction_id"]
    bill = running.wait_bill(case_id, buyer.token, "paid")
    assert bill["cleared_payment_id"] == paid["transaction_id"]
    assert bill["orders"][order["order_id"]]["status"] == "paid"
    case = running.wait_case(case_id, buyer.token, "completed")
    assert case["payment_id"] == paid["transaction_id"]
    status, journal = running.get(f"{running.tax}/v1/cases/{case_id}/ledger", staff("tax"))
    assert status == 200 and journal["balanced"] and journal["debits_fen"] == total


def test_a_cancelled_order_pays_nothing_and_a_new_one_may_be_opened(running: Platform):
    _, buyer, case_id, _ = billed(running)
    first = running.pay(case_id, buyer.token, action="cancel")
    assert first["status"] == "failed" and not first["transaction_id"]

    def failed() -> bool:
        return running.bill(case_id, buyer.token)["orders"][first["order_id"]]["status"] == "failed"

    wait_until(failed, 20, "the cancelled order recorded as failed")
    assert running.bill(case_id, buyer.token)["status"] == "assessed"
    second = running.pay(case_id, buyer.token)
    assert second["order_id"] != first["order_id"] and second["status"] == "paid"
    running.wait_bill(case_id, buyer.token, "paid")


def test_a_withdrawn_paid_case_is_refunded_and_the_ledger_still_balances(running: Platform):
    # Review passed and the bill is out; then a court has the seller's certificate revoked,
    # so the case is referred to staff (realestate re-checks the title) and, paid, waits
    # unregistered: it can still be withdrawn.
    seller, buyer = Party(), Party()
    unit = unit_code()
    certificate = running.issue_property_certificate(seller, unit)
    status, case = running.post(
        f"{running.realestate}/v1/transfers", seller.token, transfer_form(seller, buyer, unit)
    )
    assert status == 201, case
    case_id = case["case_id"]
    assert running.post(f"{running.realestate}/v1/cases/{case_id}/confirmation", buyer.token)[0]
    bill = running.wait_bill(case_id, buyer.token, "assessed")
    running.registrar_call(
        "RevokeCertificate",
        svc.RevokeCertificateRequest(
            request_id=f"revoke-{case_id}",
            certificate_id=certificate,
            reason=cert_types.REVOCATION_REASON_COURT_ORDER,
            detail="(2025)鲁0105民初77号 判决",
        ),
    )
    running.wait_case(case_id, buyer.token, "referred")
    paid = running.pay(case_id, buyer.token)
    running.wait_bill(case_id, buyer.token, "paid")
    status, _ = running.post(
        f"{running.realestate}/v1/cases/{case_id}/withdrawal", seller.token, {"reason": "协商解除"}
    )
    assert status == 200
    running.wait_case(case_id, buyer.token, "withdrawn")

    # Tax orders the refund, the channel returns the money, tax reverses the split.
    refunded = running.wait_bill(case_id, buyer.token, "refunded")
    (refund,) = refunded["refunds"].values()
    assert refund["payment_id"] == paid["transaction_id"] and refund["status"] == "refunded"
    assert refund["amount_fen"] == bill["total_fen"] and refund["reverses_clearing"]
    status, journal = running.get(f"{running.tax}/v1/cases/{case_id}/ledger", staff("tax"))
    assert status == 200 and journal["balanced"] and len(journal["journals"]) == 2
    net: dict[str, int] = {}
    for postings in journal["journals"].values():
        for p in postings:
            net[p["account"]] = net.get(p["account"], 0) + (
                p["amount_fen"] if p["side"] == "debit" else -p["amount_fen"]
            )
    assert set(net.values()) == {0}, net  # every account nets to zero
    status, whole = running.get(f"{running.tax}/v1/ledger", staff("tax"))
    assert status == 200 and whole["balanced"]


def test_the_channels_daily_statement_is_reconciled_and_mismatches_are_flagged(
    running: Platform,
):
    _, buyer, case_id, _ = billed(running)
    paid = running.pay(case_id, buyer.token)
    bill = running.wait_bill(case_id, buyer.token, "paid")
    txn = paid["transaction_id"]
    day = datetime.fromisoformat(bill["payments"][txn]["at"]).astimezone(CHINA).date()
    tax_staff = staff("tax")

    def reconciled(statement_id: str) -> dict:
        found: dict = {}

        def done() -> bool:
            nonlocal found
            status, found = running.get(f"{running.tax}/v1/reconciliations/{statement_id}",
                                        tax_staff)  # fmt: skip
            return status == 200

        wait_until(done, 20, f"statement {statement_id} reconciled")
        return found

    # The channel's own statement of the day agrees with the ledger, line by line.
    status, issued = running.post(f"{running.devbank}/v1/statements?day={day.isoformat()}")
    assert status == 200 and issued["entries"] >= 1, issued
    agreed = reconciled(issued["statement_id"])
    assert agreed["balanced"] and agreed["matched"] == agreed["entries"] == issued["entries"]

    # A statement that disagrees: a wrong amount, a payment tax never heard of, and the
    # rest of the day's movements missing. Each is flagged and counted.
    forged = pay.StatementIssued(
        statement_id=f"devbank-{day.isoformat()}-corrected",
        channel="devbank",
        statement_date=common.Date(year=day.year, month=day.month, day=day.day),
        issued_at=now(),
    )
    forged.entries.add(kind=pay_types.ENTRY_KIND_PAYMENT, transaction_id=txn, case_id=case_id,
                       amount=common.Money(fen=1), at=now())  # fmt: skip
    forged.entries.add(kind=pay_types.ENTRY_KIND_PAYMENT, transaction_id="DB-NOBODY",
                       case_id=case_id, amount=common.Money(fen=500), at=now())  # fmt: skip
    running.publish(forged, forged.statement_id, "/dept/payments/devbank")
    flagged = reconciled(forged.statement_id)
    assert not flagged["balanced"] and flagged["matched"] == 0
    kinds = {(m["kind"], m["transaction_id"]) for m in flagged["mismatches"]}
    assert ("AMOUNT_DIFFERS", txn) in kinds and ("MISSING_IN_LEDGER", "DB-NOBODY") in kinds
    missing = [m for m in flagged["mismatches"] if m["kind"] == "MISSING_AT_CHANNEL"]
    assert len(missing) == issued["entries"] - 1  # every other movement of the day
    metrics_text = running.text(f"{running.tax}/metrics")
    for kind in ("AMOUNT_DIFFERS", "MISSING_IN_LEDGER"):
        assert (
            metric_value(metrics_text, "govshare_tax_reconciliation_mismatches_total", kind=kind)
            >= 1
        )
    assert metric_value(metrics_text, "govshare_tax_reconciliations_total", result="balanced") >= 1
    # Only tax staff see reconciliations.
    assert running.get(f"{running.tax}/v1/reconciliations", buyer.token)[0] == 403
    status, listed = running.get(f"{running.tax}/v1/reconciliations", tax_staff)
    ids = {r["statement_id"] for r in listed["reconciliations"]}
    assert status == 200 and {issued["statement_id"], forged.statement_id} <= ids
