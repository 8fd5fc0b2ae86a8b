"""Two workers each of certificates, realestate and tax on the session broker: joint
transfers filed, confirmed, paid and read through either worker, and every answer the
same whichever worker it reaches (issue 14, item 5). A case id is born on its unit's
partition, so each case, its bill and its payment live on one worker of each service.
Every other buyer's partition is on the worker that does not hold the case: the buyer's
new certificate, learned on the buyer's partition, is on the case's timeline all the same,
through either worker."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx

from devtools.samples import PROPERTY
from services.kit.forwarding import HOP_HEADER
from services.tax.reconciliation import CHINA
from tests.helpers import ROOT, ServiceProcess, started_service, wait_until
from tests.integration.realestate.support import (
    Party,
    Platform,
    environment,
    staff,
    transfer_form,
    unit_code,
)

CASES = 6


def _workers(url: str) -> int:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as reply:
            ready = json.loads(reply.read())
    except (urllib.error.URLError, OSError):
        return 0
    return int(ready["workers"]) if ready["ready"] else 0


def _settle(urls: list[str], size: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(_workers(u) == size for u in urls):
            return
        time.sleep(0.3)
    raise AssertionError(f"{urls} did not settle at {size} workers each")


def _revoked(view: Platform, holder: Party, certificate_id: str) -> bool:
    """Whether the holder's dossier, read through `view`, shows the certificate revoked."""
    status, body = view.get(f"{view.certificates}/v1/me/certificates", holder.token)
    assert status == 200, body
    found = next(c["status"] for c in body["certificates"] if c["id"] == certificate_id)
    return bool(found == "CERTIFICATE_STATUS_REVOKED")


def _owner(views: tuple[Platform, ...], key: str, token: str) -> int:
    """Which realestate worker (its index in `views`) holds `key`'s partition: the one that
    answers a request already forwarded about it (here: no such case), where the others
    answer 503 (services/kit/forwarding.py)."""
    statuses = [
        httpx.get(
            f"{v.realestate}/v1/cases/{key}",
            headers={"Authorization": f"Bearer {token}", HOP_HEADER: "1"},
            timeout=10,
        ).status_code
        for v in views
    ]
    owners = [n for n, status in enumerate(statuses) if status != 503]
    assert len(owners) == 1, statuses
    return owners[0]


def _issued(view: Platform, case_id: str, party: Party) -> list[dict[str, Any]]:
    """The certificate lines of the case's timeline, read through `view`."""
    timeline = view.case(case_id, party.token)["timeline"]
    return [s for s in timeline if s["step"] == "certificate_issued"]


def test_joint_transfers_answer_alike_through_every_worker(broker, tmp_path):
    env = environment(broker.bootstrap, str(tmp_path / "keys"))
    prefix = env["GOVSHARE_TOPIC_PREFIX"]
    with ExitStack() as stack:

        def start(name: str, n: int) -> ServiceProcess:
            log = ROOT / "artifacts" / f"{prefix}{name}-{n}.log"
            return stack.enter_context(started_service(name, env, log))

        certificates = [start("certificates", n) for n in (1, 2)]
        grpc_addresses = [c.grpc_address or "" for c in certificates]
        env["GOVSHARE_CERTIFICATES_GRPC"] = ",".join(grpc_addresses)
        realestate = [start("realestate", n).http_url for n in (1, 2)]
        tax = [start("tax", n).http_url for n in (1, 2)]
        devbank = start("devbank", 1).http_url
        _settle([*realestate, *tax], 2)
        # Two views of one platform: through the first workers, and through the second.
        first = Platform(
            broker.bootstrap,
            prefix,
            certificates[0].http_url,
            realestate[0],
            tax[0],
            grpc_addresses[0],
            devbank,
        )
        second = replace(
            first,
            certificates=certificates[1].http_url,
            realestate=realestate[1],
            tax=tax[1],
            grpc_address=grpc_addresses[1],
        )
        views = (first, second)

        cases: dict[str, tuple[Party, Party]] = {}
        sold: dict[str, str] = {}  # case id -> the seller's certificate
        for i in range(CASES):
            seller, buyer = Party(), Party()
            unit = unit_code()
            if i % 2 == 0:  # the buyer's partition on the worker that does not hold the case
                while _owner(views, buyer.id, buyer.token) == _owner(views, unit, buyer.token):
                    buyer = Party()
            here, there = views[i % 2], views[(i + 1) % 2]
            old = here.issue_property_certificate(seller, unit)
            form = transfer_form(seller, buyer, unit)
            status, case = here.post(f"{here.realestate}/v1/transfers", seller.token, form)
            assert status == 201, case
            case_id = case["case_id"]
            path = f"{there.realestate}/v1/cases/{case_id}/confirmation"
            status, confirmed = there.post(path, buyer.token)
            assert status == 200, confirmed
            here.wait_case(case_id, buyer.token, "awaiting_payment")
            there.pay(case_id, buyer.token)  # the order opened through the other tax worker
            cases[case_id] = (seller, buyer)
            sold[case_id] = old
        for case_id, (seller, buyer) in cases.items():
            done = first.wait_case(case_id, buyer.token, "completed")
            for view in views:
                seen = view.case(case_id, seller.token)
                assert (seen["stage"], seen["case_id"]) == ("completed", case_id)
                assert seen["registration_number"] == done["registration_number"]
                status, bill = view.get(f"{view.tax}/v1/cases/{case_id}/assessment", buyer.token)
                assert status == 200 and bill["status"] == "paid", bill
                status, mine = view.get(f"{view.realestate}/v1/me/cases", buyer.token)
                assert status == 200 and [c["case_id"] for c in mine["cases"]] == [case_id]
                # the buyer's new certificate; the seller's, whatever worker holds it, revoked
                wait_until(
                    lambda v=view, s=seller, c=sold[case_id]: _revoked(v, s, c),
                    30,
                    f"{case_id}: the seller's certificate revoked",
                )
                status, held = view.get(f"{view.certificates}/v1/me/certificates", buyer.token)
                assert status == 200 and any(
                    c["typeCode"] == PROPERTY for c in held["certificates"]
                )
                # ... on the case's timeline, once, whichever worker holds the buyer
                new = next(c["id"] for c in held["certificates"] if c["typeCode"] == PROPERTY)
                wait_until(
                    lambda v=view, c=case_id, b=buyer: bool(_issued(v, c, b)),
                    30,
                    f"{case_id}: the buyer's new certificate on the case's timeline",
                )
                (line,) = _issued(view, case_id, buyer)
                assert new in line["detail"], line
        # The staff's lists: every worker lists every case of the region, alike.
        window = staff("realestate")
        ledgers, queues = [], []
        for view in views:
            status, ledger = view.get(f"{view.tax}/v1/ledger", staff("tax"))
            assert status == 200 and ledger["balanced"], ledger
            ledgers.append(ledger)
            status, queue = view.get(f"{view.realestate}/v1/queue", window)
            assert status == 200, queue
            queues.append(queue)
        assert ledgers[0] == ledgers[1]
        assert ledgers[0]["debits_fen"] >= CASES * 2_358_000
        assert queues[0]["cases"] == queues[1]["cases"]
        # The channel's statement of the day lists the payments of both workers' cases:
        # each partition reconciles its share, and the sum balances, through either worker.
        paid_at = next(iter(bill["payments"].values()))["at"]
        day = datetime.fromisoformat(paid_at).astimezone(CHINA).date()
        status, issued = first.post(f"{devbank}/v1/statements?day={day.isoformat()}")
        assert status == 200 and issued["entries"] >= CASES, issued
        for view in views:
            path = f"{view.tax}/v1/reconciliations/{issued['statement_id']}"
            wait_until(lambda p=path, v=view: v.get(p, staff("tax"))[0] == 200, 30, path)
            status, found = view.get(path, staff("tax"))
            assert status == 200 and found["balanced"], found
            assert found["matched"] == found["entries"] == issued["entries"], found
