"""Early preparation from land-supply and project feeds (pure)."""

from datetime import timedelta

from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import types_pb2 as power_types

from services.kit import validation
from services.kit.jsonevents import parse_event
from services.power import preparation
from tests.samples import sample_objects
from tests.unit.power.support import CATALOG, T0

PARCEL = "370112005003GB00027"


def _sample(type_name: str):
    obj = next(o for o in sample_objects() if o["type"].endswith(type_name))
    return parse_event(obj).message


def _cause(event_id: str = "feed-1") -> common.EventRef:
    return common.EventRef(source="/dept/landsupply", id=event_id, type="t")


def _run(message, stored=None, cause=None):
    return preparation.preparations_for(
        message, cause or _cause(), lambda parcel: stored, CATALOG.prepared_steps, T0
    )


def test_land_supply_starts_a_prepared_project_that_skips_the_survey():
    (started,) = _run(_sample("LandSupplied"))
    assert started.parcel_code == PARCEL
    assert started.source == power_types.PREPARATION_SOURCE_LAND_SUPPLY
    assert started.planned_load_w == 1600000
    assert list(started.prepared_steps) == ["survey"]
    assert started.owner.id == "91370100705882496U" and started.contact.name
    assert started.preparation_id.startswith("PP-370112-")
    assert validation.check(started) == []


def test_the_same_feed_event_names_the_same_preparation():
    (a,) = _run(_sample("LandSupplied"))
    (b,) = _run(_sample("LandSupplied"))
    assert a.preparation_id == b.preparation_id
    (c,) = _run(_sample("LandSupplied"), cause=_cause("feed-2"))
    assert c.preparation_id != a.preparation_id


def test_without_a_planned_load_nothing_is_prepared():
    land = _sample("LandSupplied")
    land.planned_load_w = 0
    assert _run(land) == []


def test_a_planning_permit_only_completes_a_started_preparation():
    permit = _sample("PlanningPermitIssued")
    assert _run(permit) == []
    (started,) = _run(_sample("LandSupplied"))
    (updated,) = _run(permit, stored=started, cause=_cause("feed-3"))
    assert updated.preparation_id == started.preparation_id
    assert updated.project_code == permit.project_code
    assert updated.planned_load_w == started.planned_load_w
    assert updated.source == power_types.PREPARATION_SOURCE_PLANNING_PERMIT


def test_a_feed_event_that_adds_nothing_produces_nothing():
    (started,) = _run(_sample("LandSupplied"))
    assert _run(_sample("LandSupplied"), stored=started, cause=_cause("feed-9")) == []


def test_a_project_approval_prepares_every_parcel_it_names():
    approval = _sample("ProjectApproved")
    found = _run(approval)
    assert [p.parcel_code for p in found] == list(approval.parcel_codes)
    assert all(p.project_code == approval.project_code for p in found)


def test_merge_keeps_the_first_id_and_ignores_a_repeat():
    (first,) = _run(_sample("LandSupplied"))
    assert preparation.merge(None, first) == first
    assert preparation.merge(first, first) is None
    (rival,) = _run(_sample("LandSupplied"), cause=_cause("other"))
    assert preparation.merge(first, rival) is None  # same content, only the id differs
    rival.planned_load_w = 2000000
    rival.started_at.FromDatetime(T0 + timedelta(days=1))
    merged = preparation.merge(first, rival)
    assert merged is not None and merged.preparation_id == first.preparation_id
    assert merged.planned_load_w == 2000000
