"""The development payment channel's book: an order is paid at most once, never after
its expiry; a refund ordered from it is carried out once; the statement is the day's."""

from datetime import UTC, date, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp
from govshare.common.v1 import types_pb2 as common
from govshare.payments.v1 import events_pb2 as pay
from govshare.payments.v1 import types_pb2 as pay_types
from govshare.tax.v1 import events_pb2 as tax

from services.devbank.bank import Book

NOW = datetime(2025, 6, 4, 3, 0, tzinfo=UTC)  # 11:00 in China


def stamp(moment: datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(moment)
    return out


def opened(book: Book, order_id: str = "PO-1") -> None:
    book.learn(
        tax.PaymentOrderOpened(
            case_id="RE-1", order_id=order_id, assessment_id="TA-1",
            amount=common.Money(fen=2_358_000), payer=common.Party(id="P", name="甲"),
            expires_at=stamp(NOW + timedelta(minutes=15)), opened_at=stamp(NOW),
        )
    )  # fmt: skip


def test_an_order_is_paid_once_for_its_amount():
    book = Book()
    opened(book)
    order = book.orders["PO-1"]
    paid = book.act(order, "pay", NOW)
    assert isinstance(paid, pay.PaymentConfirmed)
    assert paid.amount.fen == 2_358_000 and paid.order_id == "PO-1" and paid.channel == "devbank"
    assert book.act(order, "pay", NOW) is None  # pressed twice: paid once


def test_an_expired_or_cancelled_order_takes_no_money():
    book = Book()
    opened(book)
    late = book.act(book.orders["PO-1"], "pay", NOW + timedelta(hours=1))
    assert isinstance(late, pay.PaymentFailed)
    assert late.reason == pay_types.FAILURE_REASON_ORDER_EXPIRED
    opened(book, "PO-2")
    cancelled = book.act(book.orders["PO-2"], "cancel", NOW)
    assert isinstance(cancelled, pay.PaymentFailed)
    assert cancelled.reason == pay_types.FAILURE_REASON_CANCELLED_BY_PAYER


def test_a_refund_is_carried_out_once_and_the_statement_lists_the_days_movements():
    book = Book()
    opened(book)
    paid = book.act(book.orders["PO-1"], "pay", NOW)
    assert isinstance(paid, pay.PaymentConfirmed)
    ordered = tax.RefundOrdered(
        case_id="RE-1", refund_id="RF-1", payment_id=paid.transaction_id, channel="devbank",
        amount=common.Money(fen=2_358_000), reason="申请已撤回", ordered_at=stamp(NOW),
    )  # fmt: skip
    (done,) = book.learn(ordered, NOW)
    assert isinstance(done, pay.RefundCompleted) and done.transaction_id == paid.transaction_id
    assert book.learn(ordered, NOW) == []  # a re-read after a restart refunds nothing twice
    other = tax.RefundOrdered(case_id="RE-1", refund_id="RF-9", payment_id="UP-9",
                              channel="unionpay", amount=common.Money(fen=1), reason="x",
                              ordered_at=stamp(NOW))  # fmt: skip
    assert book.learn(other) == []  # another channel's refund
    statement = book.statement(date(2025, 6, 4), NOW)
    assert statement.statement_id == "devbank-2025-06-04"
    kinds = [(e.kind, e.transaction_id) for e in statement.entries]
    assert (pay_types.ENTRY_KIND_PAYMENT, paid.transaction_id) in kinds
    assert len(kinds) == 2
    assert list(book.statement(date(2025, 6, 5), NOW).entries) == []
