"""The registration time limit: which open cases are overdue, and where they are stuck."""

from datetime import date, datetime, timedelta

from govshare.realestate.v1 import types_pb2 as t

from services.kit.workdays import add_working_days
from services.realestate import cases, deadlines
from services.realestate.cases import Case
from tests.unit.realestate import events as e

LIMIT = deadlines.TimeLimit(case_working_days=5, source="test")


def filed_on(day: date, *then: object) -> Case:
    case = cases.open_case(e.applied())
    case.applied_at = datetime(day.year, day.month, day.day, 10).isoformat()
    for message in then:
        cases.apply(case, message)  # type: ignore[arg-type]
    return case


MONDAY = date(2026, 11, 2)


def test_the_limit_is_data_with_its_legal_source():
    limit = deadlines.load()
    assert limit.case_working_days == 5
    assert "国办发〔2019〕8号" in limit.source


def test_five_working_days_skip_the_weekend():
    case = filed_on(MONDAY)
    assert deadlines.due_date(case, LIMIT) == date(2026, 11, 9)  # the next Monday


def test_a_case_stuck_with_a_department_past_the_limit_is_overdue_in_its_stage():
    in_review = filed_on(MONDAY, e.confirmed())
    with_tax = filed_on(MONDAY, e.confirmed(), e.passed())
    due = deadlines.due_date(in_review, LIMIT)
    assert deadlines.overdue_by_stage([in_review, with_tax], due, LIMIT) == {}
    after = due + timedelta(days=1)
    assert deadlines.overdue_by_stage([in_review, with_tax], after, LIMIT) == {
        "in_review": 1,
        "awaiting_assessment": 1,
    }


def test_a_case_waiting_on_a_party_or_closed_is_not_the_departments_overrun():
    unconfirmed = filed_on(MONDAY)
    unpaid = filed_on(MONDAY, e.confirmed(), e.passed(), e.tax(t.TAX_STAGE_ASSESSED, 32))
    done = filed_on(
        MONDAY,
        e.confirmed(),
        e.passed(),
        e.tax(t.TAX_STAGE_ASSESSED, 32),
        e.tax(t.TAX_STAGE_PAID, 60, "UP-1"),
        e.registered(),
    )
    much_later = add_working_days(MONDAY, 30)
    assert deadlines.overdue_by_stage([unconfirmed, unpaid, done], much_later, LIMIT) == {}
