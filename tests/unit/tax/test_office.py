"""The tax office (`TaxOffice`) on the fake runtime: assessing when review passes, payment
orders, the channel's confirmations and failures, clearing into the ledger, refunds and
their reversal, expiry and reconciliation, through its commands and its three agents, as
app.py wires them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from govshare.common.v1 import types_pb2 as common
from govshare.payments.v1 import events_pb2 as channel
from govshare.payments.v1 import types_pb2 as channel_types
from govshare.realestate.v1 import events_pb2 as re_ev
from govshare.realestate.v1 import types_pb2 as re_types
from govshare.tax.v1 import events_pb2 as ev
from govshare.tax.v1 import types_pb2 as tax_types

from services.kit.clock import timestamp
from services.kit.ownership import partition_of
from services.kit.registry import events_of_topic
from services.tax import assessments, engine, ledger, payments, rules
from services.tax import office as office_module
from services.tax.office import TaxOffice
from services.tax.payments import TaxCase
from tests.unit.fakes import FakeRuntime
from tests.unit.realestate import events as e

BOOK, CHART = rules.load(), ledger.load()
AUTHORITY = common.Party(
    kind=common.PARTY_KIND_DEPARTMENT, id="11370105MB2857497F", name="天桥区税务局"
)
DEVBANK = "/dept/payments/devbank"


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime("tax")


@pytest.fixture
def office(runtime: FakeRuntime) -> TaxOffice:
    made = TaxOffice(runtime, BOOK, CHART, AUTHORITY, order_ttl_s=900, clock=runtime.clock)  # type: ignore[arg-type]
    runtime.consume("tax.v1.events", made.on_tax_event)
    runtime.consume("realestate.v1.events", made.on_transfer_event)
    runtime.consume("payments.v1.events", made.on_channel_event)
    return made


def checked(homes: int = 0) -> re_types.CheckedReliefs:
    return re_types.CheckedReliefs(
        buyer_family_existing_homes=homes,
        seller_only_home=True,
        basis="按不动产登记信息统计",
        evidence_access_ids=["AX-1"],
    )


async def review_passed(runtime: FakeRuntime, homes: int = 0) -> None:
    await runtime.deliver(e.applied(), subject=e.UNIT)
    passed = e.passed()
    passed.checked_reliefs.CopyFrom(checked(homes))
    await runtime.deliver(passed, subject=e.UNIT)


def case_of(office: TaxOffice) -> TaxCase:
    found = office.case(e.CASE)
    assert found is not None
    return found


async def paid(runtime: FakeRuntime, order_id: str, fen: int, txn: str = "UP-1") -> None:
    await runtime.deliver(
        channel.PaymentConfirmed(
            case_id=e.CASE,
            order_id=order_id,
            transaction_id=txn,
            amount=common.Money(fen=fen),
            payer=e.BUYER,
            channel="devbank",
            paid_at=timestamp(runtime.clock.now()),
        ),
        subject=e.CASE,
        source=DEVBANK,
    )


async def cleared(runtime: FakeRuntime, office: TaxOffice) -> TaxCase:
    await review_passed(runtime)
    order = await office.open_order(case_of(office), e.BUYER)
    await paid(runtime, order["order_id"], order["amount_fen"])
    return case_of(office)


# --- assessing ------------------------------------------------------------------------------


async def test_review_passed_with_checked_reliefs_assesses_the_case_with_those_figures(
    runtime, office
):
    await review_passed(runtime, homes=2)  # declared 0; the registry counted 2
    issued = runtime.the(ev.AssessmentIssued)
    bill = engine.assess(assessments.facts_of(e.applied(), checked(2)), BOOK)
    declared = engine.assess(assessments.facts_of(e.applied()), BOOK)
    assert issued.total.fen == bill.total_fen != declared.total_fen
    assert issued.rule_set == bill.rule_set and issued.tax_authority == AUTHORITY
    case = case_of(office)
    assert case.status == payments.ASSESSED and case.assessment_id == issued.assessment_id
    assert case.total_fen == bill.total_fen and case.unit_code == e.UNIT
    assert office.assessment(case) == issued


async def test_a_pass_without_checked_reliefs_leaves_the_bill_alone(runtime, office):
    await runtime.deliver(e.applied(), subject=e.UNIT)
    await runtime.deliver(e.passed(), subject=e.UNIT)
    assert runtime.records() == [] and office.case(e.CASE) is None


async def test_a_pass_for_a_transfer_never_filed_here_is_dead_lettered(runtime, office):
    passed = e.passed()
    passed.checked_reliefs.CopyFrom(checked())
    with runtime.dead_letters_expected() as letters:
        await runtime.deliver(passed, subject=e.UNIT)
    assert [(d.field, d.topic) for d in letters] == [("case_id", "realestate.v1.events")]
    assert runtime.records() == []


# --- payment orders and the channel ----------------------------------------------------------


async def test_a_payment_order_is_for_the_current_bill_and_a_second_press_answers_it_again(
    runtime, office
):
    await review_passed(runtime)
    case = case_of(office)
    order = await office.open_order(case, e.BUYER)
    assert order["amount_fen"] == case.total_fen and order["status"] == payments.ORDER_OPEN
    assert order["assessment_id"] == case.assessment_id
    opened = runtime.the(ev.PaymentOrderOpened)
    assert opened.order_id == order["order_id"] and opened.payer == e.BUYER
    assert opened.expires_at == timestamp(runtime.clock.now() + timedelta(seconds=900))
    again = await office.open_order(case_of(office), e.BUYER)
    assert again["order_id"] == order["order_id"]
    assert len(runtime.published(ev.PaymentOrderOpened)) == 1


async def test_the_channels_confirmation_clears_the_bill_into_a_balanced_ledger(runtime, office):
    case = await cleared(runtime, office)
    assert case.status == payments.PAID and case.cleared_payment_id == "UP-1"
    received = runtime.the(ev.PaymentReceived)
    assert received.confirmed_by.source == DEVBANK
    clearing = runtime.the(ev.PaymentCleared)
    assert clearing.amount.fen == case.total_fen and clearing.unit_code == e.UNIT
    (journal,) = case.journals.values()
    postings = [ledger.Posting(**p) for p in journal]
    debit, credit = ledger.totals(postings)
    assert debit == credit == case.total_fen
    assert runtime.published(ev.RefundOrdered) == []


async def test_a_wrong_amount_is_refused_and_sent_back(runtime, office):
    await review_passed(runtime)
    order = await office.open_order(case_of(office), e.BUYER)
    await paid(runtime, order["order_id"], order["amount_fen"] - 100)
    refused = runtime.the(ev.PaymentRefused)
    assert refused.reason == tax_types.REFUSAL_REASON_AMOUNT_MISMATCH
    assert refused.expected_amount.fen == order["amount_fen"]
    refund = runtime.the(ev.RefundOrdered)
    assert refund.amount.fen == order["amount_fen"] - 100 and not refund.reverses_clearing
    case = case_of(office)
    assert case.status == payments.ASSESSED and case.journals == {}
    assert case.refunds[refund.refund_id]["status"] == payments.REFUND_ORDERED


async def test_the_same_confirmation_twice_is_decided_once(runtime, office):
    await cleared(runtime, office)
    order_id = runtime.the(ev.PaymentOrderOpened).order_id
    await paid(runtime, order_id, case_of(office).total_fen)  # the channel said it again
    assert len({env.id for env, m in runtime.records() if isinstance(m, ev.PaymentCleared)}) == 1
    assert len(case_of(office).journals) == 1


async def test_a_failed_payment_closes_its_order(runtime, office):
    await review_passed(runtime)
    order = await office.open_order(case_of(office), e.BUYER)
    await runtime.deliver(
        channel.PaymentFailed(
            case_id=e.CASE,
            order_id=order["order_id"],
            reason=channel_types.FAILURE_REASON_DECLINED,
            channel="devbank",
            failed_at=timestamp(runtime.clock.now()),
        ),
        subject=e.CASE,
        source=DEVBANK,
    )
    assert runtime.the(ev.PaymentOrderFailed).reason == "FAILURE_REASON_DECLINED"
    assert case_of(office).orders[order["order_id"]]["status"] == payments.ORDER_FAILED


async def test_a_channel_may_speak_only_for_itself(runtime, office):
    await review_passed(runtime)
    order = await office.open_order(case_of(office), e.BUYER)
    with runtime.dead_letters_expected() as letters:
        await runtime.deliver(
            channel.PaymentConfirmed(
                case_id=e.CASE,
                order_id=order["order_id"],
                transaction_id="UP-9",
                amount=common.Money(fen=order["amount_fen"]),
                payer=e.BUYER,
                channel="devbank",
                paid_at=timestamp(runtime.clock.now()),
            ),
            subject=e.CASE,
            source="/dept/payments/otherbank",
        )
    assert [d.field for d in letters] == ["channel"]
    assert runtime.published(ev.PaymentReceived) == []


async def test_an_order_past_its_expiry_is_announced_once(runtime, office):
    await review_passed(runtime)
    order = await office.open_order(case_of(office), e.BUYER)
    await office.scan_expired_orders()
    assert runtime.published(ev.PaymentOrderExpired) == []
    runtime.clock.advance(timedelta(seconds=901))
    await office.scan_expired_orders()
    await office.scan_expired_orders()
    await runtime.settle()
    (expired,) = runtime.published(ev.PaymentOrderExpired)
    assert expired.order_id == order["order_id"]
    assert case_of(office).orders[order["order_id"]]["status"] == payments.ORDER_EXPIRED
    await office.scan_expired_orders()  # applied: no longer open
    assert len(runtime.published(ev.PaymentOrderExpired)) == 1


# --- closing a case, refunds --------------------------------------------------------------


async def test_a_withdrawn_case_cancels_its_bill(runtime, office):
    await review_passed(runtime)
    withdrawn = re_ev.TransferWithdrawn(
        unit_code=e.UNIT,
        case_id=e.CASE,
        withdrawn_by=e.citizen(e.SELLER),
        reason="协商解除",
        withdrawn_at=e.at(40),
    )
    await runtime.deliver(withdrawn, subject=e.UNIT)
    cancelled = runtime.the(ev.AssessmentCancelled)
    assert cancelled.reason == "申请已撤回" and cancelled.unit_code == e.UNIT
    assert case_of(office).status == payments.CANCELLED
    assert runtime.published(ev.RefundOrdered) == []  # nothing was paid
    assert not office.transfers.get(e.UNIT)  # no open case: the unit leaves the table


async def test_a_case_rejected_after_payment_refunds_and_reverses_the_clearing(runtime, office):
    paid_case = await cleared(runtime, office)
    rejected = re_ev.ReviewRejected(
        unit_code=e.UNIT,
        case_id=e.CASE,
        findings=[
            re_types.ReviewFinding(check=re_types.REVIEW_CHECK_UNIT_NOT_SEALED, detail="查封")
        ],
        decided_by=e.STAFF,
        rejected_at=e.at(90),
    )
    await runtime.deliver(rejected, subject=e.UNIT)
    refund = runtime.the(ev.RefundOrdered)
    assert refund.reverses_clearing and refund.amount.fen == paid_case.total_fen
    assert refund.payment_id == "UP-1" and refund.reason == "不予登记"
    assert case_of(office).status == payments.REFUND_DUE

    await runtime.deliver(
        channel.RefundCompleted(
            case_id=e.CASE,
            refund_id=refund.refund_id,
            transaction_id="UP-1",
            amount=refund.amount,
            channel="devbank",
            refunded_at=timestamp(runtime.clock.now()),
        ),
        subject=e.CASE,
        source=DEVBANK,
    )
    case = case_of(office)
    assert case.status == payments.REFUNDED
    assert case.refunds[refund.refund_id]["status"] == payments.REFUND_DONE
    everything = [ledger.Posting(**p) for journal in case.journals.values() for p in journal]
    assert len(case.journals) == 2  # the clearing and its reversal
    assert all(sides["debit"] == sides["credit"] for sides in ledger.balances(everything).values())


async def test_a_statement_that_matches_the_ledger_reconciles(runtime, office):
    case = await cleared(runtime, office)
    day = runtime.clock.today()
    statement = channel.StatementIssued(
        statement_id="ST-devbank-1",
        channel="devbank",
        statement_date=common.Date(year=day.year, month=day.month, day=day.day),
        entries=[
            channel_types.StatementEntry(
                kind=channel_types.ENTRY_KIND_PAYMENT,
                transaction_id="UP-1",
                case_id=e.CASE,
                amount=common.Money(fen=case.total_fen),
                at=timestamp(runtime.clock.now()),
            )
        ],
        issued_at=timestamp(runtime.clock.now()),
    )
    await runtime.deliver(statement, subject="ST-devbank-1", source=DEVBANK)
    result = office.reconciliation("ST-devbank-1")
    assert result is not None
    assert (result["entries"], result["matched"], result["balanced"]) == (1, 1, True)


@pytest.mark.parametrize(
    ("topic", "table"),
    [
        ("realestate.v1.events", office_module.TRANSFER_EVENTS),
        ("tax.v1.events", office_module.TAX_EVENTS),
        ("payments.v1.events", office_module.CHANNEL_EVENTS),
    ],
)
def test_every_event_type_of_a_consumed_topic_is_handled_or_ignored(topic, table):
    assert table.covers(t.message_class for t in events_of_topic(topic)) == []


# --- a statement reconciled in shares, one per partition (N workers) ------------------------


def spread_cases(office: TaxOffice, runtime: FakeRuntime, count: int) -> list[TaxCase]:
    """`count` cases, each paid once through devbank today, on several partitions."""
    at = runtime.clock.now().isoformat()
    found = []
    for n in range(count):
        case = TaxCase(f"RE-370105-20250603-{n:04d}", status=payments.PAID)
        case.payments[f"UP-{n}"] = {"amount_fen": 1000 + n, "channel": "devbank", "at": at}
        office._store(case)
        found.append(case)
    return found


def statement_of(runtime: FakeRuntime, lines: list[tuple[str, str, int]], statement_id: str):
    day = runtime.clock.today()
    return channel.StatementIssued(
        statement_id=statement_id,
        channel="devbank",
        statement_date=common.Date(year=day.year, month=day.month, day=day.day),
        entries=[
            channel_types.StatementEntry(
                kind=channel_types.ENTRY_KIND_PAYMENT,
                transaction_id=txn,
                case_id=case_id,
                amount=common.Money(fen=fen),
                at=timestamp(runtime.clock.now()),
            )
            for txn, case_id, fen in lines
        ],
        issued_at=timestamp(runtime.clock.now()),
    )


async def test_a_statement_over_every_partition_is_reconciled_in_shares_and_balances(
    runtime, office
):
    cases = spread_cases(office, runtime, 8)
    partitions = runtime.settings.topic_partitions
    assert len({partition_of(c.case_id, partitions) for c in cases}) > 1
    lines = [(f"UP-{n}", c.case_id, 1000 + n) for n, c in enumerate(cases)]
    await runtime.deliver(statement_of(runtime, lines, "ST-1"), subject="ST-1", source=DEVBANK)

    requested = runtime.published(ev.StatementShareRequested)
    assert [r.partition for r in requested] == list(range(partitions))
    assert sorted(x.transaction_id for r in requested for x in r.lines) == sorted(
        txn for txn, _, _ in lines
    )
    assert len(runtime.published(ev.StatementShareReconciled)) == partitions
    result = office.reconciliation("ST-1")
    assert result is not None
    assert (result["entries"], result["matched"], result["balanced"]) == (8, 8, True)
    assert runtime.the(ev.StatementReconciled).matched == 8


async def test_a_statement_in_shares_still_flags_every_real_mismatch(runtime, office):
    cases = spread_cases(office, runtime, 6)
    lines = [(f"UP-{n}", c.case_id, 1000 + n) for n, c in enumerate(cases)]
    lines[1] = ("UP-1", cases[1].case_id, 999)  # amount differs
    del lines[2]  # missing at the channel
    lines.append(("UP-X", cases[3].case_id, 5))  # missing in the ledger
    await runtime.deliver(statement_of(runtime, lines, "ST-2"), subject="ST-2", source=DEVBANK)

    result = office.reconciliation("ST-2")
    assert result is not None
    assert (result["entries"], result["matched"], result["balanced"]) == (6, 4, False)
    assert [(m["kind"], m["transaction_id"]) for m in result["mismatches"]] == [
        ("MISSING_IN_LEDGER", "UP-X"),
        ("MISSING_AT_CHANNEL", "UP-2"),
        ("AMOUNT_DIFFERS", "UP-1"),
    ]
    differs = result["mismatches"][2]
    assert (differs["channel_fen"], differs["ledger_fen"]) == (999, 1001)


async def test_a_share_delivered_twice_is_taken_once_and_a_reissued_statement_restarts(
    runtime, office
):
    cases = spread_cases(office, runtime, 4)
    lines = [(f"UP-{n}", c.case_id, 1000 + n) for n, c in enumerate(cases)]
    await runtime.deliver(statement_of(runtime, lines, "ST-3"), subject="ST-3", source=DEVBANK)
    env, share = next(
        (env, m) for env, m in runtime.records() if isinstance(m, ev.StatementShareReconciled)
    )
    await runtime.redeliver(env, share)
    assert len(runtime.published(ev.StatementReconciled)) == 1

    lines[0] = ("UP-0", cases[0].case_id, 1)  # issued again, now with a wrong amount
    await runtime.deliver(statement_of(runtime, lines, "ST-3"), subject="ST-3", source=DEVBANK)
    assert len(runtime.published(ev.StatementReconciled)) == 2
    result = office.reconciliation("ST-3")
    assert result is not None
    assert (result["entries"], result["matched"], result["balanced"]) == (4, 3, False)
    assert list(office.statement_shares.get("ST-3") or {}) == [
        runtime.published(ev.StatementReconciled)[1].caused_by.id
    ]
