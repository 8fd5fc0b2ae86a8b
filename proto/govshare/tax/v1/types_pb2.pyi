from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LineKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LINE_KIND_UNSPECIFIED: _ClassVar[LineKind]
    LINE_KIND_DEED_TAX: _ClassVar[LineKind]
    LINE_KIND_VAT: _ClassVar[LineKind]
    LINE_KIND_INDIVIDUAL_INCOME_TAX: _ClassVar[LineKind]
    LINE_KIND_LAND_VAT: _ClassVar[LineKind]
    LINE_KIND_STAMP_DUTY: _ClassVar[LineKind]
    LINE_KIND_REGISTRATION_FEE: _ClassVar[LineKind]
    LINE_KIND_EXTRA_CERTIFICATE_FEE: _ClassVar[LineKind]
    LINE_KIND_BUSINESS_TAX: _ClassVar[LineKind]
    LINE_KIND_URBAN_MAINTENANCE_TAX: _ClassVar[LineKind]
    LINE_KIND_EDUCATION_SURCHARGE: _ClassVar[LineKind]
    LINE_KIND_LOCAL_EDUCATION_SURCHARGE: _ClassVar[LineKind]

class Calculation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALCULATION_UNSPECIFIED: _ClassVar[Calculation]
    CALCULATION_RATE: _ClassVar[Calculation]
    CALCULATION_FIXED: _ClassVar[Calculation]
    CALCULATION_EXEMPT: _ClassVar[Calculation]

class Side(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIDE_UNSPECIFIED: _ClassVar[Side]
    SIDE_DEBIT: _ClassVar[Side]
    SIDE_CREDIT: _ClassVar[Side]

class RefusalReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFUSAL_REASON_UNSPECIFIED: _ClassVar[RefusalReason]
    REFUSAL_REASON_AMOUNT_MISMATCH: _ClassVar[RefusalReason]
    REFUSAL_REASON_UNKNOWN_ASSESSMENT: _ClassVar[RefusalReason]
    REFUSAL_REASON_ASSESSMENT_SUPERSEDED: _ClassVar[RefusalReason]
    REFUSAL_REASON_ALREADY_PAID: _ClassVar[RefusalReason]
    REFUSAL_REASON_CASE_CLOSED: _ClassVar[RefusalReason]
    REFUSAL_REASON_UNKNOWN_ORDER: _ClassVar[RefusalReason]
    REFUSAL_REASON_ORDER_EXPIRED: _ClassVar[RefusalReason]

class MismatchKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MISMATCH_KIND_UNSPECIFIED: _ClassVar[MismatchKind]
    MISMATCH_KIND_MISSING_IN_LEDGER: _ClassVar[MismatchKind]
    MISMATCH_KIND_MISSING_AT_CHANNEL: _ClassVar[MismatchKind]
    MISMATCH_KIND_AMOUNT_DIFFERS: _ClassVar[MismatchKind]
LINE_KIND_UNSPECIFIED: LineKind
LINE_KIND_DEED_TAX: LineKind
LINE_KIND_VAT: LineKind
LINE_KIND_INDIVIDUAL_INCOME_TAX: LineKind
LINE_KIND_LAND_VAT: LineKind
LINE_KIND_STAMP_DUTY: LineKind
LINE_KIND_REGISTRATION_FEE: LineKind
LINE_KIND_EXTRA_CERTIFICATE_FEE: LineKind
LINE_KIND_BUSINESS_TAX: LineKind
LINE_KIND_URBAN_MAINTENANCE_TAX: LineKind
LINE_KIND_EDUCATION_SURCHARGE: LineKind
LINE_KIND_LOCAL_EDUCATION_SURCHARGE: LineKind
CALCULATION_UNSPECIFIED: Calculation
CALCULATION_RATE: Calculation
CALCULATION_FIXED: Calculation
CALCULATION_EXEMPT: Calculation
SIDE_UNSPECIFIED: Side
SIDE_DEBIT: Side
SIDE_CREDIT: Side
REFUSAL_REASON_UNSPECIFIED: RefusalReason
REFUSAL_REASON_AMOUNT_MISMATCH: RefusalReason
REFUSAL_REASON_UNKNOWN_ASSESSMENT: RefusalReason
REFUSAL_REASON_ASSESSMENT_SUPERSEDED: RefusalReason
REFUSAL_REASON_ALREADY_PAID: RefusalReason
REFUSAL_REASON_CASE_CLOSED: RefusalReason
REFUSAL_REASON_UNKNOWN_ORDER: RefusalReason
REFUSAL_REASON_ORDER_EXPIRED: RefusalReason
MISMATCH_KIND_UNSPECIFIED: MismatchKind
MISMATCH_KIND_MISSING_IN_LEDGER: MismatchKind
MISMATCH_KIND_MISSING_AT_CHANNEL: MismatchKind
MISMATCH_KIND_AMOUNT_DIFFERS: MismatchKind

class AssessmentLine(_message.Message):
    __slots__ = ("kind", "payer", "calculation", "base", "rate_ppm", "quantity", "unit_amount", "amount", "legal_source", "explanation")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PAYER_FIELD_NUMBER: _ClassVar[int]
    CALCULATION_FIELD_NUMBER: _ClassVar[int]
    BASE_FIELD_NUMBER: _ClassVar[int]
    RATE_PPM_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LEGAL_SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    kind: LineKind
    payer: _types_pb2.Party
    calculation: Calculation
    base: _types_pb2.Money
    rate_ppm: int
    quantity: int
    unit_amount: _types_pb2.Money
    amount: _types_pb2.Money
    legal_source: str
    explanation: str
    def __init__(self, kind: _Optional[_Union[LineKind, str]] = ..., payer: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., calculation: _Optional[_Union[Calculation, str]] = ..., base: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., rate_ppm: _Optional[int] = ..., quantity: _Optional[int] = ..., unit_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., legal_source: _Optional[str] = ..., explanation: _Optional[str] = ...) -> None: ...

class Posting(_message.Message):
    __slots__ = ("account", "side", "amount", "line_kind", "memo")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LINE_KIND_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    account: str
    side: Side
    amount: _types_pb2.Money
    line_kind: LineKind
    memo: str
    def __init__(self, account: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., line_kind: _Optional[_Union[LineKind, str]] = ..., memo: _Optional[str] = ...) -> None: ...

class ReconciliationMismatch(_message.Message):
    __slots__ = ("kind", "movement", "transaction_id", "case_id", "channel_amount", "ledger_amount")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MOVEMENT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LEDGER_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    kind: MismatchKind
    movement: str
    transaction_id: str
    case_id: str
    channel_amount: _types_pb2.Money
    ledger_amount: _types_pb2.Money
    def __init__(self, kind: _Optional[_Union[MismatchKind, str]] = ..., movement: _Optional[str] = ..., transaction_id: _Optional[str] = ..., case_id: _Optional[str] = ..., channel_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., ledger_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class StatementLine(_message.Message):
    __slots__ = ("movement", "transaction_id", "case_id", "amount")
    MOVEMENT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    movement: str
    transaction_id: str
    case_id: str
    amount: _types_pb2.Money
    def __init__(self, movement: _Optional[str] = ..., transaction_id: _Optional[str] = ..., case_id: _Optional[str] = ..., amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...
