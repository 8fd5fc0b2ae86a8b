"""The registration authority (`Registrar`) on the fake runtime: filing, confirmation and
smart review, the review outcomes and the staff queue, registration with its title
re-check, title changes and withdrawal, through its commands and its agent on
`realestate.v1.events`, as app.py wires it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from govshare.common.v1 import types_pb2 as common
from govshare.realestate.v1 import events_pb2 as ev
from govshare.realestate.v1 import types_pb2 as t

from services.kit import waiters
from services.kit.errors import DomainError, Kind
from services.realestate import cases
from services.realestate.cases import Case
from services.realestate.evidence import PURPOSE, RECHECK_PURPOSE
from services.realestate.registrar import Registrar
from services.realestate.reliefs import COUNTED, RESIDENTIAL, Holdings
from services.realestate.review import MISSING, UNAVAILABLE, Evidence
from services.realestate.settings import RealestateSettings
from services.realestate.store import UnitStore
from tests.unit.fakes import FakeRuntime
from tests.unit.realestate import events as e
from tests.unit.realestate.test_review import FOUND

OTHER_CASE = "RE-370105-20250601-0002"
ELSEWHERE = "370105012002GB00001F00010752"  # another home
TAX_STAFF = common.Actor(
    kind=common.ACTOR_KIND_PERSON,
    person_name="赵税务",
    on_behalf_of=common.Party(
        kind=common.PARTY_KIND_DEPARTMENT, id="11370105MB2857497F", name="天桥区税务局"
    ),
    role="window",
)


class Killed(Exception):
    """The process died: nothing after this point happened."""


class CertificateRegistry:
    """What review asks of the certificate registry (EvidenceClient), answered from here:
    the seller's certificate for the unit, and each person's current homes."""

    def __init__(self) -> None:
        self.seller = FOUND
        self.homes: dict[str, tuple[tuple[str, str], ...]] = {e.SELLER.id: ((e.UNIT, RESIDENTIAL),)}
        self.asked: list[tuple[str, str]] = []  # (holder, purpose or role)

    async def seller_certificate(
        self, case_id: str, seller_id: str, unit_code: str, purpose: str = PURPOSE
    ) -> Evidence:
        self.asked.append((seller_id, purpose))
        return self.seller

    async def holdings(self, case_id: str, holder_id: str, role: str) -> Holdings:
        self.asked.append((holder_id, role))
        return Holdings(COUNTED, self.homes.get(holder_id, ()), access_id=f"AX-{role}")


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime("realestate")


@pytest.fixture
def registry() -> CertificateRegistry:
    return CertificateRegistry()


@pytest.fixture
def registrar(runtime: FakeRuntime, registry: CertificateRegistry) -> Registrar:
    store = UnitStore(runtime.faust)
    own = RealestateSettings()
    made = Registrar(runtime, store, registry, own, runtime.clock)  # type: ignore[arg-type]
    runtime.consume("realestate.v1.events", made.on_unit_event, by_key=True)
    return made


def case_of(registrar: Registrar, case_id: str = e.CASE) -> Case:
    found = registrar.store.find_case(case_id)
    assert found is not None
    return found


async def confirmed(registrar: Registrar) -> Case:
    """Filed by the seller, confirmed by the buyer; review has run."""
    filed = await registrar.file(e.applied())
    await registrar.confirm(filed, e.citizen(e.BUYER))
    await registrar.runtime.settle()  # type: ignore[attr-defined]
    return case_of(registrar)


async def paid(runtime: FakeRuntime) -> None:
    await runtime.deliver(e.tax(t.TAX_STAGE_PAID, 60, payment_id="UP-1"), subject=e.UNIT)


def attributed() -> dict[str, str]:
    return {"actor": "person:王窗口", "department": "realestate"}


# --- filing and confirmation ----------------------------------------------------------------


async def test_a_filed_transfer_opens_the_units_one_case(runtime, registrar):
    case = await registrar.file(e.applied(), by=attributed())
    assert case.case_id == e.CASE and case.is_open and not case.confirmed
    assert registrar.store.unit(e.UNIT).open_case == e.CASE
    env, applied = runtime.records()[0]
    assert isinstance(applied, ev.TransferApplied) and env.subject == e.UNIT
    assert env.case_id == e.CASE and env.actor == "person:王窗口"
    assert [entry["id"] for entry in registrar.store.unit_history(e.UNIT)] == [env.dedup_key]


async def test_a_second_filing_on_a_unit_with_an_open_case_is_refused(runtime, registrar):
    await registrar.file(e.applied())
    with pytest.raises(DomainError) as refused:
        await registrar.file(e.applied(OTHER_CASE))
    assert refused.value.field == "unit_code" and e.CASE in refused.value.reason
    assert len(runtime.records()) == 1


async def test_a_filing_not_applied_in_time_names_the_unit_whose_retry_finds_the_case(
    runtime, registrar, monkeypatch
):
    monkeypatch.setattr(waiters, "APPLY_TIMEOUT_S", 0)  # the wait ends before the agent runs
    with pytest.raises(DomainError) as unavailable:
        await registrar.file(e.applied())
    assert unavailable.value.kind is Kind.UNAVAILABLE and unavailable.value.field == "unit_code"
    await runtime.settle()  # the agent applies it after all
    with pytest.raises(DomainError) as retried:  # the filer has no case id: a new one
        await registrar.file(e.applied(OTHER_CASE))
    assert retried.value.extra["open_case"] == e.CASE


async def test_a_racing_second_application_is_rejected_by_the_units_one_writer(runtime, registrar):
    await registrar.file(e.applied())
    await runtime.deliver(e.applied(OTHER_CASE), subject=e.UNIT)  # past the API's check
    (rejected,) = runtime.published(ev.ReviewRejected)
    assert rejected.case_id == OTHER_CASE
    assert [f.check for f in rejected.findings] == [t.REVIEW_CHECK_NO_OTHER_OPEN_CASE]
    assert case_of(registrar, OTHER_CASE).closed == cases.REJECTED
    assert registrar.store.unit(e.UNIT).open_case == e.CASE


async def test_confirmation_starts_review_and_a_clean_case_passes_with_the_counted_reliefs(
    runtime, registry, registrar
):
    case = await confirmed(registrar)
    assert case.confirmed and case.review == cases.PASSED
    passed = runtime.the(ev.ReviewPassed)
    assert passed.seller_certificate == e.CERT
    assert passed.checked_reliefs.buyer_family_existing_homes == 0
    assert passed.checked_reliefs.seller_only_home
    assert set(passed.checked_reliefs.evidence_access_ids) == {"AX-buyer", "AX-seller"}
    assert (e.SELLER.id, PURPOSE) in registry.asked
    with pytest.raises(DomainError):
        await registrar.confirm(case, e.citizen(e.BUYER))


async def test_a_redelivered_filing_restores_the_case_index_a_crash_lost(runtime, registrar):
    """Applying a filing writes the unit (with the case) and the case index, each its own
    changelog record: a SIGKILL may land between them. Then the event is not marked
    applied, comes again, and must complete the index: else the case cannot be found by
    its id (404 on every route) while its unit refuses another filing as open."""
    await registrar.file(e.applied())
    env, applied = runtime.records()[0]
    del registrar.store.case_index[e.CASE]  # the index's changelog record never made it
    del runtime.applied.table[env.dedup_key]  # nor the applied mark, written after both
    assert registrar.store.find_case(e.CASE) is None

    await runtime.redeliver(env, applied)
    assert case_of(registrar).case_id == e.CASE and registrar.store.unit(e.UNIT).open_case == e.CASE
    assert [entry["id"] for entry in registrar.store.unit_history(e.UNIT)] == [env.dedup_key]


async def test_a_redelivered_event_writes_the_history_line_a_crash_lost(runtime, registrar):
    """Applying a case's event writes the unit (the case changed) and then the unit's
    history line, each its own changelog record: a SIGKILL may keep the first and lose
    the second. The event, not marked applied, comes again and no longer changes the
    case; it must still write its line, and only once."""
    await confirmed(registrar)
    env, confirmation = next(
        (env, m) for env, m in runtime.records() if isinstance(m, ev.TransferConfirmed)
    )
    lines = registrar.store.history[e.UNIT]
    assert [x["id"] for x in lines].count(env.dedup_key) == 1
    # The line's changelog record never made it, nor the applied mark, written after both.
    registrar.store.history[e.UNIT] = [x for x in lines if x["id"] != env.dedup_key]
    del runtime.applied.table[env.dedup_key]
    assert case_of(registrar).confirmed

    await runtime.redeliver(env, confirmation)
    assert [x["id"] for x in registrar.store.history[e.UNIT]].count(env.dedup_key) == 1
    assert sorted(x["id"] for x in registrar.store.history[e.UNIT]) == sorted(
        x["id"] for x in lines
    )
    del runtime.applied.table[env.dedup_key]  # and once more: still one line
    await runtime.redeliver(env, confirmation)
    assert [x["id"] for x in registrar.store.history[e.UNIT]].count(env.dedup_key) == 1
    assert [s["step"] for s in case_of(registrar).timeline].count("confirmed") == 1


async def test_an_event_that_changes_nothing_writes_no_history_line(runtime, registrar):
    """A unit's history has a line for each event that changed a case, not for one that
    came too late to (a second withdrawal past the API's check), however often it comes."""
    case = await registrar.file(e.applied())
    await registrar.withdraw(case, e.citizen(e.SELLER), "双方协商解除")
    env, withdrawn = runtime.records()[-1]
    assert isinstance(withdrawn, ev.TransferWithdrawn)
    racing = replace(env, id="racing-withdrawal")
    await runtime.redeliver(racing, withdrawn)
    await runtime.redeliver(racing, withdrawn)
    kinds = [x["event"] for x in registrar.store.unit_history(e.UNIT)]
    assert kinds == ["TransferApplied", "TransferWithdrawn"]


async def test_a_redelivered_confirmation_finishes_a_review_a_crash_cut_short(runtime, registrar):
    filed = await registrar.file(e.applied())
    runtime.producer.fail(Killed(), after=1)  # the process dies producing the outcome
    await registrar.confirm(filed, e.citizen(e.BUYER))
    with pytest.raises(Killed):
        await runtime.settle()
    assert case_of(registrar).review == cases.PENDING and case_of(registrar).confirmed
    runtime.producer.fail(None)
    env, confirmation = runtime.records()[-1]
    assert isinstance(confirmation, ev.TransferConfirmed)

    await runtime.redeliver(env, confirmation)  # never marked applied: it comes again
    passed = runtime.the(ev.ReviewPassed)
    assert case_of(registrar).review == cases.PASSED
    await runtime.redeliver(env, confirmation)  # now marked: skipped
    assert runtime.published(ev.ReviewPassed) == [passed]
    assert [s["step"] for s in case_of(registrar).timeline].count("confirmed") == 1


# --- review outcomes --------------------------------------------------------------------


async def test_a_seller_without_a_current_certificate_is_rejected_and_the_unit_freed(
    runtime, registry, registrar
):
    registry.seller = Evidence(MISSING, "the holder has no 不动产权证书 in the registry")
    case = await confirmed(registrar)
    assert case.closed == cases.REJECTED
    (rejected,) = runtime.published(ev.ReviewRejected)
    assert [f.check for f in rejected.findings] == [t.REVIEW_CHECK_SELLER_HOLDS_CERTIFICATE]
    assert registrar.store.unit(e.UNIT).open_case == ""
    await registrar.file(e.applied(OTHER_CASE))  # the unit takes a new case


async def test_an_unanswered_registry_refers_the_case_to_realestate_staff_who_pass_it(
    runtime, registry, registrar
):
    registry.seller = Evidence(UNAVAILABLE, "UNAVAILABLE: connection refused")
    case = await confirmed(registrar)
    assert case.review == cases.REFERRED and case.referred_to == cases.REALESTATE
    with pytest.raises(DomainError):  # claim first
        await registrar.decide(case, e.STAFF, approve=True, note="已核")
    case = await registrar.claim(case, e.STAFF, cases.REALESTATE)
    assert case.claimed_by == {"staff": e.STAFF.person_name, "department": cases.REALESTATE}
    other = replace_name(e.STAFF, "钱窗口")
    with pytest.raises(DomainError):
        await registrar.claim(case, other, cases.REALESTATE)
    registry.seller = FOUND  # the registry answers again
    case = await registrar.decide(case, e.STAFF, approve=True, note="证书已人工核验")
    assert case.review == cases.PASSED
    passed = runtime.the(ev.ReviewPassed)
    assert passed.decided_by == e.STAFF and passed.note == "证书已人工核验"
    assert t.REVIEW_CHECK_STAFF_JUDGEMENT in passed.checks_passed


async def test_staff_may_reject_a_referred_case(runtime, registry, registrar):
    registry.seller = Evidence(UNAVAILABLE, "UNAVAILABLE: timeout")
    case = await registrar.claim(await confirmed(registrar), e.STAFF, cases.REALESTATE)
    case = await registrar.decide(case, e.STAFF, approve=False, note="材料不全")
    assert case.closed == cases.REJECTED
    assert case.findings == [{"check": "STAFF_JUDGEMENT", "detail": "材料不全"}]


async def test_a_relief_count_that_differs_goes_to_tax_staff_who_decide_the_figures(
    runtime, registry, registrar
):
    registry.homes[e.BUYER.id] = ((ELSEWHERE, RESIDENTIAL),)  # declared: no other home
    case = await confirmed(registrar)
    assert case.review == cases.REFERRED and case.referred_to == cases.TAX
    assert runtime.published(ev.ReviewPassed) == []
    case = await registrar.claim(case, TAX_STAFF, cases.TAX)
    case = await registrar.decide(case, TAX_STAFF, approve=True, note="按登记", family_homes=1)
    assert case.review == cases.PASSED
    passed = runtime.the(ev.ReviewPassed)
    assert passed.checked_reliefs.buyer_family_existing_homes == 1
    assert case.checked_reliefs is not None
    assert case.checked_reliefs["buyer_family_existing_homes"] == 1


# --- registration and the title ------------------------------------------------------------


async def test_review_passed_and_paid_registers_after_the_title_is_checked_again(
    runtime, registry, registrar
):
    await confirmed(registrar)
    await runtime.deliver(e.tax(t.TAX_STAGE_ASSESSED, 40), subject=e.UNIT)
    assert runtime.published(ev.RegistrationCompleted) == []  # not paid yet
    await paid(runtime)
    registered = runtime.the(ev.RegistrationCompleted)
    assert registered.payment_id == "UP-1" and registered.seller_certificate == e.CERT
    assert registered.buyer.id == e.BUYER.id
    case = case_of(registrar)
    assert case.closed == cases.COMPLETED
    assert case.registration_number == registered.registration_number
    assert registered.registration_number.startswith(f"2025-{e.UNIT[:6]}-DJ-")
    assert registry.asked[-1] == (e.SELLER.id, RECHECK_PURPOSE)
    assert registrar.store.unit(e.UNIT).open_case == ""


async def test_a_new_version_of_the_sellers_certificate_stops_registration(
    runtime, registry, registrar
):
    await confirmed(registrar)
    certificate = {**(FOUND.certificate or {}), "version": 2}
    registry.seller = replace(FOUND, certificate=certificate)
    await paid(runtime)
    assert runtime.published(ev.RegistrationCompleted) == []
    referral = runtime.published(ev.ReviewReferred)[-1]
    assert referral.waiting_on == t.DEPARTMENT_REALESTATE
    case = case_of(registrar)
    assert case.is_open and case.review == cases.REFERRED


async def test_a_revoked_seller_certificate_stops_the_open_case_once(runtime, registrar):
    await confirmed(registrar)
    change = ev.TitleChangeRecorded(
        unit_code=e.UNIT,
        change=t.TITLE_CHANGE_CERTIFICATE_REVOKED,
        holder_id=e.SELLER.id,
        certificate=e.CERT,
        detail="COURT_ORDER: 法院裁定",
        caused_by=common.EventRef(source="/govshare/certificates", id="c-1", type="t"),
        occurred_at=e.at(45),
    )
    env = await runtime.deliver(change, subject=e.UNIT)
    await runtime.redeliver(replace(env, id="again"), change)  # the feed said it twice
    case = case_of(registrar)
    assert case.review == cases.REFERRED and case.referred_to == cases.REALESTATE
    assert any("法院裁定" in f["detail"] for f in case.findings)
    assert [s["step"] for s in case.timeline].count("review_referred") == 1
    await paid(runtime)
    assert runtime.published(ev.RegistrationCompleted) == []  # stopped: never registered


async def test_a_title_change_of_another_certificate_leaves_the_case_alone(runtime, registrar):
    await confirmed(registrar)
    other = common.CertificateRef(
        certificate_id=e.CERT.certificate_id.replace("2741", "9999"),
        type_code=e.CERT.type_code,
        version=1,
    )
    change = ev.TitleChangeRecorded(
        unit_code=e.UNIT,
        change=t.TITLE_CHANGE_CERTIFICATE_REVOKED,
        holder_id=e.SELLER.id,
        certificate=other,
        detail="ISSUED_IN_ERROR",
        caused_by=common.EventRef(source="/govshare/certificates", id="c-2", type="t"),
        occurred_at=e.at(45),
    )
    await runtime.deliver(change, subject=e.UNIT)
    assert runtime.published(ev.ReviewReferred) == []
    assert case_of(registrar).review == cases.PASSED


# --- withdrawal ------------------------------------------------------------------------------


async def test_a_withdrawn_case_closes_and_cannot_be_withdrawn_again(runtime, registrar):
    case = await registrar.file(e.applied())
    case = await registrar.withdraw(case, e.citizen(e.SELLER), "双方协商解除")
    assert case.closed == cases.WITHDRAWN
    assert runtime.the(ev.TransferWithdrawn).reason == "双方协商解除"
    assert registrar.store.unit(e.UNIT).open_case == ""
    with pytest.raises(DomainError):
        await registrar.withdraw(case, e.citizen(e.SELLER), "again")


def replace_name(actor: common.Actor, name: str) -> common.Actor:
    other = common.Actor()
    other.CopyFrom(actor)
    other.person_name = name
    return other


# --- the shared queue read, and the rectification of a bad rating -------------------------


async def test_listing_the_queue_logs_a_use_of_each_listed_cases_parties(runtime, registrar):
    await registrar.file(e.applied())
    listed = list(registrar.store.open_entries(lambda _: True))
    await registrar.record_queue_read(listed, e.STAFF, cases.REALESTATE, by=attributed())
    (used,) = runtime.published(ev.DataUseRecorded)
    assert (used.use, used.case_id, used.unit_code) == ("queue-read", e.CASE, e.UNIT)
    assert list(used.holder_ids) == [e.SELLER.id, e.BUYER.id]
    assert used.used_by == e.STAFF and used.purpose and "个人信息保护法" in used.legal_basis
    env, _ = runtime.records()[-1]
    assert env.actor == "person:王窗口" and env.purpose == "queue-read"
    # An entry indexed before entries named their parties is looked up in its case.
    old = [{k: v for k, v in entry.items() if k != "holders"} for entry in listed]
    await registrar.record_queue_read(old, e.STAFF, cases.REALESTATE)
    assert list(runtime.published(ev.DataUseRecorded)[-1].holder_ids) == [e.SELLER.id, e.BUYER.id]


async def test_a_bad_rating_is_rectified_followed_up_and_counted_late_meanwhile(runtime, registrar):
    await confirmed(registrar)
    await runtime.deliver(e.tax(t.TAX_STAGE_ASSESSED, 40), subject=e.UNIT)
    await paid(runtime)
    case = await registrar.evaluate(
        case_of(registrar), "seller", "very-dissatisfied", "窗口不耐烦", e.citizen(e.SELLER)
    )
    (rf_id,) = case.rectifications
    (item,) = registrar.store.open_rectifications(lambda county: county == e.UNIT[:6])
    assert item["rectification_id"] == rf_id and item["case_id"] == e.CASE
    assert registrar.count_late_rectifications() == {}
    runtime.clock.advance(timedelta(days=30))  # past the 15 working days
    assert registrar.count_late_rectifications() == {"rectification": 1}

    case = await registrar.complete_rectification(case, rf_id, "约谈窗口人员", e.STAFF)
    assert case.rectifications[rf_id]["completed_at"]
    assert registrar.count_late_rectifications() == {}  # the follow-up is not yet due
    runtime.clock.advance(timedelta(days=10))
    assert registrar.count_late_rectifications() == {"follow_up": 1}
    case = await registrar.follow_up(case, rf_id, False, "仍不满意", e.STAFF)
    assert runtime.the(ev.CaseRectificationFollowedUp).party_satisfied is False
    assert list(registrar.store.open_rectifications(lambda _: True)) == []
    assert registrar.count_late_rectifications() == {}
    with pytest.raises(DomainError):
        await registrar.follow_up(case, rf_id, True, "again", e.STAFF)
