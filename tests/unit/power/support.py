"""Builders for the power unit tests: a catalog, parties, and an application's events."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.power.v1 import events_pb2 as ev

from services.kit import identifiers
from services.power import catalog, domain, rules
from services.power.domain import Application, timestamp

CATALOG = catalog.load()
LICENCE = "11100000000018833X001"
PROPERTY = "111000000000193186001"
COMPANY = common.Party(kind=common.PARTY_KIND_ENTERPRISE, id="91370100863014379C", name="供电公司")
ENTERPRISE = common.Party(kind=common.PARTY_KIND_ENTERPRISE, id="91370100705882496U", name="某公司")
CITIZEN = common.Party(kind=common.PARTY_KIND_CITIZEN, id="11010519491231002X", name="某人")
UNIT = "370105012002GB00001F00010751"
PARCEL = UNIT[:19]
APP_ID = "PA-370105-20250312-0000000001"
SYSTEM = rules.system_actor(COMPANY)
STAFF = common.Actor(
    kind=common.ACTOR_KIND_PERSON, person_name="周涛", on_behalf_of=COMPANY, role="staff:power"
)
APPLICANT = common.Actor(kind=common.ACTOR_KIND_PERSON, on_behalf_of=ENTERPRISE, role="enterprise")
# A Wednesday morning in Jinan (02:00Z = 10:00 local).
T0 = datetime(2025, 3, 12, 2, 0, tzinfo=UTC)


def cert_ref(type_code: str, serial: str = "1", version: int = 1) -> common.CertificateRef:
    issuer = "11370100004251392E" if type_code == LICENCE else "123701004931056272"
    return common.CertificateRef(
        certificate_id=identifiers.make_cert_id(type_code, issuer, serial, version),
        type_code=type_code,
        version=version,
    )


def found(type_code: str, serial: str = "1") -> common.EvidenceResult:
    return common.EvidenceResult(
        type_code=type_code,
        type_name=CATALOG.type_name(type_code),
        status=common.EVIDENCE_STATUS_FOUND,
        certificate=cert_ref(type_code, serial),
    )


def missing(type_code: str) -> common.EvidenceResult:
    return common.EvidenceResult(
        type_code=type_code,
        type_name=CATALOG.type_name(type_code),
        status=common.EVIDENCE_STATUS_MISSING,
    )


def submitted(
    matter: str = "lv-nonresident-new", applicant: common.Party = ENTERPRISE, unit: str = UNIT
) -> ev.ApplicationSubmitted:
    return ev.ApplicationSubmitted(
        application_id=APP_ID,
        applicant=applicant,
        submitted_by=APPLICANT,
        matter_code=matter,
        unit_code=unit,
        requested_capacity_w=60000,
        submitted_at=timestamp(T0),
    )


def resolved(*results: common.EvidenceResult) -> ev.EvidenceResolved:
    return ev.EvidenceResolved(
        application_id=APP_ID, results=results, access_ids=["AX-1"], resolved_at=timestamp(T0)
    )


def accepted_events(
    matter: str = "lv-nonresident-new", prepared: ev.PreparationStarted | None = None
) -> list[Message]:
    """Submitted, resolved with everything found, accepted, first step entered."""
    events: list[Message] = [submitted(matter), resolved(found(LICENCE), found(PROPERTY))]
    app = domain.fold(events)
    assert app is not None
    return events + rules.acceptance(app, CATALOG.matters[matter], prepared, SYSTEM, T0)


def fold(events: list[Message]) -> Application:
    app = domain.fold(events)
    assert app is not None
    return app
