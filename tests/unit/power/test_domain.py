"""The application state machine: a fold of events, idempotent by state."""

from datetime import timedelta

from govshare.power.v1 import events_pb2 as ev
from govshare.power.v1 import types_pb2 as power_types
from hypothesis import given
from hypothesis import strategies as st

from services.power import domain, rules
from services.power.domain import timestamp
from tests.unit.power.support import (
    APP_ID,
    CATALOG,
    LICENCE,
    PROPERTY,
    STAFF,
    T0,
    accepted_events,
    cert_ref,
    fold,
    found,
    missing,
    resolved,
    submitted,
)


def _whole_life() -> list:
    """Submitted with the property missing, uploaded, accepted, moved, rated, flagged."""
    events = [
        submitted(),
        resolved(found(LICENCE), missing(PROPERTY)),
        ev.EvidenceRequested(
            application_id=APP_ID, missing=[missing(PROPERTY)], requested_at=timestamp(T0)
        ),
        ev.EvidenceSupplied(
            application_id=APP_ID,
            type_code=PROPERTY,
            upload_ref="uploads/lease.pdf",
            supplied_by=STAFF,
            supplied_at=timestamp(T0),
        ),
    ]
    app = fold(events)
    events += rules.acceptance(app, CATALOG.matters[app.matter_code], None, STAFF, T0)
    events += rules.move(fold(events), "acceptance", STAFF, T0 + timedelta(days=3))
    events += rules.move(fold(events), "metering", STAFF, T0 + timedelta(days=4))
    events += rules.evaluation(
        fold(events), CATALOG.grades["very-dissatisfied"], "慢", STAFF, T0, CATALOG
    )
    return events


def test_the_whole_life_folds_to_a_rated_connected_application_with_an_upload():
    app = fold(_whole_life())
    assert app.status == domain.CONNECTED
    assert app.evidence_free is False and app.uploads == {PROPERTY: "uploads/lease.pdf"}
    assert list(app.evidence) == [LICENCE] and not app.missing
    assert [s.code for s in app.steps] == ["acceptance", "metering"]
    assert app.steps[0].overdue_at is not None  # finished on a Saturday, due Thursday
    assert app.evaluation is not None and app.rectification is not None


def test_every_event_applied_twice_changes_nothing_the_second_time():
    events = _whole_life()
    app = None
    for event in events:
        app = domain.apply(app, event) or app
        assert domain.apply(app, event) is None, type(event).__name__


@given(st.randoms(use_true_random=False))
def test_redelivery_in_any_position_folds_to_the_same_state(rnd):
    events = _whole_life()
    noisy = list(events)
    for _ in range(5):  # redeliver earlier events later, as at-least-once delivery may
        index = rnd.randrange(len(noisy))
        noisy.insert(rnd.randrange(index, len(noisy)) + 1, noisy[index])
    assert repr(fold(noisy)) == repr(fold(events))


def test_out_of_order_steps_are_ignored():
    events = accepted_events("hv-new")
    app = fold(events)
    skip = ev.StepAdvanced(
        application_id=APP_ID,
        step_code="metering",
        step_name="装表接电",
        advanced_by=STAFF,
        advanced_at=timestamp(T0),
        deadline=timestamp(T0),
    )
    assert domain.apply(app, skip) is None
    early = ev.ApplicationCompleted(application_id=APP_ID, completed_at=timestamp(T0))
    assert domain.apply(app, early) is None


def test_events_for_an_unknown_application_change_nothing():
    assert domain.apply(None, resolved(found(LICENCE))) is None
    assert domain.fold([]) is None


def test_fresh_evidence_clears_the_flag_of_its_type():
    events = accepted_events()
    licence = cert_ref(LICENCE)
    events.append(
        rules.flag(
            fold(events),
            licence,
            power_types.EVIDENCE_INVALIDATION_SUPERSEDED,
            _cause(),
            T0,
            CATALOG,
        )
    )
    assert fold(events).flags
    events.append(resolved(found(LICENCE, serial="9")))
    app = fold(events)
    assert not app.flags and app.evidence[LICENCE].certificate_id != licence.certificate_id
    assert rules.move(app, "acceptance", STAFF, T0)  # moving again is allowed


def test_a_flagged_type_may_be_replaced_by_an_upload():
    events = accepted_events()
    events.append(rules.flag(fold(events), cert_ref(PROPERTY), 1, _cause(), T0, CATALOG))
    events.append(
        ev.EvidenceSupplied(
            application_id=APP_ID,
            type_code=PROPERTY,
            upload_ref="uploads/new-deed.pdf",
            supplied_by=STAFF,
            supplied_at=timestamp(T0),
        )
    )
    app = fold(events)
    assert not app.flags and PROPERTY not in app.evidence and app.uploads[PROPERTY]


def test_a_connected_application_is_no_longer_flagged():
    events = accepted_events()
    events += rules.move(fold(events), "acceptance", STAFF, T0)
    events += rules.move(fold(events), "metering", STAFF, T0)
    flagged = ev.ApplicationFlagged(
        application_id=APP_ID,
        certificate=cert_ref(LICENCE),
        invalidation=power_types.EVIDENCE_INVALIDATION_REVOKED,
        flagged_at=timestamp(T0),
    )
    assert domain.apply(fold(events), flagged) is None


def _cause():
    from govshare.common.v1 import types_pb2 as common

    return common.EventRef(source="/govshare/certificates", id="e", type="t")


def test_an_old_resolution_redelivered_does_not_clear_a_flag():
    events = accepted_events()
    events.append(rules.flag(fold(events), cert_ref(LICENCE), 1, _cause(), T0, CATALOG))
    assert domain.apply(fold(events), events[1]) is None  # the original EvidenceResolved
    assert fold([*events, events[1]]).flags


def test_every_power_event_type_changes_an_application_or_is_none_of_its_own():
    from services.kit.registry import events_of_topic

    types = [t.message_class for t in events_of_topic("power.v1.events")]
    assert domain.APPLY.covers(types) == []
