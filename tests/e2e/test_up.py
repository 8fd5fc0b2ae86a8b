"""`govshare up` (what `make up` runs): embedded broker, four services, ready, clean stop."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from services.kit.kafka_probe import kafka_answers
from tests.helpers import ROOT, http_get

SERVICES = ("certificates", "realestate", "tax", "power")


def _grpc_services(address: str) -> set[str]:
    with grpc.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=5
        )
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        reply = next(iter(stub.ServerReflectionInfo(iter([request]), timeout=5)))
        return {s.name for s in reply.list_services_response.service}


def test_up_starts_everything_ready_within_60s_and_stops_cleanly_on_sigint(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSHARE_")}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "up", "--log-dir", str(tmp_path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "all services ready" in line or time.monotonic() - started > 90:
                break
        elapsed = time.monotonic() - started
        output = "".join(lines)
        assert "all services ready" in output, output
        assert elapsed < 60, f"ready after {elapsed:.1f} s"

        bootstrap = re.search(r"kafka bootstrap\s+(\S+)", output)
        assert bootstrap, output
        host, _, port = bootstrap.group(1).rpartition(":")
        assert kafka_answers(host, int(port))
        urls = dict(re.findall(r"^(\w+)\s+http (http://\S+)", output, re.MULTILINE))
        assert set(urls) == set(SERVICES), output
        for name, url in urls.items():
            assert http_get(url + "/healthz")[0] == 200
            assert http_get(url + "/readyz")[0] == 200
            status, body = http_get(url + "/metrics")
            assert status == 200
            assert f'govshare_build_info{{service="{name}"'.encode() in body
            status, body = http_get(url + "/openapi.json")
            assert status == 200 and b'"openapi"' in body
        portal = re.search(r"^portal \(web\)\s+(http://\S+)", output, re.MULTILINE)
        assert portal, output
        status, page = http_get(portal.group(1))
        assert status == 200 and "政务服务门户".encode() in page
        assert http_get(portal.group(1) + "readyz")[0] == 200
        devbank = re.search(r"^devbank\s+(http://\S+)", output, re.MULTILINE)
        assert devbank, output  # the development payment channel
        assert http_get(devbank.group(1) + "/readyz")[0] == 200
        grpc_address = re.search(r"^certificates .* grpc (\S+)", output, re.MULTILINE)
        assert grpc_address, output
        names = _grpc_services(grpc_address.group(1))
        assert "govshare.certificates.v1.CertificateService" in names
        assert "grpc.health.v1.Health" in names
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    output = "".join(lines) + rest
    assert proc.returncode == 0, output
    assert re.search(r"stopped: devbank=0, certificates=0, realestate=0, tax=0, power=0", output), (
        output
    )
    assert not kafka_answers(host, int(port), timeout=0.5)  # the broker went with it
