"""The power service as a real process beside a real certificates service on the session
broker: evidence-free applications, early preparation, steps, flags, evaluation."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import date

import pytest

from devtools.samples import LICENCE, PROPERTY
from services.kit.admin import ensure_topics
from services.kit.auth import mint_dev_token
from services.kit.envelope import encode_headers
from services.kit.topics import all_topic_names
from services.kit.workdays import add_working_days
from tests.helpers import metric_value, read_topic, wait_until
from tests.integration.power.support import (
    OPERATOR,
    Certificates,
    Http,
    base_env,
    certificates_service,
    holder_uscc,
    parcel_code,
    power_service,
    produce,
    resident_id,
    unit_code,
)
from tests.samples import sample_of_topic


class Platform:
    def __init__(self, prefix: str, bootstrap: str, certs: Certificates, power: Http) -> None:
        self.prefix, self.bootstrap, self.certs, self.power = prefix, bootstrap, certs, power


@pytest.fixture(scope="module")
def platform(broker, tmp_path_factory) -> Iterator[Platform]:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = base_env(broker.bootstrap, prefix)
    with (
        certificates_service(env, tmp_path_factory.mktemp("keys")) as certs,
        power_service(env, certs.grpc_port) as power,
    ):
        yield Platform(prefix, broker.bootstrap, certs, power)


def enterprise(holder: str) -> str:
    return mint_dev_token("enterprise", holder, name="泉城测试餐饮有限公司")


def apply(platform: Platform, holder: str, unit: str, **body: object) -> tuple[int, dict]:
    request = {
        "matter_code": "lv-nonresident-new",
        "requested_capacity_w": 60000,
        "unit_code": unit,
    }
    return platform.power.call("POST", "/v1/applications", enterprise(holder), request | body)


def advance(platform: Platform, app_id: str, step: str, token: str = OPERATOR) -> tuple[int, dict]:
    path = f"/v1/applications/{app_id}/advance"
    return platform.power.call("POST", path, token, {"current_step": step})


def test_lv_application_is_accepted_without_uploads_and_connects_in_two_steps(platform):
    holder, unit = holder_uscc(), unit_code()
    licence = platform.certs.licence(holder)
    deed = platform.certs.property(holder, unit)

    status, app = apply(platform, holder, unit)
    assert status == 201, app
    assert app["status"] == "in-progress" and app["evidence_free"] is True
    assert app["uploads_used"] == [] and app["missing_evidence"] == []
    used = {(e["certificate_id"], e["version"]) for e in app["evidence_used"]}
    assert used == {(licence.id, licence.version), (deed.id, deed.version)}
    assert [s["step_code"] for s in app["steps"]] == ["acceptance", "metering"]
    app_id = app["application_id"]

    assert advance(platform, app_id, "acceptance")[0] == 200
    status, done = advance(platform, app_id, "metering")
    assert status == 200 and done["status"] == "connected"

    status, timeline = platform.power.call(
        "GET", f"/v1/applications/{app_id}/timeline", enterprise(holder)
    )
    assert status == 200
    assert [(s["step_code"], s["state"]) for s in timeline["steps"]] == [
        ("acceptance", "done"),
        ("metering", "done"),
    ]
    assert all(s["deadline"] and s["entered_by"] and s["done_at"] for s in timeline["steps"])
    assert timeline["steps"][1]["done_by"]["name"] == "周涛"
    connected = [e for e in timeline["events"] if e["what"] == "connected"]
    assert connected[0]["steps_taken"] == 2

    # The holder sees at the certificates service that the power company used their data
    # for this application, and on which legal basis.
    log = platform.certs.http.call("GET", "/v1/me/access-log", enterprise(holder))[1]["entries"]
    grants = [e for e in log if e["case_id"] == app_id and e["outcome"] == "granted"]
    assert grants and all(g["requester"]["id"] == "91370100863014379C" for g in grants)
    assert {r["type_code"] for g in grants for r in g["released"]} == {LICENCE, PROPERTY}

    text = platform.power.metrics()
    assert (
        metric_value(text, "govshare_power_applications_accepted_total", evidence_free="true") >= 1
    )
    assert metric_value(text, "govshare_power_time_to_connect_seconds_count") >= 1
    assert metric_value(text, "govshare_power_applications_total", outcome="connected") >= 1


def test_a_citizen_needs_only_the_property_certificate(platform):
    person, unit = resident_id(), unit_code()
    deed = platform.certs.property(person, unit, citizen=True)
    token = mint_dev_token("citizen", person, name="李四")
    body = {"matter_code": "lv-resident-new", "requested_capacity_w": 8000, "unit_code": unit}
    status, app = platform.power.call("POST", "/v1/applications", token, body)
    assert status == 201, app
    assert app["status"] == "in-progress" and app["evidence_free"] is True
    assert [e["certificate_id"] for e in app["evidence_used"]] == [deed.id]
    mine = platform.power.call("GET", "/v1/me/applications", token)[1]["applications"]
    assert [a["application_id"] for a in mine] == [app["application_id"]]


def test_the_missing_property_certificate_is_named_and_only_it_may_be_uploaded(platform):
    holder, unit = holder_uscc(), unit_code()
    platform.certs.licence(holder)

    status, app = apply(platform, holder, unit)
    assert status == 201 and app["status"] == "evidence-requested"
    assert [m["type_code"] for m in app["missing_evidence"]] == [PROPERTY]
    assert app["missing_evidence"][0]["type_name"] == "不动产权证书"
    path = f"/v1/applications/{app['application_id']}/evidence"
    token = enterprise(holder)
    status, refused = platform.power.call(
        "POST", path, token, {"type_code": LICENCE, "upload_ref": "uploads/licence.pdf"}
    )
    assert status == 409 and refused["field"] == "type_code"
    status, accepted = platform.power.call(
        "POST", path, token, {"type_code": PROPERTY, "upload_ref": "uploads/power/lease.pdf"}
    )
    assert status == 200 and accepted["status"] == "in-progress"
    assert accepted["evidence_free"] is False
    assert accepted["uploads_used"] == [
        {"type_code": PROPERTY, "upload_ref": "uploads/power/lease.pdf"}
    ]
    text = platform.power.metrics()
    assert (
        metric_value(text, "govshare_power_applications_accepted_total", evidence_free="false") >= 1
    )


def test_a_revoked_licence_flags_the_application_until_it_is_refreshed(platform):
    holder, unit = holder_uscc(), unit_code()
    licence = platform.certs.licence(holder)
    platform.certs.property(holder, unit)
    app_id = apply(platform, holder, unit)[1]["application_id"]
    token = enterprise(holder)

    platform.certs.revoke(licence.id)

    def flagged() -> list[dict]:
        return platform.power.call("GET", f"/v1/applications/{app_id}", token)[1][
            "evidence_to_refresh"
        ]

    wait_until(lambda: bool(flagged()), 20, "the application flagged")
    (refresh,) = flagged()
    assert refresh["certificate_id"] == licence.id and refresh["type_name"] == "营业执照"
    assert "营业执照" in refresh["reason"]
    status, blocked = advance(platform, app_id, "acceptance")
    assert status == 409 and blocked["field"] == "evidence"

    # Applying again now: the revoked licence counts as missing, and says why.
    status, again = apply(platform, holder, unit)
    assert status == 201 and again["status"] == "evidence-requested"
    (gone,) = again["missing_evidence"]
    assert gone["type_code"] == LICENCE and gone["status"] == "NOT_CURRENT"
    assert "REVOKED" in gone["detail"]

    renewed = platform.certs.licence(holder)
    status, app = platform.power.call("POST", f"/v1/applications/{app_id}/evidence/refresh", token)
    assert status == 200 and app["evidence_to_refresh"] == []
    assert renewed.id in {e["certificate_id"] for e in app["evidence_used"]}
    assert advance(platform, app_id, "acceptance")[0] == 200


def test_land_supply_prepares_the_parcel_and_high_voltage_completes_in_three_steps(platform):
    parcel = parcel_code("370112")
    land = sample_of_topic("landsupply.v1.events")
    land.message.parcel_code = parcel
    env = land.envelope.__class__(**{**land.envelope.__dict__, "subject": parcel})
    record = (parcel.encode(), land.message.SerializeToString(), encode_headers(env))
    topic = platform.prefix + "landsupply.v1.events"
    asyncio.run(produce(platform.bootstrap, topic, [record, record]))  # once, redelivered

    def prepared() -> dict | None:
        status, body = platform.power.call("GET", f"/v1/preparations/{parcel}", OPERATOR)
        return body if status == 200 else None

    wait_until(lambda: prepared() is not None, 20, "the preparation")
    preparation = prepared()
    assert preparation["prepared_steps"] == ["survey"] and preparation["source"] == "land_supply"

    holder = holder_uscc()
    unit = unit_code(parcel)
    platform.certs.licence(holder)
    platform.certs.property(holder, unit)
    status, app = apply(platform, holder, unit, matter_code="hv-new", requested_capacity_w=800000)
    assert status == 201, app
    assert app["preparation_id"] == preparation["preparation_id"]
    steps = [s["step_code"] for s in app["steps"]]
    assert steps == ["acceptance", "plan-reply", "metering"]
    assert app["skipped_steps"][0]["step_code"] == "survey"
    for step in steps:
        status, app = advance(platform, app["application_id"], step)
        assert status == 200, app
    assert app["status"] == "connected"
    assert len([s for s in app["steps"] if s["state"] == "done"]) == 3

    # Without preparation, high voltage still has the survey.
    other_holder, other_unit = holder_uscc(), unit_code(parcel_code("370112"))
    platform.certs.licence(other_holder)
    platform.certs.property(other_holder, other_unit)
    status, plain = apply(
        platform, other_holder, other_unit, matter_code="hv-new", requested_capacity_w=800000
    )
    assert status == 201 and len(plain["steps"]) == 4 and plain["preparation_id"] is None


def test_evaluation_after_connection_and_a_bad_grade_opens_rectification(platform):
    holder, unit = holder_uscc(), unit_code()
    platform.certs.licence(holder)
    platform.certs.property(holder, unit)
    app_id = apply(platform, holder, unit)[1]["application_id"]
    path = f"/v1/applications/{app_id}/evaluation"
    token = enterprise(holder)
    early = platform.power.call("POST", path, token, {"grade": "satisfied"})
    assert early[0] == 409
    advance(platform, app_id, "acceptance")
    advance(platform, app_id, "metering")

    status, rated = platform.power.call(
        "POST", path, token, {"grade": "dissatisfied", "comment": "装表比承诺晚了"}
    )
    assert status == 200, rated
    assert rated["evaluation"]["grade_name"] == "不满意"
    item = rated["rectification"]
    opened = date.fromisoformat(item["opened_at"][:10])
    assert date.fromisoformat(item["due_date"]) in {
        add_working_days(opened, 15),
        add_working_days(opened, 16),  # opened after 16:00Z is the next local day
    }
    assert platform.power.call("POST", path, token, {"grade": "satisfied"})[0] == 409
    stranger = enterprise(holder_uscc())
    assert platform.power.call("POST", path, stranger, {"grade": "satisfied"})[0] == 404
    text = platform.power.metrics()
    assert metric_value(text, "govshare_power_evaluations_total", grade="dissatisfied") >= 1
    assert metric_value(text, "govshare_power_rectifications_opened_total") >= 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"applicant_id": "91370100705882496X"}, "applicant_id"),
        ({"matter_code": "nuclear-new"}, "matter_code"),
        ({"requested_capacity_w": 0}, "requested_capacity_w"),
        ({"requested_capacity_w": 10**12}, "requested_capacity_w"),
        ({"unit_code": "3701050120"}, "unit_code"),
    ],
)
def test_bad_input_is_refused_with_the_field_at_fault(platform, body, field):
    status, answer = apply(platform, holder_uscc(), unit_code(), **body)
    assert status == 422, answer
    assert answer["field"] == field and answer["reason"]


def test_strangers_and_the_wrong_staff_are_kept_out(platform):
    holder, unit = holder_uscc(), unit_code()
    platform.certs.licence(holder)
    platform.certs.property(holder, unit)
    app_id = apply(platform, holder, unit)[1]["application_id"]
    path = f"/v1/applications/{app_id}"
    power = platform.power

    assert power.call("GET", path)[0] == 401
    assert power.call("GET", path, enterprise(holder_uscc()))[0] == 404  # another applicant
    assert power.call("GET", path + "/timeline", enterprise(holder_uscc()))[0] == 404
    assert power.call("GET", path, OPERATOR)[0] == 200
    citizen = mint_dev_token("citizen", "11010519491231002X")
    assert apply(platform, holder, unit)[0] == 201  # the same enterprise may apply again
    status, refused = power.call(
        "POST",
        "/v1/applications",
        citizen,
        {"matter_code": "lv-nonresident-new", "requested_capacity_w": 60000, "unit_code": unit},
    )
    assert status == 403 and refused["field"] == "matter_code"

    staff = {
        "applicant": enterprise(holder),
        "other department": mint_dev_token(
            "staff", "rs-1", department="realestate", roles=["operator"], region="370100"
        ),
        "no operator role": mint_dev_token("staff", "pw-2", department="power", region="370100"),
        "other region": mint_dev_token(
            "staff", "pw-3", department="power", roles=["operator"], region="370200"
        ),
    }
    for who, token in staff.items():
        assert advance(platform, app_id, "acceptance", token)[0] == 403, who
    assert power.call("GET", path, staff["other region"])[0] == 404
    assert advance(platform, app_id, "acceptance")[0] == 200


async def test_redelivered_and_replayed_events_change_nothing(platform):
    holder, unit = holder_uscc(), unit_code()
    platform.certs.licence(holder)
    platform.certs.property(holder, unit)
    app_id = apply(platform, holder, unit)[1]["application_id"]
    advance(platform, app_id, "acceptance")
    token = enterprise(holder)
    before = platform.power.call("GET", f"/v1/applications/{app_id}/timeline", token)[1]

    topic = platform.prefix + "power.v1.events"
    everything = await read_topic(platform.bootstrap, topic, 1)
    while True:  # read until this application's events are all there
        mine = [r for r in everything if r.key == app_id.encode()]
        if len(mine) >= len(before["events"]):
            break
        everything = await read_topic(platform.bootstrap, topic, len(everything) + 1)
    same = [(r.key, r.value, list(r.headers)) for r in mine]
    fresh = [
        (key, value, [(n, str(uuid.uuid4()).encode() if n == "ce_id" else v) for n, v in headers])
        for key, value, headers in same
    ]
    metrics = platform.power.metrics
    labels = {"topic": topic}
    duplicates = metric_value(
        metrics(), "govshare_events_consumed_total", outcome="duplicate", **labels
    )
    handled = metric_value(metrics(), "govshare_events_consumed_total", outcome="handled", **labels)
    await produce(platform.bootstrap, topic, same + fresh)

    def caught_up() -> bool:
        text = metrics()
        return metric_value(
            text, "govshare_events_consumed_total", outcome="duplicate", **labels
        ) >= duplicates + len(same) and metric_value(
            text, "govshare_events_consumed_total", outcome="handled", **labels
        ) >= handled + len(fresh)

    await asyncio.to_thread(wait_until, caught_up, 20, "the replay consumed")
    after = platform.power.call("GET", f"/v1/applications/{app_id}/timeline", token)[1]
    assert after == before


def test_an_application_accepted_without_its_first_step_gets_it_from_its_worker(platform, broker):
    """The worker that accepted it was killed before entering the first step, and the
    applicant never retries: the log ends at ApplicationAccepted (an application's
    first three events, replayed onto a fresh service's topic). The worker owning it
    enters the step itself once the grace period has passed."""
    holder, unit = holder_uscc(), unit_code()
    platform.certs.licence(holder)
    platform.certs.property(holder, unit)
    status, made = apply(platform, holder, unit)
    assert status == 201 and made["current_step"] == "acceptance", made
    app_id = made["application_id"]
    topic = "power.v1.events"
    everything = asyncio.run(read_topic(platform.bootstrap, platform.prefix + topic, 1))
    while len(mine := [r for r in everything if r.key == app_id.encode()]) < 4:
        more = len(everything) + 1
        everything = asyncio.run(read_topic(platform.bootstrap, platform.prefix + topic, more))
    kinds = [dict(r.headers)["ce_type"].decode().rpartition(".")[2] for r in mine]
    assert kinds[2:] == ["ApplicationAccepted", "StepAdvanced"], kinds
    cut_short = [(r.key, r.value, list(r.headers)) for r in mine[:3]]

    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    asyncio.run(produce(broker.bootstrap, prefix + topic, cut_short))
    env = base_env(broker.bootstrap, prefix)
    grace = {"GOVSHARE_POWER_FIRST_STEP_GRACE_S": "1"}
    with power_service(env, platform.certs.grpc_port, **grace) as power:
        path = f"/v1/applications/{app_id}"
        wait_until(
            lambda: power.call("GET", path, OPERATOR)[1].get("current_step") == "acceptance",
            20,
            "the first step",
        )
        timeline = power.call("GET", path + "/timeline", OPERATOR)[1]
    entered = [e for e in timeline["events"] if e["what"] == "step_entered"]
    assert [e["step_code"] for e in entered] == ["acceptance"], timeline
    assert entered[0]["by"]["kind"] == "system"


def test_an_overdue_step_is_flagged_and_counted_after_a_restart_with_a_later_clock(
    platform, broker
):
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = base_env(broker.bootstrap, prefix)
    holder, unit = holder_uscc(), unit_code()
    platform.certs.licence(holder)
    platform.certs.property(holder, unit)
    port = platform.certs.grpc_port
    with power_service(env, port) as power:
        request = {
            "matter_code": "lv-nonresident-new",
            "requested_capacity_w": 60000,
            "unit_code": unit,
        }
        status, app = power.call("POST", "/v1/applications", enterprise(holder), request)
        assert status == 201 and app["steps_overdue"] == 0
    app_id = app["application_id"]
    path = f"/v1/applications/{app_id}/timeline"
    # Ten days later every one-working-day limit has passed, whatever today is.
    with power_service(env, port, GOVSHARE_POWER_CLOCK_OFFSET_DAYS="10") as later:
        recovered = later.call("GET", path, OPERATOR)[1]
        assert recovered["status"] == "in-progress", recovered
        wait_until(
            lambda: later.call("GET", path, OPERATOR)[1]["steps_overdue"] == 1, 20, "overdue"
        )
        timeline = later.call("GET", path, OPERATOR)[1]
        assert timeline["steps"][0]["overdue"] is True
        assert [e["step_code"] for e in timeline["events"] if e["what"] == "step_overdue"] == [
            "acceptance"
        ]
        queue = later.call("GET", "/v1/staff/applications?overdue=true", OPERATOR)[1]
        assert [a["application_id"] for a in queue["applications"]] == [app_id]
        text = later.metrics()
        assert metric_value(text, "govshare_power_steps_overdue_total", step="acceptance") == 1
