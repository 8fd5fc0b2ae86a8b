"""Check an event against the rules declared in its contract.

Fields carry `(govshare.common.v1.required)` and `(govshare.common.v1.id_kind)` options in
`proto/`; this walks the descriptor and reports every violation with its field path, so
the contract stays the single statement of what a valid event is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from govshare.common.v1 import options_pb2

from services.kit import identifiers

_ID_CHECKS: dict[str, Callable[[str], identifiers.Verdict]] = {
    "ID_KIND_USCC": lambda v: identifiers.check_uscc(v, legacy=True),
    "ID_KIND_RESIDENT_ID": identifiers.check_resident_id,
    "ID_KIND_UNIT_CODE": identifiers.check_unit_code,
    "ID_KIND_PARCEL_CODE": identifiers.check_parcel_code,
    "ID_KIND_CERT_ID": lambda v: identifiers.check_cert_id(v, legacy=True),
    "ID_KIND_HOLDER_ID": identifiers.check_holder_id,
}


# Identifiers repeat across events and fields (issuers, authorities, type codes, the
# holder named twice): a verdict depends on the value alone, so remember recent ones.
_CACHED_CHECKS = {kind: lru_cache(maxsize=16384)(check) for kind, check in _ID_CHECKS.items()}


@dataclass(frozen=True)
class Violation:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class _FieldRule:
    required: bool
    id_check: Callable[[str], identifiers.Verdict] | None


@cache
def _rule(field: Any) -> _FieldRule:
    opts = field.GetOptions()
    required = bool(opts.Extensions[options_pb2.required])
    kind_value = opts.Extensions[options_pb2.id_kind]
    kind_name = options_pb2.IdKind.Name(kind_value) if kind_value else ""
    return _FieldRule(required, _CACHED_CHECKS.get(kind_name))


# Field descriptors come from the C (upb) or the Python implementation; both have the
# attributes used here, but the stubs type them apart, hence `Any`.
def _is_repeated(field: Any) -> bool:
    return bool(field.is_repeated)


def _is_message(field: Any) -> bool:
    return bool(field.type == FieldDescriptor.TYPE_MESSAGE)


def _is_map(field: Any) -> bool:
    return _is_message(field) and bool(field.message_type.GetOptions().map_entry)


@dataclass(frozen=True)
class _Step:
    """One field of a message type that can break a rule, in declaration order."""

    name: str
    required: bool
    id_check: Callable[[str], identifiers.Verdict] | None
    repeated: bool
    nested: bool  # a message (not a map) whose own fields have rules


@cache
def _plan(descriptor: Any) -> tuple[_Step, ...]:
    """The fields of `descriptor` worth looking at; fields without a rule anywhere
    below them are left out, so checking costs nothing for them."""
    steps = []
    for field in descriptor.fields:
        rule = _rule(field)
        nested = _is_message(field) and not _is_map(field) and _has_rules(field.message_type)
        if rule.required or rule.id_check is not None or nested:
            steps.append(
                _Step(field.name, rule.required, rule.id_check, _is_repeated(field), nested)
            )
    return tuple(steps)


_VISITING: set[str] = set()


def _has_rules(descriptor: Any) -> bool:
    name = descriptor.full_name
    if name in _VISITING:  # a recursive type: its rules are found where the walk began
        return True
    _VISITING.add(name)
    try:
        return bool(_plan(descriptor))
    finally:
        _VISITING.discard(name)


def violations(message: Message, prefix: str = "") -> Iterator[Violation]:
    """Every rule the message breaks; an empty iterator means it is valid."""
    plan = _plan(message.DESCRIPTOR)
    if not plan:
        return
    # ListFields: exactly the fields that are present (set, non-default, non-empty).
    present = {field.name: value for field, value in message.ListFields()}
    for step in plan:
        value = present.get(step.name, _ABSENT)
        if value is _ABSENT:
            if step.required:
                yield Violation(f"{prefix}{step.name}", "required field is missing or empty")
            continue
        path = f"{prefix}{step.name}"
        if step.id_check is not None:
            items = list(value) if step.repeated else [value]
            for index, item in enumerate(items):
                verdict = step.id_check(item)
                if not verdict.valid:
                    where = f"{path}[{index}]" if step.repeated else path
                    yield Violation(where, verdict.reason or "invalid identifier")
        if step.nested:
            if step.repeated:
                for index, item in enumerate(value):
                    yield from violations(item, f"{path}[{index}].")
            else:
                yield from violations(value, f"{path}.")


_ABSENT = object()


def check(message: Message) -> list[Violation]:
    return list(violations(message))
