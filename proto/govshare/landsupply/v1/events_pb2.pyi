import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.landsupply.v1 import types_pb2 as _types_pb2_1
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LandSupplied(_message.Message):
    __slots__ = ("parcel_code", "supply_number", "method", "land_use_code", "land_use_name", "area_hundredths_m2", "grantee", "planned_load_w", "location", "price", "contract_date", "term_years", "contact", "authority", "recorded_at")
    PARCEL_CODE_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_NUMBER_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    LAND_USE_CODE_FIELD_NUMBER: _ClassVar[int]
    LAND_USE_NAME_FIELD_NUMBER: _ClassVar[int]
    AREA_HUNDREDTHS_M2_FIELD_NUMBER: _ClassVar[int]
    GRANTEE_FIELD_NUMBER: _ClassVar[int]
    PLANNED_LOAD_W_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_DATE_FIELD_NUMBER: _ClassVar[int]
    TERM_YEARS_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    parcel_code: str
    supply_number: str
    method: _types_pb2_1.SupplyMethod
    land_use_code: str
    land_use_name: str
    area_hundredths_m2: int
    grantee: _types_pb2.Party
    planned_load_w: int
    location: _types_pb2.Address
    price: _types_pb2.Money
    contract_date: _types_pb2.Date
    term_years: int
    contact: _types_pb2.Contact
    authority: _types_pb2.Party
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, parcel_code: _Optional[str] = ..., supply_number: _Optional[str] = ..., method: _Optional[_Union[_types_pb2_1.SupplyMethod, str]] = ..., land_use_code: _Optional[str] = ..., land_use_name: _Optional[str] = ..., area_hundredths_m2: _Optional[int] = ..., grantee: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., planned_load_w: _Optional[int] = ..., location: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., price: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., contract_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., term_years: _Optional[int] = ..., contact: _Optional[_Union[_types_pb2.Contact, _Mapping]] = ..., authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanningPermitIssued(_message.Message):
    __slots__ = ("parcel_code", "permit_number", "kind", "holder", "project_name", "project_code", "land_area_hundredths_m2", "floor_area_hundredths_m2", "location", "issued_on", "authority", "recorded_at")
    PARCEL_CODE_FIELD_NUMBER: _ClassVar[int]
    PERMIT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    HOLDER_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    LAND_AREA_HUNDREDTHS_M2_FIELD_NUMBER: _ClassVar[int]
    FLOOR_AREA_HUNDREDTHS_M2_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    ISSUED_ON_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    parcel_code: str
    permit_number: str
    kind: _types_pb2_1.PermitKind
    holder: _types_pb2.Party
    project_name: str
    project_code: str
    land_area_hundredths_m2: int
    floor_area_hundredths_m2: int
    location: _types_pb2.Address
    issued_on: _types_pb2.Date
    authority: _types_pb2.Party
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, parcel_code: _Optional[str] = ..., permit_number: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2_1.PermitKind, str]] = ..., holder: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., project_name: _Optional[str] = ..., project_code: _Optional[str] = ..., land_area_hundredths_m2: _Optional[int] = ..., floor_area_hundredths_m2: _Optional[int] = ..., location: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., issued_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
