from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class SealKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEAL_KIND_UNSPECIFIED: _ClassVar[SealKind]
    SEAL_KIND_SEAL: _ClassVar[SealKind]
    SEAL_KIND_WAITING: _ClassVar[SealKind]
    SEAL_KIND_PRE: _ClassVar[SealKind]
SEAL_KIND_UNSPECIFIED: SealKind
SEAL_KIND_SEAL: SealKind
SEAL_KIND_WAITING: SealKind
SEAL_KIND_PRE: SealKind
