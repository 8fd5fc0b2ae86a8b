"""A loopback proxy that lets librdkafka 2.0 clients (Debian's kcat) talk to Tansu.

librdkafka 2.0.2 misreads the KIP-584 tagged fields Tansu puts at the end of an
ApiVersions v3 response and then refuses the broker ("Read underflow"); it cannot be told
to skip that request. The proxy forwards every request unchanged and rewrites two kinds
of response: ApiVersions v3+ loses its (optional) tagged fields, and Metadata points the
client at the proxy instead of the broker, so all of the client's traffic stays on it.
Only the embedded development broker needs this; Apache Kafka does not.
"""

from __future__ import annotations

import asyncio
import ssl
import struct
import threading

API_VERSIONS = 18
METADATA = 3
FLEXIBLE_METADATA_FROM = 9


def _uvarint(buf: bytes, pos: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _encode_uvarint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def strip_api_versions_tags(body: bytes) -> bytes:
    """ApiVersions v3 response body (after the correlation id) without its tagged fields."""
    pos = 2  # error_code
    count, pos = _uvarint(body, pos)
    for _ in range(max(count - 1, 0)):
        pos += 6  # api_key, min_version, max_version
        tags, pos = _uvarint(body, pos)
        for _ in range(tags):
            _, pos = _uvarint(body, pos)
            size, pos = _uvarint(body, pos)
            pos += size
    pos += 4  # throttle_time_ms
    return body[:pos] + b"\x00"


def rewrite_metadata_brokers(body: bytes, version: int, host: str, port: int) -> bytes:
    """Metadata response body (after the correlation id) with every broker at host:port."""
    flexible = version >= FLEXIBLE_METADATA_FROM
    pos = 1 if flexible else 0  # response header tagged fields
    if version >= 3:
        pos += 4  # throttle_time_ms
    if flexible:
        count, pos = _uvarint(body, pos)
        count -= 1
    else:
        (count,) = struct.unpack_from(">i", body, pos)
        pos += 4
    out = bytearray(body[:pos])
    encoded_host = host.encode()
    for _ in range(max(count, 0)):
        out += body[pos : pos + 4]  # node_id
        pos += 4
        if flexible:
            size, pos = _uvarint(body, pos)
            pos += size - 1
            out += _encode_uvarint(len(encoded_host) + 1) + encoded_host
        else:
            (size,) = struct.unpack_from(">h", body, pos)
            pos += 2 + size
            out += struct.pack(">h", len(encoded_host)) + encoded_host
        pos += 4
        out += struct.pack(">i", port)
        start = pos
        if version >= 1:  # rack, nullable string
            if flexible:
                size, pos = _uvarint(body, pos)
                pos += max(size - 1, 0)
            else:
                (size,) = struct.unpack_from(">h", body, pos)
                pos += 2 + max(size, 0)
        if flexible:  # broker tagged fields
            tags, pos = _uvarint(body, pos)
            for _ in range(tags):
                _, pos = _uvarint(body, pos)
                size, pos = _uvarint(body, pos)
                pos += size
        out += body[start:pos]
    return bytes(out) + body[pos:]


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    (size,) = struct.unpack(">i", await reader.readexactly(4))
    return await reader.readexactly(size)


class CompatProxy:
    """Serve on `host:port`, forward to the broker at `upstream`. With port 0 (the
    default) the proxy binds a free port itself and `port` is the one it got once
    `start` returns; a restarted proxy can ask for its previous port again."""

    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        host: str,
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.tls = tls  # serve TLS to clients (tests of TLS clients; Tansu has no TLS)
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._failed: OSError | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    async def _pump_requests(
        self,
        client: asyncio.StreamReader,
        broker: asyncio.StreamWriter,
        pending: dict[int, tuple[int, int]],
    ) -> None:
        while True:
            frame = await _read_frame(client)
            api_key, version, correlation = struct.unpack_from(">hhi", frame)
            pending[correlation] = (api_key, version)
            broker.write(struct.pack(">i", len(frame)) + frame)
            await broker.drain()

    async def _pump_responses(
        self,
        broker: asyncio.StreamReader,
        client: asyncio.StreamWriter,
        pending: dict[int, tuple[int, int]],
    ) -> None:
        while True:
            frame = await _read_frame(broker)
            correlation = frame[:4]
            api_key, version = pending.pop(struct.unpack(">i", correlation)[0], (-1, -1))
            body = frame[4:]
            if api_key == API_VERSIONS and version >= 3:
                body = strip_api_versions_tags(body)
            elif api_key == METADATA:
                body = rewrite_metadata_brokers(body, version, self.host, self.port)
            frame = correlation + body
            client.write(struct.pack(">i", len(frame)) + frame)
            await client.drain()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)
        pending: dict[int, tuple[int, int]] = {}
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        tasks = [
            asyncio.create_task(self._pump_requests(reader, up_writer, pending)),
            asyncio.create_task(self._pump_responses(up_reader, writer, pending)),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when the proxy is stopping and cancels this connection
            for task in tasks:
                task.cancel()
            for w in (writer, up_writer):
                w.close()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            server = await asyncio.start_server(self._handle, self.host, self.port, ssl=self.tls)
        except OSError as exc:
            self._failed, self._loop = exc, None
            self._ready.set()
            return
        self.port = int(server.sockets[0].getsockname()[1])
        self._ready.set()
        async with server:
            await self._stop.wait()
            # Stopping cuts live connections too: tests use this as a broker outage.
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

    def start(self) -> CompatProxy:
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._serve()), name="kafka-compat-proxy", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("compat proxy did not start")
        if self._failed is not None:
            raise RuntimeError(f"compat proxy cannot listen on {self.bootstrap}: {self._failed}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(5)
