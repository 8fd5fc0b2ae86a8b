"""No dead end (issue 15, item 5): a rectification a bad grade opened is completed by
staff and followed up (回访) with the applicant; late ones are told apart by phase."""

from datetime import datetime, timedelta

import pytest

from services.kit import validation
from services.power import rules
from services.power.domain import DomainError
from services.power.rules import FOLLOW_UP, RECTIFYING
from tests.unit.power.support import CATALOG, STAFF, T0, accepted_events, fold

FRIDAY = T0 + timedelta(days=9)  # 2025-03-21; the rectification is due 2025-04-14


def rated() -> list:
    events = accepted_events()
    events += rules.move(fold(events), "acceptance", STAFF, T0)
    events += rules.move(fold(events), "metering", STAFF, T0)
    bad = CATALOG.grades["dissatisfied"]
    return events + rules.evaluation(fold(events), bad, "装表晚了", STAFF, FRIDAY, CATALOG)


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T04:00:00+00:00")


def test_a_rectification_is_completed_then_followed_up_and_closes():
    events = rated()
    with pytest.raises(DomainError, match="before following up"):
        rules.follow_up(fold(events), True, "满意", STAFF, at("2025-04-01"))
    (done,) = rules.complete_rectification(
        fold(events), "约谈装表班组", STAFF, at("2025-04-01"), CATALOG
    )
    assert validation.check(done) == []
    # Five working days from Tuesday 1 April 2025 skip 清明 (Friday 4 April): 9 April.
    assert (done.follow_up_due_date.month, done.follow_up_due_date.day) == (4, 9)
    events.append(done)
    with pytest.raises(DomainError, match="already completed"):
        rules.complete_rectification(fold(events), "again", STAFF, at("2025-04-02"), CATALOG)
    (called,) = rules.follow_up(fold(events), True, "电话回访, 认可", STAFF, at("2025-04-02"))
    assert validation.check(called) == [] and called.rectification_id == done.rectification_id
    events.append(called)
    app = fold(events)
    assert app.followed_up is not None
    assert rules.rectification_overdue(app, at("2025-12-31")) is None
    with pytest.raises(DomainError, match="already followed up"):
        rules.follow_up(app, True, "again", STAFF, at("2025-04-03"))


def test_without_a_rectification_there_is_nothing_to_complete():
    events = accepted_events()
    with pytest.raises(DomainError) as caught:
        rules.complete_rectification(fold(events), "x", STAFF, T0, CATALOG)
    assert caught.value.code == "FAILED_PRECONDITION"


def test_a_late_rectification_and_a_late_follow_up_are_overdue_in_their_phase():
    events = rated()
    assert rules.rectification_overdue(fold(events), at("2025-04-14")) is None
    assert rules.rectification_overdue(fold(events), at("2025-04-15")) == RECTIFYING
    events += rules.complete_rectification(
        fold(events), "整改", STAFF, at("2025-04-15"), CATALOG
    )  # late, then due to be followed up by 22 April
    assert rules.rectification_overdue(fold(events), at("2025-04-22")) is None
    assert rules.rectification_overdue(fold(events), at("2025-04-23")) == FOLLOW_UP
