"""Rating a completed joint case (好差评): each party rates once; a bad grade opens a
rectification (整改) due within the working days of `data/evaluation.json`, as a power
application's does. Pure: a case, a grade and a time in, events out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit.clock import business_date
from services.kit.errors import DomainError, Kind
from services.kit.workdays import add_working_days
from services.realestate.cases import COMPLETED, Case

MAX_COMMENT = 500


class EvaluationRefused(DomainError):
    """A rating that may not be given: the kind of refusal, the field at fault and why."""


@dataclass(frozen=True)
class Grade:
    code: str
    value: int  # realestate.v1.EvaluationGrade
    name: str
    bad: bool


@dataclass(frozen=True)
class Book:
    grades: dict[str, Grade]  # by code
    rectification_working_days: int
    follow_up_working_days: int
    source: str

    def by_value(self, value: int) -> Grade:
        return next(g for g in self.grades.values() if g.value == value)


@cache
def load() -> Book:
    raw = json.loads(
        resources.files(__package__).joinpath("data", "evaluation.json").read_text("utf-8")
    )
    grades = {
        g["code"]: Grade(g["code"], t.EvaluationGrade.Value(g["enum"]), g["name"], g["bad"])
        for g in raw["grades"]
    }
    if len(grades) != 5:
        raise ValueError("evaluation.json: 好差评 has exactly five grades")
    return Book(
        grades,
        int(raw["rectification_working_days"]),
        int(raw["follow_up_working_days"]),
        raw["source"],
    )


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def evaluate(
    case: Case,
    role: str,
    grade_code: str,
    comment: str,
    actor: common.Actor,
    now: datetime,
    book: Book,
) -> list[Message]:
    """The party `role` ("buyer" or "seller") rates the completed case once; a bad grade
    opens a rectification."""
    grade = book.grades.get(grade_code)
    if grade is None:
        raise EvaluationRefused(Kind.INVALID, "grade", f"one of {', '.join(book.grades)}")
    if case.closed != COMPLETED:
        raise EvaluationRefused(Kind.CONFLICT, "case_id", "only a completed case is rated")
    if role in case.evaluations:
        raise EvaluationRefused(Kind.CONFLICT, "grade", "you have already rated this case")
    if len(comment) > MAX_COMMENT:
        raise EvaluationRefused(Kind.INVALID, "comment", f"at most {MAX_COMMENT} characters")
    events: list[Message] = [
        ev.CaseEvaluated(
            unit_code=case.unit_code,
            case_id=case.case_id,
            grade=grade.value,  # type: ignore[arg-type]
            comment=comment,
            evaluated_by=actor,
            submitted_at=_stamp(now),
        )
    ]
    if grade.bad:
        due = add_working_days(business_date(now), book.rectification_working_days)
        events.append(
            ev.CaseRectificationOpened(
                unit_code=case.unit_code,
                case_id=case.case_id,
                rectification_id=f"RF-{case.case_id}-{role}",
                grade=grade.value,  # type: ignore[arg-type]
                comment=comment,
                due_date=common.Date(year=due.year, month=due.month, day=due.day),
                opened_at=_stamp(now),
            )
        )
    return events
