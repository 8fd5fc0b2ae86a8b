from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class IdKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ID_KIND_UNSPECIFIED: _ClassVar[IdKind]
    ID_KIND_USCC: _ClassVar[IdKind]
    ID_KIND_RESIDENT_ID: _ClassVar[IdKind]
    ID_KIND_UNIT_CODE: _ClassVar[IdKind]
    ID_KIND_PARCEL_CODE: _ClassVar[IdKind]
    ID_KIND_CERT_ID: _ClassVar[IdKind]
    ID_KIND_HOLDER_ID: _ClassVar[IdKind]
ID_KIND_UNSPECIFIED: IdKind
ID_KIND_USCC: IdKind
ID_KIND_RESIDENT_ID: IdKind
ID_KIND_UNIT_CODE: IdKind
ID_KIND_PARCEL_CODE: IdKind
ID_KIND_CERT_ID: IdKind
ID_KIND_HOLDER_ID: IdKind
REQUIRED_FIELD_NUMBER: _ClassVar[int]
required: _descriptor.FieldDescriptor
ID_KIND_FIELD_NUMBER: _ClassVar[int]
id_kind: _descriptor.FieldDescriptor
AGGREGATE_KEY_FIELD_NUMBER: _ClassVar[int]
aggregate_key: _descriptor.FieldDescriptor
