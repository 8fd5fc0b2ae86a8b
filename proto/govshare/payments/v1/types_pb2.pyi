import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FailureReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILURE_REASON_UNSPECIFIED: _ClassVar[FailureReason]
    FAILURE_REASON_DECLINED: _ClassVar[FailureReason]
    FAILURE_REASON_CANCELLED_BY_PAYER: _ClassVar[FailureReason]
    FAILURE_REASON_ORDER_EXPIRED: _ClassVar[FailureReason]

class EntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTRY_KIND_UNSPECIFIED: _ClassVar[EntryKind]
    ENTRY_KIND_PAYMENT: _ClassVar[EntryKind]
    ENTRY_KIND_REFUND: _ClassVar[EntryKind]
FAILURE_REASON_UNSPECIFIED: FailureReason
FAILURE_REASON_DECLINED: FailureReason
FAILURE_REASON_CANCELLED_BY_PAYER: FailureReason
FAILURE_REASON_ORDER_EXPIRED: FailureReason
ENTRY_KIND_UNSPECIFIED: EntryKind
ENTRY_KIND_PAYMENT: EntryKind
ENTRY_KIND_REFUND: EntryKind

class StatementEntry(_message.Message):
    __slots__ = ("kind", "transaction_id", "case_id", "amount", "at", "refund_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    kind: EntryKind
    transaction_id: str
    case_id: str
    amount: _types_pb2.Money
    at: _timestamp_pb2.Timestamp
    refund_id: str
    def __init__(self, kind: _Optional[_Union[EntryKind, str]] = ..., transaction_id: _Optional[str] = ..., case_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refund_id: _Optional[str] = ...) -> None: ...
