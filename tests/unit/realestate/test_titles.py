"""The title re-check: before registration and on every change of the seller's certificate
or a court seal, a case whose title no longer holds stops and goes to the window."""

from dataclasses import replace
from datetime import date

from services.realestate import cases, review, titles
from services.realestate.review import Evidence, Seal
from services.realestate.titles import TitleChange
from tests.unit.realestate import events as e

TODAY = date(2025, 6, 3)
REVIEWED = {"certificate_id": e.CERT.certificate_id, "type_code": e.CERT.type_code, "version": 1}
CURRENT = Evidence(review.FOUND, certificate=dict(REVIEWED))


def passed_case() -> cases.Case:
    case = cases.open_case(e.applied())
    cases.apply(case, e.confirmed())
    cases.apply(case, e.passed())
    return case


def test_the_title_review_relied_on_still_holds():
    assert titles.before_registration(passed_case(), CURRENT, [], TODAY).doubts == []


def test_a_certificate_revoked_or_suspended_since_review_stops_registration():
    revoked = Evidence(review.NOT_CURRENT, "the registry records it as revoked")
    outcome = titles.before_registration(passed_case(), revoked, [], TODAY)
    assert outcome.verdict == "referred" and outcome.waiting_on == "realestate"
    (finding,) = outcome.doubts
    assert finding.check == "SELLER_HOLDS_CERTIFICATE" and "revoked" in finding.detail
    missing = Evidence(review.MISSING, "the holder has no 不动产权证书 in the registry")
    assert titles.before_registration(passed_case(), missing, [], TODAY).doubts


def test_a_new_version_of_the_certificate_is_not_what_review_relied_on():
    newer = Evidence(review.FOUND, certificate={**REVIEWED, "version": 2})
    (finding,) = titles.before_registration(passed_case(), newer, [], TODAY).doubts
    assert "第 1 版" in finding.detail and "第 2 版" in finding.detail


def test_an_unanswered_check_also_stops_registration():
    down = Evidence(review.UNAVAILABLE, "UNAVAILABLE: connection refused")
    (finding,) = titles.before_registration(passed_case(), down, [], TODAY).doubts
    assert "无法核验" in finding.detail and "connection refused" in finding.detail


def test_a_seal_since_review_stops_registration_and_a_lifted_one_does_not():
    sealed = Seal("SF-1", "(2025)鲁0105执1234号", date(2028, 5, 19))
    outcome = titles.before_registration(passed_case(), CURRENT, [sealed], TODAY)
    assert [f.check for f in outcome.doubts] == ["UNIT_NOT_SEALED"]
    assert "(2025)鲁0105执1234号" in outcome.doubts[0].detail
    lifted = replace(sealed, lifted=True)
    assert titles.before_registration(passed_case(), CURRENT, [lifted], TODAY).doubts == []


def revoked(holder: str = e.SELLER.id, certificate: str = e.CERT.certificate_id) -> TitleChange:
    return TitleChange(titles.CERTIFICATE_REVOKED, "COURT_ORDER", holder, certificate)


def test_a_change_of_the_sellers_reviewed_certificate_affects_the_open_case():
    case = passed_case()
    assert titles.affects(case, revoked())
    suspended = TitleChange(
        titles.CERTIFICATE_SUSPENDED, "更正登记", e.SELLER.id, e.CERT.certificate_id
    )
    assert titles.affects(case, suspended)
    assert titles.affects(case, TitleChange(titles.UNIT_SEALED, "(2025)鲁0105执1号"))


def test_changes_that_do_not_touch_the_case_are_ignored():
    case = passed_case()
    assert not titles.affects(case, revoked(holder=e.BUYER.id))  # someone else's certificate
    assert not titles.affects(case, revoked(certificate="1.2.156.other"))  # not the one reviewed
    unconfirmed = cases.open_case(e.applied())  # review will read current data anyway
    assert not titles.affects(unconfirmed, revoked())
    closed = passed_case()
    cases.apply(closed, e.registered())  # registration itself revokes the seller's certificate
    assert not titles.affects(closed, revoked())


def test_a_change_while_review_is_still_running_affects_the_case():
    case = cases.open_case(e.applied())
    cases.apply(case, e.confirmed())
    assert case.review == cases.PENDING and titles.affects(case, revoked())


def test_the_finding_names_the_change_and_its_reason():
    finding = titles.finding(revoked())
    assert finding.check == "SELLER_HOLDS_CERTIFICATE"
    assert "注销" in finding.detail and "COURT_ORDER" in finding.detail
    seal = titles.finding(TitleChange(titles.UNIT_SEALED, "天桥区人民法院 (2025)鲁0105执1号"))
    assert seal.check == "UNIT_NOT_SEALED" and "(2025)鲁0105执1号" in seal.detail
