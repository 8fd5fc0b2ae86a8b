"""The committed Python bindings are exactly what scripts/gen_proto.sh generates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.contracts import support


def _generated(root: Path) -> dict[str, bytes]:
    files = {}
    for path in (root / "govshare").rglob("*"):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        if path.suffix in {".py", ".pyi"}:
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def test_committed_bindings_are_not_stale(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON": sys.executable, "GEN_PROTO_OUT": str(tmp_path)}
    done = subprocess.run(
        ["bash", str(support.GEN_SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr

    fresh, committed = _generated(tmp_path), _generated(support.PROTO)
    hint = "run `make proto` (scripts/gen_proto.sh) and commit the result"
    assert sorted(fresh) == sorted(committed), hint
    stale = sorted(name for name in fresh if fresh[name] != committed[name])
    assert stale == [], f"stale bindings {stale}: {hint}"
