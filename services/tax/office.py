"""The tax office's state and commands, on Faust tables (thin: the rules are elsewhere).

Tables are keyed like the topics that write them, so a worker owns a key's state and its
events together: `transfers` by unit code (from `realestate.v1.events`), `cases` by case
id (from `tax.v1.events`). The realestate agent re-keys what tax needs by publishing on
`tax.v1.events` (an assessment, a cancellation), never by writing case state itself.
"""

from __future__ import annotations

import base64
import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as re_events
from govshare.tax.v1 import events_pb2 as ev

from services.kit.consumer import Rejected
from services.kit.envelope import Envelope
from services.kit.runtime import ServiceRuntime
from services.kit.waiters import Waiters, derived_id
from services.tax import assessments, engine, ledger, metrics, payments
from services.tax.payments import Decision, TaxCase
from services.tax.rules import RuleBook

log = logging.getLogger(__name__)


def _b64(message: Message) -> str:
    return base64.b64encode(message.SerializeToString()).decode()


def _party_json(party: common.Party) -> dict[str, Any]:
    return {"kind": int(party.kind), "id": party.id, "name": party.name}


def _cause(env: Envelope) -> common.EventRef:
    return common.EventRef(source=env.source, id=env.id, type=env.type)


class TaxOffice:
    def __init__(
        self, runtime: ServiceRuntime, book: RuleBook, chart: ledger.Chart, authority: common.Party
    ) -> None:
        self.runtime = runtime
        self.book = book
        self.chart = chart
        self.authority = authority
        app = runtime.faust
        # JSON values with value_type=None: Faust decodes only str/bytes/numbers or its
        # Models by type, and a dict/list value_type breaks changelog recovery on restart.
        # unit code -> {case id: TransferApplied (base64)}, while the case is open.
        self.transfers = app.Table("transfers", key_type=str, value_type=None)
        self.cases = app.Table("cases", key_type=str, value_type=None)
        self.waiters = Waiters(runtime.bus)
        metrics.CASES.source = self.count_by_status

    # --- state ----------------------------------------------------------------------------

    def case(self, case_id: str) -> TaxCase | None:
        raw = self.cases.get(case_id)
        return TaxCase.from_json(raw) if raw else None

    def _store(self, case: TaxCase) -> None:
        self.cases[case.case_id] = case.to_json()

    def assessment(self, case: TaxCase) -> ev.AssessmentIssued | None:
        if not case.assessment:
            return None
        return ev.AssessmentIssued.FromString(base64.b64decode(case.assessment))

    def count_by_status(self) -> dict[str, int]:
        return dict(Counter(raw["status"] for raw in self.cases.values()))

    def all_cases(self) -> list[TaxCase]:
        return [TaxCase.from_json(raw) for raw in self.cases.values()]

    # --- the shared transfer stream (agent on realestate.v1.events) -----------------------

    async def on_transfer_event(self, env: Envelope, message: Message) -> None:
        if isinstance(message, re_events.TransferApplied):
            open_cases = dict(self.transfers.get(message.unit_code) or {})
            if message.case_id not in open_cases:
                open_cases[message.case_id] = _b64(message)
                self.transfers[message.unit_code] = open_cases
        elif isinstance(message, re_events.ReviewPassed) and message.HasField("checked_reliefs"):
            # Assessed once review passed, not at confirmation: review counts the reliefs
            # from the registry, and the bill uses those checked figures. A pass without
            # them (again, after a title re-check) leaves the case's bill as it is.
            await self._assess(env, message)
        elif isinstance(message, re_events.ReviewRejected | re_events.TransferWithdrawn):
            reason = "不予登记" if isinstance(message, re_events.ReviewRejected) else "申请已撤回"
            await self._close(env, message.unit_code, message.case_id, reason)
        elif isinstance(message, re_events.RegistrationCompleted):
            self._forget(message.unit_code, message.case_id)

    async def _assess(self, env: Envelope, passed: re_events.ReviewPassed) -> None:
        stored = (self.transfers.get(passed.unit_code) or {}).get(passed.case_id)
        if stored is None:
            raise Rejected("case_id", f"no transfer application {passed.case_id} is known")
        applied = re_events.TransferApplied.FromString(base64.b64decode(stored))
        try:
            bill = engine.assess(assessments.facts_of(applied, passed.checked_reliefs), self.book)
        except engine.FactsError as error:
            # Parked with its reason; the case waits on tax staff in the shared queue.
            metrics.ASSESSMENT_FAILURES.labels(error.field).inc()
            raise Rejected(f"tax_facts.{error.field}", error.reason) from None
        event = assessments.assessment_event(
            bill,
            applied,
            assessment_id=assessments.assessment_id_for(applied.case_id, env.dedup_key),
            tax_authority=self.authority,
            caused_by=_cause(env),
            issued_at=datetime.now(UTC),
        )
        await self.runtime.bus.publish(
            event,
            subject=applied.case_id,
            event_id=derived_id(env.dedup_key, "assessment"),
            case_id=applied.case_id,
            purpose="tax.transfer-assessment",
        )

    async def _close(self, env: Envelope, unit_code: str, case_id: str, reason: str) -> None:
        if case_id not in (self.transfers.get(unit_code) or {}):
            return
        await self.runtime.bus.publish(
            ev.AssessmentCancelled(
                case_id=case_id,
                unit_code=unit_code,
                reason=reason,
                caused_by=_cause(env),
                cancelled_at=assessments.timestamp(datetime.now(UTC)),
            ),
            subject=case_id,
            event_id=derived_id(env.dedup_key, "cancel"),
            case_id=case_id,
        )
        self._forget(unit_code, case_id)

    def _forget(self, unit_code: str, case_id: str) -> None:
        open_cases = dict(self.transfers.get(unit_code) or {})
        if open_cases.pop(case_id, None) is not None:
            self.transfers[unit_code] = open_cases

    # --- own events (agent on tax.v1.events) ----------------------------------------------

    async def on_tax_event(self, env: Envelope, message: Message) -> None:
        try:
            if isinstance(message, ev.AssessmentIssued):
                self._apply_assessment(message)
            elif isinstance(message, ev.PaymentReceived):
                await self._settle(env, message)
            elif isinstance(message, ev.LedgerEntriesPosted):
                self._apply_journal(message)
            elif isinstance(message, ev.AssessmentCancelled):
                case = self.case(message.case_id) or TaxCase(message.case_id, message.unit_code)
                if payments.apply_cancellation(case):
                    self._store(case)
            # PaymentCleared / PaymentRefused record what _settle already applied.
        finally:
            self.waiters.wake(env.id)

    def _apply_assessment(self, message: ev.AssessmentIssued) -> None:
        case = self.case(message.case_id) or TaxCase(message.case_id)
        parties = {line.payer.id: _party_json(line.payer) for line in message.lines}
        if payments.apply_assessment(
            case,
            assessment_id=message.assessment_id,
            unit_code=message.unit_code,
            total_fen=message.total.fen,
            encoded=_b64(message),
            parties=parties,
        ):
            self._store(case)
            metrics.ASSESSMENTS.labels(message.rule_set).inc()

    async def _settle(self, env: Envelope, payment: ev.PaymentReceived) -> None:
        """Decide a payment once. The derived events are produced before the decision is
        stored, with ids derived from the payment event: after a crash in between, the
        redelivered payment decides the same and re-produces the same (deduplicated) ids."""
        case = self.case(payment.case_id) or TaxCase(payment.case_id)
        if payments.previous_decision(case, payment.payment_id) is not None:
            metrics.PAYMENTS.labels("duplicate").inc()
            return
        decision = payments.decide(
            case, assessment_id=payment.assessment_id, amount_fen=payment.amount.fen
        )
        if decision.outcome == payments.CLEARED:
            await self._clear(env, case, payment)
        else:
            await self._refuse(env, payment, decision)
        payments.record(
            case,
            payment.payment_id,
            decision,
            amount_fen=payment.amount.fen,
            assessment_id=payment.assessment_id,
        )
        self._store(case)
        metrics.PAYMENTS.labels(decision.outcome).inc()

    async def _clear(self, env: Envelope, case: TaxCase, payment: ev.PaymentReceived) -> None:
        assessment = self.assessment(case)
        assert assessment is not None  # decide() clears only a current assessment
        postings = assessments.journal(self.chart, assessment)
        now = assessments.timestamp(datetime.now(UTC))
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
            refused_at=assessments.timestamp(datetime.now(UTC)),
        )
        if decision.expected_fen is not None:
            refused.expected_amount.fen = decision.expected_fen
        metrics.PAYMENTS_REFUSED.labels(decision.reason).inc()
        await self.runtime.bus.publish(
            refused,
            subject=payment.case_id,
            event_id=derived_id(env.dedup_key, "refused"),
            case_id=payment.case_id,
        )

    def _apply_journal(self, message: ev.LedgerEntriesPosted) -> None:
        case = self.case(message.case_id) or TaxCase(message.case_id)
        postings = [assessments.posting_from_proto(p) for p in message.postings]
        stored = [
            {
                "account": p.account,
                "side": p.side,
                "amount_fen": p.amount_fen,
                "line_kind": p.line_kind,
            }
            for p in postings
        ]
        if payments.apply_journal(case, message.journal_id, stored):
            self._store(case)
            for posting in postings:
                if posting.side == ledger.CREDIT:
                    kind = self.chart.kind_of(posting.account)
                    metrics.CLEARED_FEN.labels(posting.account, kind).inc(posting.amount_fen)

    # --- commands ---------------------------------------------------------------------------

    async def pay(
        self,
        case_id: str,
        *,
        payment_id: str,
        assessment_id: str,
        amount_fen: int,
        payer: common.Party,
        channel: str,
        by: dict[str, str] | None = None,
    ) -> tuple[Decision, bool]:
        """Deliver a payment; the answer is the decision for its payment id and whether it
        was decided before (a repeated delivery changes nothing). `by` says who reported
        it (ce_actor, ce_department: services.kit.audit)."""
        case = self.case(case_id)
        before = payments.previous_decision(case, payment_id) if case else None
        await self.waiters.emit(
            ev.PaymentReceived(
                case_id=case_id,
                payment_id=payment_id,
                assessment_id=assessment_id,
                amount=common.Money(fen=amount_fen),
                payer=payer,
                channel=channel,
                received_at=assessments.timestamp(datetime.now(UTC)),
            ),
            subject=case_id,
            wait=True,
            case_id=case_id,
            **(by or {}),
        )
        after = self.case(case_id)
        decision = payments.previous_decision(after, payment_id) if after else None
        if decision is None:
            raise RuntimeError(f"payment {payment_id} was applied but not decided")
        return decision, before is not None
