"""Every use in the holder's access log (issue 15, item 4; acceptance): after a joint
transfer, each party's access log lists every department and staff member that used
their data, and why: the registry's evidence requests, realestate and tax window staff
reading the case, realestate staff reading the unit's history, the tax office assessing
the bill. certificates, realestate, tax and the development payment channel on a topic
prefix of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.kit.auth import mint_dev_token
from tests.helpers import wait_until
from tests.integration.realestate.support import Party, Platform, confirmed_case, platform


@pytest.fixture(scope="module")
def running(broker, tmp_path_factory) -> Iterator[Platform]:
    with platform(broker.bootstrap, str(tmp_path_factory.mktemp("keys"))) as started:
        yield started


def window(department: str, staff_id: str, name: str) -> str:
    return mint_dev_token(
        "staff", staff_id, department=department, region="370100", roles=("window",), name=name
    )


TAX_STAFF_READS = ("DATA_USE_CASE_READ", "李税务 (tax-0007)")  # the case, and the bill


def logged_uses(
    running: Platform, party: Party, case_id: str, unit: str, expected: set[tuple[str, str]]
) -> dict[tuple[str, str], list[dict]]:
    """The departments' uses of the party's data in their access log, by (use, actor),
    once every expected one is there (and the registry's evidence request)."""
    uses: dict[tuple[str, str], list[dict]] = {}

    def logged() -> bool:
        nonlocal uses
        status, log = running.get(f"{running.certificates}/v1/me/access-log", party.token)
        assert status == 200, log
        uses = {}
        for e in log["entries"]:
            # A unit's history is read for no one case: its entry names the unit.
            if e["outcome"] == "used" and (e["case_id"] == case_id or unit in e["data_described"]):
                who = e["actor"].get("personName") or e["actor"].get("systemId")
                uses.setdefault((e["use"], who), []).append(e)
        granted = [e for e in log["entries"] if e["outcome"] == "granted"]
        return expected <= set(uses) and bool(granted) and len(uses[TAX_STAFF_READS]) == 2

    wait_until(logged, 30, f"the {party.name}'s access log lists every use")
    return uses


def test_each_partys_access_log_names_every_department_and_staff_member_and_why(
    running: Platform,
):
    seller, buyer, unit, case_id = confirmed_case(running)
    running.wait_bill(case_id, buyer.token, "assessed")

    # Staff of both departments read the case; realestate staff read the unit's history
    # and list the shared queue, which shows the case.
    realestate_staff = window("realestate", "re-0042", "王登记")
    tax_staff = window("tax", "tax-0007", "李税务")
    assert running.get(f"{running.realestate}/v1/cases/{case_id}", realestate_staff)[0] == 200
    assert running.get(f"{running.realestate}/v1/cases/{case_id}", tax_staff)[0] == 200
    history = f"{running.realestate}/v1/units/{unit}/history"
    assert running.get(history, realestate_staff)[0] == 200
    status, listed = running.get(f"{running.realestate}/v1/queue", realestate_staff)
    assert status == 200 and case_id in {c["case_id"] for c in listed["cases"]}
    assert running.get(f"{running.tax}/v1/cases/{case_id}/assessment", tax_staff)[0] == 200
    # A party reading their own case is not a department's use.
    assert running.get(f"{running.realestate}/v1/cases/{case_id}", buyer.token)[0] == 200
    running.pay(case_id, buyer.token)
    running.wait_case(case_id, buyer.token, "completed")

    expected = {
        ("DATA_USE_CASE_READ", "王登记 (re-0042)"),
        ("DATA_USE_CASE_READ", "李税务 (tax-0007)"),
        ("DATA_USE_UNIT_HISTORY_READ", "王登记 (re-0042)"),
        ("DATA_USE_QUEUE_READ", "王登记 (re-0042)"),
        ("DATA_USE_TRANSFER_ASSESSED", "/govshare/tax"),
    }
    for party in (seller, buyer):
        uses = logged_uses(running, party, case_id, unit, expected)
        for entry in (e for key in expected for e in uses[key]):
            assert entry["requester"]["id"], entry  # the department accountable
            assert entry["purpose"] and entry["legal_basis"], entry  # and why
            assert entry["data_described"], entry
        departments = {e["requester"]["name"] for es in uses.values() for e in es}
        assert len(departments) == 2, departments  # the registry and the tax office
        (tax_use,) = uses[("DATA_USE_TRANSFER_ASSESSED", "/govshare/tax")]
        assert "契税法" in tax_use["legal_basis"]
        purposes = {e["purpose"] for e in uses[TAX_STAFF_READS]}
        assert len(purposes) == 2, purposes  # the case at realestate, the bill at tax
        # Only staff and systems: the parties' own reads are not logged as uses.
        assert sum(map(len, uses.values())) == len(expected) + 1, sorted(uses)
