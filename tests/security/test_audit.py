"""Audit: after a joint transfer (filed, confirmed, reviewed, assessed, paid, registered,
certified) and a power application (applied, accepted, stepped, connected), every event
of the case says in its headers which case it belongs to, every change a person or a
department asked for says who asked and for which department, and every data access
says for which case and purpose."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from services.kit.identifiers import check_resident_id, mask
from services.kit.topics import TOPICS
from tests.reliability.processes import Platform, read_all
from tests.security.flows import Seeds, complete, seed

pytestmark = pytest.mark.integration

# Changes a person or a department asked for (REST or gRPC commands).
COMMANDS = {
    "govshare.realestate.v1.TransferApplied",
    "govshare.realestate.v1.TransferConfirmed",
    "govshare.tax.v1.PaymentOrderOpened",  # money itself moves on the channel's word
    "govshare.power.v1.ApplicationSubmitted",
    "govshare.power.v1.EvidenceResolved",
    "govshare.power.v1.ApplicationAccepted",
    "govshare.power.v1.StepAdvanced",
    "govshare.power.v1.ApplicationCompleted",
}
ACCESS = {"govshare.certificates.v1.EvidenceAccessGranted"}


@dataclass(frozen=True)
class Seen:
    topic: str
    type: str
    headers: dict[str, str]


def _events(platform: Platform) -> list[Seen]:
    async def everything() -> list[Seen]:
        seen = []
        for spec in TOPICS:
            for record in await read_all(platform.bootstrap, platform.prefix + spec.name):
                headers = {k: v.decode() for k, v in record.headers if v is not None}
                seen.append(Seen(spec.name, headers.get("ce_type", ""), headers))
        return seen

    return asyncio.run(everything())


@pytest.fixture(scope="module")
def trail(platform: Platform) -> tuple[Seeds, list[Seen]]:
    seeds = seed(platform)
    complete(platform, seeds)
    cases = {seeds.case_id, seeds.application_id}
    holders = {seeds.seller.id, seeds.buyer.id, seeds.applicant}
    mine = [
        e
        for e in _events(platform)
        if e.headers.get("ce_caseid") in cases or e.headers.get("ce_subject") in holders | cases
    ]
    return seeds, mine


def _missing(events: Iterable[Seen], header: str) -> set[tuple[str, str]]:
    return {(e.type, header) for e in events if not e.headers.get(header)}


def test_every_event_of_a_case_names_its_case(trail):
    _, events = trail
    cased = [e for e in events if e.topic in ("realestate.v1.events", "tax.v1.events",
                                              "power.v1.events")]  # fmt: skip
    assert {e.topic for e in cased} == {"realestate.v1.events", "tax.v1.events",
                                        "power.v1.events"}  # fmt: skip
    assert _missing(cased, "ce_caseid") == set()


def test_every_certificate_change_names_who_and_the_case_that_caused_it(trail):
    seeds, events = trail
    changes = [e for e in events if e.topic == "certificates.v1.events"]
    assert changes
    assert _missing(changes, "ce_actor") == set()
    assert _missing(changes, "ce_department") == set()
    caused = {
        (e.type, e.headers["ce_subject"])
        for e in changes
        if e.headers.get("ce_caseid") == seeds.case_id
    }
    assert ("govshare.certificates.v1.CertificateIssued", seeds.buyer.id) in caused
    assert ("govshare.certificates.v1.CertificateRevoked", seeds.seller.id) in caused


def test_every_command_names_who_asked_and_for_which_department(trail):
    _, events = trail
    commands = [e for e in events if e.type in COMMANDS]
    assert {e.type for e in commands} == COMMANDS  # the flows above made each of them
    assert _missing(commands, "ce_actor") == set()
    assert _missing(commands, "ce_department") == set()
    actors = {e.headers["ce_actor"].split(":")[0] for e in commands}
    assert actors == {"citizen", "enterprise", "staff"}  # parties, and the power operator
    staff = {e.headers["ce_actor"] for e in commands if e.headers["ce_actor"].startswith("st")}
    assert staff == {"staff:power/pw-0001"}  # the staff member, not only the company
    assert {e.headers["ce_department"] for e in commands} == {"realestate", "tax", "power"}
    for event in commands:
        assert event.headers.get("ce_caseid"), event


def test_every_data_access_names_its_case_purpose_and_requester(trail):
    seeds, events = trail
    accesses = [e for e in events if e.type in ACCESS]
    assert {e.headers["ce_caseid"] for e in accesses} >= {seeds.case_id, seeds.application_id}
    for header in ("ce_caseid", "ce_purpose", "ce_department"):
        assert _missing(accesses, header) == set()
    assert _missing(accesses, "ce_actor") == set()
    assert {e.headers["ce_actor"].split(":")[0] for e in accesses} == {"department"}
    purposes = {e.headers["ce_purpose"] for e in accesses}
    assert {"realestate.transfer-review", "power.lv-nonresident-new"} <= purposes


def test_headers_never_carry_an_unmasked_resident_id(trail):
    seeds, events = trail
    people = {seeds.seller.id, seeds.buyer.id}
    for event in events:
        for name, value in event.headers.items():
            if name == "ce_subject":
                continue  # the record key: the holder whose record it is
            for person in people:
                assert person not in value, (event.type, name)
    actors = {e.headers.get("ce_actor") for e in events}
    assert f"citizen:{mask(seeds.seller.id)}" in actors
    assert check_resident_id(seeds.seller.id).valid
