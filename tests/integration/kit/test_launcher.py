"""The launcher (`govshare up`, the bench, the portal tests): processes bind their own
ports and announce them; a service started after certificates is told its gRPC address."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.kit.launcher import Platform
from tests.helpers import http_get


def test_services_bind_their_own_ports_and_the_launcher_learns_them(broker, prefix, tmp_path):
    platform = Platform(
        broker.bootstrap,
        env={
            "GOVSHARE_ENV": "test",
            "GOVSHARE_TOPIC_PREFIX": prefix,
            "GOVSHARE_KEYS_DIR": str(tmp_path / "keys"),
            "GOVSHARE_DATA_DIR": str(tmp_path / "data"),
        },
        fixed_ports=False,
        log_dir=tmp_path / "logs",
    )
    try:
        platform.start(("certificates", "power"))
        certificates, power = platform.services["certificates"], platform.services["power"]
        # certificates announced before power was spawned, so power was told where it is
        assert certificates.grpc_port and certificates.http_port
        platform.wait_ready(120)
        assert power.http_port not in (0, certificates.http_port)
        assert http_get(power.http_url + "/readyz")[0] == 200
        with grpc.insecure_channel(certificates.grpc_address or "") as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=5
            )
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        assert any(platform.run_dir.iterdir())  # the announcements
    finally:
        platform.stop()
    assert not platform.run_dir.exists()
