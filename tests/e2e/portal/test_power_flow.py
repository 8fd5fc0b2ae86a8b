"""Evidence-free power, end to end through the pages: an enterprise signs in, gets its
certificates (development demo data, issued over certificates gRPC), applies with nothing
uploaded and sees what was found; power staff advance the steps; the applicant follows the
timeline, rates the service, verifies and downloads a certificate and sees who used its
data. A citizen without a property certificate is told exactly what is missing."""

from __future__ import annotations

import re

import pytest

from tests.e2e.portal.support import (
    downloaded_json,
    expect,
    session_keys,
    shot,
    sign_in,
    sign_in_staff,
    sign_out,
)
from tests.integration.realestate.support import unit_code

pytestmark = pytest.mark.browser


def test_power_application_without_uploads_to_connection_and_rating(open_tab):
    page = open_tab()
    page.goto("/")
    shot(page, "01-sign-in")
    holder = sign_in(page, kind="enterprise", name="泉城测试餐饮有限公司")
    page.click("#demo-certificates")
    issued = page.locator("#demo-result")
    expect(issued).to_contain_text("营业执照")
    expect(issued).to_contain_text("不动产权证书")
    unit = re.search(r"\d{6}\w{14}\d{8}", issued.inner_text())
    assert unit, issued.inner_text()
    shot(page, "02-home")

    # A wrong capacity: the service's reason, in Chinese, with the field named.
    page.goto("/power.html")
    page.select_option("#matter", "lv-nonresident-new")
    page.select_option("#unit", unit.group(0))
    page.fill("#capacity-kw", "500")
    page.click("#apply")
    error = page.locator("#apply-result .notice.error")
    expect(error).to_contain_text("填写的信息有误")
    expect(error).to_contain_text("申请容量")
    expect(error).to_contain_text("申请容量超出该事项允许的范围")
    shot(page, "03-power-error")

    page.fill("#capacity-kw", "60")
    page.click("#apply")
    result = page.locator("#result")
    expect(result).to_contain_text("无需上传任何材料")
    expect(result.locator("li.found")).to_have_count(2)
    expect(result.locator("li.found", has_text="营业执照")).to_contain_text("已从共享数据获取")
    expect(result.locator("li.found", has_text="不动产权证书")).to_be_visible()
    expect(result.locator("li.missing")).to_have_count(0)
    app_id = page.inner_text("#application-id")
    expect(page.locator(f'#my-applications [data-application="{app_id}"]')).to_contain_text(
        "办理中"
    )
    shot(page, "04-power-applied")

    # The applicant sees the parcel-style timeline: step 1 current, with its deadline.
    page.click("#track-link")
    steps = page.locator("#steps")
    expect(steps.locator('[data-step="acceptance"]')).to_have_attribute("data-state", "current")
    expect(steps.locator('[data-step="acceptance"]')).to_contain_text("截止")
    expect(steps.locator('[data-step="metering"]')).to_have_attribute("data-state", "pending")

    # Power staff of the region advance both steps from their page.
    staff = open_tab()
    sign_in_staff(staff, "power", staff_id="pw-0001", name="周涛")
    staff.goto("/staff-power.html")
    card = staff.locator(f'[data-application="{app_id}"]')
    card.get_by_role("button", name="完成「申请受理」").click()
    expect(staff.locator("#advance-result")).to_contain_text("进入「装表接电」")
    shot(staff, "05-staff-power")
    card.get_by_role("button", name="完成「装表接电」").click()
    expect(staff.locator("#advance-result")).to_contain_text("已接电")
    expect(card).to_contain_text("已接电")

    # The applicant's timeline follows by itself, then the rating form appears.
    expect(steps.locator('[data-step="metering"]')).to_have_attribute("data-state", "done")
    expect(steps.locator('[data-step="acceptance"]')).to_contain_text("周涛")
    expect(page.locator("#events")).to_contain_text("接电完成")
    page.check("#grade-very-satisfied")
    page.fill("#comment", "全程没交一张纸")
    page.click("#rate")
    expect(page.locator("#rate-result")).to_contain_text("感谢您的评价")
    expect(page.locator("#evaluation")).to_contain_text("您的评价：非常满意")
    shot(page, "06-track-application")

    # Certificates: display, verify online, download the signed JSON.
    page.goto("/certificates.html")
    licence = page.locator('.certificate[data-type="11100000000018833X001"]')
    expect(licence).to_contain_text("有效")
    licence.get_by_role("button", name="核验").click()
    expect(licence.locator(".verify-result")).to_contain_text("核验通过")
    with page.expect_download() as download:
        licence.get_by_role("button", name="下载（JSON）").click()
    copy = downloaded_json(download.value)
    assert copy["holder"]["id"] == holder and copy["signature"]["value"]
    shot(page, "07-certificates")

    # Who used my data: the power company, for this application, on which legal basis.
    page.goto("/access-log.html")
    used = page.locator(f'.access[data-case="{app_id}"]')
    expect(used).to_have_count(2)
    expect(used.first).to_contain_text("供电公司")
    expect(used.first).to_contain_text("1479号")
    expect(used.first).to_contain_text("办电：低压非居民新装")
    shot(page, "08-access-log")

    # Signing out forgets everything this tab kept; the pages ask for a sign-in again.
    sign_out(page)
    assert session_keys(page) == []
    page.goto("/power.html")
    expect(page).to_have_url(re.compile(r"index\.html\?next=power\.html"))


def test_a_missing_certificate_is_named(open_tab):
    page = open_tab()
    sign_in(page, kind="citizen", name="李四")
    page.goto("/power.html")
    page.select_option("#matter", "lv-resident-new")
    page.select_option("#unit", "")
    page.fill("#unit-code", unit_code())
    page.fill("#capacity-kw", "8")
    page.click("#apply")
    result = page.locator("#result")
    expect(result).to_contain_text("待补充材料")
    missing = result.locator("li.missing")
    expect(missing).to_have_count(1)
    expect(missing).to_contain_text("不动产权证书")
    expect(missing).to_contain_text("未找到")
    expect(result.get_by_role("button", name="重新从共享数据核验")).to_be_visible()
    shot(page, "09-power-missing")
