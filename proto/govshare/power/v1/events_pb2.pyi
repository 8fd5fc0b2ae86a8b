import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.power.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ApplicationSubmitted(_message.Message):
    __slots__ = ("application_id", "applicant", "submitted_by", "matter_code", "unit_code", "address", "requested_capacity_w", "contact", "channel", "submitted_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_BY_FIELD_NUMBER: _ClassVar[int]
    MATTER_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_CAPACITY_W_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    applicant: _types_pb2.Party
    submitted_by: _types_pb2.Actor
    matter_code: str
    unit_code: str
    address: _types_pb2.Address
    requested_capacity_w: int
    contact: _types_pb2.Contact
    channel: str
    submitted_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., applicant: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., submitted_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., matter_code: _Optional[str] = ..., unit_code: _Optional[str] = ..., address: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., requested_capacity_w: _Optional[int] = ..., contact: _Optional[_Union[_types_pb2.Contact, _Mapping]] = ..., channel: _Optional[str] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvidenceResolved(_message.Message):
    __slots__ = ("application_id", "results", "access_ids", "resolved_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    ACCESS_IDS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    results: _containers.RepeatedCompositeFieldContainer[_types_pb2.EvidenceResult]
    access_ids: _containers.RepeatedScalarFieldContainer[str]
    resolved_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., results: _Optional[_Iterable[_Union[_types_pb2.EvidenceResult, _Mapping]]] = ..., access_ids: _Optional[_Iterable[str]] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvidenceRequested(_message.Message):
    __slots__ = ("application_id", "missing", "requested_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    missing: _containers.RepeatedCompositeFieldContainer[_types_pb2.EvidenceResult]
    requested_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., missing: _Optional[_Iterable[_Union[_types_pb2.EvidenceResult, _Mapping]]] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvidenceSupplied(_message.Message):
    __slots__ = ("application_id", "type_code", "upload_ref", "content_sha256", "supplied_by", "supplied_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_CODE_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_REF_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    SUPPLIED_BY_FIELD_NUMBER: _ClassVar[int]
    SUPPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    type_code: str
    upload_ref: str
    content_sha256: bytes
    supplied_by: _types_pb2.Actor
    supplied_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., type_code: _Optional[str] = ..., upload_ref: _Optional[str] = ..., content_sha256: _Optional[bytes] = ..., supplied_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., supplied_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ApplicationAccepted(_message.Message):
    __slots__ = ("application_id", "evidence_used", "uploads_used", "evidence_free", "preparation_id", "steps", "accepted_by", "accepted_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_USED_FIELD_NUMBER: _ClassVar[int]
    UPLOADS_USED_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FREE_FIELD_NUMBER: _ClassVar[int]
    PREPARATION_ID_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_BY_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    evidence_used: _containers.RepeatedCompositeFieldContainer[_types_pb2.CertificateRef]
    uploads_used: _containers.RepeatedScalarFieldContainer[str]
    evidence_free: bool
    preparation_id: str
    steps: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.PlannedStep]
    accepted_by: _types_pb2.Actor
    accepted_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., evidence_used: _Optional[_Iterable[_Union[_types_pb2.CertificateRef, _Mapping]]] = ..., uploads_used: _Optional[_Iterable[str]] = ..., evidence_free: _Optional[bool] = ..., preparation_id: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[_types_pb2_1.PlannedStep, _Mapping]]] = ..., accepted_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., accepted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StepAdvanced(_message.Message):
    __slots__ = ("application_id", "step_code", "step_name", "previous_step_code", "advanced_by", "advanced_at", "deadline")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_CODE_FIELD_NUMBER: _ClassVar[int]
    STEP_NAME_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STEP_CODE_FIELD_NUMBER: _ClassVar[int]
    ADVANCED_BY_FIELD_NUMBER: _ClassVar[int]
    ADVANCED_AT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    step_code: str
    step_name: str
    previous_step_code: str
    advanced_by: _types_pb2.Actor
    advanced_at: _timestamp_pb2.Timestamp
    deadline: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., step_code: _Optional[str] = ..., step_name: _Optional[str] = ..., previous_step_code: _Optional[str] = ..., advanced_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., advanced_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StepOverdue(_message.Message):
    __slots__ = ("application_id", "step_code", "deadline", "detected_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_CODE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    step_code: str
    deadline: _timestamp_pb2.Timestamp
    detected_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., step_code: _Optional[str] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., detected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ApplicationCompleted(_message.Message):
    __slots__ = ("application_id", "matter_code", "connected_capacity_w", "steps_taken", "completed_by", "completed_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    MATTER_CODE_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_CAPACITY_W_FIELD_NUMBER: _ClassVar[int]
    STEPS_TAKEN_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_BY_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    matter_code: str
    connected_capacity_w: int
    steps_taken: int
    completed_by: _types_pb2.Actor
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., matter_code: _Optional[str] = ..., connected_capacity_w: _Optional[int] = ..., steps_taken: _Optional[int] = ..., completed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvaluationSubmitted(_message.Message):
    __slots__ = ("application_id", "grade", "comment", "evaluated_by", "submitted_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_BY_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    grade: _types_pb2_1.EvaluationGrade
    comment: str
    evaluated_by: _types_pb2.Actor
    submitted_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., grade: _Optional[_Union[_types_pb2_1.EvaluationGrade, str]] = ..., comment: _Optional[str] = ..., evaluated_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RectificationOpened(_message.Message):
    __slots__ = ("application_id", "rectification_id", "grade", "comment", "due_date", "opened_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    rectification_id: str
    grade: _types_pb2_1.EvaluationGrade
    comment: str
    due_date: _types_pb2.Date
    opened_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., rectification_id: _Optional[str] = ..., grade: _Optional[_Union[_types_pb2_1.EvaluationGrade, str]] = ..., comment: _Optional[str] = ..., due_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RectificationCompleted(_message.Message):
    __slots__ = ("application_id", "rectification_id", "action", "completed_by", "follow_up_due_date", "completed_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_BY_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    rectification_id: str
    action: str
    completed_by: _types_pb2.Actor
    follow_up_due_date: _types_pb2.Date
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., rectification_id: _Optional[str] = ..., action: _Optional[str] = ..., completed_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., follow_up_due_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RectificationFollowedUp(_message.Message):
    __slots__ = ("application_id", "rectification_id", "applicant_satisfied", "note", "followed_up_by", "followed_up_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_SATISFIED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    FOLLOWED_UP_BY_FIELD_NUMBER: _ClassVar[int]
    FOLLOWED_UP_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    rectification_id: str
    applicant_satisfied: bool
    note: str
    followed_up_by: _types_pb2.Actor
    followed_up_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., rectification_id: _Optional[str] = ..., applicant_satisfied: _Optional[bool] = ..., note: _Optional[str] = ..., followed_up_by: _Optional[_Union[_types_pb2.Actor, _Mapping]] = ..., followed_up_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PreparationStarted(_message.Message):
    __slots__ = ("parcel_code", "preparation_id", "source", "caused_by", "owner", "planned_load_w", "project_code", "contact", "prepared_steps", "started_at")
    PARCEL_CODE_FIELD_NUMBER: _ClassVar[int]
    PREPARATION_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PLANNED_LOAD_W_FIELD_NUMBER: _ClassVar[int]
    PROJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    PREPARED_STEPS_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    parcel_code: str
    preparation_id: str
    source: _types_pb2_1.PreparationSource
    caused_by: _types_pb2.EventRef
    owner: _types_pb2.Party
    planned_load_w: int
    project_code: str
    contact: _types_pb2.Contact
    prepared_steps: _containers.RepeatedScalarFieldContainer[str]
    started_at: _timestamp_pb2.Timestamp
    def __init__(self, parcel_code: _Optional[str] = ..., preparation_id: _Optional[str] = ..., source: _Optional[_Union[_types_pb2_1.PreparationSource, str]] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., owner: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., planned_load_w: _Optional[int] = ..., project_code: _Optional[str] = ..., contact: _Optional[_Union[_types_pb2.Contact, _Mapping]] = ..., prepared_steps: _Optional[_Iterable[str]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ApplicationFlagged(_message.Message):
    __slots__ = ("application_id", "certificate", "invalidation", "detail", "caused_by", "flagged_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    INVALIDATION_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    certificate: _types_pb2.CertificateRef
    invalidation: _types_pb2_1.EvidenceInvalidation
    detail: str
    caused_by: _types_pb2.EventRef
    flagged_at: _timestamp_pb2.Timestamp
    def __init__(self, application_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2.CertificateRef, _Mapping]] = ..., invalidation: _Optional[_Union[_types_pb2_1.EvidenceInvalidation, str]] = ..., detail: _Optional[str] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ..., flagged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HolderEvidenceChanged(_message.Message):
    __slots__ = ("partition_key", "holder_id", "certificate", "invalidation", "caused_by")
    PARTITION_KEY_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    INVALIDATION_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    partition_key: str
    holder_id: str
    certificate: _types_pb2.CertificateRef
    invalidation: _types_pb2_1.EvidenceInvalidation
    caused_by: _types_pb2.EventRef
    def __init__(self, partition_key: _Optional[str] = ..., holder_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2.CertificateRef, _Mapping]] = ..., invalidation: _Optional[_Union[_types_pb2_1.EvidenceInvalidation, str]] = ..., caused_by: _Optional[_Union[_types_pb2.EventRef, _Mapping]] = ...) -> None: ...
