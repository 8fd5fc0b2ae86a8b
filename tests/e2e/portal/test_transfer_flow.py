"""A home transfer, end to end through the pages: the seller (whose e-property certificate
the registry issued over certificates gRPC) files, a stranger on the same device sees
nothing of it, the buyer confirms, sees the itemised bill, pays once, registration
completes, the buyer rates the case (好差评), window staff rectify and follow up, and the
buyer sees the new certificate."""

from __future__ import annotations

import re
import time

import pytest

from devtools.samples import PROPERTY, TAX_PAYMENT
from tests.e2e.portal.support import (
    Platform,
    case_id_of,
    citizen,
    expect,
    session_keys,
    shot,
    sign_in,
    sign_in_staff,
    sign_out,
)
from tests.integration.realestate.support import unit_code

pytestmark = pytest.mark.browser


def test_seller_files_buyer_confirms_pays_once_and_gets_the_new_certificate(
    open_tab, running: Platform
):
    seller, buyer, stranger = citizen("王"), citizen("李"), citizen("赵")
    unit = unit_code()
    old_certificate = running.issue_property_certificate(seller, unit)

    page = open_tab()
    sign_in(page, seller)
    page.goto("/transfer.html")
    expect(page.locator("#property")).to_contain_text(unit)
    expect(page.locator("#unit-code")).to_have_value(unit)
    expect(page.locator("#area")).to_have_value("120.00")  # from the certificate
    expect(page.locator("#acquired")).to_have_value("2016-08-20")
    page.fill("#other-id", buyer.id)
    page.fill("#other-name", buyer.name)
    page.fill("#price", "2350000")
    page.fill("#original-cost", "1280000")
    page.fill("#contract-date", "2025-06-01")
    shot(page, "10-transfer-form")
    page.click("#file")
    page.wait_for_url(re.compile(r"case\.html\?id="))
    case_id = case_id_of(page.url)
    expect(page.locator("h1")).to_contain_text("待对方确认")
    expect(page.locator("#actions")).to_contain_text("等待买方确认")
    expect(page.locator("#waiting")).to_contain_text("申请人")
    shot(page, "11-case-filed")

    # The same device, someone else: nothing of the seller's is shown or kept.
    sign_out(page)
    assert session_keys(page) == []
    sign_in(page, stranger)
    page.goto("/transfer.html")
    expect(page.locator("#my-cases")).to_contain_text("暂无案件")
    page.goto(f"/case.html?id={case_id}")
    refused = page.locator(".notice.error")
    # As for an unknown case id: a stranger does not learn that the case exists.
    expect(refused).to_contain_text("没有找到（或您无权查看）")
    expect(refused).to_contain_text("没有这个案件")
    expect(page.locator("#case-view")).not_to_contain_text(seller.name)
    shot(page, "12-case-stranger")

    # The buyer confirms; review, assessment follow; the itemised bill appears.
    sign_out(page)
    sign_in(page, buyer)
    page.goto("/track.html")
    expect(page.locator(f'[data-case="{case_id}"]')).to_contain_text("待对方确认")
    shot(page, "13-track-list")
    page.goto(f"/case.html?id={case_id}")
    expect(page.locator("#case-view")).to_contain_text(seller.name)
    page.click("#confirm")
    expect(page.locator("h1")).to_contain_text("待缴税费", timeout=45_000)
    lines = page.locator("#bill-lines")
    deed = lines.locator('tr[data-kind="LINE_KIND_DEED_TAX"]')
    expect(deed).to_contain_text("契税")
    expect(deed).to_contain_text("1%")
    expect(deed).to_contain_text("¥23,500.00")
    expect(lines.locator('tr[data-kind="LINE_KIND_REGISTRATION_FEE"]')).to_contain_text("¥80.00")
    expect(page.locator("#bill-total")).to_have_text("¥23,580.00")
    expect(page.locator("#pay")).to_have_text("一次缴清 ¥23,580.00")
    shot(page, "14-case-bill")

    # One payment, through the payment channel: the pay step opens an order at tax and
    # sends the buyer to the channel's cashier page (the development channel here), which
    # confirms the money on its own topic and sends the buyer back.
    page.locator("#pay").click()
    page.wait_for_url("**/orders/**")
    expect(page.locator("#amount")).to_have_text("¥23,580.00")
    shot(page, "15a-cashier")
    page.click("#bank-pay")
    page.wait_for_url(f"**/case.html?id={case_id}")
    expect(page.locator("h1")).to_contain_text("已办结", timeout=45_000)
    expect(page.locator("#pay")).to_have_count(0)
    expect(page.locator("#bill")).to_contain_text("已一次缴清")
    expect(page.locator("#case-timeline")).to_contain_text("登簿完成")
    shot(page, "15-case-completed")
    status, bill = running.api("GET", "tax", f"/v1/cases/{case_id}/assessment", buyer.token)
    assert status == 200 and len(bill["payments"]) == 1 and bill["status"] == "paid", bill
    (order,) = bill["orders"].values()
    assert order["status"] == "paid" and order["amount_fen"] == 2_358_000

    # The buyer rates the completed case (好差评); a bad grade opens a rectification.
    rating = page.locator("#evaluation")
    expect(rating).to_contain_text("您对本次二手房过户服务满意吗？")
    page.check("#grade-dissatisfied")
    page.fill("#comment", "缴税后等了两天才登簿")
    shot(page, "15b-case-rating")
    page.click("#rate")
    expect(page.locator("#action-result")).to_contain_text("感谢您的评价")
    expect(page.locator("#my-grade")).to_have_text("不满意")
    expect(rating).to_contain_text("已启动整改")
    expect(page.locator('#case-timeline [data-step="rectification_opened"]')).to_be_visible()
    status, shown = running.api("GET", "realestate", f"/v1/cases/{case_id}", buyer.token)
    assert status == 200 and shown["evaluations"]["buyer"]["grade"] == "dissatisfied", shown
    assert len(shown["rectifications"]) == 1

    # A realestate window officer completes the rectification, then follows up (回访).
    officer = open_tab()
    sign_in_staff(officer, "realestate", staff_id="re-0009", name="赵整改")
    officer.goto(f"/case.html?id={case_id}")
    item = officer.locator("#rectifications .rectification")
    item.locator("textarea").fill("缴税确认后即时登簿，已向买方说明")
    item.get_by_role("button", name="整改完成").click()
    expect(officer.locator("#action-result")).to_contain_text("整改已完成")
    expect(item.get_by_role("button", name="记录回访")).to_be_visible()  # redrawn
    item.locator("textarea").fill("电话回访，买方认可")
    item.locator(".party-satisfied").check()
    item.get_by_role("button", name="记录回访").click()
    expect(officer.locator("#action-result")).to_contain_text("已记录回访")
    expect(officer.locator("#rectifications")).to_have_count(0)
    expect(officer.locator('#case-timeline [data-step="followed_up"]')).to_be_visible()
    page.reload()
    expect(rating).to_contain_text("整改已完成并已回访")

    # The buyer's new e-property certificate (and the tax payment certificate).
    page.click("#new-certificate-link")
    new = page.locator(f'.certificate[data-type="{PROPERTY}"]', has_text=unit)
    # certificates issues it when it consumes RegistrationCompleted: reload until it shows
    deadline = time.monotonic() + 30
    while new.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.reload()
    expect(new).to_contain_text("有效")
    expect(new).to_contain_text(buyer.name)
    expect(page.locator(f'.certificate[data-type="{TAX_PAYMENT}"]')).to_have_count(1)
    new.get_by_role("button", name="核验").click()
    expect(new.locator(".verify-result")).to_contain_text("核验通过")
    shot(page, "16-buyer-certificates")

    # The seller's old certificate is retired, and the seller sees why in the access log.
    sign_out(page)
    sign_in(page, seller)
    page.goto("/certificates.html")
    old = page.locator(f'.certificate[data-id="{old_certificate}"]')
    expect(old).to_have_count(0)
    page.check("#history")
    expect(old).to_contain_text("已注销")
    page.goto("/access-log.html")
    expect(page.locator(f'.access[data-case="{case_id}"]').first).to_contain_text("二手房转移登记")
