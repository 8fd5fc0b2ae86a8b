"""Whether a Kafka broker answers: one ApiVersions request on a fresh connection.

The services' readiness follows it (`ServiceRuntime`), and the embedded development broker
waits on it at start.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct


def kafka_answers(
    host: str, port: int, timeout: float = 1.0, tls: ssl.SSLContext | None = None
) -> bool:
    """True when a Kafka ApiVersions (v0) request gets a well-formed reply (over TLS when
    the cluster wants it; ApiVersions needs no SASL authentication)."""
    client_id = b"govshare-probe"
    header = struct.pack(">hhih", 18, 0, 1, len(client_id)) + client_id
    try:
        with contextlib.ExitStack() as stack:
            sock = stack.enter_context(socket.create_connection((host, port), timeout=timeout))
            if tls is not None:
                sock = stack.enter_context(tls.wrap_socket(sock, server_hostname=host))
            sock.sendall(struct.pack(">i", len(header)) + header)
            size_bytes = sock.recv(4)
            if len(size_bytes) < 4:
                return False
            (size,) = struct.unpack(">i", size_bytes)
            reply = b""
            while len(reply) < min(size, 6):
                chunk = sock.recv(size - len(reply))
                if not chunk:
                    return False
                reply += chunk
            correlation, error_code = struct.unpack(">ih", reply[:6])
            return bool(correlation == 1 and error_code == 0)
    except OSError:
        return False
