"""What the bench prints about failures (devtools/bench/report.py)."""

from __future__ import annotations

import re

from devtools.bench.report import Options, failure_lines, lines, run


def test_every_kept_failure_sample_is_printed_with_its_figure():
    report = {
        "verification_open_loop": {"SM2": {"failure_samples": []}},
        "power": {"failure_samples": ["HTTPStatusError: 503"]},
        "evidence": {"open_loop": {"failure_samples": ["AioRpcError: UNAVAILABLE"]}},
        "transfers": {"failure_samples": ["TimeoutError: case c1: no registered within 120 s"]},
    }
    assert failure_lines(report) == [
        "failed   power: HTTPStatusError: 503",
        "failed   evidence open_loop: AioRpcError: UNAVAILABLE",
        "failed   transfer: TimeoutError: case c1: no registered within 120 s",
    ]
    assert failure_lines({"verification_open_loop": {}}) == []


async def test_every_part_is_skipped_with_0_and_nothing_touches_the_broker():
    options = Options(
        certificates=0,
        verify=0,
        verify_seconds=0,
        ceiling_events=0,
        restart_certificates=0,
        speed_seconds=0,
        power_seconds=0,
        transfer_seconds=0,
        evidence=0,
        evidence_seconds=0,
        idle_seconds=0,
    )
    report = await run("127.0.0.1:1", options)  # nothing listens there
    assert report["issuance"] == report["verification"] == report["targets"] == {}
    assert [line.split()[0] for line in lines(report)] == ["machine"]


def test_without_the_ceiling_the_figures_stand_alone_with_their_records():
    report = {
        "machine": {"cpus": 2, "cpu_model": "x", "memory_gb": 1, "python": "3.11"},
        "issuance": {},
        "verification": {"SM2": {"per_second": 10.0, "p50_ms": 1.0, "p99_ms": 2.0}},
        "verification_open_loop": {},
        "transfers": {
            "cpu_ms_per_case": {"tax": 2.0, "total": 2.0},
            "records_per_case": {"tax.v1.events": 5.0, "total": 5.0},
            "fetches_per_case": {"tax": 4.0, "tax-2": 2.5, "total": 6.5},
            "per_second": 3.7,
            "target_per_second": 8.0,
            "cases": 2,
            "completed": 2,
            "failures": 0,
            "p50_ms": 200.0,
            "p99_ms": 450.0,
            "certificate_p99_ms": 460.0,
            "steps": {"filed": {"p50_ms": 40.0, "p99_ms": 80.0}},
        },
        "targets": {},
    }
    shown = "\n".join(lines(report))
    assert "ceiling not measured" in shown
    assert re.search(r"^records  per joint case +5\.0 records", shown, re.M), shown
    assert "tax.v1.events 5.0" in shown
    assert re.search(r"^fetches  per joint case +6\.5 fetches .*tax 4\.0, tax-2 2\.5", shown, re.M)
