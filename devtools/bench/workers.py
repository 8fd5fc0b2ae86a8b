"""The power and transfer parts again on a second platform with N workers of each
service (issue 14's targets): the same load, spread over the workers in turn, the same
figures with each worker's process listed and each service's sum, and their ratio to
the one-worker figures. On two cores this shows that answers stay right and what a
worker costs; on more cores, the gain. After the power load a sample of the accepted
applications is read from every worker: any that is missing or differs is a mismatch.

A part runs only when every service its flow crosses answers right with N workers
(`platform.N_WORKER_SAFE`); until then it is reported as skipped, and why.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devtools.bench import power, transfers
from devtools.bench.figures import Ratio, by_process, cpu_line, power_line
from devtools.bench.harness import UnitCost
from devtools.bench.platform import N_WORKER_SAFE, Services
from devtools.launcher import SERVICES

if TYPE_CHECKING:
    from devtools.bench.report import Options

READ_BACK = 50  # accepted applications read from every worker
# The services each part's flow crosses.
PART_SERVICES = {
    "power": ("certificates", "power"),
    "transfers": ("certificates", "realestate", "tax", "power"),
}
# What each part costs per unit: its CPU figure, and the unit as printed.
PER_UNIT = {
    "power": ("cpu_ms_per_application", "application"),
    "transfers": ("cpu_ms_per_case", "joint case"),
}
WHY_NOT = "not yet N-worker safe (docs/architecture.md, 'More than one worker of a service')"


def not_safe(part: str) -> list[str]:
    """The services a part crosses that may not yet run more than one worker."""
    return [name for name in PART_SERVICES[part] if name not in N_WORKER_SAFE]


def skip_reason(part: str) -> str | None:
    unsafe = not_safe(part)
    if not unsafe:
        return None
    return f"{' and '.join(unsafe)} {'is' if len(unsafe) == 1 else 'are'} {WHY_NOT}"


Part = Callable[[Services, "Options", UnitCost], Awaitable[dict[str, Any]]]


async def _power(services: Services, options: Options, cost: UnitCost) -> dict[str, Any]:
    return await power.applications(
        services, options.power_rate, options.power_seconds, cost, read_back=READ_BACK
    )


async def _transfers(services: Services, options: Options, cost: UnitCost) -> dict[str, Any]:
    return await transfers.cases(services, options.transfer_rate, options.transfer_seconds, cost)


PARTS: dict[str, Part] = {"power": _power, "transfers": _transfers}


async def compare(
    bootstrap: str,
    options: Options,
    work: Path,
    one_worker: dict[str, Any],
    broker_pid: int | None = None,
) -> dict[str, Any]:
    """Each part that ran with one worker (`one_worker`: its figures by part), again with
    `options.compare_workers`, and the ratio of the two."""
    ran = [part for part in PARTS if one_worker.get(part)]
    if not ran:
        return {}
    count = options.compare_workers
    out: dict[str, Any] = {"count": count, "safe": list(N_WORKER_SAFE), "skipped": {}}
    for part in ran:
        reason = skip_reason(part)
        if reason:
            out["skipped"][part] = reason
    runnable = [part for part in ran if part not in out["skipped"]]
    if not runnable:
        return out
    services = Services(bootstrap, work, workers=count)
    try:
        await services.start()
        for part in runnable:
            figures = await PARTS[part](services, options, services.cost(broker_pid))
            out[part] = with_ratios(part, one_worker[part], figures)
    finally:
        services.stop()
    return out


# --- the figures -------------------------------------------------------------------------


def service_of(process: str) -> str:
    """`power-2` -> `power`: the launcher names a service's later workers so."""
    return re.sub(r"-\d+$", "", process)


def per_service(per_process: dict[str, float]) -> dict[str, float]:
    """Each service's sum over its workers' processes (the total kept)."""
    out: dict[str, float] = {}
    for process, value in per_process.items():
        out[service_of(process)] = out.get(service_of(process), 0.0) + value
    return out


def _over(many: float, one: float) -> float | None:
    return many / one if one else None


def with_ratios(part: str, one: dict[str, Any], many: dict[str, Any]) -> dict[str, Any]:
    """The N-worker figures, each service's CPU summed over its workers, and the ratio
    N workers / one worker of the throughput and of the CPU per unit (in all and per
    service; None where the one-worker figure is 0)."""
    key = PER_UNIT[part][0]
    cpu_one, cpu_many = per_service(one.get(key, {})), per_service(many.get(key, {}))
    return {
        **many,
        "cpu_ms_per_service": cpu_many,
        "ratio": {
            "per_second": _over(many["per_second"], one["per_second"]),
            "cpu_per_unit": {
                name: _over(cpu_many.get(name, 0.0), cpu_one.get(name, 0.0))
                for name in {**cpu_one, **cpu_many}
            },
        },
    }


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def lines(report: dict[str, Any], ratio: Ratio, ceiling_cpu_s: float) -> list[str]:
    """The comparison as the terminal shows it (`report["workers"]`)."""
    w = report.get("workers")
    if not w:
        return []
    count = w["count"]
    ones = [name for name in SERVICES if name not in w["safe"]]
    single = f" ({', '.join(ones)}: 1 each)" if ones else ""
    out = [
        f"workers  {count} workers of {', '.join(w['safe'])}{single}, a platform of its own, "
        "requests in turn to each worker"
    ]
    label = f"{count} workers"
    for part in PARTS:
        f = w.get(part)
        if not f:
            continue
        key, unit = PER_UNIT[part]
        if part == "power":
            out.append(power_line(f"applications, {label}", f, ratio))
        else:
            out.append(
                f"transfer {'joint cases, ' + label:<26} {f['per_second']:9.1f} cases/s        "
                f"({ratio(f['per_second'])}; registered p50 {f['p50_ms']:.0f} ms  "
                f"p99 {f['p99_ms']:.0f} ms, {f['completed']} of {f['cases']} completed, "
                f"{f['failures']} failed)"
            )
        cost = f.get(key)
        if cost:
            services = "by service: " + by_process(f["cpu_ms_per_service"], "{:.1f}")
            out.append(cpu_line(f"per {unit}, {label}", cost, ratio, ceiling_cpu_s, services))
        r = f["ratio"]
        cpu = r["cpu_per_unit"]
        out.append(
            f"ratio    {part + ', ' + label + ' / 1':<26} {_times(r['per_second']):>9} "
            f"throughput, {_times(cpu.get('total'))} CPU per {unit} "
            f"({', '.join(f'{n} {_times(v)}' for n, v in cpu.items() if n != 'total')})"
        )
        checked = f.get("read_back")
        if checked:
            verdict = (
                "missing or different on some" if checked["mismatches"] else "all answered alike"
            )
            out.append(
                f"check    {part + ', ' + label:<26} {checked['mismatches']:9d} mismatches     "
                f"({checked['sampled']} accepted applications read from each of "
                f"{checked['workers']} workers: {verdict})"
            )
    for part, reason in w["skipped"].items():
        out.append(f"workers  {part} with {count} workers skipped: {reason}")
    return out


def mismatch_lines(report: dict[str, Any]) -> list[str]:
    """The kept samples of applications some worker read differently."""
    w = report.get("workers") or {}
    return [
        f"failed   {part}, {w['count']} workers, read back: {sample}"
        for part in PARTS
        for sample in ((w.get(part) or {}).get("read_back") or {}).get("mismatch_samples", [])
    ]
