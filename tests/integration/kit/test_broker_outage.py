"""When the broker goes away: quick 503 with a reason, readiness false, recovery without a
restart. The outage is a cut link: the service reaches the broker through a proxy that the
test stops (closing every connection) and starts again on the same port."""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid

import grpc
from govshare.certificates.v1 import certificates_service_pb2_grpc as svc_grpc

from devtools.broker import EmbeddedBroker
from devtools.kafka_compat import CompatProxy
from services.kit.auth import bearer_metadata, mint_dev_token
from tests.helpers import ROOT, http_get, started_service, wait_until
from tests.integration.certificates.test_service import (
    MARKETREG,
    MARKETREG_TOKEN,
    holder_uscc,
    issue_request,
)

STAFF = mint_dev_token(
    "staff", "mr-0001", department="marketreg", roles=("key-admin",), region="370100"
)


def _rotate(url: str) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        f"{url}/v1/issuers/{MARKETREG}/key-rotations",
        method="POST",
        headers={"Authorization": f"Bearer {STAFF}"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read()), time.monotonic() - started
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), time.monotonic() - started


def test_outage_gives_fast_503_not_ready_then_recovers_without_restart(tmp_path):
    with EmbeddedBroker() as broker:
        link = CompatProxy(broker.host, broker.port, "127.0.0.1", 0).start()
        link_port = link.port  # bound by the proxy; asked for again when it comes back
        env = {
            **os.environ,
            "GOVSHARE_ENV": "test",
            "GOVSHARE_KAFKA_BOOTSTRAP": f"127.0.0.1:{link_port}",
            "GOVSHARE_GRPC_PORT": "0",
            "GOVSHARE_KEYS_DIR": str(tmp_path),
        }
        log = ROOT / "artifacts" / f"outage-{uuid.uuid4().hex[:6]}.log"
        with started_service("certificates", env, log) as service:
            url, grpc_port = service.http_url, service.grpc_port
            assert _rotate(url)[0] == 200

            link.stop()  # the broker is now unreachable for the service
            status, body, took = _rotate(url)
            assert status == 503, body
            assert took < 10, f"answered after {took:.1f} s"
            assert body["field"] == "broker"
            assert "retry" in body["reason"]
            wait_until(lambda: http_get(url + "/readyz")[0] == 503, 10, "not ready")
            assert json.loads(http_get(url + "/readyz")[1])["broker_reachable"] is False
            with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
                stub = svc_grpc.CertificateServiceStub(channel)
                started = time.monotonic()
                try:
                    stub.IssueCertificate(
                        issue_request(holder_uscc()),
                        timeout=30,
                        metadata=bearer_metadata(MARKETREG_TOKEN),
                    )
                    raise AssertionError("issued while the broker was away")
                except grpc.RpcError as error:
                    assert error.code() == grpc.StatusCode.UNAVAILABLE, error.details()
                    assert error.details().startswith("broker:")
                assert time.monotonic() - started < 10

            link = CompatProxy(broker.host, broker.port, "127.0.0.1", link_port).start()
            wait_until(lambda: http_get(url + "/readyz")[0] == 200, 30, "ready again")
            wait_until(lambda: _rotate(url)[0] == 200, 30, "commands accepted again")
        link.stop()
