"""Which handler of realestate's feeds (feeds.py) each consumed topic's event types go to."""

from __future__ import annotations

import pytest

from services.kit.registry import events_of_topic
from services.realestate import feeds


@pytest.mark.parametrize(
    ("topic", "table"),
    [
        ("courts.v1.events", feeds.COURT_EVENTS),
        ("tax.v1.events", feeds.TAX_EVENTS),
        ("certificates.v1.events", feeds.CERTIFICATE_EVENTS),
    ],
)
def test_every_event_type_of_a_consumed_topic_is_handled_or_ignored(topic, table):
    assert table.covers(t.message_class for t in events_of_topic(topic)) == []
