"""Signature speed: each SM2 implementation that is installed, Ed25519, and `openssl speed`.

    .venv/bin/python -m devtools.bench.sm2 [--seconds 1.0] [--json out.json]

Candidates (measured only when importable; none is a runtime dependency):
  govshare   services.certificates.signatures: system libcrypto (OpenSSL 3) through ctypes  [chosen]
  tongsuopy  `cryptography` fork bundling Tongsuo (pip install tongsuopy)
  gmssl-fast C extension over GmSSL (pip install gmssl-fast)
  gmssl      pure Python (pip install gmssl)
Every candidate signs the same message (a sample certificate's canonical bytes). "interop"
says whether its signatures verify with govshare's verifier and govshare's with its
verifier (same curve, SM3, default id "1234567812345678", DER or raw r||s converted).
The last lines compare the chosen SM2 signing rate, single-threaded and with one thread
per core, to `openssl speed -seconds 3 sm2` (single core), the issue-8 yardstick.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from devtools.bench.signatures import openssl_speed
from services.certificates import signatures as sig

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    name: str
    sign_us: float | None
    verify_us: float | None
    interop: str

    @property
    def sign_ops(self) -> float | None:
        return 1e6 / self.sign_us if self.sign_us else None

    @property
    def verify_ops(self) -> float | None:
        return 1e6 / self.verify_us if self.verify_us else None


def per_op_us(func: Callable[[], object], seconds: float, min_ops: int = 3) -> float:
    """Mean wall time of one call, calling for about `seconds` (after one warm-up call)."""
    func()
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while count < min_ops or time.perf_counter() < deadline:
        func()
        count += 1
    return (time.perf_counter() - start) / count * 1e6


def message() -> bytes:
    """Canonical bytes of the first sample certificate (about 900 bytes)."""
    from google.protobuf import json_format
    from govshare.certificates.v1 import types_pb2

    from services.certificates.canonical import certificate_bytes

    for line in (ROOT / "proto/samples/events.jsonl").read_text(encoding="utf-8").splitlines():
        if '"govshare.certificates.v1.CertificateIssued"' in line:
            cert = types_pb2.Certificate()
            json_format.ParseDict(json.loads(line)["data"]["certificate"], cert)
            cert.signature.suite = types_pb2.SIGNATURE_SUITE_SM2_SM3
            return certificate_bytes(cert)
    return b"x" * 900


def der_to_raw(der: bytes) -> bytes:
    """DER SEQUENCE{r, s} (short form lengths) to 64-byte r||s."""
    r_len = der[3]
    r = int.from_bytes(der[4 : 4 + r_len], "big")
    s_len = der[5 + r_len]
    s = int.from_bytes(der[6 + r_len : 6 + r_len + s_len], "big")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def raw_to_der(raw: bytes) -> bytes:
    return sig._der_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


def bench_govshare(data: bytes, seconds: float) -> Result:
    key = sig.generate_key(sig.Suite.SM2_SM3, "bench")
    signature = sig.sign(key, data)
    return Result(
        "govshare SM2, libcrypto via ctypes [chosen]",
        per_op_us(lambda: sig.sign(key, data), seconds),
        per_op_us(
            lambda: sig.verify(sig.Suite.SM2_SM3, key.public_bytes, data, signature), seconds
        ),
        "reference",
    )


def bench_ed25519(data: bytes, seconds: float) -> Result:
    key = sig.generate_key(sig.Suite.ED25519, "bench")
    signature = sig.sign(key, data)
    return Result(
        "govshare Ed25519 (cryptography)",
        per_op_us(lambda: sig.sign(key, data), seconds),
        per_op_us(
            lambda: sig.verify(sig.Suite.ED25519, key.public_bytes, data, signature), seconds
        ),
        "n/a",
    )


def interop(
    ours: sig.SigningKey,
    data: bytes,
    their_signature: bytes,
    their_verify_of_ours: Callable[[bytes], bool],
) -> str:
    """Both directions: their signature under our verifier, our signature under theirs."""
    forward = sig.verify(sig.Suite.SM2_SM3, ours.public_bytes, data, their_signature)
    backward = their_verify_of_ours(sig.sign(ours, data))
    return (
        "ok"
        if forward and backward
        else f"FAIL (ours verifies theirs: {forward}, theirs ours: {backward})"
    )


def bench_tongsuopy(data: bytes, seconds: float) -> Result:
    from tongsuopy.crypto import hashes
    from tongsuopy.crypto.asymciphers import ec

    algorithm = ec.ECDSA(hashes.SM3())
    ours = sig.generate_key(sig.Suite.SM2_SM3, "bench")
    d = int.from_bytes(ours.to_private_bytes(), "big")
    key = ec.derive_private_key(d, ec.SM2())
    public = key.public_key()
    signature = key.sign(data, algorithm)

    def their_verify(signature_: bytes) -> bool:
        try:
            public.verify(signature_, data, algorithm)
        except Exception:
            return False
        return True

    return Result(
        "tongsuopy (bundled Tongsuo)",
        per_op_us(lambda: key.sign(data, algorithm), seconds),
        per_op_us(lambda: their_verify(signature), seconds),
        interop(ours, data, signature, their_verify),
    )


def bench_gmssl_fast(data: bytes, seconds: float) -> Result:
    import gmssl_fast

    ours = sig.generate_key(sig.Suite.SM2_SM3, "bench")
    key = gmssl_fast.SM2(ours.to_private_bytes().hex(), ours.public_bytes.hex())
    raw = key.sign(data)

    def their_verify(der: bytes) -> bool:
        return bool(key.verify(data, der_to_raw(der)))

    return Result(
        "gmssl-fast (GmSSL C extension)",
        per_op_us(lambda: key.sign(data), seconds),
        per_op_us(lambda: key.verify(data, raw), seconds),
        interop(ours, data, raw_to_der(raw), their_verify),
    )


def bench_gmssl(data: bytes, seconds: float) -> Result:
    from gmssl import sm2

    ours = sig.generate_key(sig.Suite.SM2_SM3, "bench")
    key = sm2.CryptSM2(
        private_key=ours.to_private_bytes().hex(), public_key=ours.public_bytes[1:].hex(), asn1=True
    )
    der_hex = key.sign_with_sm3(data)

    def their_verify(der: bytes) -> bool:
        return bool(key.verify_with_sm3(der.hex(), data))

    return Result(
        "gmssl (pure Python)",
        per_op_us(lambda: key.sign_with_sm3(data), seconds, min_ops=3),
        per_op_us(lambda: key.verify_with_sm3(der_hex, data), seconds, min_ops=3),
        interop(ours, data, bytes.fromhex(der_hex), their_verify),
    )


def threaded_sign_ops(data: bytes, seconds: float, threads: int) -> float:
    """SM2 signatures per second with `threads` threads sharing one key (GIL released)."""
    key = sig.generate_key(sig.Suite.SM2_SM3, "bench")
    counts = [0] * threads
    barrier = threading.Barrier(threads + 1)
    stop = threading.Event()

    def work(index: int) -> None:
        barrier.wait()
        while not stop.is_set():
            sig.sign(key, data)
            counts[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - start
    for worker in workers:
        worker.join()
    return sum(counts) / elapsed


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--speed-seconds", type=int, default=3, help="openssl speed -seconds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    data = message()
    print(f"message: {len(data)} bytes (a sample certificate's canonical bytes)")
    try:
        backend = sig.backend_info()
    except sig.Sm2Unavailable as exc:
        backend = f"unavailable: {exc}"
    print(f"cpus: {os.cpu_count()}; govshare SM2 backend: {backend}")
    results: list[Result] = []
    skipped: list[str] = []
    benches: list[tuple[str, Callable[[bytes, float], Result]]] = [
        ("govshare", bench_govshare),
        ("tongsuopy", bench_tongsuopy),
        ("gmssl-fast", bench_gmssl_fast),
        ("gmssl", bench_gmssl),
        ("ed25519", bench_ed25519),
    ]
    for name, bench in benches:
        try:
            results.append(bench(data, args.seconds))
        except ImportError:
            skipped.append(f"{name} (not installed)")
        except Exception as exc:  # a broken candidate is a finding, not a crash
            skipped.append(f"{name} ({type(exc).__name__}: {exc})")

    header = (
        f"{'implementation':44} {'sign us':>9} {'sign/s':>9} {'verify us':>10} {'verify/s':>9}"
        "  interop"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:44} {fmt(r.sign_us, '9.1f')} {fmt(r.sign_ops, '9.0f')} "
            f"{fmt(r.verify_us, '10.1f')} {fmt(r.verify_ops, '9.0f')}  {r.interop}"
        )
    for name in skipped:
        print(f"skipped: {name}")

    threads = os.cpu_count() or 1
    threaded = threaded_sign_ops(data, args.seconds * 2, threads)
    print(f"govshare SM2 sign with {threads} threads: {threaded:.0f}/s")

    speed = openssl_speed(args.speed_seconds)
    report: dict[str, Any] = {
        "message_bytes": len(data),
        "results": [
            asdict(r) | {"sign_ops": r.sign_ops, "verify_ops": r.verify_ops} for r in results
        ],
        "skipped": skipped,
        "govshare_sm2_threaded_sign_per_s": threaded,
        "threads": threads,
        "openssl_speed": speed,
    }
    if speed is None:
        print("openssl speed: not available (no openssl binary or unparsable output)")
    else:
        print(
            f"openssl speed -seconds {args.speed_seconds} sm2 (1 core): "
            f"sign {speed['sign_us']:.1f} us = {speed['sign_per_s']:.0f}/s, "
            f"verify {speed['verify_us']:.1f} us = {speed['verify_per_s']:.0f}/s"
        )
        chosen = results[0] if results and results[0].name.startswith("govshare SM2") else None
        if chosen is not None and chosen.sign_ops and chosen.verify_ops:
            sign_ratio = chosen.sign_ops / speed["sign_per_s"]
            verify_ratio = chosen.verify_ops / speed["verify_per_s"]
            threaded_ratio = threaded / speed["sign_per_s"]
            report["ratios"] = {
                "sign": sign_ratio,
                "verify": verify_ratio,
                "threaded_sign": threaded_ratio,
            }
            print(
                f"govshare SM2 vs openssl speed: sign {sign_ratio:.0%}, "
                f"verify {verify_ratio:.0%}, sign with {threads} threads {threaded_ratio:.0%}"
                " (issue-8 target for issuance: >= 50%)"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
