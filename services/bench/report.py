"""`govshare bench`: every figure of issue 8 in one run, on one broker, with its ratio to
the ceiling (a plain aiokafka consume -> produce -> commit loop over the same events)."""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from services.bench import ceiling, certificates
from services.bench.signatures import openssl_speed

SM2 = "SIGNATURE_SUITE_SM2_SM3"
ED25519 = "SIGNATURE_SUITE_ED25519"
SUITES = (SM2, ED25519)
FULL_RESTART = 1_000_000


@dataclass
class Options:
    certificates: int = 10_000  # licences per suite
    verify: int = 2_000  # sequential VerifyCertificate calls
    verify_rate: float = 1_000.0  # open loop: requests/s ...
    verify_seconds: float = 10.0  # ... for this long
    ceiling_events: int = 100_000
    restart_certificates: int = 20_000  # 0: skip
    speed_seconds: int = 3  # openssl speed -seconds


def machine() -> dict[str, Any]:
    model = ""
    memory_kb = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


async def run(bootstrap: str, options: Options) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": machine(),
        "options": asdict(options),
        "issuance": {},
        "verification": {},
        "verification_open_loop": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report["ceiling"] = await ceiling.measure(
            bootstrap, options.ceiling_events, work / "ceiling.log"
        )
        report["openssl_speed_sm2"] = await asyncio.to_thread(openssl_speed, options.speed_seconds)
        for suite in SUITES:
            result, service = await certificates.issuance(
                bootstrap, suite, options.certificates, work
            )
            try:
                report["issuance"][suite] = result.figures()
                sample = await asyncio.to_thread(
                    certificates.issued_ids, service, min(options.certificates, 200)
                )
                report["verification"][suite] = await asyncio.to_thread(
                    certificates.verification, service.grpc_address, sample, options.verify
                )
                report["verification_open_loop"][suite] = await certificates.open_loop(
                    service.grpc_address, sample, options.verify_rate, options.verify_seconds
                )
            finally:
                service.stop()
        if options.restart_certificates:
            report["restart"] = await certificates.restart(
                bootstrap, ED25519, options.restart_certificates, work
            )
    report["targets"] = targets(report)
    return report


def targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Issue 8's targets for what this run measured: the figure, the bar, met or not."""
    ceiling_rate = report["ceiling"]["per_second"]
    out: dict[str, dict[str, Any]] = {}
    ed = report["issuance"].get(ED25519)
    if ed:
        out["ed25519_issuance_vs_ceiling"] = _target(
            ed["per_second"] / ceiling_rate, 0.25, "Ed25519 issuance >= 25% of the ceiling"
        )
    sm2 = report["issuance"].get(SM2)
    speed = report.get("openssl_speed_sm2")
    if sm2 and speed:
        out["sm2_issuance_vs_openssl"] = _target(
            sm2["per_second"] / speed["sign_per_s"],
            0.50,
            "SM2 issuance >= 50% of openssl speed sm2 (sign/s, one core)",
        )
    for suite, figures in report["verification_open_loop"].items():
        met = (
            figures["p99_ms"] <= 20.0
            and figures["failures"] == 0
            and figures["per_second"] >= 0.98 * figures["target_per_second"]
        )
        out[f"verification_p99_{suite}"] = {
            "value": figures["p99_ms"],
            "bar": 20.0,
            "met": met,
            "what": f"VerifyCertificate p99 <= 20 ms at {figures['target_per_second']:g}/s",
        }
    restart = report.get("restart")
    if restart:
        out["restart_seconds"] = {
            "value": restart["seconds_to_ready"],
            "bar": 60.0,
            "met": restart["seconds_to_ready"] <= 60.0
            if restart["certificates"] >= FULL_RESTART
            else None,  # the bar is for a million; a smaller state says little
            "what": f"ready <= 60 s after a restart with {FULL_RESTART:,} certificates "
            f"(measured with {restart['certificates']:,})",
        }
    return out


def _target(value: float, bar: float, what: str) -> dict[str, Any]:
    return {"value": value, "bar": bar, "met": value >= bar, "what": what}


def lines(report: dict[str, Any]) -> list[str]:
    """The report as the terminal shows it: each figure with its ratio to the ceiling."""
    ceiling_rate = report["ceiling"]["per_second"]

    def ratio(rate: float) -> str:
        return f"{rate / ceiling_rate:6.1%} of ceiling"

    m = report["machine"]
    out = [
        f"machine  {m['cpus']} cpus, {m['cpu_model']}, {m['memory_gb']} GB, Python {m['python']}",
        f"ceiling  {'aiokafka consume->produce->commit':<26} {ceiling_rate:9.1f} events/s "
        f"(100.0% of ceiling; {report['ceiling']['events']} licence events, "
        f"{report['ceiling']['cpu_us_per_event']:.0f} us CPU/event)",
    ]
    speed = report.get("openssl_speed_sm2")
    if speed:
        out.append(
            f"openssl  {'speed sm2 (1 core)':<26} {speed['sign_per_s']:9.1f} signs/s    "
            f"({ratio(speed['sign_per_s'])}; verify {speed['verify_per_s']:.0f}/s)"
        )
    for suite, f in report["issuance"].items():
        extra = ""
        if suite == SM2 and speed:
            extra = f", {f['per_second'] / speed['sign_per_s']:.0%} of openssl sign/s"
        out.append(
            f"issuance {suite:<26} {f['per_second']:9.1f} certificates/s "
            f"({ratio(f['per_second'])}{extra}; {f['certificates']} in {f['seconds']:.2f} s, "
            "feed -> signed event)"
        )
        out.append(
            f"applied  {suite:<26} {f['applied_per_second']:9.1f} certificates/s "
            f"({ratio(f['applied_per_second'])}; feed -> in the registry; "
            f"service CPU {f['service_cpu_us_per_certificate']:.0f} us/certificate)"
        )
    for suite, f in report["verification"].items():
        out.append(
            f"verify   {suite:<26} {f['per_second']:9.1f} requests/s     "
            f"({ratio(f['per_second'])}; p50 {f['p50_ms']:.2f} ms  p99 {f['p99_ms']:.2f} ms, "
            "gRPC, sequential)"
        )
    for suite, f in report["verification_open_loop"].items():
        out.append(
            f"verify   {suite:<26} {f['per_second']:9.1f} requests/s     "
            f"({ratio(f['per_second'])}; p50 {f['p50_ms']:.2f} ms  p99 {f['p99_ms']:.2f} ms  "
            f"max {f['max_ms']:.1f} ms, open loop at {f['target_per_second']:g}/s, "
            f"{f['failures']} failed)"
        )
    restart = report.get("restart")
    if restart:
        rate = restart["certificates"] / restart["seconds_to_ready"]
        out.append(
            f"restart  {'certificates':<26} {restart['seconds_to_ready']:9.1f} s to ready     "
            f"({restart['certificates']:,} certificates in state, {rate:.0f}/s recovered = "
            f"{ratio(rate)}; RSS {restart['rss_before_restart_mb']:.0f} MB before, "
            f"{restart['rss_after_restart_mb']:.0f} MB after; "
            f"{restart['verified_after_restart']} verified after)"
        )
    for target in report["targets"].values():
        verdict = {True: "met", False: "NOT met", None: "not measured at full size"}[target["met"]]
        value = target["value"]
        shown = f"{value:.1%}" if target["bar"] < 1 else f"{value:.1f}"
        out.append(f"target   {target['what']}: {shown} -> {verdict}")
    return out
