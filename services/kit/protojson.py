"""Pydantic models of protobuf messages as `json_format.MessageToDict` renders them, so
a route that answers a converted message documents exactly the fields it has.

Derived from the message descriptor, so a field added to a contract is documented the
day it is generated. The rendering's rules: lowerCamelCase names, fields at their
default left out (so every field is optional, and never null), 64-bit integers as
strings, enums by name, bytes as base64, Timestamp and Duration as RFC 3339 strings.
Routes answering these models set `response_model_exclude_unset=True`, so that a field
the message left out stays out.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field, create_model

F = FieldDescriptor
_SCALARS: Final[dict[int, Any]] = {
    F.TYPE_DOUBLE: float | str,  # NaN and Infinity are strings
    F.TYPE_FLOAT: float | str,
    F.TYPE_INT32: int,
    F.TYPE_SINT32: int,
    F.TYPE_SFIXED32: int,
    F.TYPE_UINT32: int,
    F.TYPE_FIXED32: int,
    F.TYPE_INT64: str,  # 64-bit integers are strings in the JSON mapping
    F.TYPE_SINT64: str,
    F.TYPE_SFIXED64: str,
    F.TYPE_UINT64: str,
    F.TYPE_FIXED64: str,
    F.TYPE_BOOL: bool,
    F.TYPE_STRING: str,
    F.TYPE_BYTES: str,  # base64
    F.TYPE_ENUM: str | int,  # the value's name (its number when unknown)
}
_WELL_KNOWN: Final[dict[str, Any]] = {
    "google.protobuf.Timestamp": str,
    "google.protobuf.Duration": str,
    "google.protobuf.FieldMask": str,
    "google.protobuf.Struct": dict[str, Any],
    "google.protobuf.Value": Any,
    "google.protobuf.ListValue": list[Any],
    "google.protobuf.Any": dict[str, Any],
    "google.protobuf.Empty": dict[str, Any],
    "google.protobuf.BoolValue": bool,
    "google.protobuf.StringValue": str,
    "google.protobuf.BytesValue": str,
    "google.protobuf.Int32Value": int,
    "google.protobuf.UInt32Value": int,
    "google.protobuf.Int64Value": str,
    "google.protobuf.UInt64Value": str,
    "google.protobuf.FloatValue": float | str,
    "google.protobuf.DoubleValue": float | str,
}

_building: set[str] = set()


def model_of(message: type[Message]) -> type[BaseModel]:
    """The model of `message`'s JSON rendering."""
    return _model(message.DESCRIPTOR)


@cache
def _model(descriptor: Descriptor) -> type[BaseModel]:
    _building.add(descriptor.full_name)
    try:
        fields: dict[str, Any] = {
            f"f{field.number}": (_annotation(field), Field(default=None, alias=field.json_name))
            for field in descriptor.fields
        }
    finally:
        _building.discard(descriptor.full_name)
    config = ConfigDict(extra="forbid", populate_by_name=True)
    name = descriptor.full_name.replace(".", "_")
    built: type[BaseModel] = create_model(name, __config__=config, **fields)
    built.__doc__ = f"`{descriptor.full_name}` in the protobuf JSON mapping."
    return built


def _annotation(field: FieldDescriptor) -> Any:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        value = _single(field.message_type.fields_by_name["value"])
        return dict[str, value]  # type: ignore[valid-type]
    single = _single(field)
    return list[single] if _repeated(field) else single  # type: ignore[valid-type]


def _repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def _single(field: FieldDescriptor) -> Any:
    message = field.message_type
    if message is None:
        return _SCALARS[field.type]
    if message.full_name in _WELL_KNOWN:
        return _WELL_KNOWN[message.full_name]
    if message.full_name in _building:  # a recursive message: documented one level deep
        return dict[str, Any]
    return _model(message)
