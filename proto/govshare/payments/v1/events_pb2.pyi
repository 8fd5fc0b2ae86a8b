import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.payments.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PaymentConfirmed(_message.Message):
    __slots__ = ("case_id", "order_id", "transaction_id", "amount", "payer", "channel", "paid_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PAID_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    order_id: str
    transaction_id: str
    amount: _types_pb2.Money
    payer: _types_pb2.Party
    channel: str
    paid_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., order_id: _Optional[str] = ..., transaction_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., payer: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., channel: _Optional[str] = ..., paid_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentFailed(_message.Message):
    __slots__ = ("case_id", "order_id", "reason", "detail", "channel", "failed_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    FAILED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    order_id: str
    reason: _types_pb2_1.FailureReason
    detail: str
    channel: str
    failed_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., order_id: _Optional[str] = ..., reason: _Optional[_Union[_types_pb2_1.FailureReason, str]] = ..., detail: _Optional[str] = ..., channel: _Optional[str] = ..., failed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RefundCompleted(_message.Message):
    __slots__ = ("case_id", "refund_id", "transaction_id", "amount", "channel", "refunded_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    refund_id: str
    transaction_id: str
    amount: _types_pb2.Money
    channel: str
    refunded_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., refund_id: _Optional[str] = ..., transaction_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., channel: _Optional[str] = ..., refunded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StatementIssued(_message.Message):
    __slots__ = ("statement_id", "channel", "statement_date", "entries", "issued_at")
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    statement_id: str
    channel: str
    statement_date: _types_pb2.Date
    entries: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.StatementEntry]
    issued_at: _timestamp_pb2.Timestamp
    def __init__(self, statement_id: _Optional[str] = ..., channel: _Optional[str] = ..., statement_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., entries: _Optional[_Iterable[_Union[_types_pb2_1.StatementEntry, _Mapping]]] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
