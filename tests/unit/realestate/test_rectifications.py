"""A bad rating of a joint case closes its loop as a power application's does (issue 15,
item 5): window staff complete the rectification, then follow up with the party (回访)
within 5 working days; until then it is open, and late in one phase or the other."""

from datetime import UTC, date, datetime, timedelta

import pytest
from govshare.realestate.v1 import events_pb2 as ev

from services.kit import validation
from services.kit.errors import DomainError, Kind
from services.realestate import cases, evaluations, rectifications
from tests.unit.realestate import events as e
from tests.unit.realestate.test_evaluations import completed

BOOK = evaluations.load()
FRIDAY = datetime(2025, 6, 6, 2, 0, tzinfo=UTC)
MONDAY_AFTER = datetime(2025, 6, 9, 2, 0, tzinfo=UTC)


def rated_badly() -> tuple[cases.Case, str]:
    case = completed()
    buyer = e.citizen(e.BUYER)
    for message in evaluations.evaluate(case, "buyer", "dissatisfied", "慢", buyer, FRIDAY, BOOK):
        assert cases.apply(case, message)
    (rf_id,) = case.rectifications
    return case, rf_id


def test_staff_complete_then_follow_up_and_the_rectification_closes():
    case, rf_id = rated_badly()
    assert list(rectifications.open_items(case)) == [rf_id]
    with pytest.raises(DomainError) as early:
        rectifications.follow_up(case, rf_id, True, "满意", e.STAFF, MONDAY_AFTER)
    assert (early.value.kind, early.value.field) == (Kind.CONFLICT, "rectification_id")

    (done,) = rectifications.complete(case, rf_id, "已优化登簿流程", e.STAFF, MONDAY_AFTER, BOOK)
    assert isinstance(done, ev.CaseRectificationCompleted) and validation.check(done) == []
    # 5 working days from Monday 9 June 2025: Monday 16 June.
    assert (done.follow_up_due_date.month, done.follow_up_due_date.day) == (6, 16)
    assert cases.apply(case, done) and not cases.apply(case, done)  # a replay
    item = case.rectifications[rf_id]
    assert item["action"] == "已优化登簿流程" and item["follow_up_due_date"] == "2025-06-16"
    with pytest.raises(DomainError, match="already completed"):
        rectifications.complete(case, rf_id, "again", e.STAFF, MONDAY_AFTER, BOOK)

    (called,) = rectifications.follow_up(case, rf_id, True, "电话回访, 认可", e.STAFF, MONDAY_AFTER)
    assert isinstance(called, ev.CaseRectificationFollowedUp) and validation.check(called) == []
    assert cases.apply(case, called) and not cases.apply(case, called)
    assert case.rectifications[rf_id]["party_satisfied"] is True
    assert rectifications.open_items(case) == {}
    assert [s["step"] for s in case.timeline][-2:] == ["rectified", "followed_up"]
    with pytest.raises(DomainError, match="already followed up"):
        rectifications.follow_up(case, rf_id, True, "again", e.STAFF, MONDAY_AFTER)


def test_an_unknown_rectification_or_an_empty_account_is_refused():
    case, rf_id = rated_badly()
    with pytest.raises(DomainError) as unknown:
        rectifications.complete(case, "RF-nope", "x", e.STAFF, FRIDAY, BOOK)
    assert unknown.value.kind == Kind.NOT_FOUND
    with pytest.raises(DomainError) as empty:
        rectifications.complete(case, rf_id, "   ", e.STAFF, FRIDAY, BOOK)
    assert (empty.value.kind, empty.value.field) == (Kind.INVALID, "action")


def test_a_rectification_is_late_in_the_phase_it_waits_in():
    case, rf_id = rated_badly()
    due = date.fromisoformat(case.rectifications[rf_id]["due_date"])  # 15 working days
    (item,) = rectifications.open_items(case).values()
    assert rectifications.phase(item, due) is None
    assert rectifications.phase(item, due + timedelta(days=1)) == rectifications.RECTIFYING
    late = datetime.combine(due + timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    for message in rectifications.complete(case, rf_id, "整改", e.STAFF, late, BOOK):
        cases.apply(case, message)
    (item,) = rectifications.open_items(case).values()
    follow_up_due = date.fromisoformat(item["follow_up_due_date"])
    assert rectifications.phase(item, follow_up_due) is None  # completed: the clock restarts
    after = follow_up_due + timedelta(days=1)
    assert rectifications.overdue([item, item], after) == {rectifications.FOLLOW_UP: 2}
    assert rectifications.overdue([], after) == {}
