"""Who acted, as the events record it: applicants and staff from their tokens."""

from __future__ import annotations

from govshare.common.v1 import types_pb2 as common

from services.kit.auth.principals import Principal

_PARTY_KINDS = {"citizen": common.PARTY_KIND_CITIZEN, "enterprise": common.PARTY_KIND_ENTERPRISE}


def applicant_party(principal: Principal, name: str = "") -> common.Party:
    return common.Party(
        kind=_PARTY_KINDS[principal.kind], id=principal.subject, name=name or principal.name or ""
    )


def applicant_actor(principal: Principal, party: common.Party) -> common.Actor:
    """A citizen acts as themself (their id is known); an enterprise token names the
    enterprise, not the person at the keyboard."""
    actor = common.Actor(
        kind=common.ACTOR_KIND_PERSON,
        person_name=principal.name or "",
        on_behalf_of=party,
        role=principal.kind,
    )
    if principal.kind == "citizen":
        actor.person_id = principal.subject
    return actor


def staff_actor(principal: Principal, company: common.Party) -> common.Actor:
    # Actor has no field for a staff id (person_id is a resident id), so the staff id
    # stands in for the name when the token carries none: the step stays attributable.
    return common.Actor(
        kind=common.ACTOR_KIND_PERSON,
        person_name=principal.name or principal.subject,
        on_behalf_of=company,
        role=f"staff:{principal.department}",
    )
