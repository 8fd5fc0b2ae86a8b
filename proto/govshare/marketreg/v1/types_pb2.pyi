from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CancellationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CANCELLATION_KIND_UNSPECIFIED: _ClassVar[CancellationKind]
    CANCELLATION_KIND_DEREGISTERED: _ClassVar[CancellationKind]
    CANCELLATION_KIND_REVOKED: _ClassVar[CancellationKind]
CANCELLATION_KIND_UNSPECIFIED: CancellationKind
CANCELLATION_KIND_DEREGISTERED: CancellationKind
CANCELLATION_KIND_REVOKED: CancellationKind

class BusinessLicence(_message.Message):
    __slots__ = ("name", "entity_type", "legal_representative", "address", "registered_capital", "established_on", "term_from", "term_until", "business_scope", "registration_authority")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_REPRESENTATIVE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_CAPITAL_FIELD_NUMBER: _ClassVar[int]
    ESTABLISHED_ON_FIELD_NUMBER: _ClassVar[int]
    TERM_FROM_FIELD_NUMBER: _ClassVar[int]
    TERM_UNTIL_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_SCOPE_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    name: str
    entity_type: str
    legal_representative: _types_pb2.Party
    address: _types_pb2.Address
    registered_capital: _types_pb2.Money
    established_on: _types_pb2.Date
    term_from: _types_pb2.Date
    term_until: _types_pb2.Date
    business_scope: str
    registration_authority: _types_pb2.Party
    def __init__(self, name: _Optional[str] = ..., entity_type: _Optional[str] = ..., legal_representative: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., address: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., registered_capital: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., established_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., term_from: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., term_until: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., business_scope: _Optional[str] = ..., registration_authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ...) -> None: ...
