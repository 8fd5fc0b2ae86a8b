import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CertificateStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CERTIFICATE_STATUS_UNSPECIFIED: _ClassVar[CertificateStatus]
    CERTIFICATE_STATUS_ACTIVE: _ClassVar[CertificateStatus]
    CERTIFICATE_STATUS_SUSPENDED: _ClassVar[CertificateStatus]
    CERTIFICATE_STATUS_REVOKED: _ClassVar[CertificateStatus]
    CERTIFICATE_STATUS_SUPERSEDED: _ClassVar[CertificateStatus]

class SignatureSuite(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNATURE_SUITE_UNSPECIFIED: _ClassVar[SignatureSuite]
    SIGNATURE_SUITE_SM2_SM3: _ClassVar[SignatureSuite]
    SIGNATURE_SUITE_ED25519: _ClassVar[SignatureSuite]

class Canonicalization(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CANONICALIZATION_UNSPECIFIED: _ClassVar[Canonicalization]
    CANONICALIZATION_JCS_V1: _ClassVar[Canonicalization]

class SigningKeyStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNING_KEY_STATUS_UNSPECIFIED: _ClassVar[SigningKeyStatus]
    SIGNING_KEY_STATUS_ACTIVE: _ClassVar[SigningKeyStatus]
    SIGNING_KEY_STATUS_RETIRED: _ClassVar[SigningKeyStatus]
    SIGNING_KEY_STATUS_COMPROMISED: _ClassVar[SigningKeyStatus]

class RevocationReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVOCATION_REASON_UNSPECIFIED: _ClassVar[RevocationReason]
    REVOCATION_REASON_ISSUED_IN_ERROR: _ClassVar[RevocationReason]
    REVOCATION_REASON_RIGHT_TRANSFERRED: _ClassVar[RevocationReason]
    REVOCATION_REASON_HOLDER_DEREGISTERED: _ClassVar[RevocationReason]
    REVOCATION_REASON_SANCTION: _ClassVar[RevocationReason]
    REVOCATION_REASON_COURT_ORDER: _ClassVar[RevocationReason]
    REVOCATION_REASON_KEY_COMPROMISE: _ClassVar[RevocationReason]
    REVOCATION_REASON_OTHER: _ClassVar[RevocationReason]

class KeyRetirementReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KEY_RETIREMENT_REASON_UNSPECIFIED: _ClassVar[KeyRetirementReason]
    KEY_RETIREMENT_REASON_ROTATED: _ClassVar[KeyRetirementReason]
    KEY_RETIREMENT_REASON_COMPROMISED: _ClassVar[KeyRetirementReason]

class AccessDenialReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCESS_DENIAL_REASON_UNSPECIFIED: _ClassVar[AccessDenialReason]
    ACCESS_DENIAL_REASON_NOT_IN_CATALOG: _ClassVar[AccessDenialReason]
    ACCESS_DENIAL_REASON_TYPE_NOT_ALLOWED: _ClassVar[AccessDenialReason]
    ACCESS_DENIAL_REASON_NO_CASE: _ClassVar[AccessDenialReason]
    ACCESS_DENIAL_REASON_REQUESTER_MISMATCH: _ClassVar[AccessDenialReason]
    ACCESS_DENIAL_REASON_ENTRY_NOT_IN_FORCE: _ClassVar[AccessDenialReason]

class DataUse(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_USE_UNSPECIFIED: _ClassVar[DataUse]
    DATA_USE_CERTIFICATE_READ: _ClassVar[DataUse]
    DATA_USE_DOSSIER_LISTED: _ClassVar[DataUse]
    DATA_USE_CASE_READ: _ClassVar[DataUse]
    DATA_USE_UNIT_HISTORY_READ: _ClassVar[DataUse]
    DATA_USE_TRANSFER_ASSESSED: _ClassVar[DataUse]
    DATA_USE_QUEUE_READ: _ClassVar[DataUse]
CERTIFICATE_STATUS_UNSPECIFIED: CertificateStatus
CERTIFICATE_STATUS_ACTIVE: CertificateStatus
CERTIFICATE_STATUS_SUSPENDED: CertificateStatus
CERTIFICATE_STATUS_REVOKED: CertificateStatus
CERTIFICATE_STATUS_SUPERSEDED: CertificateStatus
SIGNATURE_SUITE_UNSPECIFIED: SignatureSuite
SIGNATURE_SUITE_SM2_SM3: SignatureSuite
SIGNATURE_SUITE_ED25519: SignatureSuite
CANONICALIZATION_UNSPECIFIED: Canonicalization
CANONICALIZATION_JCS_V1: Canonicalization
SIGNING_KEY_STATUS_UNSPECIFIED: SigningKeyStatus
SIGNING_KEY_STATUS_ACTIVE: SigningKeyStatus
SIGNING_KEY_STATUS_RETIRED: SigningKeyStatus
SIGNING_KEY_STATUS_COMPROMISED: SigningKeyStatus
REVOCATION_REASON_UNSPECIFIED: RevocationReason
REVOCATION_REASON_ISSUED_IN_ERROR: RevocationReason
REVOCATION_REASON_RIGHT_TRANSFERRED: RevocationReason
REVOCATION_REASON_HOLDER_DEREGISTERED: RevocationReason
REVOCATION_REASON_SANCTION: RevocationReason
REVOCATION_REASON_COURT_ORDER: RevocationReason
REVOCATION_REASON_KEY_COMPROMISE: RevocationReason
REVOCATION_REASON_OTHER: RevocationReason
KEY_RETIREMENT_REASON_UNSPECIFIED: KeyRetirementReason
KEY_RETIREMENT_REASON_ROTATED: KeyRetirementReason
KEY_RETIREMENT_REASON_COMPROMISED: KeyRetirementReason
ACCESS_DENIAL_REASON_UNSPECIFIED: AccessDenialReason
ACCESS_DENIAL_REASON_NOT_IN_CATALOG: AccessDenialReason
ACCESS_DENIAL_REASON_TYPE_NOT_ALLOWED: AccessDenialReason
ACCESS_DENIAL_REASON_NO_CASE: AccessDenialReason
ACCESS_DENIAL_REASON_REQUESTER_MISMATCH: AccessDenialReason
ACCESS_DENIAL_REASON_ENTRY_NOT_IN_FORCE: AccessDenialReason
DATA_USE_UNSPECIFIED: DataUse
DATA_USE_CERTIFICATE_READ: DataUse
DATA_USE_DOSSIER_LISTED: DataUse
DATA_USE_CASE_READ: DataUse
DATA_USE_UNIT_HISTORY_READ: DataUse
DATA_USE_TRANSFER_ASSESSED: DataUse
DATA_USE_QUEUE_READ: DataUse

class Certificate(_message.Message):
    __slots__ = ("id", "type_code", "type_name", "holder", "issuer_uscc", "issuer_name", "serial", "version", "valid_from", "valid_until", "issued_at", "supersedes_id", "fields", "status", "signature")
    class FieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_CODE_FIELD_NUMBER: _ClassVar[int]
    TYPE_NAME_FIELD_NUMBER: _ClassVar[int]
    HOLDER_FIELD_NUMBER: _ClassVar[int]
    ISSUER_USCC_FIELD_NUMBER: _ClassVar[int]
    ISSUER_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    id: str
    type_code: str
    type_name: str
    holder: _types_pb2.Party
    issuer_uscc: str
    issuer_name: str
    serial: str
    version: int
    valid_from: _types_pb2.Date
    valid_until: _types_pb2.Date
    issued_at: _timestamp_pb2.Timestamp
    supersedes_id: str
    fields: _containers.ScalarMap[str, str]
    status: CertificateStatus
    signature: Signature
    def __init__(self, id: _Optional[str] = ..., type_code: _Optional[str] = ..., type_name: _Optional[str] = ..., holder: _Optional[_Union[_types_pb2.Party, _Mapping]] = ..., issuer_uscc: _Optional[str] = ..., issuer_name: _Optional[str] = ..., serial: _Optional[str] = ..., version: _Optional[int] = ..., valid_from: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., valid_until: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., supersedes_id: _Optional[str] = ..., fields: _Optional[_Mapping[str, str]] = ..., status: _Optional[_Union[CertificateStatus, str]] = ..., signature: _Optional[_Union[Signature, _Mapping]] = ...) -> None: ...

class Signature(_message.Message):
    __slots__ = ("suite", "key_id", "canonicalization", "value")
    SUITE_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    CANONICALIZATION_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    suite: SignatureSuite
    key_id: str
    canonicalization: Canonicalization
    value: bytes
    def __init__(self, suite: _Optional[_Union[SignatureSuite, str]] = ..., key_id: _Optional[str] = ..., canonicalization: _Optional[_Union[Canonicalization, str]] = ..., value: _Optional[bytes] = ...) -> None: ...

class SigningKey(_message.Message):
    __slots__ = ("key_id", "issuer_uscc", "suite", "public_key", "active_from", "retired_at", "compromised_since", "status")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ISSUER_USCC_FIELD_NUMBER: _ClassVar[int]
    SUITE_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    RETIRED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPROMISED_SINCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    issuer_uscc: str
    suite: SignatureSuite
    public_key: bytes
    active_from: _timestamp_pb2.Timestamp
    retired_at: _timestamp_pb2.Timestamp
    compromised_since: _timestamp_pb2.Timestamp
    status: SigningKeyStatus
    def __init__(self, key_id: _Optional[str] = ..., issuer_uscc: _Optional[str] = ..., suite: _Optional[_Union[SignatureSuite, str]] = ..., public_key: _Optional[bytes] = ..., active_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., retired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., compromised_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[_Union[SigningKeyStatus, str]] = ...) -> None: ...

class ReleasedEvidence(_message.Message):
    __slots__ = ("result", "released_fields")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    result: _types_pb2.EvidenceResult
    released_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, result: _Optional[_Union[_types_pb2.EvidenceResult, _Mapping]] = ..., released_fields: _Optional[_Iterable[str]] = ...) -> None: ...
