import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.courts.v1 import types_pb2 as _types_pb2_1
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PropertySealed(_message.Message):
    __slots__ = ("unit_code", "seal_id", "kind", "court", "case_number", "notice_number", "subject", "sealed_from", "sealed_until", "recorded_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    SEAL_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    COURT_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SEALED_FROM_FIELD_NUMBER: _ClassVar[int]
    SEALED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    seal_id: str
    kind: _types_pb2_1.SealKind
    court: _types_pb2.Party
    case_number: str
    notice_number: str
    subject: _types_pb2.Party
    sealed_from: _types_pb2.Date
    sealed_until: _types_pb2.Date
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., seal_id: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2_1.SealKind, str]] = ..., court: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., case_number: _Optional[str] = ..., notice_number: _Optional[str] = ..., subject: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., sealed_from: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., sealed_until: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PropertyUnsealed(_message.Message):
    __slots__ = ("unit_code", "seal_id", "court", "case_number", "unsealed_on", "recorded_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    SEAL_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    UNSEALED_ON_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    seal_id: str
    court: _types_pb2.Party
    case_number: str
    unsealed_on: _types_pb2.Date
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., seal_id: _Optional[str] = ..., court: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., case_number: _Optional[str] = ..., unsealed_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
