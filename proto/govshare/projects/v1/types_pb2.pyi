from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ApprovalKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_KIND_UNSPECIFIED: _ClassVar[ApprovalKind]
    APPROVAL_KIND_EXAMINATION: _ClassVar[ApprovalKind]
    APPROVAL_KIND_APPROVAL: _ClassVar[ApprovalKind]
    APPROVAL_KIND_FILING: _ClassVar[ApprovalKind]
APPROVAL_KIND_UNSPECIFIED: ApprovalKind
APPROVAL_KIND_EXAMINATION: ApprovalKind
APPROVAL_KIND_APPROVAL: ApprovalKind
APPROVAL_KIND_FILING: ApprovalKind
