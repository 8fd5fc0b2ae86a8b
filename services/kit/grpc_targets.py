"""Where a gRPC client finds a service of N workers.

`GOVSHARE_CERTIFICATES_GRPC` is one `host:port` (a Kubernetes Service, a load balancer)
or several separated by commas (the workers `govshare up --workers N` started). Several
become one channel over all of them, balanced round robin: a worker that is gone is
skipped and its calls go to the others, and whichever worker a call reaches forwards
it to the owner of its key (services/kit/grpc_forwarding.py).
"""

from __future__ import annotations

import grpc

# Round robin over every address the target resolves to, instead of pick_first's one.
BALANCED = (("grpc.lb_policy_name", "round_robin"),)


def check(addresses: str, setting: str) -> None:
    """Raise ValueError naming `setting` unless `addresses` is host:port[,host:port...]."""
    for part in addresses.split(","):
        host, _, port = part.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"{setting} entry {part!r} is not host:port")


def target(addresses: str) -> str:
    """The channel target for `addresses`: one as it is; several as an `ipv4:`/`ipv6:`
    list (gRPC's name syntax for a fixed set of IP addresses)."""
    parts = [p.strip() for p in addresses.split(",") if p.strip()]
    if len(parts) == 1:
        return parts[0]
    scheme = "ipv6" if any(p.startswith("[") for p in parts) else "ipv4"
    return f"{scheme}:{','.join(parts)}"


def channel(addresses: str) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(target(addresses), options=BALANCED)
