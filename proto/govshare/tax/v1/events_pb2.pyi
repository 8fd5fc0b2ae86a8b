import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.tax.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AssessmentIssued(_message.Message):
    __slots__ = ("case_id", "assessment_id", "unit_code", "contract_date", "rule_set", "lines", "total", "supersedes_assessment_id", "tax_authority", "assessed_by", "caused_by", "issued_at", "legal_basis", "reviewed_by")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_DATE_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TAX_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_BY_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_BY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    assessment_id: str
    unit_code: str
    contract_date: _types_pb2.Date
    rule_set: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.AssessmentLine]
    total: _types_pb2.Money
    supersedes_assessment_id: str
    tax_authority: _types_pb2.Party
    assessed_by: _types_pb2.Actor
    caused_by: _types_pb2.EventRef
    issued_at: _timestamp_pb2.Timestamp
    legal_basis: str
    reviewed_by: _types_pb2.Actor
    def __init__(self, case_id: _Optional[str] = ..., assessment_id: _Optional[str] = ..., unit_code: _Optional[str] = ..., contract_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., rule_set: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[_types_pb2_1.AssessmentLine, _Mapping]]] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., supersedes_assessment_id: _Optional[str] = ..., tax_authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., assessed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., legal_basis: _Optional[str] = ..., reviewed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ...) -> None: ...

class PaymentReceived(_message.Message):
    __slots__ = ("case_id", "payment_id", "assessment_id", "amount", "payer", "channel", "received_at", "order_id", "confirmed_by")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_BY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    payment_id: str
    assessment_id: str
    amount: _types_pb2.Money
    payer: _types_pb2.Party
    channel: str
    received_at: _timestamp_pb2.Timestamp
    order_id: str
    confirmed_by: _types_pb2.EventRef
    def __init__(self, case_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., assessment_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., payer: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., channel: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., order_id: _Optional[str] = ..., confirmed_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ...) -> None: ...

class PaymentCleared(_message.Message):
    __slots__ = ("case_id", "payment_id", "assessment_id", "amount", "lines", "tax_authority", "cleared_at", "unit_code")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TAX_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    CLEARED_AT_FIELD_NUMBER: _ClassVar[int]
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    payment_id: str
    assessment_id: str
    amount: _types_pb2.Money
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.AssessmentLine]
    tax_authority: _types_pb2.Party
    cleared_at: _timestamp_pb2.Timestamp
    unit_code: str
    def __init__(self, case_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., assessment_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., lines: _Optional[_Iterable[_Union[_types_pb2_1.AssessmentLine, _Mapping]]] = ..., tax_authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., cleared_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., unit_code: _Optional[str] = ...) -> None: ...

class PaymentRefused(_message.Message):
    __slots__ = ("case_id", "payment_id", "assessment_id", "amount", "expected_amount", "reason", "detail", "refused_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    REFUSED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    payment_id: str
    assessment_id: str
    amount: _types_pb2.Money
    expected_amount: _types_pb2.Money
    reason: _types_pb2_1.RefusalReason
    detail: str
    refused_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., assessment_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., expected_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., reason: _Optional[_Union[_types_pb2_1.RefusalReason, str]] = ..., detail: _Optional[str] = ..., refused_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LedgerEntriesPosted(_message.Message):
    __slots__ = ("case_id", "journal_id", "payment_id", "postings", "posted_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    POSTINGS_FIELD_NUMBER: _ClassVar[int]
    POSTED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    journal_id: str
    payment_id: str
    postings: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.Posting]
    posted_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., journal_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., postings: _Optional[_Iterable[_Union[_types_pb2_1.Posting, _Mapping]]] = ..., posted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AssessmentCancelled(_message.Message):
    __slots__ = ("case_id", "unit_code", "reason", "caused_by", "cancelled_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    unit_code: str
    reason: str
    caused_by: _types_pb2.EventRef
    cancelled_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., unit_code: _Optional[str] = ..., reason: _Optional[str] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., cancelled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentOrderOpened(_message.Message):
    __slots__ = ("case_id", "order_id", "assessment_id", "amount", "payer", "expires_at", "opened_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYER_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    order_id: str
    assessment_id: str
    amount: _types_pb2.Money
    payer: _types_pb2.Party
    expires_at: _timestamp_pb2.Timestamp
    opened_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., order_id: _Optional[str] = ..., assessment_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., payer: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentOrderExpired(_message.Message):
    __slots__ = ("case_id", "order_id", "expired_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    order_id: str
    expired_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., order_id: _Optional[str] = ..., expired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentOrderFailed(_message.Message):
    __slots__ = ("case_id", "order_id", "reason", "detail", "failed_by", "failed_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    FAILED_BY_FIELD_NUMBER: _ClassVar[int]
    FAILED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    order_id: str
    reason: str
    detail: str
    failed_by: _types_pb2.EventRef
    failed_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., order_id: _Optional[str] = ..., reason: _Optional[str] = ..., detail: _Optional[str] = ..., failed_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., failed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RefundOrdered(_message.Message):
    __slots__ = ("case_id", "refund_id", "payment_id", "channel", "amount", "reason", "reverses_clearing", "ordered_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVERSES_CLEARING_FIELD_NUMBER: _ClassVar[int]
    ORDERED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    refund_id: str
    payment_id: str
    channel: str
    amount: _types_pb2.Money
    reason: str
    reverses_clearing: bool
    ordered_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., refund_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., channel: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ..., reverses_clearing: _Optional[bool] = ..., ordered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PaymentRefunded(_message.Message):
    __slots__ = ("case_id", "refund_id", "payment_id", "amount", "confirmed_by", "refunded_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_BY_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    refund_id: str
    payment_id: str
    amount: _types_pb2.Money
    confirmed_by: _types_pb2.EventRef
    refunded_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., refund_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., confirmed_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., refunded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StatementReconciled(_message.Message):
    __slots__ = ("statement_id", "channel", "statement_date", "entries", "matched", "mismatches", "caused_by", "reconciled_at")
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    RECONCILED_AT_FIELD_NUMBER: _ClassVar[int]
    statement_id: str
    channel: str
    statement_date: _types_pb2.Date
    entries: int
    matched: int
    mismatches: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.ReconciliationMismatch]
    caused_by: _types_pb2.EventRef
    reconciled_at: _timestamp_pb2.Timestamp
    def __init__(self, statement_id: _Optional[str] = ..., channel: _Optional[str] = ..., statement_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., entries: _Optional[int] = ..., matched: _Optional[int] = ..., mismatches: _Optional[_Iterable[_Union[_types_pb2_1.ReconciliationMismatch, _Mapping]]] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., reconciled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StatementShareRequested(_message.Message):
    __slots__ = ("partition_key", "statement_id", "channel", "statement_date", "lines", "shares", "partition", "caused_by")
    PARTITION_KEY_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    SHARES_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    partition_key: str
    statement_id: str
    channel: str
    statement_date: _types_pb2.Date
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.StatementLine]
    shares: int
    partition: int
    caused_by: _types_pb2.EventRef
    def __init__(self, partition_key: _Optional[str] = ..., statement_id: _Optional[str] = ..., channel: _Optional[str] = ..., statement_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., lines: _Optional[_Iterable[_Union[_types_pb2_1.StatementLine, _Mapping]]] = ..., shares: _Optional[int] = ..., partition: _Optional[int] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ...) -> None: ...

class StatementShareReconciled(_message.Message):
    __slots__ = ("statement_id", "channel", "statement_date", "partition", "shares", "entries", "matched", "mismatches", "caused_by")
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    SHARES_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    statement_id: str
    channel: str
    statement_date: _types_pb2.Date
    partition: int
    shares: int
    entries: int
    matched: int
    mismatches: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.ReconciliationMismatch]
    caused_by: _types_pb2.EventRef
    def __init__(self, statement_id: _Optional[str] = ..., channel: _Optional[str] = ..., statement_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., partition: _Optional[int] = ..., shares: _Optional[int] = ..., entries: _Optional[int] = ..., matched: _Optional[int] = ..., mismatches: _Optional[_Iterable[_Union[_types_pb2_1.ReconciliationMismatch, _Mapping]]] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ...) -> None: ...

class ManualAssessmentRequired(_message.Message):
    __slots__ = ("case_id", "unit_code", "field", "reason", "buyer", "seller", "contract_date", "caused_by", "required_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BUYER_FIELD_NUMBER: _ClassVar[int]
    SELLER_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_DATE_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    unit_code: str
    field: str
    reason: str
    buyer: _types_pb2.Party
    seller: _types_pb2.Party
    contract_date: _types_pb2.Date
    caused_by: _types_pb2.EventRef
    required_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., unit_code: _Optional[str] = ..., field: _Optional[str] = ..., reason: _Optional[str] = ..., buyer: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., seller: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., contract_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., required_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DataUseRecorded(_message.Message):
    __slots__ = ("case_id", "unit_code", "holder_ids", "user", "used_by", "use", "purpose", "legal_basis", "data_described", "occurred_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    HOLDER_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    USED_BY_FIELD_NUMBER: _ClassVar[int]
    USE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    DATA_DESCRIBED_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    unit_code: str
    holder_ids: _containers.RepeatedScalarFieldContainer[str]
    user: _types_pb2.Party
    used_by: _types_pb2.Actor
    use: str
    purpose: str
    legal_basis: str
    data_described: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., unit_code: _Optional[str] = ..., holder_ids: _Optional[_Iterable[str]] = ..., user: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., used_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., use: _Optional[str] = ..., purpose: _Optional[str] = ..., legal_basis: _Optional[str] = ..., data_described: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
