import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.realestate.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TransferApplied(_message.Message):
    __slots__ = ("unit_code", "case_id", "applied_by", "seller", "buyer", "price", "area_hundredths_m2", "usage", "contract_date", "tax_facts", "location", "contract_number", "applied_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    APPLIED_BY_FIELD_NUMBER: _ClassVar[int]
    SELLER_FIELD_NUMBER: _ClassVar[int]
    BUYER_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    AREA_HUNDREDTHS_M2_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_DATE_FIELD_NUMBER: _ClassVar[int]
    TAX_FACTS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    APPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    applied_by: _types_pb2.Actor
    seller: _types_pb2.Party
    buyer: _types_pb2.Party
    price: _types_pb2.Money
    area_hundredths_m2: int
    usage: _types_pb2_1.Usage
    contract_date: _types_pb2.Date
    tax_facts: _types_pb2_1.TaxFacts
    location: _types_pb2.Address
    contract_number: str
    applied_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., applied_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., seller: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., buyer: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., price: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., area_hundredths_m2: _Optional[int] = ..., usage: _Optional[_Union[_types_pb2_1.Usage, str]] = ..., contract_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., tax_facts: _Optional[_Union[_types_pb2_1.TaxFacts, _Mapping]] = ..., location: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., contract_number: _Optional[str] = ..., applied_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TransferConfirmed(_message.Message):
    __slots__ = ("unit_code", "case_id", "confirmed_by", "confirmed_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_BY_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    confirmed_by: _types_pb2.Actor
    confirmed_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., confirmed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TransferWithdrawn(_message.Message):
    __slots__ = ("unit_code", "case_id", "withdrawn_by", "reason", "withdrawn_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    withdrawn_by: _types_pb2.Actor
    reason: str
    withdrawn_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., withdrawn_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., reason: _Optional[str] = ..., withdrawn_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReviewPassed(_message.Message):
    __slots__ = ("unit_code", "case_id", "checks_passed", "seller_certificate", "evidence_access_id", "decided_by", "note", "passed_at", "registered_location", "checked_reliefs")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CHECKS_PASSED_FIELD_NUMBER: _ClassVar[int]
    SELLER_CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_ACCESS_ID_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PASSED_AT_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_LOCATION_FIELD_NUMBER: _ClassVar[int]
    CHECKED_RELIEFS_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    checks_passed: _containers.RepeatedScalarFieldContainer[_types_pb2_1.ReviewCheck]
    seller_certificate: _types_pb2.CertificateRef
    evidence_access_id: str
    decided_by: _types_pb2.Actor
    note: str
    passed_at: _timestamp_pb2.Timestamp
    registered_location: _types_pb2.Address
    checked_reliefs: _types_pb2_1.CheckedReliefs
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., checks_passed: _Optional[_Iterable[_Union[_types_pb2_1.ReviewCheck, str]]] = ..., seller_certificate: _Optional[_Union[_types_pb2.CertificateRef, _Mapping]] = ..., evidence_access_id: _Optional[str] = ..., decided_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., note: _Optional[str] = ..., passed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., registered_location: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., checked_reliefs: _Optional[_Union[_types_pb2_1.CheckedReliefs, _Mapping]] = ...) -> None: ...

class ReviewRejected(_message.Message):
    __slots__ = ("unit_code", "case_id", "findings", "decided_by", "rejected_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    REJECTED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    findings: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.ReviewFinding]
    decided_by: _types_pb2.Actor
    rejected_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., findings: _Optional[_Iterable[_Union[_types_pb2_1.ReviewFinding, _Mapping]]] = ..., decided_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., rejected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReviewReferred(_message.Message):
    __slots__ = ("unit_code", "case_id", "findings", "waiting_on", "referred_by", "referred_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    WAITING_ON_FIELD_NUMBER: _ClassVar[int]
    REFERRED_BY_FIELD_NUMBER: _ClassVar[int]
    REFERRED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    findings: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.ReviewFinding]
    waiting_on: _types_pb2_1.Department
    referred_by: _types_pb2.Actor
    referred_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., findings: _Optional[_Iterable[_Union[_types_pb2_1.ReviewFinding, _Mapping]]] = ..., waiting_on: _Optional[_Union[_types_pb2_1.Department, str]] = ..., referred_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., referred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseClaimed(_message.Message):
    __slots__ = ("unit_code", "case_id", "claimed_by", "department", "claimed_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_BY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    claimed_by: _types_pb2.Actor
    department: _types_pb2_1.Department
    claimed_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., claimed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., department: _Optional[_Union[_types_pb2_1.Department, str]] = ..., claimed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegistrationCompleted(_message.Message):
    __slots__ = ("unit_code", "case_id", "registration_number", "registrar", "buyer", "seller", "seller_certificate", "usage", "area_hundredths_m2", "location", "right_type", "certificate_count", "assessment_id", "payment_id", "registered_by", "registered_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REGISTRAR_FIELD_NUMBER: _ClassVar[int]
    BUYER_FIELD_NUMBER: _ClassVar[int]
    SELLER_FIELD_NUMBER: _ClassVar[int]
    SELLER_CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    AREA_HUNDREDTHS_M2_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    RIGHT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_BY_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    registration_number: str
    registrar: _types_pb2.Party
    buyer: _types_pb2.Party
    seller: _types_pb2.Party
    seller_certificate: _types_pb2.CertificateRef
    usage: _types_pb2_1.Usage
    area_hundredths_m2: int
    location: _types_pb2.Address
    right_type: str
    certificate_count: int
    assessment_id: str
    payment_id: str
    registered_by: _types_pb2.Actor
    registered_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., registration_number: _Optional[str] = ..., registrar: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., buyer: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., seller: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., seller_certificate: _Optional[_Union[_types_pb2.CertificateRef, _Mapping]] = ..., usage: _Optional[_Union[_types_pb2_1.Usage, str]] = ..., area_hundredths_m2: _Optional[int] = ..., location: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., right_type: _Optional[str] = ..., certificate_count: _Optional[int] = ..., assessment_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., registered_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TaxProgressRecorded(_message.Message):
    __slots__ = ("unit_code", "case_id", "stage", "assessment_id", "total", "payment_id", "caused_by", "occurred_at", "detail", "assessed_by")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_BY_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    stage: _types_pb2_1.TaxStage
    assessment_id: str
    total: _types_pb2.Money
    payment_id: str
    caused_by: _types_pb2.EventRef
    occurred_at: _timestamp_pb2.Timestamp
    detail: str
    assessed_by: _types_pb2.Actor
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., stage: _Optional[_Union[_types_pb2_1.TaxStage, str]] = ..., assessment_id: _Optional[str] = ..., total: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., payment_id: _Optional[str] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., detail: _Optional[str] = ..., assessed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ...) -> None: ...

class TitleChangeRecorded(_message.Message):
    __slots__ = ("unit_code", "change", "holder_id", "certificate", "detail", "caused_by", "occurred_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    change: _types_pb2_1.TitleChange
    holder_id: str
    certificate: _types_pb2.CertificateRef
    detail: str
    caused_by: _types_pb2.EventRef
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., change: _Optional[_Union[_types_pb2_1.TitleChange, str]] = ..., holder_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2.CertificateRef, _Mapping]] = ..., detail: _Optional[str] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CertificateIssuanceRecorded(_message.Message):
    __slots__ = ("unit_code", "case_id", "holder", "certificate", "caused_by", "issued_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    holder: _types_pb2.Party
    certificate: _types_pb2.CertificateRef
    caused_by: _types_pb2.EventRef
    issued_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., holder: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., certificate: _Optional[_Union[_types_pb2.CertificateRef, _Mapping]] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseEvaluated(_message.Message):
    __slots__ = ("unit_code", "case_id", "grade", "comment", "evaluated_by", "submitted_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_BY_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    grade: _types_pb2_1.EvaluationGrade
    comment: str
    evaluated_by: _types_pb2.Actor
    submitted_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., grade: _Optional[_Union[_types_pb2_1.EvaluationGrade, str]] = ..., comment: _Optional[str] = ..., evaluated_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseRectificationOpened(_message.Message):
    __slots__ = ("unit_code", "case_id", "rectification_id", "grade", "comment", "due_date", "opened_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RECTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    rectification_id: str
    grade: _types_pb2_1.EvaluationGrade
    comment: str
    due_date: _types_pb2.Date
    opened_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., rectification_id: _Optional[str] = ..., grade: _Optional[_Union[_types_pb2_1.EvaluationGrade, str]] = ..., comment: _Optional[str] = ..., due_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseRectificationCompleted(_message.Message):
    __slots__ = ("unit_code", "case_id", "rectification_id", "action", "completed_by", "follow_up_due_date", "completed_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RECTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_BY_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    rectification_id: str
    action: str
    completed_by: _types_pb2.Actor
    follow_up_due_date: _types_pb2.Date
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., rectification_id: _Optional[str] = ..., action: _Optional[str] = ..., completed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., follow_up_due_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseRectificationFollowedUp(_message.Message):
    __slots__ = ("unit_code", "case_id", "rectification_id", "party_satisfied", "note", "followed_up_by", "followed_up_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RECTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PARTY_SATISFIED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    FOLLOWED_UP_BY_FIELD_NUMBER: _ClassVar[int]
    FOLLOWED_UP_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    rectification_id: str
    party_satisfied: bool
    note: str
    followed_up_by: _types_pb2.Actor
    followed_up_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., rectification_id: _Optional[str] = ..., party_satisfied: _Optional[bool] = ..., note: _Optional[str] = ..., followed_up_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., followed_up_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DataUseRecorded(_message.Message):
    __slots__ = ("unit_code", "case_id", "holder_ids", "user", "used_by", "use", "purpose", "legal_basis", "data_described", "occurred_at")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    USED_BY_FIELD_NUMBER: _ClassVar[int]
    USE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    DATA_DESCRIBED_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    case_id: str
    holder_ids: _containers.RepeatedScalarFieldContainer[str]
    user: _types_pb2.Party
    used_by: _types_pb2.Actor
    use: str
    purpose: str
    legal_basis: str
    data_described: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, unit_code: _Optional[str] = ..., case_id: _Optional[str] = ..., holder_ids: _Optional[_Iterable[str]] = ..., user: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., used_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., use: _Optional[str] = ..., purpose: _Optional[str] = ..., legal_basis: _Optional[str] = ..., data_described: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
