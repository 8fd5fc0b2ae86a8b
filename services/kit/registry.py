"""Map `ce_type` (the full protobuf message name) to its message class and topic.

Built from the generated bindings, so a new event type in `proto/` is known here the
moment its bindings are regenerated: no hand-kept list to drift.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from google.protobuf.message import Message

from services.kit.topics import TOPICS, TopicSpec


@dataclass(frozen=True)
class EventType:
    name: str  # e.g. govshare.certificates.v1.CertificateIssued
    message_class: type[Message]
    topic: TopicSpec


class UnknownEventType(LookupError):
    pass


def _module_name(proto_file: str) -> str:
    return proto_file.removesuffix(".proto").replace("/", ".") + "_pb2"


@cache
def _registry() -> dict[str, EventType]:
    types: dict[str, EventType] = {}
    for spec in TOPICS:
        module = importlib.import_module(_module_name(spec.proto_file))
        for descriptor in module.DESCRIPTOR.message_types_by_name.values():
            cls = getattr(module, descriptor.name)
            types[descriptor.full_name] = EventType(descriptor.full_name, cls, spec)
    return types


def event_type(name: str) -> EventType:
    try:
        return _registry()[name]
    except KeyError:
        raise UnknownEventType(f"ce_type {name!r} is not a govshare v1 event type") from None


def event_types() -> list[EventType]:
    return sorted(_registry().values(), key=lambda t: t.name)


def events_of_topic(topic: str) -> list[EventType]:
    return [t for t in event_types() if t.topic.name == topic]
