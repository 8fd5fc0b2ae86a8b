"""The soak's report: a line per interval and whether the figures stayed flat."""

from __future__ import annotations

from typing import Any

from devtools.bench import soak
from devtools.bench.report import Options, lines
from services import cli

METRICS = """# HELP govshare_table_keys Keys in each Faust table of this worker.
# TYPE govshare_table_keys gauge
govshare_table_keys{table="applied-events"} 1200.0
govshare_table_keys{table="units"} 300.0
govshare_table_keys_created 1.0
"""


def interval(
    i: int, *, rate: float = 2.0, p99: float = 400.0, rss: float = 120.0, marks: int = 1200
) -> dict[str, Any]:
    flow = {"per_second": rate, "p99_ms": p99, "completed": 600, "failures": 0}
    return {
        "interval": i,
        "minutes": 5.0 * (i + 1),
        "transfers": {**flow, "failure_samples": []},
        "power": {**flow, "failure_samples": []},
        "rss_mb": {"certificates": rss, "realestate": rss},
        "state": {
            "table_keys": {
                "realestate": {"applied-events": marks, "units": 600 * (i + 1)},
                "tax": {"transfers": 3},
            },
            "disk_mb": {"bench.govshare-realestate": 3.5},
        },
    }


def report(intervals: list[dict[str, Any]]) -> dict[str, Any]:
    figures = {"minutes": 10, "rate": 2, "interval_s": 300, "retention_s": 600}
    figures |= {"intervals": intervals, "verdict": soak.judge(intervals)}
    machine = {"cpus": 2, "cpu_model": "x", "memory_gb": 1, "python": "3.11"}
    return {"machine": machine, "soak": figures}


def test_table_keys_are_read_from_the_exposition():
    assert soak.table_keys(METRICS) == {"applied-events": 1200, "units": 300}


def test_a_steady_run_is_flat_though_its_records_grow():
    printed = lines(report([interval(0), interval(1, p99=450, rss=125, marks=1300)]))
    assert len([line for line in printed if line.startswith("soak     ")]) == 4
    assert "0.0-5.0   min  transfers 2.0/s p99 400 ms (0 failed)" in printed[2]
    assert "realestate/applied-events 1200, tax/transfers 3" in printed[2]
    assert "record keys 600" in printed[2] and "record keys 1200" in printed[3]
    assert printed[-1].startswith("soak     flat: yes")


def test_each_figure_that_grew_is_named():
    grown = interval(1, rate=1.5, p99=2000, rss=200, marks=5000)
    grown["transfers"]["failures"] = 3
    verdict = soak.judge([interval(0), grown])
    assert verdict["flat"] is False
    reasons = "; ".join(verdict["reasons"])
    for expected in (
        "transfers 1.5/s < 90% of 2.0/s",
        "power p99 2000 ms vs 400 ms",
        "transfers: 3 failed",
        "rss certificates 200 MB vs 120 MB",
        "state realestate/applied-events 5000 keys vs 1200",
    ):
        assert expected in reasons
    assert lines(report([interval(0), grown]))[-1].startswith("soak     flat: NO vs the first (")
    assert soak.judge([interval(0)])["flat"] is None


def test_the_bench_runs_no_soak_unless_asked():
    assert Options().soak_minutes == 0
    assert cli.parser().parse_args(["bench"]).soak_minutes == 0
    asked = cli.parser().parse_args(["bench", "--soak-minutes", "30", "--soak-rate", "5"])
    assert (asked.soak_minutes, asked.soak_rate, asked.soak_interval_s) == (30, 5, 300)


def test_the_broker_is_shown_but_a_growing_log_is_not_judged():
    first, last = interval(0), interval(1)
    first["broker"] = {
        "records": 14_460,
        "longest_partition": "bench1.realestate.v1.events-2",
        "longest_records": 1_200,
        "cpu_percent": 57.4,
        "rss_mb": 300.2,
    }
    last["broker"] = {**first["broker"], "records": 28_860, "cpu_percent": 95.0, "rss_mb": 610}
    printed = lines(report([first, last]))
    assert printed[2].endswith(
        "broker CPU 57 %, RSS 300 MB, log 14460 records, longest partition "
        "bench1.realestate.v1.events-2 1200"
    )
    assert "broker CPU 95 %, RSS 610 MB, log 28860 records" in printed[3]
    assert printed[-1].startswith("soak     flat: yes")  # the memory store grows by design


def test_an_external_broker_shows_its_log_only():
    assert soak.broker_part({"records": 5, "longest_partition": "t-0", "longest_records": 3}) == (
        "broker log 5 records, longest partition t-0 3"
    )
    assert soak.broker_part({}) == "broker not sampled"


def test_marks_growing_until_their_horizon_are_warm_up_not_growth():
    """Session 9's 30-minute soak: 754 marks, 1,504 at the horizon (600 s), then flat."""
    assert soak.warmup_intervals(600, 300) == 1
    assert soak.warmup_intervals(60, 60) == 0
    runs = [interval(0, marks=754), interval(1, marks=1504), interval(2, marks=1571)]
    assert soak.judge(runs)["flat"] is False  # against the first: it grew
    verdict = soak.judge(runs, warmup=1)
    assert verdict == {"flat": True, "baseline": 1, "reasons": []}
    assert soak.judge(runs[:2], warmup=1)["flat"] is None  # nothing after the warm-up
    figures = report(runs)
    figures["soak"]["verdict"] = verdict
    assert lines(figures)[-1].startswith(
        "soak     flat: yes (last interval vs interval 1, the first after the marks' horizon"
    )
