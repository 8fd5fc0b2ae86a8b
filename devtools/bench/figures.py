"""How a cross-service figure reads on the terminal: shared by the report and by the
comparison with more workers (workers.py), so that both print a figure alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Ratio = Callable[[float], str]  # a rate -> its share of the ceiling, as printed


def by_process(figures: dict[str, float], shown: str) -> str:
    return ", ".join(f"{name} {shown.format(v)}" for name, v in figures.items() if name != "total")


def power_line(label: str, f: dict[str, Any], ratio: Ratio) -> str:
    return (
        f"power    {label:<26} {f['per_second']:9.1f} applications/s "
        f"({ratio(f['per_second'])}; p50 {f['p50_ms']:.1f} ms  p99 {f['p99_ms']:.1f} ms  "
        f"max {f['max_ms']:.0f} ms, POST -> accepted, open loop at "
        f"{f['target_per_second']:g}/s, {f['accepted']} accepted, {f['failures']} failed)"
    )


def cpu_line(
    label: str, cost: dict[str, float], ratio: Ratio, ceiling_cpu_s: float, more: str = ""
) -> str:
    """CPU per unit of work, in all and for each process (`more`: said after them)."""
    fit = 2000 / cost["total"]  # two cores' worth
    return (
        f"cpu      {label:<26} {cost['total']:9.1f} ms           "
        f"(two cores at this cost: {fit:.1f}/s = {ratio(fit)}; "
        f"the ceiling's {ceiling_cpu_s * 1000:.3f} ms per event; "
        + by_process(cost, "{:.1f}")
        + (f"; {more}" if more else "")
        + ")"
    )
