"""CloudEvents 1.0, Kafka protocol binding, binary mode.

The record value is the protobuf bytes of the event; every context attribute travels
as a `ce_*` header. `(ce_source, ce_id)` is the dedup key. The acting party, case id
and purpose ride along as extension attributes (the event-world form of X-Road's
UserId / Issue headers) so every change stays attributable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from google.protobuf.message import DecodeError, Message

from services.kit.clock import SYSTEM, rfc3339
from services.kit.registry import EventType, UnknownEventType, event_type

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/protobuf"
MAX_EVENT_BYTES = 1024 * 1024

Headers = list[tuple[str, bytes]]

# Extension attributes: CloudEvents allows lowercase alphanumerics only.
_OPTIONAL_HEADERS = {
    "ce_dataschema": "dataschema",
    "traceparent": "traceparent",
    "ce_actor": "actor",
    "ce_department": "department",
    "ce_caseid": "case_id",
    "ce_purpose": "purpose",
}
REQUIRED_HEADERS = (
    "ce_specversion",
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_time",
    "ce_subject",
    "content-type",
)


class EnvelopeError(ValueError):
    """An event that cannot be accepted; `field` names the header or field at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    time: datetime
    subject: str
    dataschema: str | None = None
    traceparent: str | None = None
    actor: str | None = None
    department: str | None = None
    case_id: str | None = None
    purpose: str | None = None

    @property
    def dedup_key(self) -> str:
        return f"{self.source}|{self.id}"


@dataclass(frozen=True)
class Record:
    """One Kafka record, ready to produce."""

    topic: str
    key: bytes
    value: bytes
    headers: Headers = field(default_factory=list)


def dataschema_for(message: Message) -> str:
    return f"proto:{message.DESCRIPTOR.file.name}#{message.DESCRIPTOR.full_name}"


def make_envelope(
    message: Message,
    *,
    source: str,
    subject: str,
    event_id: str | None = None,
    time: datetime | None = None,
    traceparent: str | None = None,
    actor: str | None = None,
    department: str | None = None,
    case_id: str | None = None,
    purpose: str | None = None,
) -> Envelope:
    return Envelope(
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=message.DESCRIPTOR.full_name,
        time=time or SYSTEM.now(),
        subject=subject,
        dataschema=dataschema_for(message),
        traceparent=traceparent,
        actor=actor,
        department=department,
        case_id=case_id,
        purpose=purpose,
    )


def encode_headers(env: Envelope) -> Headers:
    headers: Headers = [
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", env.id.encode()),
        ("ce_source", env.source.encode()),
        ("ce_type", env.type.encode()),
        ("ce_time", rfc3339(env.time).encode()),
        ("ce_subject", env.subject.encode()),
        ("content-type", CONTENT_TYPE.encode()),
    ]
    for header, attr in _OPTIONAL_HEADERS.items():
        value = getattr(env, attr)
        if value:
            headers.append((header, value.encode()))
    return headers


def to_record(message: Message, env: Envelope, *, topic: str | None = None) -> Record:
    """The record for `message`; the topic defaults to the one its type belongs to."""
    kind = event_type(env.type)
    if not isinstance(message, kind.message_class):
        raise EnvelopeError("ce_type", f"{env.type} does not match {type(message).__name__}")
    return Record(
        topic=topic or kind.topic.name,
        key=env.subject.encode(),
        value=message.SerializeToString(deterministic=True),
        headers=encode_headers(env),
    )


def _header_map(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, raw in headers or ():
        if name in found:
            raise EnvelopeError(name, "header appears more than once")
        if raw is None:
            continue
        try:
            found[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EnvelopeError(name, "header is not UTF-8") from None
    return found


def _parse_time(raw: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise EnvelopeError("ce_time", f"{raw!r} is not an RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        raise EnvelopeError("ce_time", f"{raw!r} has no time zone offset")
    return parsed


def decode(
    headers: Sequence[tuple[str, bytes | None]] | None, value: bytes | None
) -> tuple[Envelope, Message, EventType]:
    """Parse a record into its envelope and typed event, or raise EnvelopeError."""
    found = _header_map(headers or ())
    for name in REQUIRED_HEADERS:
        if not found.get(name):
            raise EnvelopeError(name, "required CloudEvents header is missing or empty")
    if found["ce_specversion"] != SPEC_VERSION:
        raise EnvelopeError("ce_specversion", f"{found['ce_specversion']!r} is not 1.0")
    if found["content-type"] != CONTENT_TYPE:
        raise EnvelopeError("content-type", f"{found['content-type']!r} is not {CONTENT_TYPE}")
    try:
        kind = event_type(found["ce_type"])
    except UnknownEventType as exc:
        raise EnvelopeError("ce_type", str(exc)) from None
    if value is None:
        raise EnvelopeError("value", "record has no value")
    if len(value) > MAX_EVENT_BYTES:
        raise EnvelopeError("value", f"{len(value)} bytes exceeds the {MAX_EVENT_BYTES} limit")
    try:
        message = kind.message_class.FromString(value)
    except DecodeError as exc:
        raise EnvelopeError("value", f"not a valid {kind.name}: {exc}") from None
    env = Envelope(
        id=found["ce_id"],
        source=found["ce_source"],
        type=found["ce_type"],
        time=_parse_time(found["ce_time"]),
        subject=found["ce_subject"],
        **{attr: found.get(header) for header, attr in _OPTIONAL_HEADERS.items()},
    )
    return env, message, kind
