"""The development payment channel's book: the payment orders tax opened (learnt from
`tax.v1.events`, as an acquirer learns a merchant's orders) and what the payer did at the
cashier page, as the channel's events (`payments.v1.events`).

A stand-in for a bank or the treasury (TIPS), acting only through the channel's contract:
it never touches tax's state, and tax checks everything it says. Pure: no I/O.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from govshare.common.v1 import types_pb2 as common
from govshare.payments.v1 import events_pb2 as pay
from govshare.payments.v1 import types_pb2 as pay_types
from govshare.tax.v1 import events_pb2 as tax

from services.kit.clock import SHANGHAI, business_date, instant, timestamp

CHANNEL = "devbank"
SOURCE = f"/dept/payments/{CHANNEL}"

OPEN, PAID, FAILED, CLOSED = "open", "paid", "failed", "closed"
CHINA = SHANGHAI  # statement days are business dates (kit/clock.py)


@dataclass
class Order:
    order_id: str
    case_id: str
    amount_fen: int
    payer: common.Party
    expires_at: datetime
    status: str = OPEN
    transaction_id: str = ""


_stamp = timestamp


class Book:
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.refunded: set[str] = set()
        self.received: dict[str, str] = {}  # payment id -> order id, until tax decides
        # (kind, transaction id) -> the money it moved: the statements' source
        self.settled: dict[tuple[int, str], pay_types.StatementEntry] = {}

    def _settle(self, kind: int, transaction_id: str, case_id: str, fen: int, at: Timestamp,
                refund_id: str = "") -> None:  # fmt: skip
        self.settled.setdefault(
            (kind, transaction_id),
            pay_types.StatementEntry(
                kind=kind,  # type: ignore[arg-type]
                transaction_id=transaction_id,
                case_id=case_id,
                amount=common.Money(fen=fen),
                at=at,
                refund_id=refund_id,
            ),
        )

    def statement(self, day: date, now: datetime) -> pay.StatementIssued:
        """The day's statement (对账单): every movement settled on that China day."""
        entries: list[pay_types.StatementEntry] = sorted(
            (e for e in self.settled.values() if business_date(instant(e.at)) == day),
            key=lambda e: (e.at.ToNanoseconds(), e.transaction_id),
        )
        return pay.StatementIssued(
            statement_id=f"{CHANNEL}-{day.isoformat()}",
            channel=CHANNEL,
            statement_date=common.Date(year=day.year, month=day.month, day=day.day),
            entries=entries,
            issued_at=_stamp(now),
        )

    def learn(self, message: Message, now: datetime | None = None) -> list[Message]:
        """Apply a tax event; the channel's answers it calls for (a refund ordered from
        this channel is carried out at once, at `now`)."""
        if isinstance(message, tax.PaymentOrderOpened):
            self.orders.setdefault(
                message.order_id,
                Order(
                    message.order_id,
                    message.case_id,
                    message.amount.fen,
                    message.payer,
                    message.expires_at.ToDatetime(tzinfo=UTC),
                ),
            )
        elif isinstance(message, tax.PaymentOrderExpired | tax.PaymentOrderFailed):
            order = self.orders.get(message.order_id)
            if order is not None and order.status == OPEN:
                order.status = CLOSED
        elif isinstance(message, tax.PaymentReceived):
            self.received[message.payment_id] = message.order_id
            if message.channel == CHANNEL and message.confirmed_by.source == SOURCE:
                # what this channel confirmed before a restart (its book is in memory)
                self._settle(pay_types.ENTRY_KIND_PAYMENT, message.payment_id, message.case_id,
                             message.amount.fen, message.received_at)  # fmt: skip
        elif isinstance(message, tax.PaymentCleared):
            # Only a clearing closes an order here: a refused payment left it open at tax.
            order = self.orders.get(self.received.pop(message.payment_id, ""))
            if order is not None:
                order.status, order.transaction_id = PAID, message.payment_id
        elif isinstance(message, tax.PaymentRefused):
            self.received.pop(message.payment_id, None)
        elif (
            isinstance(message, tax.RefundOrdered)
            and message.channel == CHANNEL
            and message.refund_id not in self.refunded
        ):
            self.refunded.add(message.refund_id)
            refunded_at = _stamp(now or datetime.now(UTC))
            self._settle(pay_types.ENTRY_KIND_REFUND, message.payment_id, message.case_id,
                         message.amount.fen, refunded_at, message.refund_id)  # fmt: skip
            return [
                pay.RefundCompleted(
                    case_id=message.case_id,
                    refund_id=message.refund_id,
                    transaction_id=message.payment_id,
                    amount=message.amount,
                    channel=CHANNEL,
                    refunded_at=refunded_at,
                )
            ]
        return []

    def act(self, order: Order, action: str, now: datetime) -> Message | None:
        """What the payer did on the cashier page: pay, cancel or (a test's) decline.
        An order paid once is never paid again (a double press answers None)."""
        if order.status != OPEN:
            return None
        if now >= order.expires_at:
            order.status = FAILED
            return self._failed(order, pay_types.FAILURE_REASON_ORDER_EXPIRED, "订单已过期", now)
        if action == "pay":
            order.status = PAID
            order.transaction_id = f"DB{now:%Y%m%d%H%M%S}{uuid.uuid4().hex[:10].upper()}"
            self._settle(pay_types.ENTRY_KIND_PAYMENT, order.transaction_id, order.case_id,
                         order.amount_fen, _stamp(now))  # fmt: skip
            return pay.PaymentConfirmed(
                case_id=order.case_id,
                order_id=order.order_id,
                transaction_id=order.transaction_id,
                amount=common.Money(fen=order.amount_fen),
                payer=order.payer,
                channel=CHANNEL,
                paid_at=_stamp(now),
            )
        order.status = FAILED
        if action == "decline":
            return self._failed(order, pay_types.FAILURE_REASON_DECLINED, "银行拒绝扣款", now)
        return self._failed(order, pay_types.FAILURE_REASON_CANCELLED_BY_PAYER, "付款人取消", now)

    @staticmethod
    def _failed(order: Order, reason: int, detail: str, now: datetime) -> pay.PaymentFailed:
        return pay.PaymentFailed(
            case_id=order.case_id,
            order_id=order.order_id,
            reason=reason,  # type: ignore[arg-type]
            detail=detail,
            channel=CHANNEL,
            failed_at=_stamp(now),
        )
