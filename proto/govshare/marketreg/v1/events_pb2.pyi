import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.marketreg.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BusinessLicenceRegistered(_message.Message):
    __slots__ = ("uscc", "licence", "issued_on", "registered_at")
    USCC_FIELD_NUMBER: _ClassVar[int]
    LICENCE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_ON_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    licence: _types_pb2_1.BusinessLicence
    issued_on: _types_pb2.Date
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, uscc: _Optional[str] = ..., licence: _Optional[_Union[_types_pb2_1.BusinessLicence, _Mapping]] = ..., issued_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BusinessLicenceChanged(_message.Message):
    __slots__ = ("uscc", "licence", "changed_fields", "changed_on", "recorded_at")
    USCC_FIELD_NUMBER: _ClassVar[int]
    LICENCE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_ON_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    licence: _types_pb2_1.BusinessLicence
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    changed_on: _types_pb2.Date
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, uscc: _Optional[str] = ..., licence: _Optional[_Union[_types_pb2_1.BusinessLicence, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ..., changed_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BusinessLicenceCancelled(_message.Message):
    __slots__ = ("uscc", "name", "kind", "reason", "cancelled_on", "registration_authority", "recorded_at")
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_ON_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    name: str
    kind: _types_pb2_1.CancellationKind
    reason: str
    cancelled_on: _types_pb2.Date
    registration_authority: _types_pb2.Party
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, uscc: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2_1.CancellationKind, str]] = ..., reason: _Optional[str] = ..., cancelled_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., registration_authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
