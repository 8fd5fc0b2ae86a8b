"""No dead end (issue 15, item 5): a bill the engine cannot compute (a contract date no
rule set covers) puts the case in tax staff's queue; tax window staff assess it by hand
with its legal basis and a second staff member as reviewer; the bill, the ledger entry
of its payment and the case's timeline show both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from services.kit.auth import mint_dev_token
from tests.helpers import wait_until
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


def tax_window(staff_id: str, name: str) -> str:
    return mint_dev_token(
        "staff", staff_id, department="tax", region="370100", roles=("window",), name=name
    )


LINES = [
    {"kind": "deed_tax", "payer": "buyer", "amount_fen": 7_050_000, "base_fen": 235_000_000,
     "rate_ppm": 30_000, "legal_source": "契税暂行条例 第三条"},
    {"kind": "registration_fee", "payer": "buyer", "amount_fen": 8_000},
]  # fmt: skip
BASIS = "税收征收管理法 第三十五条 (核定征收)"


def test_a_case_the_engine_cannot_assess_is_assessed_by_hand_and_registers(running: Platform):
    seller, buyer = Party(), Party()
    unit = unit_code()
    running.issue_property_certificate(seller, unit, since="2010-03-01")
    form = transfer_form(seller, buyer, unit, contract="2015-06-01")  # before every rule set
    form["tax_facts"]["seller_acquisition_date"] = "2010-03-01"
    status, case = running.post(f"{running.realestate}/v1/transfers", seller.token, form)
    assert status == 201, case
    case_id = case["case_id"]
    assert running.post(f"{running.realestate}/v1/cases/{case_id}/confirmation", buyer.token)[0]

    # Not dead-lettered: the case waits on tax staff, in their queue, with the reason.
    window = staff("tax")

    def queued() -> bool:
        status, found = running.get(f"{running.realestate}/v1/queue?department=tax", window)
        mine = [c for c in found["cases"] if c["case_id"] == case_id]
        return status == 200 and bool(mine) and mine[0]["tax"] == "manual_pending"

    wait_until(queued, 30, "the case in tax staff's queue, pending a manual assessment")
    shown = running.case(case_id, buyer.token)
    assert shown["stage"] == "awaiting_assessment" and "contract_date" in shown["tax_note"]
    assert shown["timeline"][-1]["step"] == "manual_assessment_required"
    status, pending = running.get(f"{running.tax}/v1/manual-assessments", window)
    assert status == 200 and case_id in {c["case_id"] for c in pending["cases"]}

    url = f"{running.tax}/v1/cases/{case_id}/manual-assessment"
    assessor = f"tax-{uuid.uuid4().hex[:6]}"
    token = tax_window(assessor, "李核定")
    body = {"lines": LINES, "legal_basis": BASIS, "reviewer": {"id": "tax-rev", "name": "赵复核"}}
    # Staff only, window staff only, and never their own reviewer.
    assert running.post(url, buyer.token, body)[0] == 404
    assert running.post(url, staff("tax", window=False), body)[0] == 403
    status, refused = running.post(url, token, {**body, "reviewer": {"id": assessor, "name": "x"}})
    assert status == 422 and refused["field"] == "reviewer.id", refused

    status, assessed = running.post(url, token, body)
    assert status == 200, assessed
    bill = assessed["assessment"]
    assert assessed["status"] == "assessed" and assessed["total_fen"] == 7_058_000
    assert bill["ruleSet"] == "manual" and bill["legalBasis"] == BASIS
    assert bill["assessedBy"]["personName"] == f"李核定 ({assessor})"
    assert bill["reviewedBy"]["personName"] == "赵复核 (tax-rev)"
    assert running.post(url, token, body)[0] == 409  # assessed once

    # The citizen pays it like any bill; the ledger entry names the basis and reviewer.
    running.wait_case(case_id, buyer.token, "awaiting_payment")
    running.pay(case_id, buyer.token)
    done = running.wait_case(case_id, buyer.token, "completed")
    step = next(s for s in done["timeline"] if s["step"] == "assessed")
    assert step["by"] == f"staff:tax: 李核定 ({assessor})"
    assert BASIS in step["detail"] and "赵复核" in step["detail"]
    status, journal = running.get(f"{running.tax}/v1/cases/{case_id}/ledger", window)
    assert status == 200 and journal["balanced"], journal
    assert journal["assessment"]["legal_basis"] == BASIS
    assert journal["assessment"]["reviewed_by"] == "赵复核 (tax-rev)"
    memos = [p["memo"] for postings in journal["journals"].values() for p in postings]
    assert memos and all(BASIS in m and "赵复核" in m for m in memos)
