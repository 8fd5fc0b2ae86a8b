import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from govshare.projects.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProjectApproved(_message.Message):
    __slots__ = ("project_code", "kind", "document_number", "project_name", "owner", "parcel_codes", "planned_load_w", "total_investment", "location", "contact", "approved_on", "authority", "recorded_at")
    PROJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PARCEL_CODES_FIELD_NUMBER: _ClassVar[int]
    PLANNED_LOAD_W_FIELD_NUMBER: _ClassVar[int]
    TOTAL_INVESTMENT_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    APPROVED_ON_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    project_code: str
    kind: _types_pb2_1.ApprovalKind
    document_number: str
    project_name: str
    owner: _types_pb2.Party
    parcel_codes: _containers.RepeatedScalarFieldContainer[str]
    planned_load_w: int
    total_investment: _types_pb2.Money
    location: _types_pb2.Address
    contact: _types_pb2.Contact
    approved_on: _types_pb2.Date
    authority: _types_pb2.Party
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, project_code: _Optional[str] = ..., kind: _Optional[_Union[_types_pb2_1.ApprovalKind, str]] = ..., document_number: _Optional[str] = ..., project_name: _Optional[str] = ..., owner: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., parcel_codes: _Optional[_Iterable[str]] = ..., planned_load_w: _Optional[int] = ..., total_investment: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., location: _Optional[_Union[_types_pb2.Address, _Mapping]] = ..., contact: _Optional[_Union[_types_pb2.Contact, _Mapping]] = ..., approved_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ConstructionPermitIssued(_message.Message):
    __slots__ = ("project_code", "permit_number", "owner", "project_name", "parcel_codes", "floor_area_hundredths_m2", "contract_price", "issued_on", "authority", "recorded_at")
    PROJECT_CODE_FIELD_NUMBER: _ClassVar[int]
    PERMIT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    PARCEL_CODES_FIELD_NUMBER: _ClassVar[int]
    FLOOR_AREA_HUNDREDTHS_M2_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_PRICE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_ON_FIELD_NUMBER: _ClassVar[int]
    AUTHORITY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    project_code: str
    permit_number: str
    owner: _types_pb2.Party
    project_name: str
    parcel_codes: _containers.RepeatedScalarFieldContainer[str]
    floor_area_hundredths_m2: int
    contract_price: _types_pb2.Money
    issued_on: _types_pb2.Date
    authority: _types_pb2.Party
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, project_code: _Optional[str] = ..., permit_number: _Optional[str] = ..., owner: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., project_name: _Optional[str] = ..., parcel_codes: _Optional[_Iterable[str]] = ..., floor_area_hundredths_m2: _Optional[int] = ..., contract_price: _Optional[_Union[_types_pb2.Money, _Mapping]] = ..., issued_on: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., authority: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
