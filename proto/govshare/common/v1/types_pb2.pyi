from govshare.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PartyKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PARTY_KIND_UNSPECIFIED: _ClassVar[PartyKind]
    PARTY_KIND_CITIZEN: _ClassVar[PartyKind]
    PARTY_KIND_ENTERPRISE: _ClassVar[PartyKind]
    PARTY_KIND_DEPARTMENT: _ClassVar[PartyKind]

class ActorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTOR_KIND_UNSPECIFIED: _ClassVar[ActorKind]
    ACTOR_KIND_PERSON: _ClassVar[ActorKind]
    ACTOR_KIND_SYSTEM: _ClassVar[ActorKind]

class EvidenceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVIDENCE_STATUS_UNSPECIFIED: _ClassVar[EvidenceStatus]
    EVIDENCE_STATUS_FOUND: _ClassVar[EvidenceStatus]
    EVIDENCE_STATUS_MISSING: _ClassVar[EvidenceStatus]
    EVIDENCE_STATUS_AMBIGUOUS: _ClassVar[EvidenceStatus]
    EVIDENCE_STATUS_NOT_CURRENT: _ClassVar[EvidenceStatus]
    EVIDENCE_STATUS_DENIED: _ClassVar[EvidenceStatus]
PARTY_KIND_UNSPECIFIED: PartyKind
PARTY_KIND_CITIZEN: PartyKind
PARTY_KIND_ENTERPRISE: PartyKind
PARTY_KIND_DEPARTMENT: PartyKind
ACTOR_KIND_UNSPECIFIED: ActorKind
ACTOR_KIND_PERSON: ActorKind
ACTOR_KIND_SYSTEM: ActorKind
EVIDENCE_STATUS_UNSPECIFIED: EvidenceStatus
EVIDENCE_STATUS_FOUND: EvidenceStatus
EVIDENCE_STATUS_MISSING: EvidenceStatus
EVIDENCE_STATUS_AMBIGUOUS: EvidenceStatus
EVIDENCE_STATUS_NOT_CURRENT: EvidenceStatus
EVIDENCE_STATUS_DENIED: EvidenceStatus

class Money(_message.Message):
    __slots__ = ("fen",)
    FEN_FIELD_NUMBER: _ClassVar[int]
    fen: int
    def __init__(self, fen: _Optional[int] = ...) -> None: ...

class Date(_message.Message):
    __slots__ = ("year", "month", "day")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    year: int
    month: int
    day: int
    def __init__(self, year: _Optional[int] = ..., month: _Optional[int] = ..., day: _Optional[int] = ...) -> None: ...

class Party(_message.Message):
    __slots__ = ("kind", "id", "name")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    kind: PartyKind
    id: str
    name: str
    def __init__(self, kind: _Optional[_Union[PartyKind, str]] = ..., id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Actor(_message.Message):
    __slots__ = ("kind", "person_id", "person_name", "system_id", "on_behalf_of", "role")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_NAME_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_ID_FIELD_NUMBER: _ClassVar[int]
    ON_BEHALF_OF_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    kind: ActorKind
    person_id: str
    person_name: str
    system_id: str
    on_behalf_of: Party
    role: str
    def __init__(self, kind: _Optional[_Union[ActorKind, str]] = ..., person_id: _Optional[str] = ..., person_name: _Optional[str] = ..., system_id: _Optional[str] = ..., on_behalf_of: _Optional[_Union[Party, _Mapping]] = ..., role: _Optional[str] = ...) -> None: ...

class Address(_message.Message):
    __slots__ = ("division_code", "text", "postal_code")
    DIVISION_CODE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    POSTAL_CODE_FIELD_NUMBER: _ClassVar[int]
    division_code: str
    text: str
    postal_code: str
    def __init__(self, division_code: _Optional[str] = ..., text: _Optional[str] = ..., postal_code: _Optional[str] = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ("name", "phone")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    name: str
    phone: str
    def __init__(self, name: _Optional[str] = ..., phone: _Optional[str] = ...) -> None: ...

class CertificateRef(_message.Message):
    __slots__ = ("certificate_id", "type_code", "version")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    type_code: str
    version: int
    def __init__(self, certificate_id: _Optional[str] = ..., type_code: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class EventRef(_message.Message):
    __slots__ = ("source", "id", "type")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    source: str
    id: str
    type: str
    def __init__(self, source: _Optional[str] = ..., id: _Optional[str] = ..., type: _Optional[str] = ...) -> None: ...

class EvidenceResult(_message.Message):
    __slots__ = ("type_code", "type_name", "status", "certificate", "candidates", "detail")
    TYPE_CODE_FIELD_NUMBER: _ClassVar[int]
    TYPE_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    type_code: str
    type_name: str
    status: EvidenceStatus
    certificate: CertificateRef
    candidates: _containers.RepeatedCompositeFieldContainer[CertificateRef]
    detail: str
    def __init__(self, type_code: _Optional[str] = ..., type_name: _Optional[str] = ..., status: _Optional[_Union[EvidenceStatus, str]] = ..., certificate: _Optional[_Union[CertificateRef, _Mapping]] = ..., candidates: _Optional[_Iterable[_Union[CertificateRef, _Mapping]]] = ..., detail: _Optional[str] = ...) -> None: ...
