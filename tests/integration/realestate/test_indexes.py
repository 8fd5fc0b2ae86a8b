"""The lists and the stage gauge read indexes and counts kept as events apply
(services/realestate/store.py, services/kit/tally.py): right as cases move, and right
again after a restart, when the indexes come back from their changelogs and the counts
are rebuilt from the recovered cases."""

from __future__ import annotations

from tests.helpers import metric_value
from tests.integration.realestate.support import (
    Party,
    Platform,
    environment,
    joined,
    services,
    staff,
    transfer_form,
    unit_code,
)

STAGES = ("awaiting_confirmation", "withdrawn")


def file(running: Platform, seller: Party, buyer: Party, unit: str) -> str:
    status, case = running.post(
        f"{running.realestate}/v1/transfers", seller.token, transfer_form(seller, buyer, unit)
    )
    assert status == 201, case
    return str(case["case_id"])


def mine(running: Platform, party: Party) -> list[str]:
    status, body = running.get(f"{running.realestate}/v1/me/cases", party.token)
    assert status == 200, body
    return [c["case_id"] for c in body["cases"]]


def queued(running: Platform) -> list[str]:
    status, body = running.get(f"{running.realestate}/v1/queue", staff("realestate"))
    assert status == 200, body
    return [i["case_id"] for i in body["cases"]]


def stages(running: Platform) -> dict[str, float]:
    text = running.text(f"{running.realestate}/metrics")
    return {s: metric_value(text, "govshare_realestate_cases", stage=s) for s in STAGES}


def test_my_cases_the_queue_and_the_stage_gauge_across_a_restart(broker, tmp_path):
    seller, buyer, other_buyer, stranger = Party(), Party(), Party(), Party()
    units = [unit_code(), unit_code()]
    env = environment(broker.bootstrap, str(tmp_path / "keys"))
    with services(env, "certificates") as certificates:
        with services(env, "realestate", "tax") as urls:
            first = joined(env, certificates["certificates"], urls)
            for unit in units:
                first.issue_property_certificate(seller, unit)
            kept = file(first, seller, buyer, units[0])
            assert stages(first) == {"awaiting_confirmation": 1, "withdrawn": 0}
            dropped = file(first, seller, other_buyer, units[1])
            status, _ = first.post(
                f"{first.realestate}/v1/cases/{dropped}/withdrawal", seller.token, {"reason": "x"}
            )
            assert status == 200
            assert mine(first, seller) == [kept, dropped]
            assert (mine(first, buyer), mine(first, other_buyer)) == ([kept], [dropped])
            assert mine(first, stranger) == []
            assert queued(first) == [kept]  # a withdrawn case leaves the queue
            assert stages(first) == {"awaiting_confirmation": 1, "withdrawn": 1}
        with services(env, "realestate", "tax") as urls:
            again = joined(env, certificates["certificates"], urls)
            assert mine(again, seller) == [kept, dropped]
            assert mine(again, other_buyer) == [dropped]
            assert queued(again) == [kept]
            assert stages(again) == {"awaiting_confirmation": 1, "withdrawn": 1}
