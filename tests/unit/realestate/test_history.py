"""A unit's history (一码关联) entries, and the certificate lines of a case's timeline."""

from __future__ import annotations

import pytest
from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit.jsonevents import parse_event
from services.kit.registry import event_type, events_of_topic
from services.realestate import history
from services.realestate.cases import iso
from tests.samples import sample_objects
from tests.unit.realestate import events as e

NEW = common.CertificateRef(
    certificate_id="1.2.156.3005.2.111000000000193186001.123701004931056272.2025370105000318.001.M",
    type_code="111000000000193186001",
    version=1,
)


def recorded(case_id: str = e.CASE) -> ev.CertificateIssuanceRecorded:
    return ev.CertificateIssuanceRecorded(
        unit_code=e.UNIT,
        case_id=case_id,
        holder=e.BUYER,
        certificate=NEW,
        caused_by=common.EventRef(source="/govshare/certificates", id="c-1", type="t"),
        issued_at=e.at(600),
    )


def test_a_certificate_issued_for_the_unit_is_a_certificate_entry_of_its_case():
    entry = history.of_realestate(recorded())
    assert entry == {
        "kind": history.CERTIFICATE,
        "at": iso(e.at(600)),
        "event": "CertificateIssuanceRecorded",
        "summary": f"不动产权证书签发: 权利人 张丽, 证书 {NEW.certificate_id}",
        "case_id": e.CASE,
    }


def test_a_cases_certificate_lines_are_its_certificate_entries_only():
    issued = history.of_realestate(recorded())
    elsewhere = history.of_realestate(recorded("RE-370105-20250601-0002"))
    outside = history.of_realestate(recorded(""))
    registered = history.of_realestate(
        ev.RegistrationCompleted(
            unit_code=e.UNIT, case_id=e.CASE, buyer=e.BUYER, registered_at=e.at(590)
        )
    )
    entries = [x for x in (registered, elsewhere, issued, outside) if x is not None]
    assert len(entries) == 4
    assert history.issued_for(entries, e.CASE) == [issued]
    assert history.issued_for([], e.CASE) == []


# --- every event type's entry, to the byte ---------------------------------------------------

OF_TOPIC = {
    "realestate.v1.events": history.of_realestate,
    "courts.v1.events": history.of_court,
    "landsupply.v1.events": history.of_land,
    "projects.v1.events": history.of_project,
}


def sample(name: str) -> Message:
    """The contract sample (proto/samples/events.jsonl) of the event type `name`."""
    return next(
        parse_event(o).message for o in sample_objects() if o["type"].rsplit(".", 1)[1] == name
    )


def of(message: Message) -> history.Entry | None:
    return OF_TOPIC[event_type(message.DESCRIPTOR.full_name).topic.name](message)


def line(kind: str, at: str, event: str, summary: str, case_id: str = "") -> history.Entry:
    return {"kind": kind, "at": at, "event": event, "summary": summary, "case_id": case_id}


ONE = "RE-370105-20250601-0001"
SEVEN = "RE-370105-20250603-0007"
CERTIFICATE = "1.2.156.3005.2.111000000000193186001.123701004931056272.2025370105000318.001.M"
SAMPLE_ENTRIES: dict[str, history.Entry | None] = {
    "TransferApplied": line(
        history.TRANSFER,
        "2025-06-01T02:10:00+00:00",
        "TransferApplied",
        "转移登记申请: 李明 → 张丽, 成交价 235000000 分",
        ONE,
    ),
    "TransferConfirmed": line(
        history.TRANSFER, "2025-06-01T03:25:00+00:00", "TransferConfirmed", "双方确认申请", ONE
    ),
    "TransferWithdrawn": line(
        history.TRANSFER,
        "2025-06-04T08:15:00+00:00",
        "TransferWithdrawn",
        "申请撤回: 双方协商解除合同",
        SEVEN,
    ),
    "ReviewPassed": line(
        history.TRANSFER, "2025-06-01T03:25:02+00:00", "ReviewPassed", "审核通过", ONE
    ),
    "ReviewRejected": line(
        history.TRANSFER,
        "2025-06-02T01:05:09+00:00",
        "ReviewRejected",
        "不予登记: 单元已被 (2025)鲁0105执1234号 查封, 期限至 2028-05-19; "
        "卖方名下无该单元现行有效的不动产权证书",
        "RE-370105-20250602-0004",
    ),
    "ReviewReferred": line(
        history.TRANSFER,
        "2025-06-03T02:40:11+00:00",
        "ReviewReferred",
        "转人工审核: 申报面积 89.50 m², 证载面积 95.20 m²",
        SEVEN,
    ),
    "CaseClaimed": line(
        history.TRANSFER, "2025-06-03T05:02:00+00:00", "CaseClaimed", "窗口人员受理", SEVEN
    ),
    "TaxProgressRecorded": line(
        history.ASSESSMENT,
        "2025-06-04T07:30:23+00:00",
        "TaxProgressRecorded",
        "税费缴清: TA-370105-20250603-0001, 2358000 分",
        ONE,
    ),
    "RegistrationCompleted": line(
        history.REGISTRATION,
        "2025-06-05T07:30:00+00:00",
        "RegistrationCompleted",
        "转移登记完成 2025-370105-DJ-004512: 权利人 张丽",
        ONE,
    ),
    "CertificateIssuanceRecorded": line(
        history.CERTIFICATE,
        "2025-06-05T07:30:12+00:00",
        "CertificateIssuanceRecorded",
        f"不动产权证书签发: 权利人 张丽, 证书 {CERTIFICATE}",
        ONE,
    ),
    "TitleChangeRecorded": None,  # the certificate's change is the holder's history
    "DataUseRecorded": None,
    "CaseEvaluated": None,
    "CaseRectificationOpened": None,
    "CaseRectificationCompleted": None,
    "CaseRectificationFollowedUp": None,
    "PropertySealed": line(
        history.SEIZURE,
        "2025-05-20T02:00:00+00:00",
        "PropertySealed",
        "济南市天桥区人民法院 查封 (2025)鲁0105执1234号, 2025-05-20 至 2028-05-19",
    ),
    "PropertyUnsealed": line(
        history.SEIZURE,
        "2025-08-11T03:00:00+00:00",
        "PropertyUnsealed",
        "济南市天桥区人民法院 解除查封 (2025)鲁0105执1234号",
    ),
    "LandSupplied": line(
        history.LAND_SUPPLY,
        "2025-01-15T01:30:00+00:00",
        "LandSupplied",
        "土地供应 3701122025B00003: 城镇住宅用地, 受让人 济南华信置业有限公司",
    ),
    "PlanningPermitIssued": line(
        history.PLANNING,
        "2025-04-22T08:00:00+00:00",
        "PlanningPermitIssued",
        "规划许可 建字第370112202500031号: 华信·港沟花园一期",
    ),
    "ProjectApproved": line(
        history.PROJECT,
        "2025-02-26T07:00:00+00:00",
        "ProjectApproved",
        "项目审批 历城发改备〔2025〕31号: 华信·港沟花园一期",
    ),
    "ConstructionPermitIssued": line(
        history.PROJECT,
        "2025-09-15T06:30:00+00:00",
        "ConstructionPermitIssued",
        "施工许可 370112202509150101: 华信·港沟花园一期",
    ),
}


def test_the_entries_name_every_event_type_of_the_topics_read():
    types = {k.message_class.__name__ for topic in OF_TOPIC for k in events_of_topic(topic)}
    assert set(SAMPLE_ENTRIES) == types


@pytest.mark.parametrize(("name", "expected"), SAMPLE_ENTRIES.items())
def test_each_event_types_contract_sample_has_its_entry(name, expected):
    assert of(sample(name)) == expected


@pytest.mark.parametrize(
    ("stage", "detail", "summary"),
    [
        (t.TAX_STAGE_MANUAL_ASSESSMENT_PENDING, "x", "待人工核定: x"),
        (t.TAX_STAGE_MANUAL_ASSESSMENT_PENDING, "", "待人工核定: "),
        (t.TAX_STAGE_ASSESSED, "x", "税费核定: TA-1, 2358000 分 (x)"),
        (t.TAX_STAGE_ASSESSED, "", "税费核定: TA-1, 2358000 分"),
        (t.TAX_STAGE_PAID, "", "税费缴清: TA-1, 2358000 分"),
        (t.TAX_STAGE_CANCELLED, "x", "税费单作废: TA-1, 2358000 分 (x)"),
        (t.TAX_STAGE_CANCELLED, "", "税费单作废: TA-1, 2358000 分"),
    ],
)
def test_each_tax_stage_has_its_summary(stage, detail, summary):
    progress = e.tax(stage, 32)
    progress.detail = detail
    expected = line(history.ASSESSMENT, iso(e.at(32)), "TaxProgressRecorded", summary, e.CASE)
    assert history.of_realestate(progress) == expected


def test_a_land_supply_without_a_use_name_names_the_use_code():
    supplied = sample("LandSupplied")
    supplied.land_use_name = ""
    entry = history.of_land(supplied)
    assert entry is not None
    assert entry["summary"] == "土地供应 3701122025B00003: 0701, 受让人 济南华信置业有限公司"


def test_an_event_of_another_topic_has_no_entry():
    assert history.of_realestate(sample("PropertySealed")) is None
    assert history.of_court(sample("LandSupplied")) is None
    assert history.of_land(sample("ProjectApproved")) is None
    assert history.of_project(sample("TransferApplied")) is None


@pytest.mark.parametrize(
    ("topic", "table"),
    [
        ("realestate.v1.events", history.REALESTATE_ENTRIES),
        ("courts.v1.events", history.COURT_ENTRIES),
        ("landsupply.v1.events", history.LAND_ENTRIES),
        ("projects.v1.events", history.PROJECT_ENTRIES),
    ],
)
def test_every_event_type_of_a_topic_read_has_an_entry_or_is_ignored(topic, table):
    assert table.covers(k.message_class for k in events_of_topic(topic)) == []
