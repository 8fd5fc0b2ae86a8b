from datetime import UTC, datetime

import pytest

from services.kit.envelope import (
    MAX_EVENT_BYTES,
    REQUIRED_HEADERS,
    EnvelopeError,
    decode,
    encode_headers,
    make_envelope,
    to_record,
)
from services.kit.registry import event_types
from tests.samples import sample_of_topic


@pytest.fixture
def event():
    return sample_of_topic("certificates.v1.events")


def test_record_is_keyed_by_subject_with_binary_mode_headers(event):
    env = make_envelope(
        event.message,
        source="/govshare/certificates",
        subject="S-1",
        actor="staff-7",
        case_id="C-9",
        purpose="power.new-connection",
        time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    record = to_record(event.message, env)
    headers = dict(record.headers)
    assert record.topic == "certificates.v1.events"
    assert record.key == b"S-1"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == event.message.DESCRIPTOR.full_name.encode()
    assert headers["ce_time"] == b"2026-01-02T03:04:05Z"
    assert headers["content-type"] == b"application/protobuf"
    assert headers["ce_actor"] == b"staff-7"
    assert headers["ce_caseid"] == b"C-9"
    assert headers["ce_dataschema"].startswith(b"proto:govshare/certificates/v1/")


def test_decode_round_trips_every_attribute(event):
    env = make_envelope(
        event.message,
        source="/govshare/certificates",
        subject="S-1",
        purpose="p",
        traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    )
    record = to_record(event.message, env)
    got_env, got_message, kind = decode(record.headers, record.value)
    assert got_env == env
    assert got_message == event.message
    assert kind.topic.name == "certificates.v1.events"


@pytest.mark.parametrize("header", REQUIRED_HEADERS)
def test_each_missing_required_header_is_named(event, header):
    record = to_record(event.message, event.envelope)
    headers = [(n, v) for n, v in record.headers if n != header]
    with pytest.raises(EnvelopeError) as caught:
        decode(headers, record.value)
    assert caught.value.field == header


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("ce_specversion", b"0.3", "not 1.0"),
        ("content-type", b"application/json", "application/protobuf"),
        ("ce_type", b"govshare.nope.v1.Nothing", "not a govshare v1 event type"),
        ("ce_time", b"yesterday", "RFC 3339"),
        ("ce_time", b"2026-01-02T03:04:05", "time zone"),
        ("ce_id", b"\xff\xfe", "UTF-8"),
    ],
)
def test_bad_header_values_are_refused_with_the_reason(event, header, value, reason):
    record = to_record(event.message, event.envelope)
    headers = [(n, value if n == header else v) for n, v in record.headers]
    with pytest.raises(EnvelopeError, match=reason) as caught:
        decode(headers, record.value)
    assert caught.value.field == header


def test_duplicate_headers_are_ambiguous_and_refused(event):
    record = to_record(event.message, event.envelope)
    with pytest.raises(EnvelopeError, match="more than once"):
        decode([*record.headers, ("ce_id", b"other")], record.value)


def test_garbage_and_oversize_values_are_refused(event):
    headers = encode_headers(event.envelope)
    with pytest.raises(EnvelopeError, match="not a valid") as caught:
        decode(headers, b"\xff\xff\xff\xff\xff")
    assert caught.value.field == "value"
    with pytest.raises(EnvelopeError, match="exceeds"):
        decode(headers, b"\x00" * (MAX_EVENT_BYTES + 1))
    with pytest.raises(EnvelopeError, match="no value"):
        decode(headers, None)


def test_registry_knows_every_event_of_every_topic():
    types = event_types()
    topics = {t.topic.name for t in types}
    assert {
        "certificates.v1.events",
        "certificates.v1.access-log",
        "realestate.v1.events",
        "tax.v1.events",
        "power.v1.events",
        "marketreg.v1.events",
        "landsupply.v1.events",
        "projects.v1.events",
        "courts.v1.events",
        "payments.v1.events",
    } == topics
    assert all(t.name.startswith("govshare.") and ".v1." in t.name for t in types)
