"""What applicants and staff see: steps like a parcel's tracking, ids masked."""

from datetime import timedelta

from services.power import rules, views
from tests.unit.power.support import CATALOG, CITIZEN, STAFF, T0, accepted_events, fold, submitted


def test_the_view_lists_every_planned_step_with_its_state_and_deadline():
    events = accepted_events()
    events += rules.move(fold(events), "acceptance", STAFF, T0 + timedelta(hours=1))
    view = views.application(fold(events), CATALOG, T0 + timedelta(hours=2))
    assert view["status"] == "in-progress" and view["evidence_free"] is True
    assert [s["state"] for s in view["steps"]] == ["done", "current"]
    done, current = view["steps"]
    assert done["done_by"]["name"] == "周涛" and done["deadline"].endswith("Z")
    assert current["overdue"] is False and current["step_name"] == "装表接电"
    assert view["current_step"] == "metering"
    assert {e["type_name"] for e in view["evidence_used"]} == {"营业执照", "不动产权证书"}


def test_the_timeline_has_one_line_per_event_with_who_and_when():
    events = accepted_events()
    line = views.timeline(fold(events), events, CATALOG, T0)
    whats = [e["what"] for e in line["events"]]
    assert whats == ["submitted", "evidence_resolved", "accepted", "step_entered"]
    assert line["events"][-1]["by"]["kind"] == "system"


def test_a_citizens_id_is_masked_in_actors():
    event = submitted("lv-resident-new", applicant=CITIZEN)
    event.submitted_by.person_id = CITIZEN.id
    shown = views.actor(event.submitted_by)
    assert shown is not None and shown["person_id"] == "110105**********2X"


def test_prepared_steps_show_as_skipped():
    from govshare.power.v1 import events_pb2 as ev

    prepared = ev.PreparationStarted(preparation_id="PP-1", prepared_steps=["survey"])
    app = fold(accepted_events("hv-new", prepared))
    view = views.application(app, CATALOG, T0)
    assert [s["step_code"] for s in view["steps"]] == ["acceptance", "plan-reply", "metering"]
    assert view["skipped_steps"][0]["step_code"] == "survey"
    assert view["preparation_id"] == "PP-1"


def test_every_power_event_type_has_a_timeline_line_or_is_never_on_one():
    from services.kit.registry import events_of_topic
    from services.power import domain

    types = [t.message_class for t in events_of_topic("power.v1.events")]
    assert views.LINES.covers(types) == []
    assert views.LINES.handled == domain.APPLY.handled  # each event an application keeps
