"""Joint cases: stages, whom they wait on, idempotent application of events."""

from datetime import UTC, datetime, timedelta

from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit.registry import events_of_topic
from services.realestate import cases, queue
from services.realestate.cases import Case, Unit
from tests.unit.realestate import events as e


def opened() -> Case:
    return cases.open_case(e.applied())


def test_every_event_type_of_the_topic_is_a_step_of_its_case_or_named_otherwise():
    """The registrar's agent takes the ignored ones itself; every other goes to the case."""
    types = [k.message_class for k in events_of_topic("realestate.v1.events")]
    assert cases.APPLIERS.covers(types) == []
    assert cases.APPLIERS.ignored == {
        ev.TransferApplied,
        ev.TitleChangeRecorded,
        ev.CertificateIssuanceRecorded,
        ev.DataUseRecorded,
    }


def test_a_case_moves_through_its_stages_and_says_whom_it_waits_on():
    case = opened()
    assert case.applied_by == "seller" and case.other_party == "buyer"
    seen = [(cases.current_stage(case), cases.waiting_on(case))]
    for message in (
        e.confirmed(),
        e.passed(),
        e.tax(t.TAX_STAGE_ASSESSED, 32),
        e.tax(t.TAX_STAGE_PAID, 60, "UP-1"),
        e.registered(),
    ):
        assert cases.apply(case, message)
        seen.append((cases.current_stage(case), cases.waiting_on(case)))
    assert seen == [
        ("awaiting_confirmation", "citizen"),
        ("in_review", "realestate"),
        ("awaiting_assessment", "tax"),
        ("awaiting_payment", "citizen"),
        ("registering", "realestate"),
        ("completed", ""),
    ]
    assert [s["step"] for s in case.timeline] == [
        "applied", "confirmed", "review_passed", "assessed", "paid", "registered"
    ]  # fmt: skip
    assert case.stage_since == e.registered().registered_at.ToDatetime(tzinfo=UTC).isoformat()


def test_tax_may_finish_before_review_and_registration_waits_for_both():
    case = opened()
    cases.apply(case, e.confirmed())
    cases.apply(case, e.tax(t.TAX_STAGE_ASSESSED, 31))
    cases.apply(case, e.tax(t.TAX_STAGE_PAID, 32, "UP-1"))
    assert cases.current_stage(case) == "in_review" and not case.ready_to_register
    cases.apply(case, e.passed())
    assert case.ready_to_register and cases.current_stage(case) == "registering"


def test_replayed_events_change_nothing():
    case = opened()
    for message in (e.confirmed(), e.passed(), e.tax(t.TAX_STAGE_ASSESSED, 32)):
        assert cases.apply(case, message)
        before = case.to_json()
        assert not cases.apply(case, message)
        assert case.to_json() == before


def test_a_case_keeps_the_events_that_changed_it_and_not_those_too_late_to():
    case = opened()
    assert cases.apply(case, e.confirmed(), "ev-confirmed")
    before = case.to_json()
    assert not cases.apply(case, e.confirmed(), "ev-confirmed")  # delivered again
    assert not cases.apply(case, e.confirmed(), "ev-confirmed-again")  # a second one
    assert case.to_json() == before
    assert cases.applied(case, "ev-confirmed") and not cases.applied(case, "ev-confirmed-again")
    assert case.event_ids == ["ev-confirmed"]
    assert Case.from_json({k: v for k, v in before.items() if k != "event_ids"}).event_ids == []


def test_a_referred_case_waits_on_the_department_and_staff_decide_once():
    case = opened()
    cases.apply(case, e.confirmed())
    assert cases.apply(case, e.referred(t.DEPARTMENT_TAX))
    assert (cases.current_stage(case), cases.waiting_on(case)) == ("referred", "tax")
    assert case.findings == [{"check": "FACTS_MATCH_CERTIFICATE", "detail": "面积不符"}]
    assert not cases.apply(case, e.passed())  # once referred, only staff pass it
    assert cases.apply(case, e.passed(by=e.STAFF))
    assert not cases.apply(case, e.passed(by=e.STAFF))


def test_a_title_change_stops_a_passed_case_and_staff_must_claim_it_anew():
    case = opened()
    cases.apply(case, e.confirmed())
    cases.apply(case, e.referred())
    case.claimed_by = {"staff": "王窗口", "department": "realestate"}
    cases.apply(case, e.passed(by=e.STAFF))
    cases.apply(case, e.tax(t.TAX_STAGE_ASSESSED, 32))
    cases.apply(case, e.tax(t.TAX_STAGE_PAID, 40, "UP-1"))
    assert case.ready_to_register
    revoked = e.referred(check=t.REVIEW_CHECK_SELLER_HOLDS_CERTIFICATE, detail="卖方证书已注销")
    assert cases.apply(case, revoked)
    assert not case.ready_to_register and case.claimed_by is None
    assert (cases.current_stage(case), cases.waiting_on(case)) == ("referred", "realestate")
    assert case.findings == [{"check": "SELLER_HOLDS_CERTIFICATE", "detail": "卖方证书已注销"}]
    assert case.timeline[-1]["step"] == "review_referred"
    assert "已注销" in case.timeline[-1]["detail"]


def test_a_second_reason_joins_a_referral_and_a_repeated_one_changes_nothing():
    case = opened()
    cases.apply(case, e.confirmed())
    cases.apply(case, e.referred(t.DEPARTMENT_TAX))
    case.claimed_by = {"staff": "李税务", "department": "tax"}
    sealed = e.referred(check=t.REVIEW_CHECK_UNIT_NOT_SEALED, detail="单元已被法院查封")
    assert cases.apply(case, sealed)
    assert not cases.apply(case, sealed)
    assert [f["check"] for f in case.findings] == ["FACTS_MATCH_CERTIFICATE", "UNIT_NOT_SEALED"]
    # Now realestate staff decide: the tax staffer's claim no longer holds.
    assert case.referred_to == "realestate" and case.claimed_by is None


def test_an_automatic_pass_computed_before_a_title_change_does_not_undo_the_referral():
    case = opened()
    cases.apply(case, e.confirmed())
    cases.apply(case, e.referred(check=t.REVIEW_CHECK_SELLER_HOLDS_CERTIFICATE, detail="已暂停"))
    assert not cases.apply(case, e.passed())
    assert cases.current_stage(case) == "referred"


def test_closed_cases_take_nothing_and_free_the_unit():
    unit = Unit(e.UNIT)
    case = opened()
    unit.open_case = case.case_id
    withdrawn = ev.TransferWithdrawn(
        unit_code=e.UNIT, case_id=e.CASE, withdrawn_by=e.citizen(e.BUYER), reason="协商解除",
        withdrawn_at=e.at(5),
    )  # fmt: skip
    assert cases.apply(case, withdrawn)
    unit.put(case)
    assert unit.open_case == "" and cases.current_stage(case) == "withdrawn"
    assert not cases.apply(case, e.confirmed())
    assert not cases.apply(case, e.passed())


def test_the_queue_lists_open_cases_once_with_filters_and_region():
    now = e.START + timedelta(hours=1)
    waiting = opened()
    referred = cases.open_case(e.applied("RE-370105-20250601-0002", "370105012002GB00001F00010752"))
    cases.apply(referred, e.confirmed("RE-370105-20250601-0002"))
    referred_event = e.referred()
    referred_event.case_id = referred.case_id
    cases.apply(referred, referred_event)
    qingdao = cases.open_case(e.applied("RE-370202-20250601-0003", "370202012002GB00001F00010001"))
    done = opened()
    done.closed = "completed"
    everything = [queue.entry(c) for c in (waiting, referred, qingdao, done) if c.is_open]

    def jinan(county: str) -> bool:
        return county.startswith("3701")

    listed = queue.queue(everything, now, visible=jinan)
    assert [i["case_id"] for i in listed] == [waiting.case_id, referred.case_id]
    assert listed[0]["waiting_seconds"] == 3600 and listed[0]["waiting_on"] == "citizen"
    by_department = queue.queue(everything, now, visible=jinan, department="realestate")
    assert [i["case_id"] for i in by_department] == [referred.case_id]
    assert queue.queue(everything, now, visible=jinan, stage="referred")[0]["stage"] == "referred"
    assert (
        queue.queue(everything, now, visible=lambda _: True, city="370200")[0]["city"] == "370200"
    )
    assert queue.queue([], datetime.now(UTC), visible=jinan) == []


def test_realestate_staff_hand_a_relief_doubt_over_to_tax_staff():
    case = opened()
    cases.apply(case, e.confirmed())
    cases.apply(case, e.referred())  # realestate first: an area doubt
    case.claimed_by = {"staff": "王窗口", "department": "realestate"}
    handed = e.referred(t.DEPARTMENT_TAX)  # the same findings, now for tax staff
    assert cases.apply(case, handed)
    assert (case.referred_to, case.claimed_by) == ("tax", None)
    assert not cases.apply(case, handed)  # a repeat changes nothing


def test_a_case_the_engine_cannot_assess_waits_on_tax_staff_until_assessed_by_hand():
    case = opened()
    cases.apply(case, e.confirmed())
    cases.apply(case, e.passed())
    pending = e.tax(t.TAX_STAGE_MANUAL_ASSESSMENT_PENDING, 32)
    pending.detail = "税费无法自动计算, 待税务窗口人工核定: contract_date: no rule set"
    assert cases.apply(case, pending)
    assert not cases.apply(case, pending)
    assert (cases.current_stage(case), cases.waiting_on(case)) == ("awaiting_assessment", "tax")
    item = queue.timed(queue.entry(case), datetime.now(UTC))
    assert item["tax"] == "manual_pending" and "contract_date" in item["tax_note"]
    by_hand = e.tax(t.TAX_STAGE_ASSESSED, 90)
    by_hand.detail = "人工核定, 依据 税收征收管理法 第三十五条, 复核 赵复核 (tax-02)"
    by_hand.assessed_by.CopyFrom(e.STAFF)
    assert cases.apply(case, by_hand)
    assert cases.current_stage(case) == "awaiting_payment"
    step = case.timeline[-1]
    assert step["step"] == "assessed" and step["by"] == "window: 王窗口"
    assert "复核 赵复核" in step["detail"] and "税收征收管理法" in step["detail"]
