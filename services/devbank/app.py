"""The development payment channel as a process (`make up` runs it): a cashier page the
portal's pay step sends the payer to, a JSON twin of it for tests and the bench, a
reader of `tax.v1.events` that learns orders and carries out refunds, and the daily
statement (对账单) of what it settled, issued shortly after each China midnight and on
request.

Everything it says goes on `payments.v1.events` as `/dept/payments/devbank`, the way a
real channel would; tax decides what the money means. Development and test only.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from google.protobuf.message import Message
from pydantic import BaseModel, Field

from services.devbank.bank import CHANNEL, CHINA, OPEN, PAID, SOURCE, Book, Order
from services.kit import logs, problems, serving
from services.kit.envelope import EnvelopeError, decode, make_envelope, to_record
from services.kit.errors import not_found
from services.kit.fetch_wait import AdaptiveFetchWait, adapt
from services.kit.provided import provide, provided
from services.kit.settings import Settings, load_settings
from services.kit.waiters import derived_id

log = logging.getLogger(__name__)

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
STATUS_TEXT = {OPEN: "待支付", PAID: "已支付", "failed": "未支付", "closed": "已关闭"}


class Channel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.book = Book()
        self.producer: AIOKafkaProducer | None = None
        self.consumer: AIOKafkaConsumer | None = None
        self.ready = False
        self.lock = asyncio.Lock()
        self.learnt = asyncio.Condition()  # notified whenever a tax event was applied

    def _kafka(self) -> dict[str, Any]:
        return {
            "bootstrap_servers": self.settings.kafka_bootstrap,
            **self.settings.kafka_security.client_options(),
        }

    async def start(self) -> None:
        self.producer = AIOKafkaProducer(acks="all", **self._kafka())
        await self.producer.start()
        # No group: every start reads the orders again from the beginning (memory only).
        self.consumer = AIOKafkaConsumer(
            self.settings.topic_prefix + "tax.v1.events",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=self.settings.fetch_wait_ms,
            **self._kafka(),
        )
        await self.consumer.start()
        # The services' fetch wait (kit/fetch_wait.py): the payer's pay call waits for
        # the order to be learnt from tax's PaymentOrderOpened, and at aiokafka's default
        # 500 ms, which Tansu holds in full, that wait was the longest step of a lone joint
        # case (assessed -> paid about 250 ms of its 370-480 ms, session 8).
        adapt(
            self.consumer._fetcher,
            AdaptiveFetchWait(self.settings.fetch_wait_ms, self.settings.idle_fetch_wait_ms),
        )
        self.ready = True

    async def stop(self) -> None:
        for client in (self.consumer, self.producer):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.stop()

    async def publish(
        self, message: Message, event_id: str | None = None, *, subject: str = ""
    ) -> None:
        assert self.producer is not None
        subject = subject or message.case_id  # type: ignore[attr-defined]
        env = make_envelope(
            message, source=SOURCE, subject=subject, event_id=event_id, case_id=subject
        )
        record = to_record(message, env)
        await self.producer.send_and_wait(
            self.settings.topic_prefix + record.topic,
            record.value,
            key=record.key,
            headers=record.headers,
        )

    async def follow_tax(self) -> None:
        assert self.consumer is not None
        async for record in self.consumer:
            try:
                env, message, _ = decode(record.headers, record.value)
            except EnvelopeError:
                continue  # not ours to judge: tax's own consumers dead-letter it
            answers = self.book.learn(message)
            async with self.learnt:
                self.learnt.notify_all()
            for answer in answers:
                # Derived from tax's event: a re-read after a restart says the same.
                await self.publish(answer, derived_id(f"{env.source}:{env.id}", CHANNEL))

    async def order(self, order_id: str, wait_s: float = 0.0) -> Order | None:
        """The order, waiting up to `wait_s` for tax's event to arrive."""
        if wait_s <= 0 or order_id in self.book.orders:
            return self.book.orders.get(order_id)
        async with self.learnt:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.learnt.wait_for(lambda: order_id in self.book.orders), wait_s
                )
        return self.book.orders.get(order_id)

    async def issue_statement(self, day: date) -> Message:
        statement = self.book.statement(day, datetime.now(UTC))
        # subject: the statement id (a statement is about many cases)
        await self.publish(statement, subject=statement.statement_id)
        return statement

    async def daily_statements(self) -> None:
        """Yesterday's statement, ten minutes after each China midnight."""
        while True:
            now = datetime.now(CHINA)
            next_run = now.replace(hour=0, minute=10, second=0, microsecond=0)
            if next_run <= now:
                next_run += timedelta(days=1)
            await asyncio.sleep((next_run - now).total_seconds())
            try:
                await self.issue_statement(next_run.date() - timedelta(days=1))
            except Exception:  # the broker away: tomorrow's run goes on; ask by hand meanwhile
                log.exception("the statement of %s was not issued", next_run.date())

    async def act(self, order: Order, action: str) -> Message | None:
        async with self.lock:  # one decision per order, whatever is pressed twice
            answer = self.book.act(order, action, datetime.now(UTC))
            if answer is not None:
                await self.publish(answer)
            return answer


def _page(title: str, *body: str, refresh: bool = False) -> HTMLResponse:
    meta = '<meta http-equiv="refresh" content="1">' if refresh else ""
    text = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{meta}
<title>{html.escape(title)} - 开发用支付通道</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:1rem auto;padding:0 1rem}}
.amount{{font-size:2rem}} button{{font-size:1.1rem;padding:.5rem 1rem;margin:.3rem}}
.note{{color:#666;font-size:.9rem}}</style></head>
<body><h1>{html.escape(title)}</h1>{"".join(body)}
<p class="note">开发用支付通道 (devbank)：模拟银行收银台，不涉及真实资金。</p></body></html>"""
    return HTMLResponse(text, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"})


def _return_url(raw: str) -> str:
    """Only an absolute http(s) address: the page sends the payer back there."""
    parts = urlsplit(raw)
    return raw if parts.scheme in ("http", "https") and parts.netloc else ""


def _fen(amount: int) -> str:
    return f"¥{amount // 100:,}.{amount % 100:02d}"


class Liveness(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool


class OrderActed(BaseModel):
    order_id: str
    status: str
    transaction_id: str
    channel: str


class StatementIssued(BaseModel):
    statement_id: str
    entries: int = Field(description="how many settlements and refunds it lists")


router = APIRouter()
Bank = Annotated[Channel, Depends(provided(Channel))]


@router.get("/healthz")
async def healthz() -> Liveness:
    return Liveness(status="ok")


@router.get("/readyz")
async def readyz(response: Response, channel: Bank) -> Readiness:
    response.status_code = 200 if channel.ready else 503
    return Readiness(ready=channel.ready)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def cashier(order_id: str, request: Request, channel: Bank) -> HTMLResponse:
    order = await channel.order(order_id, wait_s=2.0)
    back = _return_url(request.query_params.get("return", ""))
    if order is None:  # tax's order event has not reached the channel yet
        return _page("正在获取订单", "<p>请稍候…</p>", refresh=True)
    status = STATUS_TEXT.get(order.status, order.status)
    link = f'<p><a id="back" href="{html.escape(back)}">返回办事页面</a></p>' if back else ""
    if order.status != OPEN:
        return _page(f"订单{status}", f"<p>订单 {html.escape(order.order_id)}</p>", link)
    form = f"""<form method="post" action="/orders/{html.escape(order.order_id)}">
<input type="hidden" name="return" value="{html.escape(back)}">
<button type="submit" id="bank-pay" name="action" value="pay">确认支付</button>
<button type="submit" id="bank-cancel" name="action" value="cancel">取消</button></form>"""
    return _page(
        "收银台",
        f'<p>缴款订单 <code id="order-id">{html.escape(order.order_id)}</code></p>',
        f"<p>案件 {html.escape(order.case_id)}</p>",
        f'<p class="amount" id="amount">{_fen(order.amount_fen)}</p>',
        f"<p>付款人 {html.escape(order.payer.name)}；请于 "
        f"{order.expires_at:%Y-%m-%d %H:%M} (UTC) 前支付</p>",
        form,
    )


@router.post(
    "/orders/{order_id}",
    response_class=HTMLResponse,
    response_model=None,
    responses={303: {"description": "back to the page the payer came from"}},
)
async def cashier_post(order_id: str, request: Request, channel: Bank) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    action = (form.get("action") or [""])[0]
    back = _return_url((form.get("return") or [""])[0])
    order = await channel.order(order_id)
    if order is None or action not in ("pay", "cancel"):
        raise not_found("order_id", "no such open order")
    await channel.act(order, action)
    if back:
        return RedirectResponse(back, status_code=303)
    return _page(f"订单{STATUS_TEXT.get(order.status, order.status)}")


@router.post("/v1/orders/{order_id}/{action}")
async def act_json(order_id: str, action: str, channel: Bank) -> OrderActed:
    """The cashier page for programs (tests, the bench): pay, cancel or decline."""
    if action not in ("pay", "cancel", "decline"):
        raise not_found("action", "pay, cancel or decline")
    order = await channel.order(order_id, wait_s=10.0)
    if order is None:
        raise not_found("order_id", "no such order (yet)")
    await channel.act(order, action)
    return OrderActed(
        order_id=order.order_id,
        status=order.status,
        transaction_id=order.transaction_id,
        channel=CHANNEL,
    )


@router.post("/v1/statements")
async def post_statement(channel: Bank, day: date | None = None) -> StatementIssued:
    """Issue the statement of `day` (a China day; default today) now, as the daily run
    would after midnight."""
    statement = await channel.issue_statement(day or datetime.now(CHINA).date())
    return StatementIssued(
        statement_id=statement.statement_id,  # type: ignore[attr-defined]
        entries=len(statement.entries),  # type: ignore[attr-defined]
    )


def build(settings: Settings | None = None) -> FastAPI:
    channel = Channel(settings or load_settings())

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await channel.start()
        tasks = [
            asyncio.create_task(channel.follow_tax()),
            asyncio.create_task(channel.daily_statements()),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await channel.stop()

    app = FastAPI(title="govshare development payment channel", lifespan=lifespan)
    problems.install(app)  # errors as RFC 9457 problem details, like every service

    provide(app, channel)
    app.include_router(router)
    return app


def run() -> None:
    settings = load_settings()
    if settings.env == "production":
        raise SystemExit("services.devbank is a development stand-in; refused in production")
    logs.configure("devbank", settings.log_level)
    # Binds first and says which port (services/kit/address.py): the launcher tells tax.
    serving.serve(build(settings), settings)
