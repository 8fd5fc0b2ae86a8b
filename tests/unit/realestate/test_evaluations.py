"""Joint cases are rated (好差评) by their parties once completed, like power applications;
a bad grade opens a rectification due in 15 working days (国办发〔2019〕51号)."""

from datetime import UTC, datetime

import pytest
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit import validation
from services.kit.errors import Kind
from services.realestate import cases, evaluations
from tests.unit.realestate import events as e

BOOK = evaluations.load()
FRIDAY = datetime(2025, 6, 6, 2, 0, tzinfo=UTC)


def completed() -> cases.Case:
    case = cases.open_case(e.applied())
    for message in (
        e.confirmed(),
        e.passed(),
        e.tax(t.TAX_STAGE_ASSESSED, 32),
        e.tax(t.TAX_STAGE_PAID, 60, "UP-1"),
        e.registered(),
    ):
        cases.apply(case, message)
    return case


def test_each_party_rates_a_completed_case_once_and_a_bad_grade_opens_a_rectification():
    case = completed()
    buyer = e.citizen(e.BUYER)
    rated, opened = evaluations.evaluate(case, "buyer", "dissatisfied", "慢", buyer, FRIDAY, BOOK)
    assert isinstance(opened, ev.CaseRectificationOpened)
    assert validation.check(rated) == [] and validation.check(opened) == []
    # 15 working days from Friday 6 June 2025: Friday 27 June.
    assert (opened.due_date.month, opened.due_date.day) == (6, 27)
    assert cases.apply(case, rated) and cases.apply(case, opened)
    assert not cases.apply(case, rated)  # a replay
    assert case.evaluations["buyer"]["grade"] == "dissatisfied"
    assert case.rectifications[opened.rectification_id]["due_date"] == "2025-06-27"
    assert [s["step"] for s in case.timeline][-2:] == ["evaluated", "rectification_opened"]
    with pytest.raises(evaluations.EvaluationRefused, match="already rated"):
        evaluations.evaluate(case, "buyer", "satisfied", "", buyer, FRIDAY, BOOK)
    (good,) = evaluations.evaluate(
        case, "seller", "very-satisfied", "", e.citizen(e.SELLER), FRIDAY, BOOK
    )
    assert cases.apply(case, good) and set(case.evaluations) == {"buyer", "seller"}


def test_an_open_case_is_not_rated_and_a_grade_must_be_known():
    case = cases.open_case(e.applied())
    with pytest.raises(evaluations.EvaluationRefused) as early:
        evaluations.evaluate(case, "buyer", "satisfied", "", e.citizen(e.BUYER), FRIDAY, BOOK)
    assert (early.value.kind, early.value.field) == (Kind.CONFLICT, "case_id")
    with pytest.raises(evaluations.EvaluationRefused) as unknown:
        evaluations.evaluate(completed(), "buyer", "meh", "", e.citizen(e.BUYER), FRIDAY, BOOK)
    assert (unknown.value.kind, unknown.value.field) == (Kind.INVALID, "grade")
