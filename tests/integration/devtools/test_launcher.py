"""The launcher (`govshare up`, the bench, the portal tests): processes bind their own
ports and announce them; a service started after certificates is told its gRPC address."""

from __future__ import annotations

import socket
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from devtools.launcher import Platform
from tests.helpers import http_get


def _platform(bootstrap: str, prefix: str, tmp_path: Path, fixed_ports: bool) -> Platform:
    return Platform(
        bootstrap,
        env={
            "GOVSHARE_ENV": "test",
            "GOVSHARE_TOPIC_PREFIX": prefix,
            "GOVSHARE_KEYS_DIR": str(tmp_path / "keys"),
            "GOVSHARE_DATA_DIR": str(tmp_path / "data"),
        },
        fixed_ports=fixed_ports,
        log_dir=tmp_path / "logs",
    )


def test_services_bind_their_own_ports_and_the_launcher_learns_them(broker, prefix, tmp_path):
    platform = _platform(broker.bootstrap, prefix, tmp_path, fixed_ports=False)
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


def test_a_well_known_port_in_use_gives_way_to_one_the_process_binds(broker, prefix, tmp_path):
    """`govshare up` asks for 8081, 50051 …; when another process has one, the service
    binds any free port itself and announces it (nothing checks a port and passes it on)."""
    platform = _platform(broker.bootstrap, prefix, tmp_path, fixed_ports=True)
    with socket.socket() as http, socket.socket() as grpc_taken:
        for sock in (http, grpc_taken):
            sock.bind(("127.0.0.1", 0))
            sock.listen()
        taken = {http.getsockname()[1], grpc_taken.getsockname()[1]}
        try:
            certificates = platform.spawn("certificates", *sorted(taken))
            platform.wait_announced(certificates)
            assert certificates.grpc_port
            assert not {certificates.http_port, certificates.grpc_port} & taken
            platform.wait_ready(120)
        finally:
            platform.stop()
