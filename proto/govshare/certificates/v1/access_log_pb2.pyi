import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.certificates.v1 import types_pb2 as _types_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EvidenceAccessGranted(_message.Message):
    __slots__ = ("holder_id", "access_id", "requester", "requested_by", "matter_code", "purpose", "legal_basis", "case_id", "requested_type_codes", "released", "occurred_at")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    MATTER_CODE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_TYPE_CODES_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    access_id: str
    requester: _types_pb2_1.Party
    requested_by: _types_pb2_1.Actor
    matter_code: str
    purpose: str
    legal_basis: str
    case_id: str
    requested_type_codes: _containers.RepeatedScalarFieldContainer[str]
    released: _containers.RepeatedCompositeFieldContainer[_types_pb2.ReleasedEvidence]
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, holder_id: _Optional[str] = ..., access_id: _Optional[str] = ..., requester: _Optional[_Union[_types_pb2_1.Party, _Mapping]] = ..., requested_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ..., matter_code: _Optional[str] = ..., purpose: _Optional[str] = ..., legal_basis: _Optional[str] = ..., case_id: _Optional[str] = ..., requested_type_codes: _Optional[_Iterable[str]] = ..., released: _Optional[_Iterable[_Union[_types_pb2.ReleasedEvidence, _Mapping]]] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvidenceAccessDenied(_message.Message):
    __slots__ = ("holder_id", "access_id", "requester", "requested_by", "matter_code", "purpose", "case_id", "requested_type_codes", "reason", "detail", "occurred_at")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    MATTER_CODE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_TYPE_CODES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    access_id: str
    requester: _types_pb2_1.Party
    requested_by: _types_pb2_1.Actor
    matter_code: str
    purpose: str
    case_id: str
    requested_type_codes: _containers.RepeatedScalarFieldContainer[str]
    reason: _types_pb2.AccessDenialReason
    detail: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, holder_id: _Optional[str] = ..., access_id: _Optional[str] = ..., requester: _Optional[_Union[_types_pb2_1.Party, _Mapping]] = ..., requested_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ..., matter_code: _Optional[str] = ..., purpose: _Optional[str] = ..., case_id: _Optional[str] = ..., requested_type_codes: _Optional[_Iterable[str]] = ..., reason: _Optional[_Union[_types_pb2.AccessDenialReason, str]] = ..., detail: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PersonalDataUsed(_message.Message):
    __slots__ = ("holder_id", "access_id", "user", "used_by", "use", "purpose", "legal_basis", "case_id", "certificates", "occurred_at", "data_described")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    USED_BY_FIELD_NUMBER: _ClassVar[int]
    USE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    DATA_DESCRIBED_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    access_id: str
    user: _types_pb2_1.Party
    used_by: _types_pb2_1.Actor
    use: _types_pb2.DataUse
    purpose: str
    legal_basis: str
    case_id: str
    certificates: _containers.RepeatedCompositeFieldContainer[_types_pb2_1.CertificateRef]
    occurred_at: _timestamp_pb2.Timestamp
    data_described: str
    def __init__(self, holder_id: _Optional[str] = ..., access_id: _Optional[str] = ..., user: _Optional[_Union[_types_pb2_1.Party, _Mapping]] = ..., used_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ..., use: _Optional[_Union[_types_pb2.DataUse, str]] = ..., purpose: _Optional[str] = ..., legal_basis: _Optional[str] = ..., case_id: _Optional[str] = ..., certificates: _Optional[_Iterable[_Union[_types_pb2_1.CertificateRef, _Mapping]]] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., data_described: _Optional[str] = ...) -> None: ...
