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

from devtools.bench import ceiling, certificates, evidence, power, soak, transfers, workers
from devtools.bench.figures import Ratio, by_process, cpu_line, power_line
from devtools.bench.platform import Services
from devtools.bench.signatures import openssl_speed

SM2 = "SIGNATURE_SUITE_SM2_SM3"
ED25519 = "SIGNATURE_SUITE_ED25519"
SUITES = (SM2, ED25519)
FULL_RESTART = 1_000_000
# After the platform is ready, before the idle sample: start-up work is done and the
# consumers' fetch waits have grown to the idle wait (services/kit/fetch_wait.py).
IDLE_SETTLE_S = 10.0


@dataclass
class Options:
    certificates: int = 10_000  # licences per suite
    verify: int = 2_000  # sequential VerifyCertificate calls
    verify_rate: float = 1_000.0  # open loop: requests/s ...
    verify_seconds: float = 10.0  # ... for this long
    ceiling_events: int = 100_000
    restart_certificates: int = 20_000  # 0: skip
    # The production store: a restart reads the local RocksDB files and only the changelog
    # written since; memory:// replays every changelog from the start.
    restart_store: str = "rocksdb://"
    speed_seconds: int = 3  # openssl speed -seconds
    # All four services on one prefix (devtools/bench/platform.py); 0 seconds skips a part.
    power_rate: float = 100.0  # POST /v1/applications per second, open loop ...
    power_seconds: float = 5.0  # ... for this long
    transfer_rate: float = 100.0  # joint transfer cases started per second, open loop ...
    transfer_seconds: float = 5.0  # ... for this long
    evidence: int = 1_000  # sequential ResolveEvidence calls
    evidence_rate: float = 500.0  # open loop: ResolveEvidence requests/s ...
    evidence_seconds: float = 5.0  # ... for this long
    idle_seconds: float = 10.0  # the idle platform's CPU, sampled this long (0 skips)
    # The power and transfer parts again on a platform of this many workers of each
    # service (workers.py), with their ratio to one worker (0 skips).
    compare_workers: int = 2
    # The soak (soak.py): when minutes > 0 it is the whole run, none of the figures above.
    soak_minutes: float = 0.0
    soak_rate: float = 2.0  # joint cases/s and power applications/s, each
    soak_interval_s: float = 300.0  # one line per interval
    soak_retention_s: float = 600.0  # the applied-event marks' horizon during the soak

    @property
    def platform(self) -> bool:
        return bool(
            self.power_seconds
            or self.transfer_seconds
            or self.evidence_seconds
            or self.idle_seconds
        )


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


async def run(bootstrap: str, options: Options, broker_pid: int | None = None) -> dict[str, Any]:
    """Every figure; `broker_pid`, when the broker runs here, adds its CPU to the
    cross-service figures."""
    if options.soak_minutes:
        with tempfile.TemporaryDirectory() as tmp:
            figures = await soak.run(
                bootstrap,
                Path(tmp),
                minutes=options.soak_minutes,
                rate=options.soak_rate,
                interval_s=options.soak_interval_s,
                retention_s=options.soak_retention_s,
                broker_pid=broker_pid,
            )
        return {"machine": machine(), "options": asdict(options), "soak": figures}
    report: dict[str, Any] = {
        "machine": machine(),
        "options": asdict(options),
        "issuance": {},
        "verification": {},
        "verification_open_loop": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if options.ceiling_events:
            report["ceiling"] = await ceiling.measure(
                bootstrap, options.ceiling_events, work / "ceiling.log"
            )
        if options.speed_seconds:
            report["openssl_speed_sm2"] = await asyncio.to_thread(
                openssl_speed, options.speed_seconds
            )
        for suite in SUITES if options.certificates else ():
            result, service = await certificates.issuance(
                bootstrap, suite, options.certificates, work
            )
            try:
                report["issuance"][suite] = result.figures()
                sample = await asyncio.to_thread(
                    certificates.issued_ids, service, min(options.certificates, 200)
                )
                if options.verify:
                    report["verification"][suite] = await asyncio.to_thread(
                        certificates.verification, service.grpc_address, sample, options.verify
                    )
                if options.verify_seconds and options.verify_rate:
                    report["verification_open_loop"][suite] = await certificates.open_loop(
                        service.grpc_address, sample, options.verify_rate, options.verify_seconds
                    )
            finally:
                service.stop()
        if options.restart_certificates:
            report["restart"] = await certificates.restart(
                bootstrap, ED25519, options.restart_certificates, work, options.restart_store
            )
        if options.platform:
            report.update(await cross_service(bootstrap, options, work, broker_pid))
        if options.compare_workers:
            one_worker = {part: report.get(part) for part in workers.PARTS}
            report["workers"] = await workers.compare(
                bootstrap, options, work, one_worker, broker_pid
            )
    report["targets"] = targets(report)
    return report


async def cross_service(
    bootstrap: str, options: Options, work: Path, broker_pid: int | None = None
) -> dict[str, Any]:
    """The idle platform's CPU, then power applications, evidence resolution and joint
    transfers on all four services (in that order: evidence uses the power applicants'
    licences), each with the CPU every process spent per unit, then each service's RSS."""
    out: dict[str, Any] = {}
    services = Services(bootstrap, work)
    try:
        await services.start()
        if options.idle_seconds:
            idle = services.cpu_meter(broker_pid)
            await asyncio.sleep(IDLE_SETTLE_S)  # start-up work done, fetch waits grown
            idle.start()
            await asyncio.sleep(options.idle_seconds)
            idle.stop()
            out["idle"] = {"seconds": idle.seconds, "cores": idle.cores()}
        applicants = max(1, int(options.power_rate * options.power_seconds))
        if options.power_seconds:
            out["power"] = await power.applications(
                services, options.power_rate, options.power_seconds, services.cost(broker_pid)
            )
        if options.evidence_seconds or options.evidence:
            if not options.power_seconds:
                applicants = min(applicants, 50)
                await power.prepare(services, applicants)
            holders = [power.holder(n) for n in range(applicants)]
            out["evidence"] = {}
            if options.evidence:
                out["evidence"]["sequential"] = await asyncio.to_thread(
                    evidence.sequential, services.grpc_address, holders, options.evidence
                )
            if options.evidence_seconds:
                out["evidence"]["open_loop"] = await evidence.open_loop(
                    services.grpc_address, holders, options.evidence_rate, options.evidence_seconds
                )
        if options.transfer_seconds:
            out["transfers"] = await transfers.cases(
                services, options.transfer_rate, options.transfer_seconds, services.cost(broker_pid)
            )
        out["rss_mb"] = services.rss_mb()
    finally:
        services.stop()
    return out


def targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Issue 8's targets for what this run measured: the figure, the bar, met or not."""
    out: dict[str, dict[str, Any]] = {}
    ed = report["issuance"].get(ED25519)
    if ed and "ceiling" in report:
        ceiling_rate = report["ceiling"]["per_second"]
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
    for key, what in (
        ("power", "power application p99 <= 250 ms (POST -> accepted, evidence resolved)"),
        ("transfers", "joint transfer p99 <= 250 ms (first call -> registered)"),
    ):
        figures = report.get(key)
        if figures:
            out[f"{key}_p99"] = {
                "value": figures["p99_ms"],
                "bar": 250.0,
                "met": figures["p99_ms"] <= 250.0 and figures["failures"] == 0,
                "what": f"{what} at {figures['target_per_second']:g}/s",
            }
    checked = (report.get("workers", {}).get("power") or {}).get("read_back")
    if checked:
        out["power_workers_read_back"] = {
            "value": checked["mismatches"],
            "bar": 0,
            "met": checked["mismatches"] == 0 and checked["sampled"] > 0,
            "what": f"power with {checked['workers']} workers: {checked['sampled']} accepted "
            "applications read alike from every worker, mismatches = 0",
            "shown": str(checked["mismatches"]),
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
    """The report as the terminal shows it: each figure with its ratio to the ceiling
    (when the ceiling was skipped, `--ceiling-events 0`, the figures stand alone)."""
    m = report["machine"]
    head = f"machine  {m['cpus']} cpus, {m['cpu_model']}, {m['memory_gb']} GB, Python {m['python']}"
    if "soak" in report:
        return [head, *soak.lines(report["soak"])]
    ceiling_rate = report.get("ceiling", {}).get("per_second", 0.0)

    def ratio(rate: float) -> str:
        if not ceiling_rate:
            return "ceiling not measured"
        share = rate / ceiling_rate
        return f"{share:6.2%} of ceiling" if share < 0.01 else f"{share:6.1%} of ceiling"

    out = [head]
    if ceiling_rate:
        out.append(
            f"ceiling  {'aiokafka consume->produce->commit':<26} {ceiling_rate:9.1f} events/s "
            f"(100.0% of ceiling; {report['ceiling']['events']} licence events, "
            f"{report['ceiling']['cpu_us_per_event']:.0f} us CPU/event)"
        )
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
            f"({restart['certificates']:,} certificates in state, {restart['store']} store, "
            f"{rate:.0f}/s recovered = "
            f"{ratio(rate)}; RSS {restart['rss_before_restart_mb']:.0f} MB before, "
            f"{restart['rss_after_restart_mb']:.0f} MB after; "
            f"{restart['verified_after_restart']} verified after)"
        )
    out += cross_service_lines(report, ratio)
    ceiling_cpu_s = report.get("ceiling", {}).get("cpu_us_per_event", 0.0) / 1e6
    out += workers.lines(report, ratio, ceiling_cpu_s)
    out += failure_lines(report)
    for target in report["targets"].values():
        verdict = {True: "met", False: "NOT met", None: "not measured at full size"}[target["met"]]
        value = target["value"]
        shown = target.get("shown") or (f"{value:.1%}" if target["bar"] < 1 else f"{value:.1f}")
        out.append(f"target   {target['what']}: {shown} -> {verdict}")
    return out


def failure_lines(report: dict[str, Any]) -> list[str]:
    """Why requests failed (up to 5 samples a figure are kept): a count alone cannot be
    looked into after the run."""
    many = report.get("workers") or {}  # the parts again with more workers
    figures: dict[str, Any] = {
        **{f"verify {k}": v for k, v in report.get("verification_open_loop", {}).items()},
        "power": report.get("power"),
        **{f"evidence {k}": v for k, v in report.get("evidence", {}).items()},
        "transfer": report.get("transfers"),
        **{f"{part}, {many.get('count')} workers": many.get(part) for part in workers.PARTS},
    }
    return [
        f"failed   {name}: {sample}"
        for name, f in figures.items()
        if f
        for sample in f.get("failure_samples", [])
    ] + workers.mismatch_lines(report)


def cross_service_lines(report: dict[str, Any], ratio: Ratio) -> list[str]:
    """The figures measured on all four services (see `cross_service`)."""
    out: list[str] = []
    f = report.get("power")
    if f:
        out.append(power_line("applications (evidence-free)", f, ratio))
    for mode, f in report.get("evidence", {}).items():
        detail = (
            "gRPC, sequential"
            if mode == "sequential"
            else f"max {f['max_ms']:.1f} ms, open loop at {f['target_per_second']:g}/s, "
            f"{f['failures']} failed"
        )
        out.append(
            f"evidence {'ResolveEvidence ' + mode:<26} {f['per_second']:9.1f} requests/s     "
            f"({ratio(f['per_second'])}; p50 {f['p50_ms']:.2f} ms  p99 {f['p99_ms']:.2f} ms, "
            f"{detail})"
        )
    ceiling_cpu_s = report.get("ceiling", {}).get("cpu_us_per_event", 0.0) / 1e6
    f = report.get("idle")
    if f:
        burnt = f["cores"]["total"]
        work = (
            f"the ceiling's work for that CPU: {burnt / ceiling_cpu_s:.0f} events/s = "
            f"{ratio(burnt / ceiling_cpu_s)}; "
            if ceiling_cpu_s
            else ""
        )
        out.append(
            f"idle     {'platform, no traffic':<26} {burnt:9.1%} of one core  "
            f"({work}sampled {f['seconds']:.0f} s: " + by_process(f["cores"], "{:.1%}") + ")"
        )
    for key, per, unit in (
        ("power", "cpu_ms_per_application", "power application"),
        ("transfers", "cpu_ms_per_case", "joint case"),
    ):
        f = report.get(key) or {}
        cost = f.get(per)
        if cost:
            out.append(cpu_line("per " + unit, cost, ratio, ceiling_cpu_s))
        records = f.get(per.replace("cpu_ms", "records"))
        if records:
            out.append(
                f"records  {'per ' + unit:<26} {records['total']:9.1f} records      "
                f"(every topic of the platform's prefix, changelogs included: "
                + by_process(records, "{:.1f}")
                + ")"
            )
        fetches = f.get(per.replace("cpu_ms", "fetches"))
        if fetches:
            out.append(
                f"fetches  {'per ' + unit:<26} {fetches['total']:9.1f} fetches      "
                "(fetch requests of every worker's consumer: " + by_process(fetches, "{:.1f}") + ")"
            )
    f = report.get("transfers")
    if f:
        out.append(
            f"transfer {'joint cases (machine steps)':<26} {f['per_second']:9.1f} cases/s        "
            f"({ratio(f['per_second'])}; registered p50 {f['p50_ms']:.0f} ms  "
            f"p99 {f['p99_ms']:.0f} ms, certificate p99 {f['certificate_p99_ms']:.0f} ms, "
            f"open loop at {f['target_per_second']:g}/s, {f['completed']} of {f['cases']} "
            f"completed, {f['failures']} failed)"
        )
        steps = ", ".join(
            f"{step} {s['p50_ms']:.0f}/{s['p99_ms']:.0f}" for step, s in f["steps"].items()
        )
        out.append(f"steps    transfer, ms from the case's start (p50/p99): {steps}")
    ceiling_rss = report.get("ceiling", {}).get("rss_mb") or 0.0
    for name, mb in report.get("rss_mb", {}).items():
        versus = (
            f"{mb / ceiling_rss:6.0%} of ceiling RSS {ceiling_rss:.0f} MB" if ceiling_rss else ""
        )
        out.append(f"rss      {name:<26} {mb:9.1f} MB             ({versus}; after the run)")
    return out
