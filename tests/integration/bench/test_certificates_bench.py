"""`govshare bench` stays runnable: a tiny run prints every figure and writes the report."""

import json
import subprocess
import sys

from tests.helpers import ROOT


def test_bench_prints_each_figure_and_writes_json(broker, tmp_path):
    report = tmp_path / "bench.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli",
            "bench",
            "--certificates",
            "20",
            "--verify",
            "20",
            "--json",
            str(report),
        ],
        env={"PATH": "/usr/bin:/bin", "GOVSHARE_KAFKA_BOOTSTRAP": broker.bootstrap},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for suite in ("SIGNATURE_SUITE_SM2_SM3", "SIGNATURE_SUITE_ED25519"):
        assert f"issuance {suite}" in run.stdout
        assert f"verify   {suite}" in run.stdout
    figures = json.loads(report.read_text())
    assert figures["issuance"]["SIGNATURE_SUITE_SM2_SM3"]["certificates"] == 20
    assert figures["verification"]["SIGNATURE_SUITE_ED25519"]["p99_ms"] > 0
