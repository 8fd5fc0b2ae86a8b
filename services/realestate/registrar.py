"""The registration authority's side of joint cases: applying `realestate.v1.events` to
the unit table, running smart review, registering; and the commands of parties and staff.

Commands validate, produce an event and wait until the agent applied it (read your own
write). The agent is the one writer per unit: it enforces one open case per unit, and
what it derives (a review outcome, a registration) carries an id derived from its cause,
so a redelivered cause re-produces the same, deduplicated, event. Its table writes (the
unit, the case index, the unit's history, the lists) are changelog records of their own,
and a SIGKILL may keep some and lose the rest: an event delivered again completes them
from what the unit's record says (its case, and whether this event changed it:
`cases.applied`), never taking the unit's new state as proof that the rest was written.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime
from typing import Any

from google.protobuf.message import Message
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit.clock import SYSTEM, Clock
from services.kit.consumer import Rejected
from services.kit.envelope import Envelope
from services.kit.errors import conflict
from services.kit.runtime import ServiceRuntime
from services.kit.tally import Tally
from services.kit.waiters import Waiters, derived_id
from services.realestate import (
    applications,
    cases,
    deadlines,
    evaluations,
    history,
    metrics,
    rectifications,
    reliefs,
    review,
    titles,
    uses,
)
from services.realestate.cases import Case
from services.realestate.evidence import RECHECK_PURPOSE, EvidenceClient
from services.realestate.review import Evidence, Finding, Outcome
from services.realestate.settings import RealestateSettings
from services.realestate.store import UnitStore

log = logging.getLogger(__name__)
SOURCE = "/govshare/realestate"


def _check(name: str) -> int:
    return t.ReviewCheck.Value("REVIEW_CHECK_" + name)


def _findings(findings: list[Finding]) -> list[t.ReviewFinding]:
    return [t.ReviewFinding(check=_check(f.check), detail=f.detail) for f in findings]  # type: ignore[arg-type]


def _department(name: str) -> int:
    return t.Department.Value("DEPARTMENT_" + name.upper())


class Registrar:
    def __init__(
        self,
        runtime: ServiceRuntime,
        store: UnitStore,
        evidence: EvidenceClient,
        settings: RealestateSettings,
        clock: Clock = SYSTEM,
    ) -> None:
        self.runtime = runtime
        self.clock = clock
        self.store = store
        self.evidence = evidence
        self.settings = settings
        self.party = common.Party(
            kind=common.PARTY_KIND_DEPARTMENT,
            id=settings.realestate_registrar_uscc,
            name=settings.realestate_registrar_name,
        )
        self.tax_party = common.Party(
            kind=common.PARTY_KIND_DEPARTMENT,
            id=settings.tax_authority_uscc,
            name=settings.tax_authority_name,
        )
        self.waiters = Waiters(runtime.bus)
        # Cases by stage, moved as events apply; one scan per start or rebalance (tally.py).
        self.stages: Tally[str] = Tally(
            rebuild=lambda: Counter(cases.current_stage(c) for c in store.all_cases()),
            epoch=lambda: runtime.faust.consumer_generation_id if runtime.serving else None,
        )
        metrics.CASES.source = self.count_by_stage
        metrics.OVERDUE.source = self.count_overdue
        metrics.RECTIFICATIONS_OVERDUE.source = self.count_late_rectifications
        self.time_limit = deadlines.load()

    @property
    def system(self) -> common.Actor:
        return common.Actor(
            kind=common.ACTOR_KIND_SYSTEM, system_id=SOURCE, on_behalf_of=self.party, role="system"
        )

    def department_party(self, department: str) -> common.Party:
        return self.tax_party if department == cases.TAX else self.party

    def count_by_stage(self) -> dict[str, int]:
        return self.stages.counts()

    def count_overdue(self) -> dict[str, int]:
        """From the open-cases index: open cases only, and no case decoded."""
        entries = self.store.open_entries(lambda _: True)
        return deadlines.overdue_of_entries(entries, self.clock.today(), self.time_limit)

    def count_late_rectifications(self) -> dict[str, int]:
        """From the open-rectifications index: none followed up is read."""
        items = self.store.open_rectifications(lambda _: True)
        return rectifications.overdue(items, self.clock.today())

    # --- the agent on realestate.v1.events ------------------------------------------------

    async def on_unit_event(self, env: Envelope, message: Message) -> None:
        try:
            if isinstance(message, ev.TransferApplied):
                await self._open(env, message)
            elif isinstance(message, ev.TitleChangeRecorded):
                await self._title_changed(env, message)
            elif isinstance(message, ev.CertificateIssuanceRecorded):
                self._record(env, message)  # the unit's history; its case's last step
            elif isinstance(message, ev.DataUseRecorded):
                pass  # for the holders' access logs (certificates); nothing changes here
            else:
                await self._advance(env, message)  # a step of its case: cases.APPLIERS
        finally:
            self.waiters.wake(env.id)  # also when applying failed: the caller must not hang

    async def _open(self, env: Envelope, applied: ev.TransferApplied) -> None:
        unit = self.store.unit(applied.unit_code)
        case = unit.case(applied.case_id)
        if case is None:
            case = cases.open_case(applied)
            if not unit.open_case:
                unit.open_case = case.case_id
            unit.put(case)
            self.store.put_unit(unit)
            self.stages.move(None, cases.current_stage(case))
        # Each table write is a changelog record of its own: a SIGKILL may keep the unit's
        # and lose the rest, and the event, not marked applied, comes again. Its own case
        # then completes the index (else no route finds the case by its id, while the unit
        # refuses another filing) and the unit's history (deduplicated by event id).
        if self.store.case_index.get(case.case_id) != unit.unit_code:
            self.store.case_index[case.case_id] = unit.unit_code
        self._record(env, applied)
        self.store.index(case)
        self.waiters.wake(env.id)
        if case.is_open and unit.open_case != case.case_id:
            # A racing second application (the API refuses the ordinary case): the
            # partition owner, the one writer of the unit, rejects it.
            outcome = Outcome()
            review.check_open_case(case, unit.open_case, outcome)
            await self._publish_outcome(env, case, outcome)

    async def _advance(self, env: Envelope, message: Message) -> None:
        unit_code: str = message.unit_code  # type: ignore[attr-defined]
        case_id: str = message.case_id  # type: ignore[attr-defined]
        unit = self.store.unit(unit_code)
        case = unit.case(case_id)
        if case is None:
            raise Rejected("case_id", f"no case {case_id} on unit {unit_code}")
        stage = cases.current_stage(case)
        if cases.apply(case, message, env.dedup_key):
            unit.put(case)
            self.store.put_unit(unit)
            self._count(case, message)
            self.stages.move(stage, cases.current_stage(case))
        # As in `_open`: a SIGKILL may keep the unit's record and lose the history line's,
        # and the event, not marked applied, comes again and changes nothing this time.
        # The case says whether it was applied (and not refused as too late, which gets
        # no line); its line is then written again (deduplicated by event id).
        if cases.applied(case, env.dedup_key):
            self._record(env, message)
        self.store.index(case)
        # The command that produced the event reads its write now; review may take a while.
        self.waiters.wake(env.id)
        # Follow-ups run even when nothing changed: after a crash between applying and
        # producing, the redelivered event finishes the job (with the same event ids).
        if (
            isinstance(message, ev.TransferConfirmed)
            and case.is_open
            and case.review == cases.PENDING
        ):
            await self._review(env, case)
        if case.ready_to_register:
            await self._register(env, case)

    async def _title_changed(self, env: Envelope, message: ev.TitleChangeRecorded) -> None:
        """The seller's certificate or a court seal changed: stop the unit's open case if
        it relied on that title (titles.py); the referral names the change."""
        unit = self.store.unit(message.unit_code)
        case = unit.case(unit.open_case) if unit.open_case else None
        change = titles.TitleChange(
            kind=t.TitleChange.Name(message.change).removeprefix("TITLE_CHANGE_"),
            detail=message.detail,
            holder_id=message.holder_id,
            certificate_id=message.certificate.certificate_id,
        )
        if case is None or not titles.affects(case, change):
            return
        metrics.TITLE_RECHECKS.labels("changed", "referred").inc()
        await self._refer(case, [titles.finding(change)], derived_id(env.dedup_key, "title-change"))

    async def _refer(self, case: Case, findings: list[Finding], event_id: str) -> None:
        """Stop a case and put it in the shared queue, for realestate window staff."""
        await self.runtime.bus.publish(
            ev.ReviewReferred(
                unit_code=case.unit_code,
                case_id=case.case_id,
                findings=_findings(findings),
                waiting_on=_department(cases.REALESTATE),  # type: ignore[arg-type]
                referred_by=self.system,
                referred_at=self.clock.stamp(),
            ),
            subject=case.unit_code,
            event_id=event_id,
            case_id=case.case_id,
        )

    def _record(self, env: Envelope, message: Message) -> None:
        entry = history.of_realestate(message)
        if entry is not None:
            self.store.record_unit(message.unit_code, entry, env.dedup_key)  # type: ignore[attr-defined]

    def _count(self, case: Case, message: Message) -> None:
        if isinstance(message, ev.ReviewPassed):
            who = "staff" if message.decided_by.kind == common.ACTOR_KIND_PERSON else "system"
            metrics.REVIEWS.labels("passed", who).inc()
        elif isinstance(message, ev.ReviewRejected):
            who = "staff" if message.decided_by.kind == common.ACTOR_KIND_PERSON else "system"
            metrics.REVIEWS.labels("rejected", who).inc()
        elif isinstance(message, ev.ReviewReferred):
            metrics.REVIEWS.labels("referred", "system").inc()
        if isinstance(message, ev.ReviewRejected | ev.ReviewReferred):
            for finding in message.findings:
                metrics.FINDINGS.labels(cases.check_name(finding.check)).inc()
        if case.closed and isinstance(
            message, ev.ReviewRejected | ev.TransferWithdrawn | ev.RegistrationCompleted
        ):
            metrics.CASES_CLOSED.labels(case.closed).inc()
        if isinstance(message, ev.CaseEvaluated):
            name = t.EvaluationGrade.Name(message.grade).removeprefix("EVALUATION_GRADE_")
            metrics.EVALUATIONS.labels(name.lower()).inc()
        elif isinstance(message, ev.CaseRectificationOpened):
            metrics.RECTIFICATIONS.inc()
        elif isinstance(message, ev.CaseRectificationCompleted):
            metrics.RECTIFICATIONS_CLOSED.labels("completed").inc()
        elif isinstance(message, ev.CaseRectificationFollowedUp):
            metrics.RECTIFICATIONS_CLOSED.labels("followed_up").inc()
        if isinstance(message, ev.RegistrationCompleted):
            metrics.COMPLETION_SECONDS.observe(
                max(cases.seconds_between(case.applied_at, cases.iso(message.registered_at)), 0)
            )

    # --- smart review -----------------------------------------------------------------------

    async def _review(self, env: Envelope, case: Case) -> None:
        evidence, counted = await asyncio.gather(
            self.evidence.seller_certificate(case.case_id, case.seller["id"], case.unit_code),
            self._count_reliefs(case),
        )
        # Read after the call: the court feed may have sealed the unit meanwhile.
        unit = self.store.unit(case.unit_code)
        outcome = review.review(
            case, evidence, self.store.seals_of(case.unit_code), unit.open_case, self.clock.today()
        )
        outcome.doubts += counted.findings
        await self._publish_outcome(env, case, outcome, evidence, counted.reliefs)

    async def _count_reliefs(self, case: Case) -> reliefs.Check:
        """The homes the reliefs depend on, counted from the registry (reliefs.py): the
        buyer's and the declared spouse's, and the seller's, asked concurrently."""

        async def holdings(party: dict[str, Any] | None, role: str) -> reliefs.Holdings | None:
            if party is None:
                return None
            return await self.evidence.holdings(case.case_id, party["id"], role)

        buyer, spouse, seller = await asyncio.gather(
            holdings(case.buyer if reliefs.checks_buyer(case) else None, "buyer"),
            holdings(case.buyer_spouse if reliefs.checks_buyer(case) else None, "spouse"),
            holdings(case.seller if reliefs.checks_seller(case) else None, "seller"),
        )
        return reliefs.check(case, buyer, spouse, seller)

    async def _publish_outcome(
        self,
        env: Envelope,
        case: Case,
        outcome: Outcome,
        evidence: Evidence | None = None,
        checked: reliefs.Reliefs | None = None,
    ) -> None:
        event_id = derived_id(env.dedup_key, "review")
        message: Message
        if outcome.verdict == "rejected":
            message = ev.ReviewRejected(
                unit_code=case.unit_code,
                case_id=case.case_id,
                findings=_findings(outcome.rejections + outcome.doubts),
                decided_by=self.system,
                rejected_at=self.clock.stamp(),
            )
        elif outcome.verdict == "referred":
            message = ev.ReviewReferred(
                unit_code=case.unit_code,
                case_id=case.case_id,
                findings=_findings(outcome.doubts),
                waiting_on=_department(outcome.waiting_on),  # type: ignore[arg-type]
                referred_by=self.system,
                referred_at=self.clock.stamp(),
            )
        else:
            assert evidence is not None and evidence.certificate is not None
            checks = [*outcome.passed, reliefs.RELIEFS_MATCH_REGISTRY]
            message = self._passed(case, evidence, checks, self.system, checked=checked)
        await self.runtime.bus.publish(
            message, subject=case.unit_code, event_id=event_id, case_id=case.case_id
        )

    def _passed(
        self,
        case: Case,
        evidence: Evidence,
        checks: list[str],
        actor: common.Actor,
        note: str = "",
        *,
        checked: reliefs.Reliefs | None,
    ) -> ev.ReviewPassed:
        assert evidence.certificate is not None
        passed = ev.ReviewPassed(
            unit_code=case.unit_code,
            case_id=case.case_id,
            checks_passed=[_check(c) for c in checks],  # type: ignore[misc]
            seller_certificate=common.CertificateRef(**evidence.certificate),
            evidence_access_id=evidence.access_id,
            decided_by=actor,
            note=note,
            passed_at=self.clock.stamp(),
        )
        if checked is not None:
            # What the tax office assesses with, instead of the declared figures; absent,
            # the case's bill stands (tax assesses only a pass that carries them).
            passed.checked_reliefs.CopyFrom(
                t.CheckedReliefs(
                    buyer_family_existing_homes=checked.buyer_family_existing_homes,
                    seller_only_home=checked.seller_only_home,
                    basis=checked.basis,
                    evidence_access_ids=list(checked.access_ids),
                )
            )
        location = evidence.fields.get("location")
        if location:
            passed.registered_location.CopyFrom(
                common.Address(division_code=case.unit_code[:6], text=location)
            )
        return passed

    # --- registration -----------------------------------------------------------------------

    async def _register(self, env: Envelope, case: Case) -> None:
        """Review passed and the bill paid: enter the transfer in the register, unless the
        title changed since review (the seller's certificate is no longer the current one
        review relied on, or a court sealed the unit): then the case stops and goes to the
        window. The registry is asked again rather than trusting the feed, which may not
        have told us yet."""
        evidence = await self.evidence.seller_certificate(
            case.case_id, case.seller["id"], case.unit_code, RECHECK_PURPOSE
        )
        recheck = titles.before_registration(
            case, evidence, self.store.seals_of(case.unit_code), self.clock.today()
        )
        if recheck.doubts:
            metrics.TITLE_RECHECKS.labels("registration", "referred").inc()
            # Named by its cause: a redelivered cause re-produces the same referral.
            await self._refer(case, recheck.doubts, derived_id(env.dedup_key, "title-recheck"))
            return
        metrics.TITLE_RECHECKS.labels("registration", "held").inc()
        await self.runtime.bus.publish(
            self.registration(case),
            subject=case.unit_code,
            event_id=derived_id(case.case_id, "registration"),
            case_id=case.case_id,
        )

    def registration(self, case: Case) -> ev.RegistrationCompleted:
        assert case.seller_certificate is not None
        location = case.registered_location or case.location
        address = (
            cases.address_proto(location)
            if location
            else common.Address(division_code=case.unit_code[:6], text=case.unit_code)
        )
        return ev.RegistrationCompleted(
            unit_code=case.unit_code,
            case_id=case.case_id,
            registration_number=(
                f"{self.clock.today():%Y}-{case.unit_code[:6]}-DJ-{case.case_id.rsplit('-', 1)[-1]}"
            ),
            registrar=self.party,
            buyer=cases.party_proto(case.buyer),
            seller=cases.party_proto(case.seller),
            seller_certificate=common.CertificateRef(**case.seller_certificate),
            usage=case.usage,  # type: ignore[arg-type]
            area_hundredths_m2=case.area_hundredths_m2,
            location=address,
            right_type=self.settings.realestate_right_type,
            certificate_count=case.certificate_count,
            assessment_id=case.assessment_id,
            payment_id=case.payment_id,
            registered_by=self.system,
            registered_at=self.clock.stamp(),
        )

    # --- uses of people's data (each in the holders' access logs) ---------------------------

    async def record_use(
        self,
        use: str,
        unit_code: str,
        cases_read: list[Case],
        actor: common.Actor,
        department: str,
        *,
        case_id: str = "",
        by: dict[str, str] | None = None,
    ) -> None:
        """Log a staff member's read of the data of the cases' parties before it is
        answered: a read that cannot be logged is not answered."""
        holders = uses.subjects(cases_read)
        await self._publish_use(use, unit_code, holders, actor, department, case_id, by)

    async def _publish_use(
        self,
        use: str,
        unit_code: str,
        holders: list[str],
        actor: common.Actor,
        department: str,
        case_id: str,
        by: dict[str, str] | None,
    ) -> None:
        if not holders:
            return
        known = uses.load()[use]
        await self.runtime.bus.publish(
            ev.DataUseRecorded(
                unit_code=unit_code,
                case_id=case_id,
                holder_ids=holders,
                user=self.department_party(department),
                used_by=actor,
                use=use,
                purpose=known.purpose,
                legal_basis=known.legal_basis,
                data_described=f"{known.described} ({case_id or unit_code})",
                occurred_at=self.clock.stamp(),
            ),
            subject=unit_code,
            case_id=case_id or None,
            purpose=use,
            **(by or {}),
        )

    async def record_queue_read(
        self,
        listed: list[dict[str, Any]],
        actor: common.Actor,
        department: str,
        *,
        by: dict[str, str] | None = None,
    ) -> None:
        """A staff member listed the shared queue (its index entries, queue.entry): a use of
        the data of each listed case's parties, one record per case (keyed by its unit, like
        a case read), all logged before the queue is answered."""
        await asyncio.gather(
            *(
                self._publish_use(
                    uses.QUEUE_READ,
                    entry["unit_code"],
                    self._holders(entry),
                    actor,
                    department,
                    entry["case_id"],
                    by,
                )
                for entry in listed
            )
        )

    def _holders(self, entry: dict[str, Any]) -> list[str]:
        """Whose data a queue entry shows; an entry indexed before entries named them
        (not rewritten since) is looked up in its case."""
        if "holders" in entry:
            return list(entry["holders"])
        case = self.store.find_case(entry["case_id"])
        return uses.subjects([case] if case else [])

    # --- commands ---------------------------------------------------------------------------

    async def emit(self, message: Message, case: Case, by: dict[str, str] | None = None) -> Case:
        """Produce a command's event and wait until it is applied; `by` says who asked
        (ce_actor, ce_department: services.kit.audit)."""
        await self.waiters.emit(
            message,
            subject=case.unit_code,
            wait=True,
            retry_field="case_id",  # the case in the command's path
            case_id=case.case_id,
            **(by or {}),
        )
        updated = self.store.unit(case.unit_code).case(case.case_id)
        assert updated is not None
        return updated

    def new_case_id(self, unit_code: str, now: datetime) -> str:
        """A case is decided by its unit's owner (with N workers the request goes there:
        services/kit/forwarding.py) and its id is born on the unit's partition, so
        everything keyed by either (tax's case, the payment channel's events) lives on
        the same worker."""
        self.runtime.claim(unit_code)
        return self.runtime.key_beside(unit_code, lambda: applications.new_case_id(unit_code, now))

    async def file(self, applied: ev.TransferApplied, by: dict[str, str] | None = None) -> Case:
        unit = self.store.unit(applied.unit_code)
        if unit.open_case:
            raise conflict(
                "unit_code",
                f"{review.NO_OTHER_OPEN_CASE}: 该单元已有未办结的转移登记案件 {unit.open_case}",
                open_case=unit.open_case,
            )
        # The filer has no case id yet (new_case_id makes it): a retry for the same unit
        # finds a first filing that was applied as the unit's open case (the conflict above).
        await self.waiters.emit(
            applied,
            subject=applied.unit_code,
            wait=True,
            retry_field="unit_code",
            case_id=applied.case_id,
            **(by or {}),
        )
        case = self.store.find_case(applied.case_id)
        assert case is not None
        return case

    async def confirm(
        self, case: Case, actor: common.Actor, by: dict[str, str] | None = None
    ) -> Case:
        if case.closed or case.confirmed:
            raise conflict("case_id", f"the case is {cases.current_stage(case)}")
        return await self.emit(
            ev.TransferConfirmed(
                unit_code=case.unit_code,
                case_id=case.case_id,
                confirmed_by=actor,
                confirmed_at=self.clock.stamp(),
            ),
            case,
            by,
        )

    async def withdraw(
        self, case: Case, actor: common.Actor, reason: str, by: dict[str, str] | None = None
    ) -> Case:
        if case.closed:
            raise conflict("case_id", f"the case is already {case.closed}")
        return await self.emit(
            ev.TransferWithdrawn(
                unit_code=case.unit_code,
                case_id=case.case_id,
                withdrawn_by=actor,
                reason=reason,
                withdrawn_at=self.clock.stamp(),
            ),
            case,
            by,
        )

    async def evaluate(
        self,
        case: Case,
        role: str,
        grade: str,
        comment: str,
        actor: common.Actor,
        by: dict[str, str] | None = None,
    ) -> Case:
        """A party rates the completed case (好差评); a bad grade opens a rectification."""
        # evaluations.EvaluationRefused is a DomainError: the answer names the field
        events = evaluations.evaluate(
            case, role, grade, comment, actor, self.clock.now(), evaluations.load()
        )
        await self.waiters.emit_all(
            events,
            subject=case.unit_code,
            wait=True,
            retry_field="case_id",
            case_id=case.case_id,
            **(by or {}),
        )
        updated = self.store.unit(case.unit_code).case(case.case_id)
        assert updated is not None
        return updated

    async def complete_rectification(
        self,
        case: Case,
        rectification_id: str,
        action: str,
        actor: common.Actor,
        by: dict[str, str] | None = None,
    ) -> Case:
        """Window staff completed the rectification a bad grade opened; the follow-up
        (回访) is then due (rectifications.py)."""
        events = rectifications.complete(
            case, rectification_id, action, actor, self.clock.now(), evaluations.load()
        )
        return await self.emit(events[0], case, by)

    async def follow_up(
        self,
        case: Case,
        rectification_id: str,
        satisfied: bool,
        note: str,
        actor: common.Actor,
        by: dict[str, str] | None = None,
    ) -> Case:
        """Window staff followed up with the party (回访): the rectification closes."""
        events = rectifications.follow_up(
            case, rectification_id, satisfied, note, actor, self.clock.now()
        )
        return await self.emit(events[0], case, by)

    async def claim(
        self, case: Case, actor: common.Actor, department: str, by: dict[str, str] | None = None
    ) -> Case:
        if case.review != cases.REFERRED or case.closed:
            raise conflict("case_id", "only a case referred to staff can be claimed")
        if case.claimed_by is not None:
            if case.claimed_by["staff"] == actor.person_name:
                return case  # claiming again is harmless
            raise conflict("case_id", f"already claimed by {case.claimed_by['staff']}")
        return await self.emit(
            ev.CaseClaimed(
                unit_code=case.unit_code,
                case_id=case.case_id,
                claimed_by=actor,
                department=_department(department),  # type: ignore[arg-type]
                claimed_at=self.clock.stamp(),
            ),
            case,
            by,
        )

    async def decide(
        self,
        case: Case,
        actor: common.Actor,
        *,
        approve: bool,
        note: str,
        by: dict[str, str] | None = None,
        family_homes: int | None = None,
        seller_only_home: bool | None = None,
    ) -> Case:
        """A staff decision on a claimed, referred case. Approving re-checks what judgement
        cannot override (the seller's current certificate, seals, the one open case) and
        counts the reliefs again; staff may set the relief figures (else the count holds)."""
        if case.review != cases.REFERRED or case.closed:
            raise conflict("case_id", "only a referred case awaits a decision")
        if case.claimed_by is None or case.claimed_by["staff"] != actor.person_name:
            raise conflict("case_id", "claim the case before deciding it")
        if not approve:
            findings = [Finding(review.STAFF_JUDGEMENT, note)]
            return await self.emit(
                ev.ReviewRejected(
                    unit_code=case.unit_code,
                    case_id=case.case_id,
                    findings=_findings(findings),
                    decided_by=actor,
                    rejected_at=self.clock.stamp(),
                ),
                case,
                by,
            )
        evidence, counted = await asyncio.gather(
            self.evidence.seller_certificate(case.case_id, case.seller["id"], case.unit_code),
            self._count_reliefs(case),
        )
        unit = self.store.unit(case.unit_code)
        blocking = review.hard_checks(
            case, evidence, self.store.seals_of(case.unit_code), unit.open_case, self.clock.today()
        )
        if blocking.rejections:
            raise conflict(
                "decision",
                "; ".join(f.detail for f in blocking.rejections),
                findings=[{"check": f.check, "detail": f.detail} for f in blocking.rejections],
            )
        checks = [
            review.STAFF_JUDGEMENT,
            review.SELLER_HOLDS_CERTIFICATE,
            review.UNIT_NOT_SEALED,
            review.NO_OTHER_OPEN_CASE,
            review.BOTH_PARTIES_CONFIRMED,
        ]
        if case.referred_to == cases.REALESTATE and counted.findings:
            # The relief figures are tax's to decide: realestate staff hand the case over
            # with their judgement rather than pass it on a disputed count.
            judged = Finding(review.STAFF_JUDGEMENT, f"不动产窗口审核通过: {note}")
            handed = [judged, *counted.findings]
            return await self.emit(
                ev.ReviewReferred(
                    unit_code=case.unit_code,
                    case_id=case.case_id,
                    findings=_findings(handed),
                    waiting_on=_department(cases.TAX),  # type: ignore[arg-type]
                    referred_by=actor,
                    referred_at=self.clock.stamp(),
                ),
                case,
                by,
            )
        assert counted.reliefs is not None
        checked = reliefs.decided(counted.reliefs, family_homes, seller_only_home, note)
        # If the bill already rests on these figures, the pass omits them: tax leaves it be.
        bill = checked if reliefs.needs_assessment(case, checked) else None
        passed = self._passed(case, evidence, checks, actor, note, checked=bill)
        return await self.emit(passed, case, by)
