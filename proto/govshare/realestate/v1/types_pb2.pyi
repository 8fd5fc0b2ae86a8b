from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Usage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    USAGE_UNSPECIFIED: _ClassVar[Usage]
    USAGE_RESIDENTIAL: _ClassVar[Usage]
    USAGE_NON_RESIDENTIAL: _ClassVar[Usage]

class FeeExemption(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEE_EXEMPTION_UNSPECIFIED: _ClassVar[FeeExemption]
    FEE_EXEMPTION_SMALL_MICRO_ENTERPRISE: _ClassVar[FeeExemption]
    FEE_EXEMPTION_PUBLIC_OR_RESETTLEMENT_HOUSING: _ClassVar[FeeExemption]
    FEE_EXEMPTION_OTHER: _ClassVar[FeeExemption]

class ReviewCheck(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_CHECK_UNSPECIFIED: _ClassVar[ReviewCheck]
    REVIEW_CHECK_SELLER_HOLDS_CERTIFICATE: _ClassVar[ReviewCheck]
    REVIEW_CHECK_UNIT_NOT_SEALED: _ClassVar[ReviewCheck]
    REVIEW_CHECK_NO_OTHER_OPEN_CASE: _ClassVar[ReviewCheck]
    REVIEW_CHECK_IDENTITIES_VALID: _ClassVar[ReviewCheck]
    REVIEW_CHECK_FACTS_MATCH_CERTIFICATE: _ClassVar[ReviewCheck]
    REVIEW_CHECK_BOTH_PARTIES_CONFIRMED: _ClassVar[ReviewCheck]
    REVIEW_CHECK_STAFF_JUDGEMENT: _ClassVar[ReviewCheck]
    REVIEW_CHECK_RELIEFS_MATCH_REGISTRY: _ClassVar[ReviewCheck]

class TitleChange(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TITLE_CHANGE_UNSPECIFIED: _ClassVar[TitleChange]
    TITLE_CHANGE_CERTIFICATE_REVOKED: _ClassVar[TitleChange]
    TITLE_CHANGE_CERTIFICATE_SUSPENDED: _ClassVar[TitleChange]
    TITLE_CHANGE_CERTIFICATE_SUPERSEDED: _ClassVar[TitleChange]
    TITLE_CHANGE_UNIT_SEALED: _ClassVar[TitleChange]

class Department(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEPARTMENT_UNSPECIFIED: _ClassVar[Department]
    DEPARTMENT_REALESTATE: _ClassVar[Department]
    DEPARTMENT_TAX: _ClassVar[Department]

class TaxStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TAX_STAGE_UNSPECIFIED: _ClassVar[TaxStage]
    TAX_STAGE_ASSESSED: _ClassVar[TaxStage]
    TAX_STAGE_PAID: _ClassVar[TaxStage]
    TAX_STAGE_CANCELLED: _ClassVar[TaxStage]
    TAX_STAGE_MANUAL_ASSESSMENT_PENDING: _ClassVar[TaxStage]

class EvaluationGrade(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVALUATION_GRADE_UNSPECIFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_VERY_SATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_SATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_BASICALLY_SATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_DISSATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_VERY_DISSATISFIED: _ClassVar[EvaluationGrade]
USAGE_UNSPECIFIED: Usage
USAGE_RESIDENTIAL: Usage
USAGE_NON_RESIDENTIAL: Usage
FEE_EXEMPTION_UNSPECIFIED: FeeExemption
FEE_EXEMPTION_SMALL_MICRO_ENTERPRISE: FeeExemption
FEE_EXEMPTION_PUBLIC_OR_RESETTLEMENT_HOUSING: FeeExemption
FEE_EXEMPTION_OTHER: FeeExemption
REVIEW_CHECK_UNSPECIFIED: ReviewCheck
REVIEW_CHECK_SELLER_HOLDS_CERTIFICATE: ReviewCheck
REVIEW_CHECK_UNIT_NOT_SEALED: ReviewCheck
REVIEW_CHECK_NO_OTHER_OPEN_CASE: ReviewCheck
REVIEW_CHECK_IDENTITIES_VALID: ReviewCheck
REVIEW_CHECK_FACTS_MATCH_CERTIFICATE: ReviewCheck
REVIEW_CHECK_BOTH_PARTIES_CONFIRMED: ReviewCheck
REVIEW_CHECK_STAFF_JUDGEMENT: ReviewCheck
REVIEW_CHECK_RELIEFS_MATCH_REGISTRY: ReviewCheck
TITLE_CHANGE_UNSPECIFIED: TitleChange
TITLE_CHANGE_CERTIFICATE_REVOKED: TitleChange
TITLE_CHANGE_CERTIFICATE_SUSPENDED: TitleChange
TITLE_CHANGE_CERTIFICATE_SUPERSEDED: TitleChange
TITLE_CHANGE_UNIT_SEALED: TitleChange
DEPARTMENT_UNSPECIFIED: Department
DEPARTMENT_REALESTATE: Department
DEPARTMENT_TAX: Department
TAX_STAGE_UNSPECIFIED: TaxStage
TAX_STAGE_ASSESSED: TaxStage
TAX_STAGE_PAID: TaxStage
TAX_STAGE_CANCELLED: TaxStage
TAX_STAGE_MANUAL_ASSESSMENT_PENDING: TaxStage
EVALUATION_GRADE_UNSPECIFIED: EvaluationGrade
EVALUATION_GRADE_VERY_SATISFIED: EvaluationGrade
EVALUATION_GRADE_SATISFIED: EvaluationGrade
EVALUATION_GRADE_BASICALLY_SATISFIED: EvaluationGrade
EVALUATION_GRADE_DISSATISFIED: EvaluationGrade
EVALUATION_GRADE_VERY_DISSATISFIED: EvaluationGrade

class TaxFacts(_message.Message):
    __slots__ = ("buyer_family_existing_homes", "seller_acquisition_date", "seller_only_home", "original_cost_proven", "original_cost", "deductible_expenses", "certificate_count", "fee_exemption", "fee_exemption_detail", "buyer_spouse")
    BUYER_FAMILY_EXISTING_HOMES_FIELD_NUMBER: _ClassVar[int]
    SELLER_ACQUISITION_DATE_FIELD_NUMBER: _ClassVar[int]
    SELLER_ONLY_HOME_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_COST_PROVEN_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_COST_FIELD_NUMBER: _ClassVar[int]
    DEDUCTIBLE_EXPENSES_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    FEE_EXEMPTION_FIELD_NUMBER: _ClassVar[int]
    FEE_EXEMPTION_DETAIL_FIELD_NUMBER: _ClassVar[int]
    BUYER_SPOUSE_FIELD_NUMBER: _ClassVar[int]
    buyer_family_existing_homes: int
    seller_acquisition_date: _types_pb2.Date
    seller_only_home: bool
    original_cost_proven: bool
    original_cost: _types_pb2.Money
    deductible_expenses: _types_pb2.Money
    certificate_count: int
    fee_exemption: FeeExemption
    fee_exemption_detail: str
    buyer_spouse: _types_pb2.Party
    def __init__(self, buyer_family_existing_homes: _Optional[int] = ..., seller_acquisition_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., seller_only_home: _Optional[bool] = ..., original_cost_proven: _Optional[bool] = ..., original_cost: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., deductible_expenses: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., certificate_count: _Optional[int] = ..., fee_exemption: _Optional[_Union[FeeExemption, str]] = ..., fee_exemption_detail: _Optional[str] = ..., buyer_spouse: _Optional[_Union[_types_pb2.Party, _Mapping]] = ...) -> None: ...

class CheckedReliefs(_message.Message):
    __slots__ = ("buyer_family_existing_homes", "seller_only_home", "basis", "evidence_access_ids")
    BUYER_FAMILY_EXISTING_HOMES_FIELD_NUMBER: _ClassVar[int]
    SELLER_ONLY_HOME_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_ACCESS_IDS_FIELD_NUMBER: _ClassVar[int]
    buyer_family_existing_homes: int
    seller_only_home: bool
    basis: str
    evidence_access_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, buyer_family_existing_homes: _Optional[int] = ..., seller_only_home: _Optional[bool] = ..., basis: _Optional[str] = ..., evidence_access_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReviewFinding(_message.Message):
    __slots__ = ("check", "detail")
    CHECK_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    check: ReviewCheck
    detail: str
    def __init__(self, check: _Optional[_Union[ReviewCheck, str]] = ..., detail: _Optional[str] = ...) -> None: ...
