from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class SupplyMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUPPLY_METHOD_UNSPECIFIED: _ClassVar[SupplyMethod]
    SUPPLY_METHOD_ALLOCATION: _ClassVar[SupplyMethod]
    SUPPLY_METHOD_COMPETITIVE_TRANSFER: _ClassVar[SupplyMethod]
    SUPPLY_METHOD_AGREEMENT_TRANSFER: _ClassVar[SupplyMethod]
    SUPPLY_METHOD_LEASE: _ClassVar[SupplyMethod]

class PermitKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERMIT_KIND_UNSPECIFIED: _ClassVar[PermitKind]
    PERMIT_KIND_LAND_USE: _ClassVar[PermitKind]
    PERMIT_KIND_ENGINEERING: _ClassVar[PermitKind]
SUPPLY_METHOD_UNSPECIFIED: SupplyMethod
SUPPLY_METHOD_ALLOCATION: SupplyMethod
SUPPLY_METHOD_COMPETITIVE_TRANSFER: SupplyMethod
SUPPLY_METHOD_AGREEMENT_TRANSFER: SupplyMethod
SUPPLY_METHOD_LEASE: SupplyMethod
PERMIT_KIND_UNSPECIFIED: PermitKind
PERMIT_KIND_LAND_USE: PermitKind
PERMIT_KIND_ENGINEERING: PermitKind
