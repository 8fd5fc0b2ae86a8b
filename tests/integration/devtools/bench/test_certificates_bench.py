"""`govshare bench` stays runnable: a tiny run prints every figure (the certificates
service alone, then all four services, then power again with two workers of each
N-worker-safe service) and writes the report."""

import json
import re
import subprocess
import sys

import pytest

from devtools.bench.signatures import parse_speed
from tests.helpers import ROOT

SUITES = ("SIGNATURE_SUITE_SM2_SM3", "SIGNATURE_SUITE_ED25519")


def test_bench_prints_each_figure_with_its_ratio_and_writes_json(broker, tmp_path):
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
            "--verify-rate",
            "50",
            "--verify-seconds",
            "1",
            "--ceiling-events",
            "500",
            "--restart-certificates",
            "20",
            "--speed-seconds",
            "1",
            # all four services: a handful of each, to show the figures are there and sane
            "--power-rate",
            "5",
            "--power-seconds",
            "1",
            "--evidence",
            "20",
            "--evidence-rate",
            "20",
            "--evidence-seconds",
            "1",
            "--transfer-rate",
            "4",
            "--transfer-seconds",
            "1",
            "--idle-seconds",
            "2",
            "--compare-workers",
            "2",
            "--json",
            str(report),
        ],
        env={"PATH": "/usr/bin:/bin", "GOVSHARE_KAFKA_BOOTSTRAP": broker.bootstrap},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    assert re.search(r"^ceiling .* events/s \(100\.0% of ceiling", out, re.M), out
    for suite in SUITES:
        assert f"issuance {suite}" in out
        assert f"applied  {suite}" in out
        assert f"verify   {suite}" in out
    assert "open loop at 50/s" in out
    assert re.search(r"^restart .* s to ready .*20 certificates in state", out, re.M), out
    figure_lines = [line for line in out.splitlines() if line[:8].strip() in FIGURES]
    assert all("of ceiling" in line for line in figure_lines), figure_lines
    assert "target   Ed25519 issuance >= 25% of the ceiling" in out

    figures = json.loads(report.read_text())
    assert figures["ceiling"]["events"] == 500 and figures["ceiling"]["per_second"] > 0
    assert figures["issuance"]["SIGNATURE_SUITE_SM2_SM3"]["certificates"] == 20
    assert figures["verification"]["SIGNATURE_SUITE_ED25519"]["p99_ms"] > 0
    assert figures["verification_open_loop"]["SIGNATURE_SUITE_ED25519"]["failures"] == 0
    assert figures["restart"]["verified_after_restart"] == 20  # the state survived
    assert figures["restart"]["store"] == "rocksdb://"  # the production store, by default
    assert figures["machine"]["cpus"] >= 1
    assert set(figures["targets"]) >= {"ed25519_issuance_vs_ceiling", "restart_seconds"}

    # Across the four services: power applications, evidence resolution, joint transfers.
    assert re.search(r"^power .* applications/s .*of ceiling.*open loop at 5/s", out, re.M), out
    assert re.search(r"^evidence ResolveEvidence sequential .* requests/s", out, re.M), out
    assert re.search(r"^evidence ResolveEvidence open_loop .*open loop at 20/s", out, re.M), out
    assert re.search(r"^transfer .* cases/s .*registered p50 .*4 of 4 completed", out, re.M), out
    assert "target   power application p99 <= 250 ms" in out
    assert "target   joint transfer p99 <= 250 ms" in out
    applications = figures["power"]
    assert applications["accepted"] == 5 and applications["failures"] == 0, applications
    assert 0 < applications["p50_ms"] <= applications["p99_ms"] < 60_000
    evidence = figures["evidence"]
    assert evidence["sequential"]["requests"] == 20 and evidence["sequential"]["p99_ms"] > 0
    assert evidence["open_loop"]["failures"] == 0 and evidence["open_loop"]["requests"] == 20
    cases = figures["transfers"]
    assert cases["completed"] == 4 and cases["failures"] == 0, cases
    steps = cases["steps"]
    assert list(steps) == [
        "filed",
        "confirmed",
        "review_passed",
        "assessed",
        "paid",
        "registered",
        "certificate",
    ]
    # each step after the one it needs, and the case's latency is its registration's
    assert 0 < steps["filed"]["p50_ms"] <= steps["confirmed"]["p50_ms"]
    assert steps["confirmed"]["p50_ms"] <= steps["paid"]["p50_ms"]
    # Not paid <= registered: "paid" is when the client got its answer, "registered" when
    # realestate produced the event, which may come first by a few ms.
    assert steps["assessed"]["p50_ms"] <= steps["registered"]["p50_ms"]
    assert steps["assessed"]["p50_ms"] <= steps["paid"]["p50_ms"]
    assert cases["p99_ms"] == steps["registered"]["p99_ms"]
    assert set(figures["rss_mb"]) == {"certificates", "realestate", "tax", "power", "devbank"}
    assert all(20 < mb < 4096 for mb in figures["rss_mb"].values()), figures["rss_mb"]
    assert {"power_p99", "transfers_p99"} <= set(figures["targets"])
    # CPU: the idle platform's share of a core, and per unit of work, for every process
    processes = {"certificates", "realestate", "tax", "power", "devbank", "total"}
    assert set(figures["idle"]["cores"]) == processes
    assert 0 < figures["idle"]["cores"]["total"] < 2  # two cores at most
    for per_unit in (figures["power"]["cpu_ms_per_application"], cases["cpu_ms_per_case"]):
        assert set(per_unit) == processes and per_unit["total"] > 0, per_unit
    # records: every topic a case wrote to, each case's own events among them
    assert re.search(r"^records  per joint case +\d", out, re.M), out
    records = cases["records_per_case"]
    assert records["realestate.v1.events"] >= 5 and records["tax.v1.events"] >= 3, records
    assert records["total"] == pytest.approx(sum(v for k, v in records.items() if k != "total"))

    # Power and transfers again with two workers of every service: every accepted
    # application reads alike from both; every case completes.
    two = figures["workers"]["power"]
    assert two["accepted"] == 5 and two["failures"] == 0, two
    assert two["read_back"] == {
        "sampled": 5,
        "workers": 2,
        "mismatches": 0,
        "mismatch_samples": [],
    }, two["read_back"]
    assert {"power", "power-2", "certificates", "certificates-2", "tax"} <= set(
        two["cpu_ms_per_application"]
    )
    assert set(two["cpu_ms_per_service"]) == processes
    assert two["ratio"]["per_second"] > 0 and two["ratio"]["cpu_per_unit"]["total"] > 0
    assert re.search(r"^ratio    power, 2 workers / 1 .* throughput", out, re.M), out
    assert re.search(r"^check    power, 2 workers +0 mismatches", out, re.M), out
    joint = figures["workers"]["transfers"]
    assert joint["completed"] == joint["cases"] and joint["failures"] == 0, joint
    assert re.search(r"^transfer joint cases, 2 workers", out, re.M), out
    assert re.search(r"^ratio    transfers, 2 workers / 1 .* throughput", out, re.M), out
    assert figures["targets"]["power_workers_read_back"]["met"] is True


FIGURES = {
    "ceiling",
    "openssl",
    "issuance",
    "applied",
    "verify",
    "restart",
    "power",
    "evidence",
    "transfer",
    "idle",
    "cpu",
    "rss",
}


def test_openssl_speed_output_is_read():
    output = (
        "                              sign    verify    sign/s verify/s\n"
        " 256 bits SM2 (CurveSM2)   0.0002s   0.0002s   4173.1   4642.5\n"
    )
    speed = parse_speed(output)
    assert speed is not None
    assert speed["sign_per_s"] == 4173.1 and speed["verify_per_s"] == 4642.5
    assert parse_speed("no such algorithm") is None
