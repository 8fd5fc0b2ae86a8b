"""Check an event against the rules declared in its contract.

Fields carry `(govshare.common.v1.required)` and `(govshare.common.v1.id_kind)` options in
`proto/`; this walks the descriptor and reports every violation with its field path, so
the contract stays the single statement of what a valid event is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
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
    return _FieldRule(required, _ID_CHECKS.get(kind_name))


# Field descriptors come from the C (upb) or the Python implementation; both have the
# attributes used here, but the stubs type them apart, hence `Any`.
def _is_repeated(field: Any) -> bool:
    return bool(field.is_repeated)


def _is_message(field: Any) -> bool:
    return bool(field.type == FieldDescriptor.TYPE_MESSAGE)


def _is_map(field: Any) -> bool:
    return _is_message(field) and bool(field.message_type.GetOptions().map_entry)


def _present(message: Message, field: Any) -> bool:
    if _is_repeated(field):
        return len(getattr(message, field.name)) > 0
    if field.has_presence:
        return message.HasField(field.name)
    return bool(getattr(message, field.name))


def violations(message: Message, prefix: str = "") -> Iterator[Violation]:
    """Every rule the message breaks; an empty iterator means it is valid."""
    for field in message.DESCRIPTOR.fields:
        path = f"{prefix}{field.name}"
        rule = _rule(field)
        if not _present(message, field):
            if rule.required:
                yield Violation(path, "required field is missing or empty")
            continue
        value = getattr(message, field.name)
        if rule.id_check is not None:
            items = list(value) if _is_repeated(field) else [value]
            for index, item in enumerate(items):
                where = f"{path}[{index}]" if _is_repeated(field) else path
                verdict = rule.id_check(item)
                if not verdict.valid:
                    yield Violation(where, verdict.reason or "invalid identifier")
        if _is_message(field) and not _is_map(field):
            if _is_repeated(field):
                for index, item in enumerate(value):
                    yield from violations(item, f"{path}[{index}].")
            else:
                yield from violations(value, f"{path}.")


def check(message: Message) -> list[Violation]:
    return list(violations(message))
