"""Completed joint transfers as the reliability tests check them, through any view of the
platform (one worker of each service, or another): nothing lost, nothing done twice.

`cases` maps a case id to (seller, buyer, the seller's certificate of the unit); `bills`
a case id to its bill as the buyer read it, with `paid_by`, the channel's transaction id.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from typing import Any

import httpx
from google.protobuf import json_format
from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.realestate.v1 import events_pb2 as realestate

from devtools.samples import PROPERTY, TAX_PAYMENT
from services.kit.auth import mint_dev_token
from services.kit.envelope import EnvelopeError, decode
from services.kit.topics import dlq_topic
from tests.helpers import wait_until
from tests.integration.realestate.support import Party, staff
from tests.integration.realestate.support import Platform as Joint
from tests.reliability.processes import call, read_all

Cases = dict[str, tuple[Party, Party, str]]
STEPS = ("applied", "confirmed", "review_passed", "assessed", "paid", "registered",
         "certificate_issued")  # fmt: skip


def tax_staff() -> str:
    return mint_dev_token(
        "staff", "tax-audit", department="tax", region="370100", roles=("window",)
    )


def dossiers(url: str, holders: list[str], kind: str = "enterprise") -> dict[str, list[dict]]:
    """Every holder's certificates, as the service's REST API shows them to the holder."""
    found = {}
    with httpx.Client(base_url=url, timeout=20) as client:
        for holder in holders:
            token = mint_dev_token(kind, holder)
            headers = {"Authorization": f"Bearer {token}"}
            reply = client.get("/v1/me/certificates", headers=headers)
            deadline = time.monotonic() + 60
            while reply.status_code == 503 and time.monotonic() < deadline:
                # catching up after a start or a rebalance: a client waits as told
                time.sleep(float(reply.headers.get("Retry-After", "1")))
                reply = client.get("/v1/me/certificates", headers=headers)
            assert reply.status_code == 200, reply.text
            found[holder] = reply.json()["certificates"]
    return found


def wait_settled(j: Joint, cases: Cases, timeout: float = 60) -> None:
    """Until what follows a registration has happened: every buyer holds the property and
    the tax certificates, every seller's certificate is revoked, and each case's timeline
    shows the buyer's certificate (realestate re-keys its issuance onto the unit)."""

    def buyers_certified() -> bool:
        found = dossiers(j.certificates, [b.id for _, b, _ in cases.values()], "citizen")
        return all(
            {c["typeCode"] for c in certs} == {PROPERTY, TAX_PAYMENT} for certs in found.values()
        )

    def sellers_revoked() -> bool:
        found = dossiers(j.certificates, [s.id for s, _, _ in cases.values()], "citizen")
        return all(
            [c["status"] for c in certs if c["typeCode"] == PROPERTY]
            == ["CERTIFICATE_STATUS_REVOKED"]
            for certs in found.values()
        )

    def timelines_complete() -> bool:
        return all(
            any(s["step"] == "certificate_issued" for s in j.case(case_id, b.token)["timeline"])
            for case_id, (_, b, _) in cases.items()
        )

    wait_until(buyers_certified, timeout, "every buyer's property and tax certificates")
    wait_until(sellers_revoked, timeout, "every seller's certificate revoked")
    wait_until(timelines_complete, timeout, "every case's timeline with the buyer's certificate")


def check_joint(j: Joint, cases: Cases, bills: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each case completed once, through `j`: one payment, one balanced journal of the
    bill's total, no refund; one property and one tax certificate for the buyer (REST, and
    the registry's gRPC listing), the seller's revoked; every step of the timeline once;
    each party lists this case and no other; the shared queue is empty; the ledger sums the
    bills. Returns what `j` answered, for comparing views."""
    seen: dict[str, Any] = {}
    for case_id, (seller, buyer, old) in cases.items():
        status, journal = call("GET", f"{j.tax}/v1/cases/{case_id}/ledger", tax_staff())
        assert status == 200 and len(journal["journals"]) == 1, journal
        assert journal["balanced"] and journal["debits_fen"] == bills[case_id]["total_fen"]
        status, bill = call("GET", f"{j.tax}/v1/cases/{case_id}/assessment", buyer.token)
        assert list(bill["payments"]) == [bills[case_id]["paid_by"]] and bill["status"] == "paid"
        assert bill["cleared_payment_id"] == bills[case_id]["paid_by"] and not bill["refunds"]
        (buyer_certs,) = dossiers(j.certificates, [buyer.id], "citizen").values()
        assert Counter(c["typeCode"] for c in buyer_certs) == Counter(
            {PROPERTY: 1, TAX_PAYMENT: 1}
        ), buyer_certs
        (seller_certs,) = dossiers(j.certificates, [seller.id], "citizen").values()
        deeds = [(c["id"], c["status"]) for c in seller_certs if c["typeCode"] == PROPERTY]
        assert deeds == [(old, "CERTIFICATE_STATUS_REVOKED")], seller_certs
        # the seller's tax certificate (their lines are exempt here): one, like the buyer's
        assert Counter(c["typeCode"] for c in seller_certs)[TAX_PAYMENT] <= 1, seller_certs
        case = j.case(case_id, buyer.token)
        steps = Counter(s["step"] for s in case["timeline"])
        assert all(n == 1 for n in steps.values()), steps
        for step in STEPS:
            assert steps[step] == 1, (step, steps)
        for party in (seller, buyer):
            status, mine = call("GET", f"{j.realestate}/v1/me/cases", party.token)
            assert status == 200 and [c["case_id"] for c in mine["cases"]] == [case_id], mine
        registry = _registry_view(j, case["unit_code"], buyer, seller, old)
        seen[case_id] = (journal, bill, buyer_certs, seller_certs, case, registry)
    status, queue = call("GET", f"{j.realestate}/v1/queue", staff("realestate"))
    assert status == 200 and (queue["count"], queue["cases"]) == (0, []), queue  # all closed
    status, ledger = call("GET", f"{j.tax}/v1/ledger", tax_staff())
    assert status == 200 and ledger["balanced"], ledger
    assert ledger["debits_fen"] == sum(bills[c]["total_fen"] for c in cases), ledger
    seen["ledger"], seen["queue"] = ledger, queue
    return seen


def _registry_view(j: Joint, unit: str, buyer: Party, seller: Party, old: str) -> list[dict]:
    """The registry's property certificates of both parties over gRPC (ListDossier, as the
    registry, with history): the buyer's one active for the unit, the seller's revoked."""
    found = []
    for holder in (buyer, seller):
        request = svc.ListDossierRequest(
            holder_id=holder.id, include_history=True, type_codes=[PROPERTY]
        )
        reply = j.registrar_call("ListDossier", request)
        found.append(json_format.MessageToDict(reply))
    bought, sold = (f.get("certificates", []) for f in found)
    assert [(c["fields"]["unit_code"], c["status"]) for c in bought] == [
        (unit, "CERTIFICATE_STATUS_ACTIVE")
    ], bought
    assert [(c["id"], c["status"]) for c in sold] == [(old, "CERTIFICATE_STATUS_REVOKED")], sold
    return found


def dead_letters(j: Joint) -> dict[str, int]:
    """How many records the dead-letter topics of a joint transfer's topics hold, where
    any (an event a service refused is not applied: lost to the flow)."""
    names = ("realestate.v1.events", "tax.v1.events", "payments.v1.events",
             "certificates.v1.events")  # fmt: skip
    topics = [j.prefix + dlq_topic(name) for name in names]

    async def read() -> list[int]:
        return [len(r) for r in await asyncio.gather(*(read_all(j.bootstrap, t) for t in topics))]

    return {topic: n for topic, n in zip(topics, asyncio.run(read()), strict=True) if n}


def registrations(j: Joint) -> dict[str, set[str]]:
    """The ids of the RegistrationCompleted events on the topic, by case: an event
    delivered again keeps its id; a second registration would have another."""
    records = asyncio.run(read_all(j.bootstrap, j.prefix + "realestate.v1.events"))
    found: dict[str, set[str]] = defaultdict(set)
    for record in records:
        try:
            env, message, _ = decode(record.headers, record.value)
        except EnvelopeError:
            continue
        if isinstance(message, realestate.RegistrationCompleted):
            found[message.case_id].add(env.id)
    return found
