"""A service answers only once it has applied what is already on its own topics
(services/kit/catchup.py): the rule with a stand-in consumer, the refusals with a real
HTTP app and a real gRPC server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import grpc
import httpx
from fastapi import FastAPI
from faust.types import TP
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer

from services.kit import catchup
from services.kit.catchup import CatchUp, RefuseGrpcUntil

OWN, FEED = "t.power.v1.events", "t.marketreg.v1.events"


@dataclass
class Pipeline:
    topic: str
    progress: dict[int, tuple[int, float]] = field(default_factory=dict)


class Consumer:
    """Faust's consumer as CatchUp sees it: assignment, end offsets, committed offsets."""

    def __init__(self, ends: dict[TP, int], committed: dict[TP, int] | None = None) -> None:
        self.ends = ends
        self._committed_offset = committed or {}

    def assignment(self) -> set[TP]:
        return set(self.ends)

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.ends[tp] for tp in tps}


async def test_caught_up_once_every_own_partition_is_applied_to_its_end_at_assignment():
    own = Pipeline(OWN)
    consumer = Consumer({TP(OWN, 0): 5, TP(OWN, 1): 3, TP(FEED, 0): 1000})
    catch_up = CatchUp(consumer, [own])
    await catch_up.start_over()
    assert catch_up.targets == {TP(OWN, 0): 5, TP(OWN, 1): 3}  # a feed backlog is lag
    assert not catch_up.check()
    own.progress[0] = (5, 0.0)
    assert not catch_up.check()  # partition 1 still behind
    consumer._committed_offset[TP(OWN, 1)] = 3  # applied before, committed
    assert catch_up.check()
    consumer.ends[TP(OWN, 0)] = 50  # later events: ordinary lag, not a reason to refuse
    assert catch_up.check()


async def test_an_empty_partition_or_no_own_partition_is_caught_up_at_once():
    catch_up = CatchUp(Consumer({TP(OWN, 0): 0, TP(FEED, 0): 7}), [Pipeline(OWN)])
    await catch_up.start_over()
    assert catch_up.check()
    nothing_own = CatchUp(Consumer({TP(FEED, 0): 7}), [Pipeline(OWN)])
    await nothing_own.start_over()
    assert nothing_own.check()


async def test_the_watch_starts_over_at_each_new_generation_and_when_recovery_restarts():
    own = Pipeline(OWN)
    consumer = Consumer({TP(OWN, 0): 2})
    catch_up = CatchUp(consumer, [own])
    state: dict[str, Any] = {"recovered": False, "generation": 1}
    watching = asyncio.create_task(
        catchup.watch(
            catch_up,
            recovered=lambda: state["recovered"],
            generation=lambda: state["generation"],
            every_s=0.001,
        )
    )
    try:
        own.progress[0] = (2, 0.0)
        await asyncio.sleep(0.02)
        assert not catch_up.reached  # tables not recovered yet
        state["recovered"] = True
        await _until(lambda: catch_up.reached)
        consumer.ends[TP(OWN, 0)] = 4  # a rebalance: a new generation, a new end
        state["generation"] = 2
        await _until(lambda: not catch_up.reached)
        own.progress[0] = (4, 0.0)
        await _until(lambda: catch_up.reached)
        state["recovered"] = False
        await _until(lambda: not catch_up.reached)
    finally:
        watching.cancel()


async def _until(condition: Any) -> None:
    for _ in range(2000):  # about 2 s
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the watch did not get there")


async def test_http_requests_are_refused_with_a_reason_until_serving_but_probes_answer():
    api = FastAPI()
    serving = {"now": False}

    @api.get("/v1/things")
    async def things() -> dict[str, str]:
        return {"ok": "yes"}

    @api.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"ready": "no"}

    catchup.refuse_http_until(api, lambda: serving["now"])
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        refused = await client.get("/v1/things")
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "1"
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert (problem["status"], problem["field"]) == (503, "service")
        assert problem["reason"] == catchup.REASON
        assert (await client.get("/readyz")).status_code == 200
        serving["now"] = True
        assert (await client.get("/v1/things")).json() == {"ok": "yes"}


async def test_grpc_calls_are_refused_unavailable_until_serving_but_health_answers():
    serving = {"now": False}
    server = grpc.aio.server(interceptors=[RefuseGrpcUntil(lambda: serving["now"])])
    health = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            check = health_pb2_grpc.HealthStub(channel).Check
            assert (await check(health_pb2.HealthCheckRequest())).status == 1  # SERVING
            other = channel.unary_unary("/govshare.test.v1.Things/Get")
            try:
                await other(b"")
            except grpc.aio.AioRpcError as refused:
                assert refused.code() == grpc.StatusCode.UNAVAILABLE
                assert refused.details() == catchup.REASON
            else:
                raise AssertionError("answered while catching up")
            serving["now"] = True
            try:
                await other(b"")
            except grpc.aio.AioRpcError as unknown:  # past the gate: no such method here
                assert unknown.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        await server.stop(None)


async def test_while_the_end_offsets_cannot_be_read_it_retries_with_backoff_and_says_so_once(
    caplog,
):
    class Unreachable(Consumer):
        calls = 0

        async def highwaters(self, *tps: TP) -> dict[TP, int]:
            Unreachable.calls += 1
            raise ConnectionError("broker away")

    catch_up = CatchUp(Unreachable({TP(OWN, 0): 1}), [Pipeline(OWN)])
    watching = asyncio.create_task(
        catchup.watch(catch_up, recovered=lambda: True, generation=lambda: 1, every_s=0.01)
    )
    try:
        await asyncio.sleep(0.5)
    finally:
        watching.cancel()
    assert not catch_up.reached
    assert 2 <= Unreachable.calls <= 7  # 0.01, 0.02, 0.04, ... s apart, not every 0.01 s
    assert caplog.text.count("cannot check the catch-up yet") == 1
