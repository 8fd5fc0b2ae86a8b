"""What the consumer checks on every event (`validation.check`) reports exactly what a plain
walk over the contract's field options reports, for every sample event and for broken
copies of them (the fast path skips fields without rules and caches identifier verdicts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from govshare.common.v1 import options_pb2

from services.kit import validation
from services.kit.jsonevents import parse_event
from tests.samples import sample_objects


def reference(message: Message, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every field in declaration order: required present, identifiers valid, recursing."""
    for field in message.DESCRIPTOR.fields:
        f: Any = field
        path = f"{prefix}{f.name}"
        opts = f.GetOptions()
        required = bool(opts.Extensions[options_pb2.required])
        kind = opts.Extensions[options_pb2.id_kind]
        check = validation._ID_CHECKS.get(options_pb2.IdKind.Name(kind)) if kind else None
        value = getattr(message, f.name)
        if f.is_repeated:
            present = len(value) > 0
        elif f.has_presence:
            present = message.HasField(f.name)
        else:
            present = bool(value)
        if not present:
            if required:
                yield path, "required field is missing or empty"
            continue
        if check is not None:
            items = list(value) if f.is_repeated else [value]
            for index, item in enumerate(items):
                verdict = check(item)
                if not verdict.valid:
                    where = f"{path}[{index}]" if f.is_repeated else path
                    yield where, verdict.reason or "invalid identifier"
        is_message = f.type == FieldDescriptor.TYPE_MESSAGE
        if is_message and not f.message_type.GetOptions().map_entry:
            if f.is_repeated:
                for index, item in enumerate(value):
                    yield from reference(item, f"{path}[{index}].")
            else:
                yield from reference(value, f"{path}.")


def broken_copies(message: Message) -> Iterator[Message]:
    """The message with each top-level field cleared, and with each string field of
    every level set to a malformed identifier."""
    for field in message.DESCRIPTOR.fields:
        copy = type(message)()
        copy.CopyFrom(message)
        copy.ClearField(field.name)
        yield copy
    copy = type(message)()
    copy.CopyFrom(message)
    _scramble(copy)
    yield copy


def _scramble(message: Message) -> None:
    for field, value in message.ListFields():
        f: Any = field
        if f.type == FieldDescriptor.TYPE_STRING and not f.is_repeated:
            setattr(message, f.name, value[:-1] + ("0" if value[-1:] != "0" else "1"))
        elif f.type == FieldDescriptor.TYPE_MESSAGE and not f.message_type.GetOptions().map_entry:
            for item in value if f.is_repeated else [value]:
                _scramble(item)


SAMPLES = [parse_event(obj).message for obj in sample_objects()]


@pytest.mark.parametrize("message", SAMPLES, ids=[type(m).__name__ for m in SAMPLES])
def test_the_fast_check_reports_what_the_plain_walk_reports(message):
    for candidate in [message, *broken_copies(message)]:
        got = [(v.path, v.reason) for v in validation.check(candidate)]
        assert got == list(reference(candidate))


def test_broken_copies_do_break_rules():
    found = sum(bool(validation.check(c)) for m in SAMPLES for c in broken_copies(m))
    assert found > len(SAMPLES)
