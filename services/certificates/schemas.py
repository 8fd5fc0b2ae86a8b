"""The shapes of certificates' REST answers, so the OpenAPI document describes every
answer. Certificates, keys and verification results are protobuf messages in their JSON
mapping (kit/protojson.py: fields at their default are left out, and stay out, as the
routes answer with `response_model_exclude_unset=True`); the access log is the holder's
reading of the access-log events."""

from __future__ import annotations

from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common
from pydantic import BaseModel, ConfigDict, Field

from services.kit.pages import Page
from services.kit.protojson import model_of

Certificate = model_of(t.Certificate)
SigningKey = model_of(t.SigningKey)
Verification = model_of(svc.VerifyCertificateResponse)
Party = model_of(common.Party)
Actor = model_of(common.Actor)
CertificateRef = model_of(common.CertificateRef)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Keys(Answer):
    keys: list[SigningKey]  # type: ignore[valid-type]


class DocumentVerification(Verification):  # type: ignore[valid-type,misc]
    f1: bool = Field(alias="valid", description="true when there are no problems (always here)")


class Dossier(Page, Answer):
    holder_id: str
    certificates: list[Certificate]  # type: ignore[valid-type]


class Released(Answer):
    type_code: str
    status: str
    fields: list[str] = Field(description="the fields released for the purpose")


class AccessLogEntry(Answer):
    """Who (department and actor), what, why (purpose, legal basis, case) and when."""

    access_id: str | None
    outcome: str = Field(description="granted, denied or used")
    use: str | None = Field(default=None, description="what a department used it for (used)")
    requester: Party  # type: ignore[valid-type]
    actor: Actor  # type: ignore[valid-type]
    matter: str | None
    purpose: str
    legal_basis: str
    case_id: str
    when: str | None
    certificates: list[CertificateRef] | None = None  # type: ignore[valid-type]
    data_described: str | None = None
    released: list[Released]
    denial: str | None = Field(description="why access was denied (denied)")
    detail: str


class AccessLog(Page, Answer):
    holder_id: str
    entries: list[AccessLogEntry]
