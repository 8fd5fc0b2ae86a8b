"""What the bench prints about failures (services/bench/report.py)."""

from __future__ import annotations

from services.bench.report import failure_lines


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
