"""A process binds its own ports and says which it got.

A launcher that picks a free port, releases it and passes the number on races every
other process on the machine until the service binds it, and uvicorn binds only after
its start-up (Faust's group join included: seconds). A fresh-clone CI run lost that
race: the bench polled `/readyz` on a port a Kafka listener had taken meanwhile. So a
service binds its HTTP socket first thing (port 0: the kernel picks), its gRPC port as
soon as its loop runs, and writes both to `GOVSHARE_ADDRESS_FILE` for its launcher.

A program that cannot say which port it bound (Tansu, Prometheus, a container) is still
given a number; `listens` then tells whether that process, and not another, took it.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path


def bind_http(host: str, port: int, any_if_taken: bool = False) -> socket.socket:
    """A listening socket on `host:port` (0: any free port), or a clear exit. With
    `any_if_taken` (GOVSHARE_ANY_PORT_IF_TAKEN: `govshare up`'s well-known ports) a port
    in use gives way to any free one; the process announces which it got."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if any_if_taken and port:
            return bind_http(host, 0)
        raise SystemExit(
            f"GOVSHARE_HTTP_PORT={port}: cannot listen on {host}:{port}: {exc}"
        ) from None
    sock.listen(2048)
    return sock


def announce(path: str, **ports: int | None) -> None:
    """Write the bound ports to `path` at once (the reader never sees half a file)."""
    if not path:
        return
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps({k: v for k, v in ports.items() if v}), "utf-8")
    os.replace(partial, target)


def announced(path: Path) -> dict[str, int] | None:
    """The ports a process announced at `path`, or None while it has not."""
    try:
        return {k: int(v) for k, v in json.loads(path.read_text("utf-8")).items()}
    except FileNotFoundError:
        return None


def _listening_inodes(port: int) -> set[int]:
    """Inodes of the TCP sockets listening on `port` (any address) in this network
    namespace, from /proc/net/tcp and tcp6 (state 0A: LISTEN)."""
    inodes: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text("ascii").splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(int(fields[9]))
    return inodes


def someone_listens(port: int) -> bool:
    """Whether any process listens on TCP `port` (False where /proc cannot tell)."""
    return bool(_listening_inodes(port))


def listens(pid: int, port: int) -> bool | None:
    """Whether process `pid` holds a socket listening on TCP `port`: one of its file
    descriptors is a listening socket of /proc/net/tcp{,6} on that port. None where
    /proc cannot tell (not Linux); False when the process is gone."""
    if not Path("/proc/net/tcp").exists():
        return None
    inodes = _listening_inodes(port)
    if not inodes:
        return False
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:[") and int(target[8:-1]) in inodes:
            return True
    return False
