"""The tax office's state and commands, on Faust tables (thin: the rules are elsewhere).

Tables are keyed like the topics that write them, so a worker owns a key's state and its
events together: `transfers` by unit code (from `realestate.v1.events`), `cases` by case
id (from `tax.v1.events`). The realestate agent re-keys what tax needs by publishing on
`tax.v1.events` (an assessment, a cancellation), never by writing case state itself.

A SIGKILL can split what applying one event did. Each table write is a changelog record of
its own, the producer keeps no order between changelog topics, and what a handler
publishes inside a batch is produced only after the handler ran, while Faust sends table
writes as they come. So a case may survive while its lists or the events derived from it
are lost; the event, marked applied only after all of it is acknowledged
(kit/idempotency.py), comes again and finds its case already changed. So every delivery
completes what the stored case says is due: the lists follow from the case (`_store`,
`_relist`), and derived events the case shows missing are published again under the same
derived ids (consumers drop a repeat). tests/unit/tax/test_office.py kills the process at
each of these points.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, timedelta
from typing import Any

from google.protobuf.internal.containers import RepeatedCompositeFieldContainer
from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.payments.v1 import events_pb2 as channel_events
from govshare.payments.v1 import types_pb2 as channel_types
from govshare.realestate.v1 import events_pb2 as re_events
from govshare.tax.v1 import events_pb2 as ev
from govshare.tax.v1 import types_pb2 as tax_types

from services.kit import partitioned
from services.kit.clock import SYSTEM, Clock
from services.kit.consumer import Rejected
from services.kit.dispatch import Dispatch
from services.kit.envelope import Envelope
from services.kit.ownership import partition_keys, partition_of
from services.kit.runtime import ServiceRuntime
from services.kit.tally import Tally
from services.kit.waiters import Waiters, derived_id
from services.tax import (
    assessments,
    engine,
    ledger,
    lists,
    metrics,
    payments,
    reconciliation,
    shares,
)
from services.tax.payments import Decision, TaxCase
from services.tax.rules import RuleBook

log = logging.getLogger(__name__)

CHANNEL_SOURCE = "/dept/payments/"  # + the channel's name: its own identity


def _b64(message: Message) -> str:
    return base64.b64encode(message.SerializeToString()).decode()


def _party_json(party: common.Party) -> dict[str, Any]:
    return {"kind": int(party.kind), "id": party.id, "name": party.name}


def _cause(env: Envelope) -> common.EventRef:
    return common.EventRef(source=env.source, id=env.id, type=env.type)


def _day(day: common.Date) -> date:
    return date(day.year, day.month, day.day)


def _mismatch_of(line: tax_types.ReconciliationMismatch) -> reconciliation.Mismatch:
    return reconciliation.Mismatch(
        tax_types.MismatchKind.Name(line.kind).removeprefix("MISMATCH_KIND_"),
        line.movement,
        line.transaction_id,
        line.case_id,
        line.channel_amount.fen if line.HasField("channel_amount") else None,
        line.ledger_amount.fen if line.HasField("ledger_amount") else None,
    )


def _add_mismatches(
    lines: RepeatedCompositeFieldContainer[tax_types.ReconciliationMismatch],
    mismatches: list[reconciliation.Mismatch],
) -> None:
    for found in mismatches:
        line = lines.add(
            kind="MISMATCH_KIND_" + found.kind,
            movement=found.movement,
            transaction_id=found.transaction_id,
            case_id=found.case_id,
        )
        if found.channel_fen is not None:
            line.channel_amount.fen = found.channel_fen
        if found.ledger_fen is not None:
            line.ledger_amount.fen = found.ledger_fen


def _keyed(case_id: str) -> dict[str, Any]:
    """What the channel's word re-published on tax's own topic is keyed and tagged by."""
    return {"subject": case_id, "case_id": case_id}


class TaxOffice:
    def __init__(
        self,
        runtime: ServiceRuntime,
        book: RuleBook,
        chart: ledger.Chart,
        authority: common.Party,
        *,
        order_ttl_s: float = 900.0,
        clock: Clock = SYSTEM,
    ) -> None:
        self.runtime = runtime
        self.clock = clock
        self.order_ttl = timedelta(seconds=order_ttl_s)
        self._expiry_sent: set[tuple[str, str]] = set()
        self.book = book
        self.chart = chart
        self.authority = authority
        app = runtime.faust
        # JSON values with value_type=None: Faust decodes only str/bytes/numbers or its
        # Models by type, and a dict/list value_type breaks changelog recovery on restart.
        # unit code -> {case id: TransferApplied (base64)}, while the case is open.
        self.transfers = app.Table("transfers", key_type=str, value_type=None)
        self.cases = app.Table("cases", key_type=str, value_type=None)
        # statement id -> the last reconciliation of that channel statement
        self.reconciliations = app.Table("reconciliations", key_type=str, value_type=None)
        # statement id -> {statement event id: {partition: its share}}: shares.py
        self.statement_shares = app.Table("statement-shares", key_type=str, value_type=None)
        # lists.py: case ids by the minute an open order expires and by channel and day,
        # written with the case, so the expiry scan and reconciliation read no other case
        self.lists = app.Table("case-lists", key_type=str, value_type=None)
        self.partitions = partitioned.partitions_of(app)
        self.waiters = Waiters(runtime.bus)

        def epoch() -> int | None:
            return runtime.faust.consumer_generation_id if runtime.serving else None

        # Moved as cases are stored; one scan per start or rebalance (kit/tally.py): cases
        # by status (the gauge), fen per (county, account, side) of every journal (ledger).
        self.statuses: Tally[str] = Tally(
            rebuild=lambda: Counter(raw["status"] for raw in self.cases.values()), epoch=epoch
        )
        self.balances: Tally[tuple[str, str, str]] = Tally(rebuild=self._sum_journals, epoch=epoch)
        metrics.CASES.source = self.count_by_status

    # --- state ----------------------------------------------------------------------------

    def case(self, case_id: str) -> TaxCase | None:
        raw = self.cases.get(case_id)
        return TaxCase.from_json(raw) if raw else None

    def _store(self, case: TaxCase) -> None:
        """Store the case, and bring the lists and the totals in line with it.

        A SIGKILL may keep the case's changelog record and lose the lists' (module
        docstring); the event delivered again then finds its case stored as it leaves it,
        changes nothing, and its handler calls `_relist` (`_keep`). So the lists follow
        from the case itself (`lists.reachable_keys`), never from a diff against the stored
        case, which a redelivery finds equal. The lists are written before the case: a
        write that raises leaves the case as it was, and applying the event again
        recomputes everything. The totals move last and only with the case (in memory,
        rebuilt from the cases after a restart or a rebalance, kit/tally.py: a redelivery
        that changes no case moves none)."""
        old = self.cases.get(case.case_id) or {}
        raw = case.to_json()
        self._list(case.case_id, raw, also=lists.reachable_keys(old))
        self.cases[case.case_id] = raw
        self.statuses.move(old.get("status"), raw["status"])
        self.balances.swap(lists.ledger_sums(old), lists.ledger_sums(raw))

    def _relist(self, case_id: str) -> None:
        """Bring the lists in line with the stored case, for an event that changed nothing
        in it: it may be delivered again after a SIGKILL that kept the case's changelog
        record and lost the lists' (`_store`). Writes only what is missing."""
        raw = self.cases.get(case_id)
        if raw:
            self._list(case_id, raw)

    def _keep(self, case: TaxCase, changed: bool) -> bool:
        """Store the case if the event changed it, else relist it; returns `changed`."""
        if changed:
            self._store(case)
        else:
            self._relist(case.case_id)
        return changed

    def _list(self, case_id: str, raw: dict[str, Any], also: set[str] | None = None) -> None:
        now_in = lists.member_keys(raw)
        for key in sorted(lists.reachable_keys(raw) | (also or set())):
            here = partitioned.here(key)  # a case's events share one partition
            ids = list(self.lists.get(here) or [])
            if key in now_in and case_id not in ids:
                self.lists[here] = [*ids, case_id]
            elif key not in now_in and case_id in ids:
                rest = [i for i in ids if i != case_id]
                if rest:
                    self.lists[here] = rest
                else:
                    del self.lists[here]

    def _sum_journals(self) -> Counter[tuple[str, str, str]]:
        sums: Counter[tuple[str, str, str]] = Counter()
        for raw in self.cases.values():
            sums.update(lists.ledger_sums(raw))
        return sums

    def listed(self, key: str) -> list[TaxCase]:
        """The cases of list `key`, in every partition (services/kit/partitioned.py)."""
        ids = [i for k in partitioned.every(key, self.partitions) for i in self.lists.get(k) or []]
        found = (self.case(case_id) for case_id in ids)
        return [case for case in found if case is not None]

    def ledger_balances(self, county: Callable[[str], bool]) -> dict[str, dict[str, int]]:
        """Debit and credit totals per account over the journals of the counties
        `county` accepts (ledger.balances, from the running sums)."""
        out: dict[str, dict[str, int]] = {}
        for (where, account, side), fen in sorted(self.balances.counts().items()):
            if county(where):
                entry = out.setdefault(account, {ledger.DEBIT: 0, ledger.CREDIT: 0})
                entry[side] += fen
        return out

    def assessment(self, case: TaxCase) -> ev.AssessmentIssued | None:
        if not case.assessment:
            return None
        return ev.AssessmentIssued.FromString(base64.b64decode(case.assessment))

    def count_by_status(self) -> dict[str, int]:
        return self.statuses.counts()

    # --- the shared transfer stream (agent on realestate.v1.events) -----------------------

    async def on_transfer_event(self, env: Envelope, message: Message) -> None:
        handler = TRANSFER_EVENTS.get(message)
        if handler is not None:
            await handler(self, message, env)

    async def _transfer_applied(self, message: re_events.TransferApplied, env: Envelope) -> None:
        open_cases = dict(self.transfers.get(message.unit_code) or {})
        if message.case_id not in open_cases:
            open_cases[message.case_id] = _b64(message)
            self.transfers[message.unit_code] = open_cases

    async def _review_passed(self, message: re_events.ReviewPassed, env: Envelope) -> None:
        # Assessed once review passed, not at confirmation: review counts the reliefs
        # from the registry, and the bill uses those checked figures. A pass without
        # them (again, after a title re-check) leaves the case's bill as it is.
        if message.HasField("checked_reliefs"):
            await self._assess(env, message)

    async def _review_rejected(self, message: re_events.ReviewRejected, env: Envelope) -> None:
        await self._close(env, message.unit_code, message.case_id, "不予登记")

    async def _withdrawn(self, message: re_events.TransferWithdrawn, env: Envelope) -> None:
        await self._close(env, message.unit_code, message.case_id, "申请已撤回")

    async def _registered(self, message: re_events.RegistrationCompleted, env: Envelope) -> None:
        self._forget(message.unit_code, message.case_id)

    async def _assess(self, env: Envelope, passed: re_events.ReviewPassed) -> None:
        stored = (self.transfers.get(passed.unit_code) or {}).get(passed.case_id)
        if stored is None:
            raise Rejected("case_id", f"no transfer application {passed.case_id} is known")
        applied = re_events.TransferApplied.FromString(base64.b64decode(stored))
        try:
            bill = engine.assess(assessments.facts_of(applied, passed.checked_reliefs), self.book)
        except engine.FactsError as error:
            # No dead end: the case waits on tax window staff, who assess it by hand.
            metrics.ASSESSMENT_FAILURES.labels(error.field).inc()
            await self._record_use(env, applied)
            await self.runtime.bus.publish(
                assessments.manual_required_event(
                    applied, error, caused_by=_cause(env), required_at=self.clock.now()
                ),
                subject=applied.case_id,
                event_id=derived_id(env.dedup_key, "manual-required"),
                case_id=applied.case_id,
                purpose="tax.transfer-assessment",
            )
            return
        await self._record_use(env, applied)
        event = assessments.assessment_event(
            bill,
            applied,
            assessment_id=assessments.assessment_id_for(applied.case_id, env.dedup_key),
            tax_authority=self.authority,
            caused_by=_cause(env),
            issued_at=self.clock.now(),
        )
        await self.runtime.bus.publish(
            event,
            subject=applied.case_id,
            event_id=derived_id(env.dedup_key, "assessment"),
            case_id=applied.case_id,
            purpose="tax.transfer-assessment",
        )

    async def _record_use(self, env: Envelope, applied: re_events.TransferApplied) -> None:
        """The engine used the parties' data: in their access logs (before the bill)."""
        await self.runtime.bus.publish(
            assessments.data_use_event(
                applied.case_id,
                applied.unit_code,
                [applied.buyer, applied.seller],
                user=self.authority,
                used_by=assessments.system_actor(self.authority),
                at=self.clock.now(),
            ),
            subject=applied.case_id,
            event_id=derived_id(env.dedup_key, "data-use"),
            case_id=applied.case_id,
            purpose=assessments.TRANSFER_ASSESSED,
        )

    async def _close(self, env: Envelope, unit_code: str, case_id: str, reason: str) -> None:
        """A closed transfer cancels its bill. A SIGKILL may keep the transfer forgotten
        and lose the cancellation (module docstring): so a closing event that finds its
        transfer gone still cancels a bill not yet cancelled (the same id from the same
        event; a case that closed is never registered)."""
        if case_id not in (self.transfers.get(unit_code) or {}):
            case = self.case(case_id)
            if case is None or not payments.cancellable(case):
                return
        await self.runtime.bus.publish(
            ev.AssessmentCancelled(
                case_id=case_id,
                unit_code=unit_code,
                reason=reason,
                caused_by=_cause(env),
                cancelled_at=self.clock.stamp(),
            ),
            subject=case_id,
            event_id=derived_id(env.dedup_key, "cancel"),
            case_id=case_id,
        )
        self._forget(unit_code, case_id)

    def _forget(self, unit_code: str, case_id: str) -> None:
        open_cases = dict(self.transfers.get(unit_code) or {})
        if open_cases.pop(case_id, None) is None:
            return
        if open_cases:
            self.transfers[unit_code] = open_cases
        else:  # no open case: the unit leaves the table, which then holds open cases only
            del self.transfers[unit_code]

    # --- own events (agent on tax.v1.events) ----------------------------------------------

    async def on_tax_event(self, env: Envelope, message: Message) -> None:
        try:
            handler = TAX_EVENTS.get(message)
            if handler is not None:
                await handler(self, message, env)
        finally:
            self.waiters.wake(env.id)

    async def _apply_assessment(self, message: ev.AssessmentIssued, env: Envelope) -> None:
        case = self.case(message.case_id) or TaxCase(message.case_id)
        parties = {line.payer.id: _party_json(line.payer) for line in message.lines}
        changed = payments.apply_assessment(
            case,
            assessment_id=message.assessment_id,
            unit_code=message.unit_code,
            total_fen=message.total.fen,
            encoded=_b64(message),
            parties=parties,
        )
        if self._keep(case, changed):
            metrics.ASSESSMENTS.labels(message.rule_set).inc()

    async def _apply_manual_required(
        self, message: ev.ManualAssessmentRequired, env: Envelope
    ) -> None:
        case = self.case(message.case_id) or TaxCase(message.case_id)
        manual = {
            "field": message.field,
            "reason": message.reason,
            "required_at": message.required_at.ToDatetime(tzinfo=UTC).isoformat(),
            "event": _b64(message),
        }
        self._keep(case, payments.apply_manual_required(case, message.unit_code, manual))

    def manual_required(self, case: TaxCase) -> ev.ManualAssessmentRequired | None:
        if not case.manual:
            return None
        return ev.ManualAssessmentRequired.FromString(base64.b64decode(case.manual["event"]))

    async def _settle(self, payment: ev.PaymentReceived, env: Envelope) -> None:
        """Decide a payment once, and announce the decision, with ids derived from the
        payment event. A SIGKILL may keep the decided case and lose the announcement (the
        clearing and its journal, or the refusal and its refund; module docstring). The
        payment's record names the event that decided it: that event, delivered again,
        announces the decision again (the same ids) and relists the case; another event
        for the same payment (the channel saying it twice) is a duplicate."""
        case = self.case(payment.case_id) or TaxCase(payment.case_id)
        previous = payments.previous_decision(case, payment.payment_id)
        if previous is not None:
            if payments.decided_by(case, payment.payment_id) == env.dedup_key:
                await self._announce(env, case, payment, previous)
                self._relist(case.case_id)
            else:
                metrics.PAYMENTS.labels("duplicate").inc()
            return
        # Only the channel-agent publishes PaymentReceived, always with its order.
        decision = payments.decide_confirmed(
            case,
            order_id=payment.order_id,
            amount_fen=payment.amount.fen,
            paid_at=payment.received_at.ToDatetime(tzinfo=UTC),
        )
        await self._announce(env, case, payment, decision)
        if decision.outcome == payments.CLEARED:
            metrics.PAYMENT_ORDERS.labels("paid").inc()
        else:
            metrics.PAYMENTS_REFUSED.labels(decision.reason).inc()
        payments.record(
            case,
            payment.payment_id,
            decision,
            amount_fen=payment.amount.fen,
            assessment_id=payment.assessment_id,
            order_id=payment.order_id,
            channel=payment.channel,
            at=payment.received_at.ToDatetime(tzinfo=UTC).isoformat(),
            event=env.dedup_key,
        )
        self._store(case)
        metrics.PAYMENTS.labels(decision.outcome).inc()

    async def _announce(
        self, env: Envelope, case: TaxCase, payment: ev.PaymentReceived, decision: Decision
    ) -> None:
        """What a payment's decision produces: a clearing posts its journal; a refused
        payment goes back along its route (the money came in and is not kept)."""
        if decision.outcome == payments.CLEARED:
            await self._clear(env, case, payment)
            return
        await self._refuse(env, payment, decision)
        await self._order_refund(
            env,
            case_id=payment.case_id,
            payment_id=payment.payment_id,
            channel=payment.channel,
            amount_fen=payment.amount.fen,
            reason="REFUSAL_REASON_" + decision.reason,
            reverses_clearing=False,
        )

    async def _clear(self, env: Envelope, case: TaxCase, payment: ev.PaymentReceived) -> None:
        assessment = self.assessment(case)
        assert assessment is not None  # decide() clears only a current assessment
        postings = assessments.journal(self.chart, assessment)
        now = self.clock.stamp()
        attrs: dict[str, Any] = {"case_id": case.case_id}
        await self.runtime.bus.publish(
            ev.PaymentCleared(
                case_id=case.case_id,
                payment_id=payment.payment_id,
                assessment_id=assessment.assessment_id,
                amount=payment.amount,
                lines=assessment.lines,
                tax_authority=assessment.tax_authority,
                cleared_at=now,
                unit_code=assessment.unit_code,
            ),
            subject=case.case_id,
            event_id=derived_id(env.dedup_key, "cleared"),
            **attrs,
        )
        await self.runtime.bus.publish(
            ev.LedgerEntriesPosted(
                case_id=case.case_id,
                journal_id=f"J-{payment.payment_id}",
                payment_id=payment.payment_id,
                postings=[assessments.posting_to_proto(p) for p in postings],
                posted_at=now,
            ),
            subject=case.case_id,
            event_id=derived_id(env.dedup_key, "journal"),
            **attrs,
        )

    async def _refuse(self, env: Envelope, payment: ev.PaymentReceived, decision: Decision) -> None:
        refused = ev.PaymentRefused(
            case_id=payment.case_id,
            payment_id=payment.payment_id,
            assessment_id=payment.assessment_id,
            amount=payment.amount,
            reason="REFUSAL_REASON_" + decision.reason,
            detail=decision.detail,
            refused_at=self.clock.stamp(),
        )
        if decision.expected_fen is not None:
            refused.expected_amount.fen = decision.expected_fen
        await self.runtime.bus.publish(
            refused,
            subject=payment.case_id,
            event_id=derived_id(env.dedup_key, "refused"),
            case_id=payment.case_id,
        )

    async def _apply_journal(self, message: ev.LedgerEntriesPosted, env: Envelope) -> None:
        case = self.case(message.case_id) or TaxCase(message.case_id)
        postings = [assessments.posting_from_proto(p) for p in message.postings]
        stored = [
            {
                "account": p.account,
                "side": p.side,
                "amount_fen": p.amount_fen,
                "line_kind": p.line_kind,
                "memo": p.memo,
            }
            for p in postings
        ]
        if self._keep(case, payments.apply_journal(case, message.journal_id, stored)):
            for posting in postings:
                if posting.side == ledger.CREDIT:
                    kind = self.chart.kind_of(posting.account)
                    metrics.CLEARED_FEN.labels(posting.account, kind).inc(posting.amount_fen)

    async def _apply_order(self, message: ev.PaymentOrderOpened, env: Envelope) -> None:
        case = self.case(message.case_id) or TaxCase(message.case_id)
        changed = payments.apply_order_opened(
            case,
            order_id=message.order_id,
            assessment_id=message.assessment_id,
            amount_fen=message.amount.fen,
            payer_id=message.payer.id,
            expires_at=message.expires_at.ToDatetime(tzinfo=UTC),
        )
        if self._keep(case, changed):
            metrics.PAYMENT_ORDERS.labels("opened").inc()

    async def _close_order(
        self, message: ev.PaymentOrderExpired | ev.PaymentOrderFailed, env: Envelope
    ) -> None:
        case = self.case(message.case_id)
        expired = isinstance(message, ev.PaymentOrderExpired)
        status = payments.ORDER_EXPIRED if expired else payments.ORDER_FAILED
        if case is not None and self._keep(
            case, payments.close_order(case, message.order_id, status)
        ):
            metrics.PAYMENT_ORDERS.labels(status).inc()

    async def _cancel(self, message: ev.AssessmentCancelled, env: Envelope) -> None:
        """The case closed: the bill is void; a payment already cleared goes back to the
        payer. A SIGKILL may keep the case (refund due) and lose the order (module
        docstring): so while the case owes a refund not yet ordered, every delivery orders
        it (the same id from the same event; one refund per payment, whatever orders it)."""
        case = self.case(message.case_id) or TaxCase(message.case_id, message.unit_code)
        changed = payments.apply_cancellation(case)
        if (
            case.status == payments.REFUND_DUE
            and payments.refund_id_for(case.cleared_payment_id) not in case.refunds
        ):
            cleared = case.payments[case.cleared_payment_id]
            await self._order_refund(
                env,
                case_id=case.case_id,
                payment_id=case.cleared_payment_id,
                channel=cleared.get("channel", ""),
                amount_fen=cleared["amount_fen"],
                reason=message.reason,
                reverses_clearing=True,
            )
        self._keep(case, changed)

    async def _order_refund(
        self,
        env: Envelope,
        *,
        case_id: str,
        payment_id: str,
        channel: str,
        amount_fen: int,
        reason: str,
        reverses_clearing: bool,
    ) -> None:
        await self.runtime.bus.publish(
            ev.RefundOrdered(
                case_id=case_id,
                refund_id=payments.refund_id_for(payment_id),
                payment_id=payment_id,
                channel=channel or "unknown",
                amount=common.Money(fen=amount_fen),
                reason=reason,
                reverses_clearing=reverses_clearing,
                ordered_at=self.clock.stamp(),
            ),
            subject=case_id,
            event_id=derived_id(env.dedup_key, "refund"),
            case_id=case_id,
        )

    async def _apply_refund_ordered(self, message: ev.RefundOrdered, env: Envelope) -> None:
        case = self.case(message.case_id) or TaxCase(message.case_id)
        changed = payments.apply_refund_ordered(
            case,
            refund_id=message.refund_id,
            payment_id=message.payment_id,
            channel=message.channel,
            amount_fen=message.amount.fen,
            reason=message.reason,
            reverses_clearing=message.reverses_clearing,
        )
        if self._keep(case, changed):
            metrics.REFUNDS.labels("ordered").inc()

    async def _refunded(self, message: ev.PaymentRefunded, env: Envelope) -> None:
        """The money left: a refunded clearing is reversed in the ledger (a journal of its
        own, with a derived id), so every account nets to zero and the ledger still
        balances. A SIGKILL may keep the case (refund done) and lose the journal (module
        docstring): so while the reversal is not in the case, every delivery posts it (a
        journal is applied once, by its id)."""
        case = self.case(message.case_id)
        refund = case.refunds.get(message.refund_id) if case else None
        if case is None or refund is None:
            return
        journal, reversal_id = f"J-{message.payment_id}", f"J-{message.refund_id}"
        if (
            refund["reverses_clearing"]
            and journal in case.journals
            and reversal_id not in case.journals
        ):
            original = [ledger.Posting(**p) for p in case.journals[journal]]
            reversal = ledger.reverse(original, memo=f"退款 {message.refund_id} 冲回")
            await self.runtime.bus.publish(
                ev.LedgerEntriesPosted(
                    case_id=case.case_id,
                    journal_id=reversal_id,
                    payment_id=message.payment_id,
                    postings=[assessments.posting_to_proto(p) for p in reversal],
                    posted_at=message.refunded_at,
                ),
                subject=case.case_id,
                event_id=derived_id(env.dedup_key, "journal"),
                case_id=case.case_id,
            )
        at = message.refunded_at.ToDatetime(tzinfo=UTC).isoformat()
        if self._keep(case, payments.apply_refunded(case, message.refund_id, at=at)):
            metrics.REFUNDS.labels("completed").inc()

    # --- the payment channel (agent on payments.v1.events) ----------------------------------

    async def on_channel_event(self, env: Envelope, message: Message) -> None:
        """Take the channel's word onto tax's own topic, keyed alike, so the case's one
        writer decides. The consumer has already refused sources outside /dept/payments;
        here a channel may speak only for itself (its sub-source names it)."""
        channel = getattr(message, "channel", "")
        if env.source != CHANNEL_SOURCE + channel:
            metrics.CHANNEL_EVENTS_REFUSED.labels(type(message).__name__).inc()
            raise Rejected("channel", f"{env.source!r} may not speak for channel {channel!r}")
        handler = CHANNEL_EVENTS.get(message)
        if handler is not None:
            await handler(self, message, env)

    async def _payment_confirmed(
        self, message: channel_events.PaymentConfirmed, env: Envelope
    ) -> None:
        case = self.case(message.case_id)
        order = case.orders.get(message.order_id) if case else None
        assessment_id = order["assessment_id"] if order else (case and case.assessment_id)
        await self.runtime.bus.publish(
            ev.PaymentReceived(
                case_id=message.case_id,
                payment_id=message.transaction_id,
                assessment_id=assessment_id or "-",
                amount=message.amount,
                payer=message.payer,
                channel=message.channel,
                received_at=message.paid_at,
                order_id=message.order_id,
                confirmed_by=_cause(env),
            ),
            event_id=derived_id(env.dedup_key, "received"),
            **_keyed(message.case_id),
        )

    async def _payment_failed(self, message: channel_events.PaymentFailed, env: Envelope) -> None:
        await self.runtime.bus.publish(
            ev.PaymentOrderFailed(
                case_id=message.case_id,
                order_id=message.order_id,
                reason=channel_types.FailureReason.Name(message.reason),
                detail=message.detail,
                failed_by=_cause(env),
                failed_at=message.failed_at,
            ),
            event_id=derived_id(env.dedup_key, "order-failed"),
            **_keyed(message.case_id),
        )

    async def _refund_completed(
        self, message: channel_events.RefundCompleted, env: Envelope
    ) -> None:
        await self.runtime.bus.publish(
            ev.PaymentRefunded(
                case_id=message.case_id,
                refund_id=message.refund_id,
                payment_id=message.transaction_id,
                amount=message.amount,
                confirmed_by=_cause(env),
                refunded_at=message.refunded_at,
            ),
            event_id=derived_id(env.dedup_key, "refunded"),
            **_keyed(message.case_id),
        )

    # --- reconciliation of the channel's daily statements ----------------------------------

    async def _reconcile(self, statement: channel_events.StatementIssued, env: Envelope) -> None:
        """The statement's lines go to the partition of their case, where its movements
        are: a share to every partition (`_reconcile_share`), summed on the statement's
        partition (`_collect_share`) into StatementReconciled for the treasury staff."""
        count = self.runtime.settings.topic_partitions
        for p, key in enumerate(partition_keys(count)):
            share = ev.StatementShareRequested(
                partition_key=key,
                statement_id=statement.statement_id,
                channel=statement.channel,
                statement_date=statement.statement_date,
                shares=count,
                partition=p,
                caused_by=_cause(env),
            )
            for entry in statement.entries:
                if partition_of(entry.case_id, count) == p:
                    refund = entry.kind == channel_types.ENTRY_KIND_REFUND
                    share.lines.add(
                        movement=reconciliation.REFUND if refund else reconciliation.PAYMENT,
                        transaction_id=entry.transaction_id,
                        case_id=entry.case_id,
                        amount=entry.amount,
                    )
            event_id = derived_id(env.dedup_key, f"share|{p}")
            await self.runtime.bus.publish(share, subject=key, event_id=event_id)

    async def _reconcile_share(self, share: ev.StatementShareRequested, env: Envelope) -> None:
        """Compare the share's lines with the movements of that channel and day that the
        cases of this partition recorded (`listed` reads every partition's list)."""
        day = _day(share.statement_date)
        moved = [
            case
            for case in self.listed(lists.movements_key(share.channel, day))
            if partition_of(case.case_id, share.shares) == share.partition
        ]
        recorded = reconciliation.ledger_movements(moved, share.channel, day)
        lines = [
            reconciliation.Movement(x.movement, x.transaction_id, x.case_id, x.amount.fen)
            for x in share.lines
        ]
        matched, mismatches = reconciliation.reconcile(lines, recorded)
        result = ev.StatementShareReconciled(
            statement_id=share.statement_id,
            channel=share.channel,
            statement_date=share.statement_date,
            partition=share.partition,
            shares=share.shares,
            entries=len(lines),
            matched=matched,
            caused_by=share.caused_by,
        )
        _add_mismatches(result.mismatches, mismatches)
        await self.runtime.bus.publish(
            result,
            subject=share.statement_id,
            event_id=derived_id(env.dedup_key, "share-reconciled"),
        )

    async def _collect_share(self, share: ev.StatementShareReconciled, env: Envelope) -> None:
        """Keep the share; once every share of its statement event is in, publish the
        statement's reconciliation (its id derived from the statement event). A SIGKILL
        may keep the shares and lose it (module docstring): so a share delivered again to
        a complete statement event publishes it again (the same id: applied once)."""
        cause = share.caused_by
        found = [_mismatch_of(m) for m in share.mismatches]
        stored = self.statement_shares.get(share.statement_id)
        held = shares.collect(
            stored, cause.id, share.partition, shares.share(share.entries, share.matched, found)
        )
        if held is None:  # this share is in already
            if stored and shares.complete(stored, cause.id, share.shares):
                await self._publish_reconciled(share, stored)
            return
        if shares.complete(held, cause.id, share.shares):
            await self._publish_reconciled(share, held)
            held = shares.settled(held, cause.id)
        self.statement_shares[share.statement_id] = held

    async def _publish_reconciled(
        self, share: ev.StatementShareReconciled, held: shares.Held
    ) -> None:
        cause = share.caused_by
        entries, matched, mismatches = shares.merge(held[cause.id].values())
        result = ev.StatementReconciled(
            statement_id=share.statement_id,
            channel=share.channel,
            statement_date=share.statement_date,
            entries=entries,
            matched=matched,
            caused_by=cause,
            reconciled_at=self.clock.stamp(),
        )
        _add_mismatches(result.mismatches, mismatches)
        await self.runtime.bus.publish(
            result,
            subject=share.statement_id,
            event_id=derived_id(f"{cause.source}|{cause.id}", "reconciled"),
        )

    async def _apply_reconciliation(self, message: ev.StatementReconciled, env: Envelope) -> None:
        mismatches = [dataclasses.asdict(_mismatch_of(m)) for m in message.mismatches]
        self.reconciliations[message.statement_id] = {
            "statement_id": message.statement_id,
            "channel": message.channel,
            "date": f"{message.statement_date.year:04d}-{message.statement_date.month:02d}"
            f"-{message.statement_date.day:02d}",
            "entries": message.entries,
            "matched": message.matched,
            "mismatches": mismatches,
            "balanced": not mismatches,
            "reconciled_at": message.reconciled_at.ToDatetime(tzinfo=UTC).isoformat(),
        }
        metrics.RECONCILIATIONS.labels("balanced" if not mismatches else "mismatched").inc()
        for found in mismatches:
            log.warning(
                "statement %s: %s %s %s (channel %s fen, ledger %s fen)",
                message.statement_id,
                found["kind"],
                found["movement"],
                found["transaction_id"],
                found["channel_fen"],
                found["ledger_fen"],
            )
            metrics.RECONCILIATION_MISMATCHES.labels(found["kind"]).inc()

    def reconciliation(self, statement_id: str) -> dict[str, Any] | None:
        found = self.reconciliations.get(statement_id)
        return dict(found) if found else None

    def all_reconciliations(self) -> list[dict[str, Any]]:
        return sorted(
            (dict(r) for r in self.reconciliations.values()),
            key=lambda r: (r["date"], r["statement_id"]),
        )

    # --- commands ---------------------------------------------------------------------------

    async def open_order(
        self, case: TaxCase, payer: common.Party, *, by: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Open a payment order for the case's current bill (or answer the open one: a
        second press of the pay button); the answer once the order is applied."""
        now = self.clock.now()
        order_id = payments.open_order(case, payer_id=payer.id, now=now)
        if order_id is None:
            order_id = f"PO-{uuid.uuid4().hex[:20]}"
            await self.waiters.emit(
                ev.PaymentOrderOpened(
                    case_id=case.case_id,
                    order_id=order_id,
                    assessment_id=case.assessment_id,
                    amount=common.Money(fen=case.total_fen),
                    payer=payer,
                    expires_at=assessments.timestamp(now + self.order_ttl),
                    opened_at=assessments.timestamp(now),
                ),
                subject=case.case_id,
                wait=True,
                retry_field="case_id",  # a retry answers the order this one opened
                case_id=case.case_id,
                **(by or {}),
            )
        after = self.case(case.case_id)
        order = after.orders.get(order_id) if after else None
        if order is None:
            raise RuntimeError(f"payment order {order_id} was produced but not applied")
        return {"order_id": order_id, "case_id": case.case_id, **order}

    async def assess_by_hand(
        self,
        case: TaxCase,
        lines: list[assessments.ManualLine],
        *,
        legal_basis: str,
        assessor: tuple[str, common.Actor],
        reviewer: tuple[str, common.Actor],
        by: dict[str, str] | None = None,
    ) -> TaxCase:
        """Tax window staff assess a case the engine could not compute (ManualError when
        refused); the answer once the bill is applied."""
        required = self.manual_required(case)
        if case.status == payments.CANCELLED:  # withdrawn or rejected while it waited
            raise assessments.ManualError("case_id", "本案已撤回或不予登记, 税费单已作废, 无需核定")
        if required is None or case.status != payments.MANUAL_PENDING:
            reason = f"本案税费单状态为 {case.status}, 无需人工核定"
            raise assessments.ManualError("case_id", reason)
        event = assessments.manual_assessment_event(
            required,
            lines,
            legal_basis=legal_basis,
            assessor=assessor,
            reviewer=reviewer,
            chart=self.chart,
            assessment_id=assessments.assessment_id_for(case.case_id, uuid.uuid4().hex),
            tax_authority=self.authority,
            issued_at=self.clock.now(),
        )
        # Tax staff used the parties' data: in their access logs, before the bill.
        used = assessments.data_use_event(
            case.case_id,
            required.unit_code,
            [required.buyer, required.seller],
            user=self.authority,
            used_by=assessor[1],
            at=self.clock.now(),
        )
        await self.runtime.bus.publish(
            used,
            subject=case.case_id,
            case_id=case.case_id,
            purpose=assessments.TRANSFER_ASSESSED,
            **(by or {}),
        )
        await self.waiters.emit(
            event,
            subject=case.case_id,
            wait=True,
            retry_field="case_id",
            case_id=case.case_id,
            purpose="tax.transfer-assessment",
            **(by or {}),
        )
        after = self.case(case.case_id)
        if after is None or after.assessment_id != event.assessment_id:
            raise RuntimeError(f"assessment {event.assessment_id} was produced but not applied")
        return after

    async def record_staff_read(
        self, case: TaxCase, actor: common.Actor, by: dict[str, str] | None = None
    ) -> None:
        """A staff member reads the case's bill or ledger: a use of the payers' data, in
        their access logs, logged before it is answered."""
        payers = [common.Party(**p) for p in case.parties.values()]
        if not payers:
            return
        used = assessments.data_use_event(
            case.case_id,
            case.unit_code,
            payers,
            user=self.authority,
            used_by=actor,
            at=self.clock.now(),
            use=assessments.CASE_READ,
        )
        await self.runtime.bus.publish(
            used,
            subject=case.case_id,
            case_id=case.case_id,
            purpose=assessments.CASE_READ,
            **(by or {}),
        )

    def pending_manual(self) -> list[TaxCase]:
        return [c for c in self.listed(lists.MANUAL) if c.status == payments.MANUAL_PENDING]

    async def scan_expired_orders(self) -> None:
        """Announce every open order past its expiry, once (the set holds what was sent
        until the agent has applied it)."""
        now = self.clock.now()
        buckets = {partitioned.base(k) for k in list(self.lists.keys())}
        due = {
            (case.case_id, order_id)
            for key in sorted(b for b in buckets if lists.due(b, now))
            for case in self.listed(key)
            for order_id in payments.expired_orders(case, now)
        }
        for case_id, order_id in sorted(due - self._expiry_sent):
            await self.runtime.bus.publish(
                ev.PaymentOrderExpired(
                    case_id=case_id, order_id=order_id, expired_at=assessments.timestamp(now)
                ),
                subject=case_id,
                event_id=f"expired:{order_id}",
                case_id=case_id,
            )
        self._expiry_sent = due


# --- which handler each topic's event types go to ------------------------------------------

# realestate.v1.events: what a transfer case means for its tax (the rest asks nothing).
TRANSFER_EVENTS = (
    Dispatch[TaxOffice, [Envelope], Awaitable[None]]()
    .add(re_events.TransferApplied, TaxOffice._transfer_applied)
    .add(re_events.ReviewPassed, TaxOffice._review_passed)
    .add(re_events.ReviewRejected, TaxOffice._review_rejected)
    .add(re_events.TransferWithdrawn, TaxOffice._withdrawn)
    .add(re_events.RegistrationCompleted, TaxOffice._registered)
    .ignore(
        re_events.TransferConfirmed,
        re_events.ReviewReferred,
        re_events.CaseClaimed,
        re_events.CaseEvaluated,
        re_events.CaseRectificationOpened,
        re_events.CaseRectificationCompleted,
        re_events.CaseRectificationFollowedUp,
        re_events.TaxProgressRecorded,
        re_events.TitleChangeRecorded,
        re_events.CertificateIssuanceRecorded,
        re_events.DataUseRecorded,
    )
)

# tax.v1.events, our own: each folded into the case (or the reconciliations).
TAX_EVENTS = (
    Dispatch[TaxOffice, [Envelope], Awaitable[None]]()
    .add(ev.AssessmentIssued, TaxOffice._apply_assessment)
    .add(ev.ManualAssessmentRequired, TaxOffice._apply_manual_required)
    .add(ev.PaymentOrderOpened, TaxOffice._apply_order)
    .add(ev.PaymentOrderExpired, TaxOffice._close_order)
    .add(ev.PaymentOrderFailed, TaxOffice._close_order)
    .add(ev.PaymentReceived, TaxOffice._settle)
    .add(ev.LedgerEntriesPosted, TaxOffice._apply_journal)
    .add(ev.AssessmentCancelled, TaxOffice._cancel)
    .add(ev.RefundOrdered, TaxOffice._apply_refund_ordered)
    .add(ev.PaymentRefunded, TaxOffice._refunded)
    .add(ev.StatementReconciled, TaxOffice._apply_reconciliation)
    .add(ev.StatementShareRequested, TaxOffice._reconcile_share)
    .add(ev.StatementShareReconciled, TaxOffice._collect_share)
    # PaymentCleared / PaymentRefused record what _settle already applied; the data-use
    # events are for the holders' access logs (certificates).
    .ignore(ev.PaymentCleared, ev.PaymentRefused, ev.DataUseRecorded)
)

# payments.v1.events: the channel's word, taken onto tax's own topic.
CHANNEL_EVENTS = (
    Dispatch[TaxOffice, [Envelope], Awaitable[None]]()
    .add(channel_events.StatementIssued, TaxOffice._reconcile)
    .add(channel_events.PaymentConfirmed, TaxOffice._payment_confirmed)
    .add(channel_events.PaymentFailed, TaxOffice._payment_failed)
    .add(channel_events.RefundCompleted, TaxOffice._refund_completed)
)
