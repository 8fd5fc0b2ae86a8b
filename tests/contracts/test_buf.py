"""`buf lint` and `buf breaking` against the committed baseline, and proof that the
breaking check bites."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.contracts import support


@pytest.fixture(scope="module")
def buf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    binary = support.buf()
    assert binary.is_file(), f"buf not found at {binary}: install the dev extra (buf-bin)"
    cache = tmp_path_factory.mktemp("buf-cache")
    return {**os.environ, "BUF_CACHE_DIR": str(cache)}


def _buf(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(support.buf()), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_lint_is_clean(buf_env: dict[str, str]) -> None:
    done = _buf(buf_env, support.PROTO, "lint")
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_breaking_change_against_baseline(buf_env: dict[str, str]) -> None:
    assert support.BASELINE.is_file(), "proto/baseline/v1.binpb is missing"
    done = _buf(buf_env, support.PROTO, "breaking", "--against", str(support.BASELINE))
    assert done.returncode == 0, done.stdout + done.stderr


def test_changing_a_field_number_is_caught(buf_env: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "proto"
    shutil.copytree(
        support.PROTO, copy, ignore=shutil.ignore_patterns("*.py", "*.pyi", "__pycache__")
    )
    types = copy / "govshare" / "common" / "v1" / "types.proto"
    source = types.read_text(encoding="utf-8")
    changed, count = re.subn(r"int64 fen = 1;", "int64 fen = 2;", source)
    assert count == 1, "the Money.fen field this test renumbers has moved: update the test"
    types.write_text(changed, encoding="utf-8")

    built = _buf(buf_env, copy, "build", "-o", os.devnull)
    assert built.returncode == 0, built.stderr  # still compiles: only the wire changed

    done = _buf(buf_env, copy, "breaking", "--against", str(support.BASELINE))
    assert done.returncode != 0
    assert "Money" in done.stdout + done.stderr
