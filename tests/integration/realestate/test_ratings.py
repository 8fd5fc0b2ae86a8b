"""Joint cases are rated (好差评) by their parties after completion, like power
applications (issue 15, item 5): each party once; a bad grade opens a rectification due
in 15 working days, which window staff complete and follow up (回访). certificates,
realestate, tax and the development payment channel on a topic prefix of their own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from services.kit.workdays import add_working_days
from tests.helpers import metric_value
from tests.integration.realestate.support import (
    Party,
    Platform,
    confirmed_case,
    platform,
    staff,
)


@pytest.fixture(scope="module")
def running(broker, tmp_path_factory) -> Iterator[Platform]:
    with platform(broker.bootstrap, str(tmp_path_factory.mktemp("keys"))) as started:
        yield started


def test_the_parties_rate_a_completed_case_and_a_bad_grade_opens_a_rectification(
    running: Platform,
):
    seller, buyer, _, case_id = confirmed_case(running)
    rate = f"{running.realestate}/v1/cases/{case_id}/evaluation"
    assert running.post(rate, seller.token, {"grade": "satisfied"})[0] == 409  # not completed
    running.wait_bill(case_id, buyer.token, "assessed")
    running.pay(case_id, buyer.token)
    running.wait_case(case_id, buyer.token, "completed")

    # A stranger is told there is no such case; a party rates once.
    assert running.post(rate, Party().token, {"grade": "satisfied"})[0] == 404
    status, rated = running.post(
        rate, buyer.token, {"grade": "very-dissatisfied", "comment": "缴税后等了很久"}
    )
    assert status == 200, rated
    assert rated["evaluations"]["buyer"]["grade"] == "very_dissatisfied"
    ((rf_id, item),) = rated["rectifications"].items()
    opened = date.fromisoformat(item["opened_at"][:10])
    assert date.fromisoformat(item["due_date"]) in {
        add_working_days(opened, 15),
        add_working_days(opened, 16),  # opened after 16:00Z is the next local day
    }
    assert rf_id.endswith("-buyer") and item["comment"] == "缴税后等了很久"
    assert running.post(rate, buyer.token, {"grade": "satisfied"})[0] == 409
    status, rated = running.post(rate, seller.token, {"grade": "satisfied"})
    assert status == 200 and set(rated["evaluations"]) == {"buyer", "seller"}
    assert len(rated["rectifications"]) == 1  # a good grade opens nothing
    steps = [s["step"] for s in rated["timeline"]]
    assert steps.count("evaluated") == 2 and "rectification_opened" in steps
    text = running.text(f"{running.realestate}/metrics")
    assert metric_value(text, "govshare_realestate_evaluations_total", grade="very_dissatisfied")
    assert metric_value(text, "govshare_realestate_rectifications_opened_total") >= 1

    # Window staff close the loop: complete the rectification, then follow up (回访).
    window, reader = staff("realestate"), staff("tax", window=False)
    listed = running.get(f"{running.realestate}/v1/rectifications", window)[1]
    assert rf_id in {i["rectification_id"] for i in listed["rectifications"]}
    rectification = f"{running.realestate}/v1/cases/{case_id}/rectifications/{rf_id}"
    early = {"party_satisfied": True, "note": "满意"}
    assert running.post(f"{rectification}/follow-up", window, early)[0] == 409  # not completed
    done = {"action": "缴税确认后即时登簿"}
    assert running.post(f"{rectification}/completion", buyer.token, done)[0] == 403
    assert running.post(f"{rectification}/completion", reader, done)[0] == 403  # no window role
    status, completed = running.post(f"{rectification}/completion", window, done)
    assert status == 200, completed
    assert completed["rectifications"][rf_id]["action"] == done["action"]
    assert completed["rectifications"][rf_id]["follow_up_due_date"]
    status, closed = running.post(
        f"{rectification}/follow-up", window, {"party_satisfied": True, "note": "电话回访, 认可"}
    )
    assert status == 200, closed
    assert closed["rectifications"][rf_id]["party_satisfied"] is True
    assert [s["step"] for s in closed["timeline"]][-2:] == ["rectified", "followed_up"]
    listed = running.get(f"{running.realestate}/v1/rectifications", window)[1]
    assert rf_id not in {i["rectification_id"] for i in listed["rectifications"]}
    text = running.text(f"{running.realestate}/metrics")
    for step in ("completed", "followed_up"):
        assert metric_value(text, "govshare_realestate_rectifications_closed_total", step=step)
    assert 'govshare_realestate_rectifications_overdue{phase="follow_up"} 0.0' in text
