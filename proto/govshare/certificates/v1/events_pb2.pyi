import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.certificates.v1 import types_pb2 as _types_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CertificateIssued(_message.Message):
    __slots__ = ("holder_id", "certificate", "request_id", "caused_by", "issued_by")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    ISSUED_BY_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    certificate: _types_pb2.Certificate
    request_id: str
    caused_by: _types_pb2_1.EventRef
    issued_by: _types_pb2_1.Actor
    def __init__(self, holder_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ..., request_id: _Optional[str] = ..., caused_by: _Optional[_Union[_types_pb2_1.EventRef, _Mapping]] = ..., issued_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ...) -> None: ...

class CertificateRevoked(_message.Message):
    __slots__ = ("holder_id", "certificate", "reason", "detail", "revoked_at", "revoked_by", "caused_by")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_BY_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    certificate: _types_pb2_1.CertificateRef
    reason: _types_pb2.RevocationReason
    detail: str
    revoked_at: _timestamp_pb2.Timestamp
    revoked_by: _types_pb2_1.Actor
    caused_by: _types_pb2_1.EventRef
    def __init__(self, holder_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2_1.CertificateRef, _Mapping]] = ..., reason: _Optional[_Union[_types_pb2.RevocationReason, str]] = ..., detail: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ..., caused_by: _Optional[_Union[_types_pb2_1.EventRef, _Mapping]] = ...) -> None: ...

class CertificateSuspended(_message.Message):
    __slots__ = ("holder_id", "certificate", "reason", "suspended_at", "suspended_by")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SUSPENDED_AT_FIELD_NUMBER: _ClassVar[int]
    SUSPENDED_BY_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    certificate: _types_pb2_1.CertificateRef
    reason: str
    suspended_at: _timestamp_pb2.Timestamp
    suspended_by: _types_pb2_1.Actor
    def __init__(self, holder_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2_1.CertificateRef, _Mapping]] = ..., reason: _Optional[str] = ..., suspended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., suspended_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ...) -> None: ...

class CertificateReinstated(_message.Message):
    __slots__ = ("holder_id", "certificate", "reason", "reinstated_at", "reinstated_by")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REINSTATED_AT_FIELD_NUMBER: _ClassVar[int]
    REINSTATED_BY_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    certificate: _types_pb2_1.CertificateRef
    reason: str
    reinstated_at: _timestamp_pb2.Timestamp
    reinstated_by: _types_pb2_1.Actor
    def __init__(self, holder_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2_1.CertificateRef, _Mapping]] = ..., reason: _Optional[str] = ..., reinstated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reinstated_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ...) -> None: ...

class CertificateSuperseded(_message.Message):
    __slots__ = ("holder_id", "certificate", "replacement", "superseded_at", "superseded_by")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENT_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_AT_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_BY_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    certificate: _types_pb2_1.CertificateRef
    replacement: _types_pb2_1.CertificateRef
    superseded_at: _timestamp_pb2.Timestamp
    superseded_by: _types_pb2_1.Actor
    def __init__(self, holder_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2_1.CertificateRef, _Mapping]] = ..., replacement: _Optional[_Union[_types_pb2_1.CertificateRef, _Mapping]] = ..., superseded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., superseded_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ...) -> None: ...

class SigningKeyPublished(_message.Message):
    __slots__ = ("issuer_uscc", "key", "replaces_key_id", "published_at")
    ISSUER_USCC_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    REPLACES_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    issuer_uscc: str
    key: _types_pb2.SigningKey
    replaces_key_id: str
    published_at: _timestamp_pb2.Timestamp
    def __init__(self, issuer_uscc: _Optional[str] = ..., key: _Optional[_Union[_types_pb2.SigningKey, _Mapping]] = ..., replaces_key_id: _Optional[str] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SigningKeyRetired(_message.Message):
    __slots__ = ("issuer_uscc", "key_id", "reason", "retired_at", "compromised_since")
    ISSUER_USCC_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETIRED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPROMISED_SINCE_FIELD_NUMBER: _ClassVar[int]
    issuer_uscc: str
    key_id: str
    reason: _types_pb2.KeyRetirementReason
    retired_at: _timestamp_pb2.Timestamp
    compromised_since: _timestamp_pb2.Timestamp
    def __init__(self, issuer_uscc: _Optional[str] = ..., key_id: _Optional[str] = ..., reason: _Optional[_Union[_types_pb2.KeyRetirementReason, str]] = ..., retired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., compromised_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HolderChangeRequested(_message.Message):
    __slots__ = ("holder_id", "type_key", "field", "value", "revocation_reason", "detail", "superseding_fields", "caused_by", "requested_by", "request_id", "department")
    class SupersedingFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_KEY_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDING_FIELDS_FIELD_NUMBER: _ClassVar[int]
    CAUSED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    type_key: str
    field: str
    value: str
    revocation_reason: _types_pb2.RevocationReason
    detail: str
    superseding_fields: _containers.ScalarMap[str, str]
    caused_by: _types_pb2_1.EventRef
    requested_by: _types_pb2_1.Actor
    request_id: str
    department: str
    def __init__(self, holder_id: _Optional[str] = ..., type_key: _Optional[str] = ..., field: _Optional[str] = ..., value: _Optional[str] = ..., revocation_reason: _Optional[_Union[_types_pb2.RevocationReason, str]] = ..., detail: _Optional[str] = ..., superseding_fields: _Optional[_Mapping[str, str]] = ..., caused_by: _Optional[_Union[_types_pb2_1.EventRef, _Mapping]] = ..., requested_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ..., request_id: _Optional[str] = ..., department: _Optional[str] = ...) -> None: ...
