"""Window staff of both departments work the shared queue from a page: filter, see how
long each case has waited, claim a case referred to them, decide it; staff without the
window role are told why they may not claim."""

from __future__ import annotations

import re

import pytest

from tests.e2e.portal.support import Platform, citizen, expect, shot, sign_in_staff
from tests.integration.realestate.support import unit_code

pytestmark = pytest.mark.browser


def referred_case(running: Platform) -> tuple[str, object]:
    """A case the smart review refers to realestate staff: the register says 95.20 m²,
    the parties declare 89.50 m²."""
    seller, buyer = citizen("孙"), citizen("周")
    unit = unit_code()
    running.issue_property_certificate(seller, unit, area=9_520)
    case_id = running.file_transfer(seller, buyer, unit, area=8_950)["case_id"]
    status, body = running.api(
        "POST", "realestate", f"/v1/cases/{case_id}/confirmation", buyer.token
    )
    assert status == 200, body
    running.wait_case(case_id, buyer.token, "referred")
    return case_id, buyer


def test_the_shared_queue_claim_and_decide(open_tab, running: Platform):
    case_id, buyer = referred_case(running)
    other_id, _ = referred_case(running)

    # Tax window staff see the case waiting on realestate, but cannot claim it.
    tax = open_tab(viewport={"width": 1280, "height": 900})
    sign_in_staff(tax, "tax", staff_id="tx-0007", name="刘洋")
    tax.goto("/staff-queue.html")
    tax.select_option("#f-department", "realestate")
    tax.click("#f-apply")
    item = tax.locator(f'.queue-item[data-case="{case_id}"]')
    expect(item).to_contain_text("窗口人工审核")
    expect(item).to_contain_text("等待：不动产登记中心")
    expect(item).to_contain_text(re.compile(r"已等待 (不到 1 分钟|\d+ 分钟)"))
    expect(item).to_contain_text("申报信息与证书一致")
    expect(item.get_by_role("button", name="认领")).to_have_count(0)
    shot(tax, "17-staff-queue-tax")

    # Realestate staff without the window role are refused, with the reason.
    reader = open_tab()
    sign_in_staff(reader, "realestate", staff_id="re-0100", name="陈静", window=False)
    reader.goto("/staff-queue.html")
    reader.locator(f'.queue-item[data-case="{other_id}"]').get_by_role(
        "button", name="认领"
    ).click()
    refused = reader.locator("#queue-result .notice.error")
    expect(refused).to_contain_text("您无权进行此操作")
    expect(refused).to_contain_text("需要“窗口受理”角色")

    # A realestate window officer filters, claims, decides.
    page = open_tab()
    sign_in_staff(page, "realestate", staff_id="re-0001", name="王敏")
    page.goto("/staff-queue.html")
    page.select_option("#f-stage", "referred")
    page.fill("#f-city", "370100")
    page.click("#f-apply")
    item = page.locator(f'.queue-item[data-case="{case_id}"]')
    item.get_by_role("button", name="认领").click()
    expect(page.locator("#queue-result")).to_contain_text(f"已认领 {case_id}")
    expect(item.get_by_role("button", name="提交决定")).to_be_visible()
    item.locator("select.decision").select_option("pass")
    item.locator("textarea.note").fill("现场核实面积 89.50 ㎡，与合同一致")
    shot(page, "18-staff-queue-claimed")
    item.get_by_role("button", name="提交决定").click()
    expect(page.locator("#queue-result")).to_contain_text("通过")
    running.wait_case(case_id, buyer.token, "awaiting_payment")  # type: ignore[attr-defined]

    # The case as staff see it: who claimed it, the decision in the timeline.
    page.goto(f"/case.html?id={case_id}")
    expect(page.locator("h1")).to_contain_text("待缴税费")
    expect(page.locator("#case-view")).to_contain_text("王敏 (re-0001)")
    expect(page.locator('#case-timeline [data-step="claimed"]')).to_be_visible()
    expect(page.locator('#case-timeline [data-step="review_passed"]')).to_contain_text("89.50")
    expect(page.locator("#pay")).to_have_count(0)  # staff see the bill, never pay it
    shot(page, "19-staff-case")
