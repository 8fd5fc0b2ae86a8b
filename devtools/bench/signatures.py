"""The single-core SM2 yardstick of issue 8: `openssl speed -seconds N sm2`."""

from __future__ import annotations

import re
import shutil
import subprocess

# "256 bits SM2 (CurveSM2)   0.0002s   0.0002s   4173.1   4642.5"
SPEED_LINE = re.compile(r"SM2 \(CurveSM2\)\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)")


def parse_speed(output: str) -> dict[str, float] | None:
    """sign/s and verify/s from `openssl speed sm2` output, or None when absent."""
    match = SPEED_LINE.search(output)
    if match is None:
        return None
    sign_s, verify_s = float(match[3]), float(match[4])
    return {
        "sign_per_s": sign_s,
        "verify_per_s": verify_s,
        "sign_us": 1e6 / sign_s,
        "verify_us": 1e6 / verify_s,
    }


def openssl_speed(seconds: int = 3) -> dict[str, float] | None:
    """`openssl speed -seconds N sm2` (one core): sign/s and verify/s, or None when there
    is no openssl binary or its output cannot be read."""
    binary = shutil.which("openssl")
    if binary is None:
        return None
    done = subprocess.run(
        [binary, "speed", "-seconds", str(seconds), "sm2"],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds * 4 + 60,
    )
    return parse_speed(done.stdout)
