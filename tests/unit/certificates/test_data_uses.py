"""Every use in the holder's access log (issue 15, item 4): a department's own use of
people's data, said on its topic, becomes one PersonalDataUsed per holder."""

import pytest
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as re_events

from services.certificates import feeds
from services.kit import validation

REGISTRY = common.Party(kind=common.PARTY_KIND_DEPARTMENT, id="123701004931056272", name="登记中心")
HOLDERS = ["370102198003152316", "370105199107224525"]


def read(use: str = "case-read") -> re_events.DataUseRecorded:
    event = re_events.DataUseRecorded(
        unit_code="370105012002GB00001F00010751",
        case_id="RE-370105-20250601-0001",
        holder_ids=HOLDERS,
        user=REGISTRY,
        used_by=common.Actor(
            kind=common.ACTOR_KIND_PERSON, person_name="王窗口 (re-01)", on_behalf_of=REGISTRY
        ),
        use=use,
        purpose="不动产转移登记 窗口人员查阅办件",
        legal_basis="《个人信息保护法》第三十四条",
        data_described="转移登记案件",
    )
    event.occurred_at.GetCurrentTime()
    return event


def test_each_holder_gets_an_entry_with_actor_purpose_and_legal_basis():
    entries = feeds.personal_data_used(read(), {h: f"A-{h}" for h in HOLDERS})
    assert [e.holder_id for e in entries] == HOLDERS
    for entry in entries:
        assert validation.check(entry) == []
        assert entry.use == t.DATA_USE_CASE_READ and entry.access_id == f"A-{entry.holder_id}"
        assert entry.used_by.person_name == "王窗口 (re-01)" and entry.user.id == REGISTRY.id
        assert entry.purpose and entry.legal_basis and entry.data_described == "转移登记案件"
        assert entry.case_id == "RE-370105-20250601-0001"


def test_the_uses_the_departments_name_are_known_to_the_access_log():
    assert feeds.data_use("unit-history-read") == t.DATA_USE_UNIT_HISTORY_READ
    assert feeds.data_use("transfer-assessed") == t.DATA_USE_TRANSFER_ASSESSED
    assert feeds.data_use("queue-read") == t.DATA_USE_QUEUE_READ
    with pytest.raises(ValueError):
        feeds.personal_data_used(read("sold-to-advertisers"), {})
