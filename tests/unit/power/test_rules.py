"""Power rules (pure): input checks, evidence, steps, overdue, evaluation, flags."""

from datetime import date, timedelta

import pytest
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev
from govshare.power.v1 import types_pb2 as power_types

from services.kit import validation
from services.power import domain, rules
from services.power.domain import DomainError
from services.power.rules import ApplicationRequest
from tests.unit.power.support import (
    APP_ID,
    CATALOG,
    CITIZEN,
    ENTERPRISE,
    LICENCE,
    PARCEL,
    PROPERTY,
    STAFF,
    SYSTEM,
    T0,
    UNIT,
    accepted_events,
    cert_ref,
    fold,
    found,
    missing,
    resolved,
    submitted,
)

GOOD = ApplicationRequest(
    applicant=ENTERPRISE, matter_code="lv-nonresident-new", capacity_w=60000, unit_code=UNIT
)
ADDRESS = common.Address(division_code="370105", text="济南市天桥区北园大街1号")


def _with(**change: object) -> ApplicationRequest:
    return ApplicationRequest(**{**GOOD.__dict__, **change})


def test_a_good_request_names_its_matter():
    assert rules.check_request(GOOD, CATALOG).code == "lv-nonresident-new"
    assert rules.check_request(_with(unit_code="", address=ADDRESS), CATALOG)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"claimed_applicant_id": "91370100705882496X"}, "applicant_id", "INVALID_ARGUMENT"),
        ({"claimed_applicant_id": "91310110666007217T"}, "applicant_id", "PERMISSION_DENIED"),
        ({"matter_code": "nuclear-new"}, "matter_code", "INVALID_ARGUMENT"),
        ({"capacity_w": 0}, "requested_capacity_w", "INVALID_ARGUMENT"),
        ({"capacity_w": -5}, "requested_capacity_w", "INVALID_ARGUMENT"),
        ({"capacity_w": 10**15}, "requested_capacity_w", "INVALID_ARGUMENT"),
        ({"capacity_w": 200000}, "requested_capacity_w", "INVALID_ARGUMENT"),  # over LV cap
        ({"unit_code": "370105012002GB00001"}, "unit_code", "INVALID_ARGUMENT"),  # a parcel
        ({"unit_code": "370105012002GB00001F0001075X"}, "unit_code", "INVALID_ARGUMENT"),
        ({"unit_code": ""}, "unit_code", "INVALID_ARGUMENT"),  # no site at all
        (
            {"address": common.Address(division_code="990105", text="x")},
            "address.division_code",
            "INVALID_ARGUMENT",
        ),
        ({"applicant": CITIZEN}, "matter_code", "PERMISSION_DENIED"),  # enterprises only
    ],
)
def test_bad_requests_are_refused_naming_the_field(change, field, code):
    with pytest.raises(DomainError) as caught:
        rules.check_request(_with(**change), CATALOG)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert caught.value.reason


def test_the_invalid_uscc_reason_says_what_is_wrong():
    with pytest.raises(DomainError) as caught:
        rules.check_request(_with(claimed_applicant_id="91370100705882496X"), CATALOG)
    assert "check character" in caught.value.reason


def test_a_citizen_needs_no_business_licence():
    matter = CATALOG.matters["pv-connection"]
    assert [t.key for t in matter.evidence_for("citizen")] == ["property_certificate"]
    assert {t.key for t in matter.evidence_for("enterprise")} == {
        "business_licence",
        "property_certificate",
    }


def test_evidence_is_queried_per_object_so_the_licence_is_not_narrowed_to_the_unit():
    kinds = CATALOG.matters["lv-nonresident-new"].evidence_for("enterprise")
    queries = rules.evidence_queries(kinds, UNIT)
    by_object = {q.object_id: [t.code for t in q.types] for q in queries}
    assert by_object == {"": [LICENCE], UNIT: [PROPERTY]}
    only = rules.evidence_queries(kinds, UNIT, frozenset({PROPERTY}))
    assert [(q.object_id, len(q.types)) for q in only] == [(UNIT, 1)]


def test_anything_not_found_is_missing():
    results = [
        found(LICENCE),
        missing(PROPERTY),
        common.EvidenceResult(type_code="x", status=common.EVIDENCE_STATUS_NOT_CURRENT),
        common.EvidenceResult(type_code="y", status=common.EVIDENCE_STATUS_AMBIGUOUS),
        common.EvidenceResult(type_code="z", status=common.EVIDENCE_STATUS_DENIED),
    ]
    assert [r.type_code for r in rules.missing_of(results)] == [PROPERTY, "x", "y", "z"]


def test_application_ids_are_stable_for_a_retried_request():
    first = rules.application_id("370105", T0, "91370100705882496U|req-1")
    assert first == rules.application_id("370105", T0, "91370100705882496U|req-1")
    assert first != rules.application_id("370105", T0, "91370100705882496U|req-2")
    assert first.startswith("PA-370105-20250312-")


def _prepared(steps: list[str]) -> ev.PreparationStarted:
    return ev.PreparationStarted(parcel_code=PARCEL, preparation_id="PP-1", prepared_steps=steps)


def test_high_voltage_has_four_steps_and_three_when_prepared():
    hv = CATALOG.matters["hv-new"]
    plain = [s.step_code for s in rules.plan_steps(hv, None)]
    assert plain == ["acceptance", "survey", "plan-reply", "metering"]
    prepared = [s.step_code for s in rules.plan_steps(hv, _prepared(["survey"]))]
    assert prepared == ["acceptance", "plan-reply", "metering"]
    # Acceptance is never skipped, whatever a preparation says.
    assert rules.plan_steps(hv, _prepared(["acceptance", "survey"]))[0].step_code == "acceptance"


def test_low_voltage_has_two_steps_with_or_without_preparation():
    lv = CATALOG.matters["lv-nonresident-new"]
    assert [s.step_code for s in rules.plan_steps(lv, None)] == ["acceptance", "metering"]
    assert len(rules.plan_steps(lv, _prepared(["survey"]))) == 2


def test_acceptance_records_the_evidence_and_enters_the_first_step_with_its_deadline():
    events = accepted_events()
    accepted, entered = events[-2:]
    assert accepted.evidence_free is True and not accepted.uploads_used
    assert [r.type_code for r in accepted.evidence_used] == sorted([LICENCE, PROPERTY])
    assert entered.step_code == "acceptance" and entered.advanced_by == SYSTEM
    # 1 working day after Wednesday 10:00 is Thursday 10:00 local.
    assert domain.instant(entered.deadline) == T0 + timedelta(days=1)
    for event in events:
        assert validation.check(event) == [], type(event).__name__


def test_low_voltage_connects_in_two_staff_moves_and_counts_two_steps():
    events = accepted_events()
    app = fold(events)
    later = T0 + timedelta(hours=2)
    (to_metering,) = rules.move(app, "acceptance", STAFF, later)
    assert to_metering.step_code == "metering" and to_metering.previous_step_code == "acceptance"
    events.append(to_metering)
    (done,) = rules.move(fold(events), "metering", STAFF, later + timedelta(hours=1))
    assert isinstance(done, ev.ApplicationCompleted) and done.steps_taken == 2
    assert validation.check(done) == []
    final = fold([*events, done])
    assert final.status == domain.CONNECTED
    assert [s.code for s in final.steps] == ["acceptance", "metering"]


@pytest.mark.parametrize(
    ("step", "field"),
    [("metering", "current_step"), ("nonsense", "current_step")],
)
def test_a_move_must_name_the_current_step(step, field):
    with pytest.raises(DomainError) as caught:
        rules.move(fold(accepted_events()), step, STAFF, T0)
    assert caught.value.code == "FAILED_PRECONDITION" and caught.value.field == field


def test_a_step_finished_late_is_flagged_overdue_first():
    app = fold(accepted_events())
    late = T0 + timedelta(days=3)  # Saturday: past Thursday's deadline
    overdue, entered = rules.move(app, "acceptance", STAFF, late)
    assert isinstance(overdue, ev.StepOverdue) and overdue.step_code == "acceptance"
    assert isinstance(entered, ev.StepAdvanced)


def test_overdue_is_detected_once_and_only_after_the_deadline():
    events = accepted_events()
    app = fold(events)
    assert rules.overdue(app, T0 + timedelta(hours=23)) == []
    (late,) = rules.overdue(app, T0 + timedelta(days=1, seconds=1))
    assert late.step_code == "acceptance"
    assert rules.overdue(fold([*events, late]), T0 + timedelta(days=5)) == []


def test_only_a_connected_application_is_rated_once_and_a_bad_grade_opens_rectification():
    events = accepted_events()
    with pytest.raises(DomainError) as early:
        rules.evaluation(fold(events), CATALOG.grades["satisfied"], "", STAFF, T0, CATALOG)
    assert early.value.code == "FAILED_PRECONDITION"
    events += rules.move(fold(events), "acceptance", STAFF, T0)
    events += rules.move(fold(events), "metering", STAFF, T0)
    friday = T0 + timedelta(days=9)  # 2025-03-21
    rated = rules.evaluation(
        fold(events), CATALOG.grades["dissatisfied"], "装表晚了", STAFF, friday, CATALOG
    )
    evaluation, rectification = rated
    assert evaluation.grade == power_types.EVALUATION_GRADE_DISSATISFIED
    # 15 working days from Friday 21 March 2025 skip 清明 (4 April): due Monday 14 April.
    assert (rectification.due_date.year, rectification.due_date.month) == (2025, 4)
    assert rectification.due_date.day == date(2025, 4, 14).day
    assert validation.check(rectification) == []
    with pytest.raises(DomainError, match="already been rated"):
        rules.evaluation(
            fold(events + rated), CATALOG.grades["satisfied"], "", STAFF, friday, CATALOG
        )


def test_a_good_grade_opens_nothing():
    events = accepted_events()
    events += rules.move(fold(events), "acceptance", STAFF, T0)
    events += rules.move(fold(events), "metering", STAFF, T0)
    rated = rules.evaluation(fold(events), CATALOG.grades["very-satisfied"], "", STAFF, T0, CATALOG)
    assert len(rated) == 1


def _cause() -> common.EventRef:
    return common.EventRef(source="/govshare/certificates", id="e-1", type="x.CertificateRevoked")


def test_a_revoked_certificate_flags_the_open_application_that_used_it_once():
    events = accepted_events()
    app = fold(events)
    licence = cert_ref(LICENCE)
    flagged = rules.flag(
        app, licence, power_types.EVIDENCE_INVALIDATION_REVOKED, _cause(), T0, CATALOG
    )
    assert flagged is not None and "营业执照" in flagged.detail
    assert validation.check(flagged) == []
    again = fold([*events, flagged])
    assert rules.flag(again, licence, 1, _cause(), T0, CATALOG) is None
    other = cert_ref(LICENCE, serial="2")
    assert rules.flag(app, other, 1, _cause(), T0, CATALOG) is None
    with pytest.raises(DomainError, match="evidence flagged"):
        rules.move(again, "acceptance", STAFF, T0)
    assert rules.refresh_types(again) == {LICENCE}


def test_only_requested_types_may_be_uploaded():
    events = [
        submitted(),
        resolved(found(LICENCE), missing(PROPERTY)),
        ev.EvidenceRequested(application_id=APP_ID, missing=[missing(PROPERTY)]),
    ]
    app = fold(events)
    rules.check_upload(app, PROPERTY, "uploads/power/lease.pdf")
    with pytest.raises(DomainError) as caught:
        rules.check_upload(app, LICENCE, "uploads/power/licence.pdf")
    assert caught.value.code == "FAILED_PRECONDITION" and PROPERTY in caught.value.reason
    with pytest.raises(DomainError, match="object-store key"):
        rules.check_upload(app, PROPERTY, "../etc/passwd")
