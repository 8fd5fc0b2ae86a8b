"""Events as JSON lines: the integrators' format for `publish`, `tail` and samples.

One object per line: `{"type": "<ce_type>", "subject": "<key>", "data": {...proto3 JSON...}}`
with optional `topic`, `source`, `id`, `time`, `actor`, `department`, `case_id`, `purpose`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message

from services.kit import validation
from services.kit.envelope import Envelope, EnvelopeError, decode, make_envelope
from services.kit.registry import UnknownEventType, event_type

_ATTRS = ("actor", "department", "case_id", "purpose", "traceparent")
_KNOWN = {"type", "subject", "data", "topic", "source", "id", "time", *_ATTRS}


@dataclass(frozen=True)
class JsonEvent:
    topic: str
    message: Message
    envelope: Envelope


def parse_event(obj: Any, *, default_source: str | None = None) -> JsonEvent:
    """Build a validated event from one JSON object, or raise EnvelopeError naming the field."""
    if not isinstance(obj, dict):
        raise EnvelopeError("(line)", "expected a JSON object")
    unknown = sorted(set(obj) - _KNOWN)
    if unknown:
        raise EnvelopeError(unknown[0], f"unknown attribute; allowed: {sorted(_KNOWN)}")
    for name in ("type", "subject", "data"):
        if name not in obj:
            raise EnvelopeError(name, "is required")
    try:
        kind = event_type(str(obj["type"]))
    except UnknownEventType as exc:
        raise EnvelopeError("type", str(exc)) from None
    topic = obj.get("topic", kind.topic.name)
    if topic != kind.topic.name:
        raise EnvelopeError("topic", f"{kind.name} belongs on {kind.topic.name}, not {topic}")
    if not isinstance(obj["data"], dict):
        raise EnvelopeError("data", "expected a JSON object")
    message = kind.message_class()
    try:
        json_format.ParseDict(obj["data"], message)
    except json_format.ParseError as exc:
        raise EnvelopeError("data", str(exc)) from None
    problems = validation.check(message)
    if problems:
        raise EnvelopeError(f"data.{problems[0].path}", "; ".join(map(str, problems)))
    subject = obj["subject"]
    if not isinstance(subject, str) or not subject:
        raise EnvelopeError("subject", "must be a non-empty string (the aggregate id)")
    time = None
    if "time" in obj:
        try:
            time = datetime.fromisoformat(str(obj["time"]).replace("Z", "+00:00"))
        except ValueError:
            raise EnvelopeError("time", "not an RFC 3339 timestamp") from None
    env = make_envelope(
        message,
        source=obj.get("source") or default_source or kind.topic.owner,
        subject=subject,
        event_id=obj.get("id"),
        time=time,
        **{a: obj.get(a) for a in _ATTRS},
    )
    return JsonEvent(topic, message, env)


def read_lines(lines: Iterator[str]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) for every non-blank line; JSON errors raise EnvelopeError."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise EnvelopeError(f"line {number}", f"not JSON: {exc.msg}") from None


def record_to_json(
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes | None]],
) -> dict[str, Any]:
    """A consumed record as JSON: decoded when it is a valid event, raw (base64) otherwise."""
    out: dict[str, Any] = {
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "key": key.decode("utf-8", "replace") if key is not None else None,
        "headers": {
            n: (v.decode("utf-8", "replace") if v is not None else None) for n, v in headers
        },
    }
    try:
        env, message, _ = decode(headers, value)
    except EnvelopeError as exc:
        out["error"] = str(exc)
        out["value_base64"] = base64.b64encode(value or b"").decode()
        return out
    out["type"] = env.type
    out["subject"] = env.subject
    out["data"] = json_format.MessageToDict(message, preserving_proto_field_name=False)
    return out
