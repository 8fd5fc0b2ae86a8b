from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class FailureReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILURE_REASON_UNSPECIFIED: _ClassVar[FailureReason]
    FAILURE_REASON_DECLINED: _ClassVar[FailureReason]
    FAILURE_REASON_CANCELLED_BY_PAYER: _ClassVar[FailureReason]
    FAILURE_REASON_ORDER_EXPIRED: _ClassVar[FailureReason]
FAILURE_REASON_UNSPECIFIED: FailureReason
FAILURE_REASON_DECLINED: FailureReason
FAILURE_REASON_CANCELLED_BY_PAYER: FailureReason
FAILURE_REASON_ORDER_EXPIRED: FailureReason
