"""No dead end (issue 15, item 5): a bad grade's rectification is completed by power staff
and followed up (回访) with the applicant; one left late shows in the overdue gauge the
RectificationFollowUpOverdue alert reads, and clears once followed up. The power service
runs on a topic prefix of its own, restarted with a later clock to make it late."""

from __future__ import annotations

import asyncio
import uuid

from services.kit.admin import ensure_topics
from services.kit.auth import mint_dev_token
from services.kit.topics import all_topic_names
from tests.helpers import metric_value
from tests.integration.power.support import (
    OPERATOR,
    base_env,
    certificates_service,
    holder_uscc,
    power_service,
    unit_code,
)

OVERDUE = "govshare_power_rectifications_overdue"


def enterprise(holder: str) -> str:
    return mint_dev_token("enterprise", holder, name="泉城测试餐饮有限公司")


def test_a_rectification_is_completed_followed_up_and_alerted_when_late(broker, tmp_path_factory):
    prefix = f"t{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(broker.bootstrap, all_topic_names(prefix), partitions=4))
    env = base_env(broker.bootstrap, prefix)
    holder, unit = holder_uscc(), unit_code()
    with certificates_service(env, tmp_path_factory.mktemp("keys")) as certs:
        certs.licence(holder)
        certs.property(holder, unit)
        with power_service(env, certs.grpc_port) as power:
            request = {"matter_code": "lv-nonresident-new", "requested_capacity_w": 60000,
                       "unit_code": unit}  # fmt: skip
            status, app = power.call("POST", "/v1/applications", enterprise(holder), request)
            assert status == 201, app
            app_id = app["application_id"]
            base = f"/v1/applications/{app_id}"
            for step in ("acceptance", "metering"):
                assert power.call("POST", f"{base}/advance", OPERATOR, {"current_step": step})[0]
            status, rated = power.call(
                "POST", f"{base}/evaluation", enterprise(holder), {"grade": "very-dissatisfied"}
            )
            assert status == 200 and rated["rectification"]["status"] == "open", rated
            # Staff only: the applicant neither completes nor follows up.
            done = {"action": "约谈装表班组, 修订预约制度"}
            assert power.call("POST", f"{base}/rectification/completion",
                              enterprise(holder), done)[0] == 403  # fmt: skip
            called = {"applicant_satisfied": True, "note": "电话回访, 申请人认可"}
            early = power.call("POST", f"{base}/rectification/follow-up", OPERATOR, called)
            assert early[0] == 409, early
            status, completed = power.call(
                "POST", f"{base}/rectification/completion", OPERATOR, done
            )
            assert status == 200, completed
            item = completed["rectification"]
            assert item["status"] == "completed" and item["action"] == done["action"]
            assert item["follow_up_due_date"] and item["overdue"] is None
            assert metric_value(power.metrics(), OVERDUE, phase="follow_up") == 0

        # Thirty days later the follow-up is late: the gauge the alert reads says so.
        with power_service(env, certs.grpc_port, GOVSHARE_POWER_CLOCK_OFFSET_DAYS="30") as later:
            listed = later.call("GET", "/v1/staff/rectifications?overdue=true", OPERATOR)[1]
            assert [r["application_id"] for r in listed["rectifications"]] == [app_id]
            assert listed["rectifications"][0]["overdue"] == "follow_up"
            assert metric_value(later.metrics(), OVERDUE, phase="follow_up") == 1
            status, closed = later.call("POST", f"{base}/rectification/follow-up", OPERATOR,
                                        called)  # fmt: skip
            assert status == 200, closed
            item = closed["rectification"]
            assert item["status"] == "followed_up" and item["applicant_satisfied"] is True
            assert item["overdue"] is None
            assert metric_value(later.metrics(), OVERDUE, phase="follow_up") == 0
            events = later.call("GET", f"{base}/timeline", enterprise(holder))[1]["events"]
            whats = [e["what"] for e in events]
            assert whats[-3:] == ["rectification_opened", "rectification_completed", "followed_up"]
            assert events[-1]["by"] is not None
