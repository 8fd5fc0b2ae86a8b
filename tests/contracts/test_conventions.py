"""Conventions of proto/README.md that buf cannot check, checked on the descriptors."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.descriptor import FieldDescriptor

from tests.contracts import support

EVENTS = sorted(support.event_types().values(), key=lambda e: e.name)

# Field-name suffix -> the id_kind every such field must declare.
ID_FIELD_SUFFIXES = {
    "uscc": "ID_KIND_USCC",
    "unit_code": "ID_KIND_UNIT_CODE",
    "parcel_code": "ID_KIND_PARCEL_CODE",
    "parcel_codes": "ID_KIND_PARCEL_CODE",
    "certificate_id": "ID_KIND_CERT_ID",
    "supersedes_id": "ID_KIND_CERT_ID",
    "holder_id": "ID_KIND_HOLDER_ID",
    "person_id": "ID_KIND_RESIDENT_ID",
}


def _all_messages() -> Iterator[Any]:
    """Every message type declared in a govshare .proto file, nested ones included."""

    def walk(descriptor: Any) -> Iterator[Any]:
        yield descriptor
        for nested in descriptor.nested_types:
            yield from walk(nested)

    for path in support.proto_files():
        name = path.relative_to(support.PROTO).with_suffix("").as_posix().replace("/", ".")
        module = importlib.import_module(name + "_pb2")
        for descriptor in module.DESCRIPTOR.message_types_by_name.values():
            yield from walk(descriptor)


def test_there_are_events_on_every_topic() -> None:
    topics = {e.topic for e in EVENTS}
    assert topics == {
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
    }


@pytest.mark.parametrize("event", EVENTS, ids=[e.name for e in EVENTS])
def test_event_carries_exactly_one_required_aggregate_key(event: support.EventType) -> None:
    keys = [f for f in event.descriptor.fields if support.is_aggregate_key(f)]
    assert len(keys) == 1, "an event is keyed by exactly one field"
    key = keys[0]
    assert key.type == FieldDescriptor.TYPE_STRING and not key.is_repeated
    assert support.is_required(key)


@pytest.mark.parametrize("event", EVENTS, ids=[e.name for e in EVENTS])
def test_event_has_required_fields_and_no_nested_types(event: support.EventType) -> None:
    assert any(support.is_required(f) for f in event.descriptor.fields)
    nested = [n.name for n in event.descriptor.nested_types if not n.GetOptions().map_entry]
    assert nested == [], "value types belong in types.proto, not inside an event"


def test_event_files_declare_only_events() -> None:
    """Enums and value messages of an event file's package live in another file."""
    for event in EVENTS:
        assert len(event.descriptor.file.enum_types_by_name) == 0, event.descriptor.file.name


def test_aggregate_key_appears_only_on_events() -> None:
    event_names = {e.name for e in EVENTS}
    for message in _all_messages():
        if message.full_name in event_names:
            continue
        assert not any(support.is_aggregate_key(f) for f in message.fields), message.full_name


def test_identifier_fields_declare_their_kind() -> None:
    wrong = []
    for message in _all_messages():
        for field in message.fields:
            kind = support.id_kind(field)
            if kind != "ID_KIND_UNSPECIFIED" and field.type != FieldDescriptor.TYPE_STRING:
                wrong.append(f"{field.full_name}: id_kind on a non-string field")
            for suffix, expected in ID_FIELD_SUFFIXES.items():
                if field.name.endswith(suffix) and kind != expected:
                    wrong.append(f"{field.full_name}: id_kind {kind}, expected {expected}")
    assert wrong == []


def test_no_floating_point_anywhere() -> None:
    """Money is integer fen, areas integer 0.01 m², rates integer ppm: never floats."""
    floats = (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE)
    found = [f.full_name for m in _all_messages() for f in m.fields if f.type in floats]
    assert found == []


def test_option_numbers_are_stable() -> None:
    from govshare.common.v1 import options_pb2

    assert options_pb2.required.number == 50001
    assert options_pb2.id_kind.number == 50002
    assert options_pb2.aggregate_key.number == 50003
