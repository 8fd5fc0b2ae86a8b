"""The tax office (`TaxOffice`) on the fake runtime: assessing when review passes, payment
orders, the channel's confirmations and failures, clearing into the ledger, refunds and
their reversal, expiry and reconciliation, through its commands and its three agents, as
app.py wires them."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.payments.v1 import events_pb2 as channel
from govshare.payments.v1 import types_pb2 as channel_types
from govshare.realestate.v1 import events_pb2 as re_ev
from govshare.realestate.v1 import types_pb2 as re_types
from govshare.tax.v1 import events_pb2 as ev
from govshare.tax.v1 import types_pb2 as tax_types

from services.kit import waiters
from services.kit.clock import timestamp
from services.kit.envelope import Envelope, decode
from services.kit.errors import DomainError, Kind
from services.kit.ownership import partition_of
from services.kit.registry import events_of_topic
from services.tax import assessments, engine, ledger, lists, metrics, payments, rules, schemas
from services.tax import office as office_module
from services.tax.office import TaxOffice
from services.tax.payments import TaxCase
from tests.unit.fakes import FakeRuntime
from tests.unit.realestate import events as e
from tests.unit.tax import test_manual

M = TypeVar("M", bound=Message)

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


async def test_an_order_not_applied_in_time_names_the_case_whose_retry_answers_that_order(
    runtime, office, monkeypatch
):
    await review_passed(runtime)
    monkeypatch.setattr(waiters, "APPLY_TIMEOUT_S", 0)  # the wait ends before the agent runs
    with pytest.raises(DomainError) as unavailable:
        await office.open_order(case_of(office), e.BUYER)
    assert unavailable.value.kind is Kind.UNAVAILABLE and unavailable.value.field == "case_id"
    await runtime.settle()  # the agent applies it after all
    again = await office.open_order(case_of(office), e.BUYER)
    assert again["order_id"] == runtime.the(ev.PaymentOrderOpened).order_id


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


def withdrawn() -> re_ev.TransferWithdrawn:
    return re_ev.TransferWithdrawn(
        unit_code=e.UNIT,
        case_id=e.CASE,
        withdrawn_by=e.citizen(e.SELLER),
        reason="协商解除",
        withdrawn_at=e.at(40),
    )


async def test_a_withdrawn_case_cancels_its_bill(runtime, office):
    await review_passed(runtime)
    await runtime.deliver(withdrawn(), subject=e.UNIT)
    cancelled = runtime.the(ev.AssessmentCancelled)
    assert cancelled.reason == "申请已撤回" and cancelled.unit_code == e.UNIT
    assert case_of(office).status == payments.CANCELLED
    assert runtime.published(ev.RefundOrdered) == []  # nothing was paid
    assert not office.transfers.get(e.UNIT)  # no open case: the unit leaves the table


async def test_the_cases_gauge_shows_a_case_waiting_on_tax_staff(runtime, office):
    """Every status a case can have is a series of govshare_tax_cases; a case waiting
    for a manual assessment was counted under no series the gauge exported."""
    epoch(runtime, 1)
    await manual_pending(runtime)
    (family,) = metrics.CASES.collect()
    series = {sample.labels["status"]: sample.value for sample in family.samples}
    assert series[payments.MANUAL_PENDING] == 1
    assert sum(series.values()) == len(office.cases)


async def test_a_case_withdrawn_while_it_waits_on_tax_staff_leaves_their_queue(runtime, office):
    await manual_pending(runtime)
    assert [c.case_id for c in office.pending_manual()] == [e.CASE]
    await runtime.deliver(withdrawn(), subject=e.UNIT)
    assert runtime.the(ev.AssessmentCancelled).reason == "申请已撤回"
    assert case_of(office).status == payments.CANCELLED
    assert office.pending_manual() == [] and lists.MANUAL not in office.lists
    assert runtime.published(ev.RefundOrdered) == []  # nothing was billed, nothing paid
    with pytest.raises(assessments.ManualError) as refused:
        await assessed_by_hand(runtime, office)
    assert refused.value.field == "case_id" and "撤回" in refused.value.reason
    assert runtime.published(ev.AssessmentIssued) == []


async def test_a_case_rejected_after_payment_refunds_and_reverses_the_clearing(runtime, office):
    paid_case = await cleared(runtime, office)
    await runtime.deliver(rejected(), subject=e.UNIT)
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


# --- a SIGKILL between a handler's writes, and the event delivered again ----------------------
# Each table write is a changelog record of its own, the producer keeps no order between
# changelog topics, and what a handler publishes is produced only after it ran; the event
# is marked applied last. So a SIGKILL may keep the case's record and lose the rest: the
# lists' records, or the events the handler published. The event then comes again.


class Killed(Exception):
    """The process died: nothing after this point happened."""


def epoch(runtime: FakeRuntime, generation: int) -> None:
    """The worker serves in consumer generation `generation` (a new one after a restart),
    so the tallies count (kit/tally.py)."""
    runtime.serving = True  # type: ignore[attr-defined]
    runtime.faust.consumer_generation_id = generation  # type: ignore[attr-defined]


def tallies_match_the_cases(office: TaxOffice) -> None:
    """The running counts are what one scan of the cases counts."""
    assert office.count_by_status() == dict(Counter(r["status"] for r in office.cases.values()))
    assert office.balances.counts() == {k: n for k, n in office._sum_journals().items() if n}


async def manual_pending(runtime: FakeRuntime) -> None:
    """A case the engine cannot assess (a contract date before every rule set)."""
    applied = e.applied()
    applied.contract_date.year = 2015
    await runtime.deliver(applied, subject=e.UNIT)
    passed = e.passed()
    passed.checked_reliefs.CopyFrom(checked())
    await runtime.deliver(passed, subject=e.UNIT)


async def assessed_by_hand(runtime: FakeRuntime, office: TaxOffice) -> None:
    await office.assess_by_hand(
        case_of(office),
        test_manual.LINES,
        legal_basis="税收征收管理法 第三十五条 (核定征收)",
        assessor=test_manual.staff("tax-01", "李核定"),
        reviewer=test_manual.staff("tax-02", "赵复核"),
    )


async def ordered_case(runtime: FakeRuntime, office: TaxOffice) -> None:
    await review_passed(runtime)
    await office.open_order(case_of(office), e.BUYER)


async def open_order(runtime: FakeRuntime, office: TaxOffice) -> None:
    await office.open_order(case_of(office), e.BUYER)


async def order_expires(runtime: FakeRuntime, office: TaxOffice) -> None:
    runtime.clock.advance(timedelta(seconds=901))
    await office.scan_expired_orders()
    await runtime.settle()


async def order_paid(runtime: FakeRuntime, office: TaxOffice) -> None:
    order_id = runtime.the(ev.PaymentOrderOpened).order_id
    await paid(runtime, order_id, case_of(office).total_fen)


async def refund_due(runtime: FakeRuntime, office: TaxOffice) -> None:
    await cleared(runtime, office)
    await runtime.deliver(rejected(), subject=e.UNIT)


async def refunded_next_day(runtime: FakeRuntime, office: TaxOffice) -> None:
    runtime.clock.advance(timedelta(days=1))  # the refund moves on a day of its own
    await runtime.deliver(refund_completed(runtime), subject=e.CASE, source=DEVBANK)


def rejected() -> re_ev.ReviewRejected:
    return re_ev.ReviewRejected(
        unit_code=e.UNIT,
        case_id=e.CASE,
        findings=[
            re_types.ReviewFinding(check=re_types.REVIEW_CHECK_UNIT_NOT_SEALED, detail="查封")
        ],
        decided_by=e.STAFF,
        rejected_at=e.at(90),
    )


def refund_completed(runtime: FakeRuntime) -> channel.RefundCompleted:
    refund = runtime.the(ev.RefundOrdered)
    return channel.RefundCompleted(
        case_id=e.CASE,
        refund_id=refund.refund_id,
        transaction_id=refund.payment_id,
        amount=refund.amount,
        channel="devbank",
        refunded_at=timestamp(runtime.clock.now()),
    )


async def nothing(runtime: FakeRuntime, office: TaxOffice) -> None:
    pass


async def withdraw(runtime: FakeRuntime, office: TaxOffice) -> None:
    await runtime.deliver(withdrawn(), subject=e.UNIT)


@pytest.mark.parametrize(
    ("before", "step", "kind"),
    [
        (nothing, lambda r, o: manual_pending(r), ev.ManualAssessmentRequired),  # joins manual
        (lambda r, o: manual_pending(r), assessed_by_hand, ev.AssessmentIssued),  # leaves it
        (lambda r, o: manual_pending(r), withdraw, ev.AssessmentCancelled),  # leaves it too
        (lambda r, o: review_passed(r), open_order, ev.PaymentOrderOpened),  # joins a bucket
        (ordered_case, order_expires, ev.PaymentOrderExpired),  # leaves it
        (ordered_case, order_paid, ev.PaymentReceived),  # leaves it, joins the day's moves
        (refund_due, refunded_next_day, ev.PaymentRefunded),  # joins the refund day's moves
    ],
)
async def test_lists_a_crash_lost_are_made_right_by_the_event_delivered_again(
    runtime, office, before, step, kind
):
    await before(runtime, office)
    epoch(runtime, 1)
    lists_before = dict(office.lists)
    await step(runtime, office)
    lists_after = dict(office.lists)
    assert lists_after != lists_before, "the step must move the case between lists"
    env, message = [(env, m) for env, m in runtime.records() if isinstance(m, kind)][-1]

    # SIGKILL: the case's changelog record made it; the lists' and the mark did not.
    dict.clear(office.lists)
    dict.update(office.lists, lists_before)
    del runtime.applied.table[env.dedup_key]
    epoch(runtime, 2)  # the next owner rebuilds its tallies from the cases it recovered
    tallies_match_the_cases(office)

    await runtime.redeliver(env, message)
    assert dict(office.lists) == lists_after
    tallies_match_the_cases(office)
    await runtime.redeliver(env, message)  # now marked applied: nothing moves
    assert dict(office.lists) == lists_after
    tallies_match_the_cases(office)


async def test_the_lists_and_totals_follow_each_change_the_rules_make_in_place(runtime, office):
    """The rules change a case's orders and journals in place. A memory store hands out
    its stored value itself: changed through the case, the stored record no longer showed
    the old state, so the paid order stayed in its expiry bucket and the clearing never
    reached the ledger totals."""
    epoch(runtime, 1)
    tallies_match_the_cases(office)  # built before the case exists: moved from here on
    await cleared(runtime, office)
    assert not [key for key in office.lists if key.startswith(lists.ORDERS)]
    assert office.balances.counts() != {}
    tallies_match_the_cases(office)


def dies_producing(runtime: FakeRuntime, kind: type[Message]) -> None:
    """The process dies as it produces the first record of type `kind`: that record and
    everything after it is lost (the table writes made before stay, as changelog records
    sent before the kill would). `runtime.producer.fail(None)` is the restart."""
    producer = runtime.producer
    produce = producer._produce

    def watched(topic: str, key: bytes | None, value: bytes | None, headers: Any) -> Any:
        if isinstance(decode(list(headers or []), value or b"")[1], kind):
            producer.fail(Killed())
            producer._produce = produce  # type: ignore[method-assign]
        return produce(topic, key, value, headers)

    producer._produce = watched  # type: ignore[method-assign]


async def crash_on(runtime: FakeRuntime, kind: type[Message], act: Any) -> None:
    dies_producing(runtime, kind)
    with pytest.raises(Killed):
        await act
    runtime.producer.fail(None)


def last(runtime: FakeRuntime, kind: type[M], *, delivered: bool = False) -> tuple[Envelope, M]:
    env, message = [r for r in runtime.records(delivered=delivered) if isinstance(r[1], kind)][-1]
    return env, message  # type: ignore[return-value]


def ids_of(runtime: FakeRuntime, kind: type[Message]) -> set[str]:
    return {env.id for env, m in runtime.records() if isinstance(m, kind)}


async def test_a_payment_delivered_again_posts_the_journal_a_crash_lost(runtime, office):
    await ordered_case(runtime, office)
    await crash_on(runtime, ev.LedgerEntriesPosted, order_paid(runtime, office))
    assert case_of(office).status == payments.PAID and case_of(office).journals == {}

    await runtime.redeliver(*last(runtime, ev.PaymentReceived))
    case = case_of(office)
    assert list(case.journals) == ["J-UP-1"]
    assert len(ids_of(runtime, ev.PaymentCleared)) == len(ids_of(runtime, ev.LedgerEntriesPosted))
    assert len(ids_of(runtime, ev.PaymentCleared)) == 1  # the same ids again


async def test_a_refused_payment_delivered_again_orders_the_refund_a_crash_lost(runtime, office):
    await review_passed(runtime)
    order = await office.open_order(case_of(office), e.BUYER)
    wrong = paid(runtime, order["order_id"], order["amount_fen"] - 100)
    await crash_on(runtime, ev.RefundOrdered, wrong)
    assert case_of(office).payments["UP-1"]["outcome"] == payments.REFUSED
    assert case_of(office).refunds == {}

    await runtime.redeliver(*last(runtime, ev.PaymentReceived))
    assert list(case_of(office).refunds) == ["RF-UP-1"]
    assert len(ids_of(runtime, ev.PaymentRefused)) == 1
    # The payment's record is answered without the deciding event's key.
    assert set(payments.payments_shown(case_of(office))["UP-1"]) == set(
        schemas.Payment.model_fields
    )


async def test_a_cancellation_delivered_again_orders_the_refund_a_crash_lost(runtime, office):
    await cleared(runtime, office)
    await crash_on(runtime, ev.RefundOrdered, runtime.deliver(rejected(), subject=e.UNIT))
    assert case_of(office).status == payments.REFUND_DUE and case_of(office).refunds == {}

    await runtime.redeliver(*last(runtime, ev.AssessmentCancelled))
    assert list(case_of(office).refunds) == ["RF-UP-1"]
    await runtime.redeliver(*last(runtime, ev.AssessmentCancelled))  # marked: skipped
    assert len(ids_of(runtime, ev.RefundOrdered)) == 1


async def test_a_closing_event_delivered_again_cancels_the_bill_a_crash_lost(runtime, office):
    await review_passed(runtime)
    await crash_on(runtime, ev.AssessmentCancelled, runtime.deliver(rejected(), subject=e.UNIT))
    assert not office.transfers.get(e.UNIT) and case_of(office).status == payments.ASSESSED

    await runtime.redeliver(*last(runtime, re_ev.ReviewRejected, delivered=True))
    assert case_of(office).status == payments.CANCELLED
    assert len(ids_of(runtime, ev.AssessmentCancelled)) == 1


async def test_a_refund_delivered_again_reverses_the_clearing_a_crash_lost(runtime, office):
    await refund_due(runtime, office)
    completed = runtime.deliver(refund_completed(runtime), subject=e.CASE, source=DEVBANK)
    await crash_on(runtime, ev.LedgerEntriesPosted, completed)
    assert case_of(office).status == payments.REFUNDED and len(case_of(office).journals) == 1

    await runtime.redeliver(*last(runtime, ev.PaymentRefunded))
    case = case_of(office)
    assert list(case.journals) == ["J-UP-1", "J-RF-UP-1"]
    everything = [ledger.Posting(**p) for journal in case.journals.values() for p in journal]
    assert all(sides["debit"] == sides["credit"] for sides in ledger.balances(everything).values())


async def test_a_share_delivered_again_publishes_the_reconciliation_a_crash_lost(runtime, office):
    cases = spread_cases(office, runtime, 4)
    lines = [(f"UP-{n}", c.case_id, 1000 + n) for n, c in enumerate(cases)]
    statement = runtime.deliver(
        statement_of(runtime, lines, "ST-4"), subject="ST-4", source=DEVBANK
    )
    await crash_on(runtime, ev.StatementReconciled, statement)
    assert office.reconciliation("ST-4") is None

    await runtime.redeliver(*last(runtime, ev.StatementShareReconciled))
    result = office.reconciliation("ST-4")
    assert result is not None and (result["entries"], result["matched"]) == (4, 4)
    assert len(ids_of(runtime, ev.StatementReconciled)) == 1
