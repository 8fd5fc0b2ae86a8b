"""Window staff of both departments work the shared queue from a page: filter, see how
long each case has waited, claim a case referred to them, decide it; staff without the
window role are told why they may not claim."""

from __future__ import annotations

import re

import pytest

from tests.e2e.portal.support import Platform, citizen, expect, shot, sign_in, sign_in_staff
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


def test_tax_window_staff_assess_by_hand_a_case_the_engine_cannot(open_tab, running: Platform):
    """No dead end: a contract date no rule set covers puts the case before tax window
    staff, who assess it on their page with the lines, the legal basis and a reviewer."""
    seller, buyer = citizen("钱"), citizen("吴")
    unit = unit_code()
    running.issue_property_certificate(seller, unit, since="2010-03-01")
    case_id = running.file_transfer(
        seller, buyer, unit, contract="2015-06-01", acquired="2010-03-01"
    )["case_id"]
    status, body = running.api(
        "POST", "realestate", f"/v1/cases/{case_id}/confirmation", buyer.token
    )
    assert status == 200, body
    running.wait_case(case_id, buyer.token, "awaiting_assessment")

    # Realestate staff are told the page is tax's.
    other = open_tab()
    sign_in_staff(other, "realestate", staff_id="re-0002", name="王敏")
    other.goto("/staff-tax.html")
    expect(other.locator("#main")).to_contain_text("仅税务局窗口人员")

    # Tax window staff find it from the shared queue and assess it by hand.
    page = open_tab(viewport={"width": 1280, "height": 900})
    sign_in_staff(page, "tax", staff_id="tx-0011", name="李核定")
    page.goto("/staff-queue.html")
    page.locator(f'.queue-item[data-case="{case_id}"] .manual-link').click()
    item = page.locator(f'.manual-case[data-case="{case_id}"]')
    expect(item).to_contain_text("contract_date")
    first = item.locator(".manual-line").nth(0)
    first.locator(".line-kind").select_option("deed_tax")
    first.locator(".line-payer").select_option("buyer")
    first.locator(".line-amount").fill("70500")
    first.locator(".line-source").fill("契税暂行条例 第三条")
    item.get_by_role("button", name="添加一项").click()
    second = item.locator(".manual-line").nth(1)
    second.locator(".line-kind").select_option("registration_fee")
    second.locator(".line-amount").fill("80")
    item.locator(".legal-basis").fill("税收征收管理法 第三十五条 (核定征收)")
    item.locator(".reviewer-id").fill("tx-0011")  # the assessor may not review their own
    item.locator(".reviewer-name").fill("李核定")
    item.get_by_role("button", name="提交核定").click()
    expect(page.locator("#manual-result .notice.error")).to_contain_text("填写的信息有误")
    item.locator(".reviewer-id").fill("tx-0012")
    item.locator(".reviewer-name").fill("赵复核")
    shot(page, "20-staff-manual-assessment")
    item.get_by_role("button", name="提交核定").click()
    expect(page.locator("#manual-result")).to_contain_text(f"已核定 {case_id}：合计 ¥70,580.00")
    expect(item).to_have_count(0)  # no longer waiting
    running.wait_case(case_id, buyer.token, "awaiting_payment")

    # The buyer's bill is the one staff assessed, with its basis in the timeline.
    citizen_page = open_tab()
    sign_in(citizen_page, buyer)
    citizen_page.goto(f"/case.html?id={case_id}")
    expect(citizen_page.locator("#bill-total")).to_have_text("¥70,580.00")
    assessed = citizen_page.locator('#case-timeline [data-step="assessed"]')
    expect(assessed).to_contain_text("税收征收管理法 第三十五条")
    expect(assessed).to_contain_text("赵复核")
