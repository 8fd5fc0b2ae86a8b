from govshare.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class EvaluationGrade(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVALUATION_GRADE_UNSPECIFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_VERY_SATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_SATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_BASICALLY_SATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_DISSATISFIED: _ClassVar[EvaluationGrade]
    EVALUATION_GRADE_VERY_DISSATISFIED: _ClassVar[EvaluationGrade]

class EvidenceInvalidation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVIDENCE_INVALIDATION_UNSPECIFIED: _ClassVar[EvidenceInvalidation]
    EVIDENCE_INVALIDATION_REVOKED: _ClassVar[EvidenceInvalidation]
    EVIDENCE_INVALIDATION_SUSPENDED: _ClassVar[EvidenceInvalidation]
    EVIDENCE_INVALIDATION_SUPERSEDED: _ClassVar[EvidenceInvalidation]
    EVIDENCE_INVALIDATION_EXPIRED: _ClassVar[EvidenceInvalidation]

class PreparationSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PREPARATION_SOURCE_UNSPECIFIED: _ClassVar[PreparationSource]
    PREPARATION_SOURCE_LAND_SUPPLY: _ClassVar[PreparationSource]
    PREPARATION_SOURCE_PROJECT_APPROVAL: _ClassVar[PreparationSource]
    PREPARATION_SOURCE_PLANNING_PERMIT: _ClassVar[PreparationSource]
EVALUATION_GRADE_UNSPECIFIED: EvaluationGrade
EVALUATION_GRADE_VERY_SATISFIED: EvaluationGrade
EVALUATION_GRADE_SATISFIED: EvaluationGrade
EVALUATION_GRADE_BASICALLY_SATISFIED: EvaluationGrade
EVALUATION_GRADE_DISSATISFIED: EvaluationGrade
EVALUATION_GRADE_VERY_DISSATISFIED: EvaluationGrade
EVIDENCE_INVALIDATION_UNSPECIFIED: EvidenceInvalidation
EVIDENCE_INVALIDATION_REVOKED: EvidenceInvalidation
EVIDENCE_INVALIDATION_SUSPENDED: EvidenceInvalidation
EVIDENCE_INVALIDATION_SUPERSEDED: EvidenceInvalidation
EVIDENCE_INVALIDATION_EXPIRED: EvidenceInvalidation
PREPARATION_SOURCE_UNSPECIFIED: PreparationSource
PREPARATION_SOURCE_LAND_SUPPLY: PreparationSource
PREPARATION_SOURCE_PROJECT_APPROVAL: PreparationSource
PREPARATION_SOURCE_PLANNING_PERMIT: PreparationSource

class PlannedStep(_message.Message):
    __slots__ = ("step_code", "step_name", "time_limit_working_days")
    STEP_CODE_FIELD_NUMBER: _ClassVar[int]
    STEP_NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    step_code: str
    step_name: str
    time_limit_working_days: int
    def __init__(self, step_code: _Optional[str] = ..., step_name: _Optional[str] = ..., time_limit_working_days: _Optional[int] = ...) -> None: ...
