from govshare.certificates.v1 import types_pb2 as _types_pb2
from govshare.common.v1 import options_pb2 as _options_pb2
from govshare.common.v1 import types_pb2 as _types_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VerificationProblem(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_PROBLEM_UNSPECIFIED: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_MALFORMED_ID: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_UNKNOWN_CERTIFICATE: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_CONTENT_MISMATCH: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_UNKNOWN_KEY: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_BAD_SIGNATURE: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_KEY_COMPROMISED: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_NOT_YET_VALID: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_EXPIRED: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_SUSPENDED: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_REVOKED: _ClassVar[VerificationProblem]
    VERIFICATION_PROBLEM_SUPERSEDED: _ClassVar[VerificationProblem]
VERIFICATION_PROBLEM_UNSPECIFIED: VerificationProblem
VERIFICATION_PROBLEM_MALFORMED_ID: VerificationProblem
VERIFICATION_PROBLEM_UNKNOWN_CERTIFICATE: VerificationProblem
VERIFICATION_PROBLEM_CONTENT_MISMATCH: VerificationProblem
VERIFICATION_PROBLEM_UNKNOWN_KEY: VerificationProblem
VERIFICATION_PROBLEM_BAD_SIGNATURE: VerificationProblem
VERIFICATION_PROBLEM_KEY_COMPROMISED: VerificationProblem
VERIFICATION_PROBLEM_NOT_YET_VALID: VerificationProblem
VERIFICATION_PROBLEM_EXPIRED: VerificationProblem
VERIFICATION_PROBLEM_SUSPENDED: VerificationProblem
VERIFICATION_PROBLEM_REVOKED: VerificationProblem
VERIFICATION_PROBLEM_SUPERSEDED: VerificationProblem

class IssueCertificateRequest(_message.Message):
    __slots__ = ("request_id", "type_code", "holder", "issuer_uscc", "serial", "valid_from", "valid_until", "fields", "suite")
    class FieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_CODE_FIELD_NUMBER: _ClassVar[int]
    HOLDER_FIELD_NUMBER: _ClassVar[int]
    ISSUER_USCC_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    SUITE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    type_code: str
    holder: _types_pb2_1.Party
    issuer_uscc: str
    serial: str
    valid_from: _types_pb2_1.Date
    valid_until: _types_pb2_1.Date
    fields: _containers.ScalarMap[str, str]
    suite: _types_pb2.SignatureSuite
    def __init__(self, request_id: _Optional[str] = ..., type_code: _Optional[str] = ..., holder: _Optional[_Union[_types_pb2_1.Party, _Mapping]] = ..., issuer_uscc: _Optional[str] = ..., serial: _Optional[str] = ..., valid_from: _Optional[_Union[_types_pb2_1.Date, _Mapping]] = ..., valid_until: _Optional[_Union[_types_pb2_1.Date, _Mapping]] = ..., fields: _Optional[_Mapping[str, str]] = ..., suite: _Optional[_Union[_types_pb2.SignatureSuite, str]] = ...) -> None: ...

class IssueCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: _types_pb2.Certificate
    def __init__(self, certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ...) -> None: ...

class GetCertificateRequest(_message.Message):
    __slots__ = ("certificate_id", "purpose", "case_id")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    purpose: str
    case_id: str
    def __init__(self, certificate_id: _Optional[str] = ..., purpose: _Optional[str] = ..., case_id: _Optional[str] = ...) -> None: ...

class GetCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: _types_pb2.Certificate
    def __init__(self, certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ...) -> None: ...

class VerifyCertificateRequest(_message.Message):
    __slots__ = ("certificate_id", "certificate", "on_date")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    ON_DATE_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    certificate: _types_pb2.Certificate
    on_date: _types_pb2_1.Date
    def __init__(self, certificate_id: _Optional[str] = ..., certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ..., on_date: _Optional[_Union[_types_pb2_1.Date, _Mapping]] = ...) -> None: ...

class VerifyCertificateResponse(_message.Message):
    __slots__ = ("valid", "problems", "details", "status", "certificate")
    VALID_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    problems: _containers.RepeatedScalarFieldContainer[VerificationProblem]
    details: _containers.RepeatedScalarFieldContainer[str]
    status: _types_pb2.CertificateStatus
    certificate: _types_pb2.Certificate
    def __init__(self, valid: _Optional[bool] = ..., problems: _Optional[_Iterable[_Union[VerificationProblem, str]]] = ..., details: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[_types_pb2.CertificateStatus, str]] = ..., certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ...) -> None: ...

class RevokeCertificateRequest(_message.Message):
    __slots__ = ("request_id", "certificate_id", "reason", "detail")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    certificate_id: str
    reason: _types_pb2.RevocationReason
    detail: str
    def __init__(self, request_id: _Optional[str] = ..., certificate_id: _Optional[str] = ..., reason: _Optional[_Union[_types_pb2.RevocationReason, str]] = ..., detail: _Optional[str] = ...) -> None: ...

class RevokeCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: _types_pb2.Certificate
    def __init__(self, certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ...) -> None: ...

class SuspendCertificateRequest(_message.Message):
    __slots__ = ("request_id", "certificate_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    certificate_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., certificate_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SuspendCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: _types_pb2.Certificate
    def __init__(self, certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ...) -> None: ...

class ReinstateCertificateRequest(_message.Message):
    __slots__ = ("request_id", "certificate_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    certificate_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., certificate_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReinstateCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: _types_pb2.Certificate
    def __init__(self, certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ...) -> None: ...

class SupersedeCertificateRequest(_message.Message):
    __slots__ = ("request_id", "certificate_id", "valid_from", "valid_until", "fields")
    class FieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    certificate_id: str
    valid_from: _types_pb2_1.Date
    valid_until: _types_pb2_1.Date
    fields: _containers.ScalarMap[str, str]
    def __init__(self, request_id: _Optional[str] = ..., certificate_id: _Optional[str] = ..., valid_from: _Optional[_Union[_types_pb2_1.Date, _Mapping]] = ..., valid_until: _Optional[_Union[_types_pb2_1.Date, _Mapping]] = ..., fields: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SupersedeCertificateResponse(_message.Message):
    __slots__ = ("certificate", "superseded_certificate_id")
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    certificate: _types_pb2.Certificate
    superseded_certificate_id: str
    def __init__(self, certificate: _Optional[_Union[_types_pb2.Certificate, _Mapping]] = ..., superseded_certificate_id: _Optional[str] = ...) -> None: ...

class ListDossierRequest(_message.Message):
    __slots__ = ("holder_id", "include_history", "type_codes", "page_size", "page_token", "purpose", "case_id")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_HISTORY_FIELD_NUMBER: _ClassVar[int]
    TYPE_CODES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    include_history: bool
    type_codes: _containers.RepeatedScalarFieldContainer[str]
    page_size: int
    page_token: str
    purpose: str
    case_id: str
    def __init__(self, holder_id: _Optional[str] = ..., include_history: _Optional[bool] = ..., type_codes: _Optional[_Iterable[str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., purpose: _Optional[str] = ..., case_id: _Optional[str] = ...) -> None: ...

class ListDossierResponse(_message.Message):
    __slots__ = ("certificates", "next_page_token")
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    certificates: _containers.RepeatedCompositeFieldContainer[_types_pb2.Certificate]
    next_page_token: str
    def __init__(self, certificates: _Optional[_Iterable[_Union[_types_pb2.Certificate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResolveEvidenceRequest(_message.Message):
    __slots__ = ("requester", "requested_by", "matter_code", "purpose", "case_id", "holder_id", "type_codes", "object_id", "every_current")
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    MATTER_CODE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_CODES_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    EVERY_CURRENT_FIELD_NUMBER: _ClassVar[int]
    requester: _types_pb2_1.Party
    requested_by: _types_pb2_1.Actor
    matter_code: str
    purpose: str
    case_id: str
    holder_id: str
    type_codes: _containers.RepeatedScalarFieldContainer[str]
    object_id: str
    every_current: bool
    def __init__(self, requester: _Optional[_Union[_types_pb2_1.Party, _Mapping]] = ..., requested_by: _Optional[_Union[_types_pb2_1.Actor, _Mapping]] = ..., matter_code: _Optional[str] = ..., purpose: _Optional[str] = ..., case_id: _Optional[str] = ..., holder_id: _Optional[str] = ..., type_codes: _Optional[_Iterable[str]] = ..., object_id: _Optional[str] = ..., every_current: _Optional[bool] = ...) -> None: ...

class ReleasedCertificate(_message.Message):
    __slots__ = ("ref", "type_name", "issuer_uscc", "status", "valid_from", "valid_until", "fields")
    class FieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REF_FIELD_NUMBER: _ClassVar[int]
    TYPE_NAME_FIELD_NUMBER: _ClassVar[int]
    ISSUER_USCC_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    ref: _types_pb2_1.CertificateRef
    type_name: str
    issuer_uscc: str
    status: _types_pb2.CertificateStatus
    valid_from: _types_pb2_1.Date
    valid_until: _types_pb2_1.Date
    fields: _containers.ScalarMap[str, str]
    def __init__(self, ref: _Optional[_Union[_types_pb2_1.CertificateRef, _Mapping]] = ..., type_name: _Optional[str] = ..., issuer_uscc: _Optional[str] = ..., status: _Optional[_Union[_types_pb2.CertificateStatus, str]] = ..., valid_from: _Optional[_Union[_types_pb2_1.Date, _Mapping]] = ..., valid_until: _Optional[_Union[_types_pb2_1.Date, _Mapping]] = ..., fields: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ResolvedType(_message.Message):
    __slots__ = ("result", "certificate", "candidates")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    result: _types_pb2_1.EvidenceResult
    certificate: ReleasedCertificate
    candidates: _containers.RepeatedCompositeFieldContainer[ReleasedCertificate]
    def __init__(self, result: _Optional[_Union[_types_pb2_1.EvidenceResult, _Mapping]] = ..., certificate: _Optional[_Union[ReleasedCertificate, _Mapping]] = ..., candidates: _Optional[_Iterable[_Union[ReleasedCertificate, _Mapping]]] = ...) -> None: ...

class ResolveEvidenceResponse(_message.Message):
    __slots__ = ("access_id", "results", "legal_basis")
    ACCESS_ID_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    access_id: str
    results: _containers.RepeatedCompositeFieldContainer[ResolvedType]
    legal_basis: str
    def __init__(self, access_id: _Optional[str] = ..., results: _Optional[_Iterable[_Union[ResolvedType, _Mapping]]] = ..., legal_basis: _Optional[str] = ...) -> None: ...

class ListPublicKeysRequest(_message.Message):
    __slots__ = ("issuer_uscc", "include_retired")
    ISSUER_USCC_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    issuer_uscc: str
    include_retired: bool
    def __init__(self, issuer_uscc: _Optional[str] = ..., include_retired: _Optional[bool] = ...) -> None: ...

class ListPublicKeysResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[_types_pb2.SigningKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[_types_pb2.SigningKey, _Mapping]]] = ...) -> None: ...
