"""gRPC calls reach the worker that holds their state (the REST side: forwarding.py).

Each forwarded method names how to find its key in the request: `ByKey(key_of)` sends
the call to the owner of the key's partition (services/kit/ownership.py); `Anywhere(held_here)`
is for a key that does not tell its partition (a certificate id): the call is answered
here when this worker holds the key, else by the first other worker that does not
answer NOT_FOUND (and here, with its own NOT_FOUND, when none has it). The call
travels as the bytes it came in, with its metadata (the caller's token) and what is
left of its deadline, and the `x-govshare-forwarded` key so that it is forwarded at
most once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import grpc

from services.kit.forwarding import HOP_HEADER
from services.kit.ownership import Member, Ownership

MOVING = "the key's partition is moving between workers; retry"
# Metadata the transport sets itself; everything else (the token) travels on.
_TRANSPORT = ("grpc-", ":")
_TRANSPORT_KEYS = frozenset({"user-agent", "content-type", "te", "host"})


@dataclass(frozen=True)
class ByKey:
    key_of: Callable[[Any], str]


@dataclass(frozen=True)
class Anywhere:
    held_here: Callable[[Any], bool]


Route = ByKey | Anywhere
Context = grpc.aio.ServicerContext[Any, Any]
Behaviour = Callable[[Any, Context], Awaitable[Any]]


class ForwardingInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]  # generic in the stubs only
    def __init__(
        self, ownership: Callable[[], Ownership | None], routes: Mapping[str, Route]
    ) -> None:
        """`routes`: full method name (`/govshare.certificates.v1.CertificateService/
        ResolveEvidence`) -> how its key is found."""
        self.ownership = ownership
        self.routes = dict(routes)
        self._channels: dict[str, grpc.aio.Channel] = {}

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any]]
        ],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any]:
        handler = await continuation(details)
        method: str = details.method
        route = self.routes.get(method)
        if route is None or handler is None or handler.unary_unary is None:
            return handler
        here: Behaviour = handler.unary_unary  # type: ignore[assignment]  # aio handlers are async
        decode = handler.request_deserializer
        encode = handler.response_serializer
        assert decode is not None and encode is not None

        async def behaviour(raw: bytes, context: Context) -> bytes:
            ownership = self.ownership()
            metadata = tuple(context.invocation_metadata() or ())
            forwarded = any(k == HOP_HEADER for k, _ in metadata)
            request = decode(raw)
            if ownership is None or forwarded or not ownership.others():
                return bytes(encode(await here(request, context)))
            if isinstance(route, ByKey):
                owner = ownership.owner(route.key_of(request))
                if owner is None:
                    await context.abort(grpc.StatusCode.UNAVAILABLE, MOVING)
                if owner == ownership.me():
                    return bytes(encode(await here(request, context)))
                assert owner is not None
                return await self._ask(owner, method, raw, metadata, context)
            if not route.held_here(request):
                for member in ownership.others():
                    try:
                        return await self._call(member, method, context, raw, metadata)
                    except grpc.aio.AioRpcError as error:
                        if error.code() != grpc.StatusCode.NOT_FOUND:
                            await _relay(context, error)
            return bytes(encode(await here(request, context)))

        return grpc.unary_unary_rpc_method_handler(behaviour)

    async def _ask(
        self,
        owner: Member,
        method: str,
        raw: bytes,
        metadata: tuple[tuple[str, Any], ...],
        context: Context,
    ) -> bytes:
        try:
            return await self._call(owner, method, context, raw, metadata)
        except grpc.aio.AioRpcError as error:
            await _relay(context, error)
            raise  # unreachable: _relay aborts

    async def _call(
        self,
        member: Member,
        method: str,
        context: Context,
        raw: bytes,
        metadata: tuple[tuple[str, Any], ...],
    ) -> bytes:
        address = member.grpc
        if address is None:
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"{member.url} has no gRPC port")
        assert address is not None
        channel = self._channels.get(address)
        if channel is None:
            channel = self._channels[address] = grpc.aio.insecure_channel(address)
        passed = [
            (k, v) for k, v in metadata if not k.startswith(_TRANSPORT) and k not in _TRANSPORT_KEYS
        ]
        call = channel.unary_unary(method, None, None)  # bytes in, bytes out
        remaining = context.time_remaining()
        reply: bytes = await call(
            raw, metadata=[*passed, (HOP_HEADER, "1")], timeout=remaining or None
        )
        return reply


async def _relay(context: Context, error: grpc.aio.AioRpcError) -> None:
    """Answer as the owner answered, its error details (google.rpc.Status) included."""
    # grpc.aio.Metadata iterates (key, value) pairs; the stubs say otherwise
    pairs = cast(Iterable[tuple[str, str | bytes]], error.trailing_metadata() or ())
    # A tuple: grpc.aio refuses any other sequence with a TypeError, which the caller
    # received as UNKNOWN in place of the owner's answer.
    trailers = tuple(pairs)
    await context.abort(error.code(), error.details() or "", trailers)
