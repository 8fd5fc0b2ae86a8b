"""A process binds its own ports and announces them (services/kit/address.py)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from devtools.broker import free_port
from services.kit import address


def test_port_0_binds_a_free_port_and_listens():
    sock = address.bind_http("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        assert port > 0
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass  # accepted into the backlog: it listens
    finally:
        sock.close()


def test_a_taken_port_is_a_clear_exit_naming_the_setting():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit, match=f"GOVSHARE_HTTP_PORT={port}: cannot listen"):
            address.bind_http("127.0.0.1", port)


def test_the_announcement_is_read_back_whole_and_absent_until_written(tmp_path):
    path = tmp_path / "svc.address.json"
    assert address.announced(path) is None
    address.announce(str(path), http=8081, grpc=None)
    assert address.announced(path) == {"http": 8081}
    address.announce(str(path), http=8081, grpc=50051)
    assert address.announced(path) == {"http": 8081, "grpc": 50051}
    assert [p.name for p in tmp_path.iterdir()] == ["svc.address.json"]  # no partial left


def test_no_announcement_without_a_file():
    address.announce("", http=1)  # a service run by hand: nothing to write


def test_free_ports_are_below_the_ephemeral_range_and_never_repeat():
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    assert all(20_000 <= p < 32_768 for p in ports)


def test_listens_names_the_process_that_holds_a_listening_port():
    sock = address.bind_http("127.0.0.1", 0)
    port = sock.getsockname()[1]
    try:
        assert address.someone_listens(port)
        assert address.listens(os.getpid(), port) is True
        assert address.listens(os.getppid(), port) is False  # another process: not it
    finally:
        sock.close()
    assert address.listens(os.getpid(), port) is False
    assert not address.someone_listens(port)


def test_a_taken_port_gives_way_to_any_free_one_when_allowed():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        sock = address.bind_http("127.0.0.1", port, any_if_taken=True)
        try:
            assert sock.getsockname()[1] not in (0, port)
        finally:
            sock.close()


# Where a port may still be picked and handed to another program: Tansu takes a port
# number and cannot say which port it bound, so the broker confirms its PID owns the
# listener and otherwise starts again on a fresh port. (Prometheus binds 0 and logs it.)
PICKERS = {
    "devtools/broker.py",
    "tests/integration/devtools/test_broker.py",  # the broker's retry, fed a taken port first
    "tests/unit/kit/test_address.py",  # this file
}


def test_only_external_programs_get_a_picked_port():
    root = Path(__file__).resolve().parents[3]
    callers = {
        str(path.relative_to(root))
        for folder in ("services", "devtools", "tests")
        for path in (root / folder).rglob("*.py")
        if "free_port(" in path.read_text(encoding="utf-8")
    }
    assert callers <= PICKERS, "processes of ours bind 0 and announce: see kit/address.py"
