"""The comparison with more workers (devtools/bench/workers.py): each service's sum over
its workers, the ratio to one worker, and how the report prints them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from devtools.bench import workers
from devtools.bench.report import Options, failure_lines, lines, targets


@pytest.fixture(autouse=True)
def two_services_not_yet_safe(monkeypatch):
    """The skip path, as when realestate and tax were not yet N-worker safe: the report
    must still say so for a service that is not (the real list: platform.N_WORKER_SAFE)."""
    monkeypatch.setattr(workers, "N_WORKER_SAFE", ("certificates", "power"))


def test_each_worker_counts_for_its_service_and_the_total_stays():
    per_process = {"power": 10.0, "power-2": 12.0, "certificates-2": 3.0, "broker": 5.0}
    assert workers.per_service({**per_process, "total": 30.0}) == {
        "power": 22.0,
        "certificates": 3.0,
        "broker": 5.0,
        "total": 30.0,
    }
    assert workers.service_of("power-12") == "power"
    assert workers.service_of("devbank") == "devbank"


def _power(per_second: float, cpu: dict[str, float]) -> dict[str, Any]:
    return {"per_second": per_second, "cpu_ms_per_application": cpu}


def test_the_ratio_is_n_workers_over_one_for_throughput_and_cpu_per_service():
    one = _power(40.0, {"certificates": 10.0, "power": 20.0, "broker": 0.0, "total": 30.0})
    two = _power(
        50.0,
        {"certificates": 6.0, "certificates-2": 6.0, "power": 15.0, "power-2": 15.0}
        | {"broker": 1.0, "total": 43.0},
    )
    figures = workers.with_ratios("power", one, two)
    assert figures["per_second"] == 50.0  # the N-worker figures themselves are kept
    assert figures["cpu_ms_per_service"]["power"] == 30.0
    ratio = figures["ratio"]
    assert ratio["per_second"] == pytest.approx(1.25)
    assert ratio["cpu_per_unit"]["total"] == pytest.approx(43 / 30)
    assert ratio["cpu_per_unit"]["certificates"] == pytest.approx(1.2)
    assert ratio["cpu_per_unit"]["power"] == pytest.approx(1.5)
    assert ratio["cpu_per_unit"]["broker"] is None  # nothing to divide by


def test_a_part_runs_with_n_workers_only_once_every_service_it_crosses_is_safe(monkeypatch):
    assert workers.skip_reason("power") is None
    reason = workers.skip_reason("transfers")
    assert reason is not None and reason.startswith("realestate and tax are not yet N-worker")
    assert "docs/architecture.md" in reason
    # Enabling the transfer part is adding the two services to the safe list.
    monkeypatch.setattr(workers, "N_WORKER_SAFE", ("certificates", "realestate", "tax", "power"))
    assert workers.skip_reason("transfers") is None


async def test_nothing_is_started_when_no_part_ran_with_one_worker():
    options = Options(compare_workers=2)
    compared = await workers.compare("127.0.0.1:1", options, Path("unused"), {"power": None})
    assert compared == {}


async def test_unsafe_parts_are_reported_skipped_without_starting_a_platform():
    options = Options(compare_workers=2)
    one_worker = {"power": None, "transfers": {"per_second": 3.0}}
    compared = await workers.compare("127.0.0.1:1", options, Path("unused"), one_worker)
    assert compared["count"] == 2 and set(compared["skipped"]) == {"transfers"}
    assert "power" not in compared


def _report(mismatches: int) -> dict[str, Any]:
    one = _power(20.0, {"certificates": 10.0, "power": 15.0, "total": 25.0})
    two = _power(
        19.0,
        {"certificates": 8.0, "certificates-2": 9.0, "power": 12.0, "power-2": 11.0, "total": 40.0},
    )
    two |= {
        "target_per_second": 30.0,
        "p50_ms": 35.0,
        "p99_ms": 80.0,
        "max_ms": 90.0,
        "accepted": 150,
        "failures": 1,
        "failure_samples": ["503 not applied in time"],
        "read_back": {
            "sampled": 50,
            "workers": 2,
            "mismatches": mismatches,
            "mismatch_samples": ["PA-1: in-progress, !HTTP 404"] if mismatches else [],
        },
    }
    report = {
        "machine": {"cpus": 2, "cpu_model": "x", "memory_gb": 1, "python": "3.11"},
        "issuance": {},
        "verification": {},
        "verification_open_loop": {},
        "workers": {
            "count": 2,
            "safe": ["certificates", "power"],
            "skipped": {"transfers": workers.skip_reason("transfers")},
            "power": workers.with_ratios("power", one, two),
        },
    }
    report["targets"] = targets(report)
    return report


def test_the_report_prints_both_workers_each_service_the_ratio_and_the_check():
    shown = "\n".join(lines(_report(0)))
    assert "workers  2 workers of certificates, power (realestate, tax: 1 each)" in shown
    assert re.search(
        r"^power    applications, 2 workers +19\.0 applications/s .*150 accepted, 1 failed",
        shown,
        re.M,
    ), shown
    cpu = re.search(r"^cpu      per application, 2 workers +40\.0 ms .*$", shown, re.M)
    assert cpu, shown
    assert "certificates 8.0, certificates-2 9.0, power 12.0, power-2 11.0" in cpu[0]
    assert cpu[0].endswith("by service: certificates 17.0, power 23.0)")
    ratio = re.search(
        r"^ratio    power, 2 workers / 1 +0\.95x throughput, 1\.60x CPU.*$", shown, re.M
    )
    assert ratio, shown
    assert ratio[0].endswith("(certificates 1.70x, power 1.53x)")
    assert re.search(
        r"^check    power, 2 workers +0 mismatches .*50 accepted .*2 workers", shown, re.M
    )
    assert re.search(
        r"^workers  transfers with 2 workers skipped: realestate and tax are not yet", shown, re.M
    ), shown
    assert "failed   power, 2 workers: 503 not applied in time" in shown
    assert shown.endswith("mismatches = 0: 0 -> met")


def test_a_mismatch_fails_the_target_and_is_shown():
    report = _report(1)
    assert report["targets"]["power_workers_read_back"]["met"] is False
    assert "failed   power, 2 workers, read back: PA-1: in-progress, !HTTP 404" in failure_lines(
        report
    )
    assert "\n".join(lines(report)).endswith("mismatches = 0: 1 -> NOT met")
