"""Joint cases are rated (好差评) by their parties after completion, like power
applications (issue 15, item 5): each party once; a bad grade opens a rectification due
in 15 working days. certificates, realestate, tax and the development payment channel
on a topic prefix of their own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from services.kit.workdays import add_working_days
from tests.helpers import metric_value
from tests.integration.realestate.support import Party, Platform, confirmed_case, platform


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
