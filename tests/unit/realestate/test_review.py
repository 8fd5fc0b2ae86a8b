"""Smart review: every failing check is a reason; doubts go to the right department."""

from dataclasses import replace
from datetime import date

from services.realestate import cases, review
from services.realestate.review import Evidence, Seal
from tests.unit.realestate import events as e

TODAY = date(2025, 6, 1)
FOUND = Evidence(
    review.FOUND,
    certificate={
        "certificate_id": e.CERT.certificate_id,
        "type_code": e.CERT.type_code,
        "version": 1,
    },
    fields={"right_holder": "李明", "usage": "住宅", "area_hundredths_m2": "12000"},
    valid_from=date(2016, 8, 20),
)


def case():
    return cases.open_case(e.applied())


def test_a_clean_case_passes_every_check():
    outcome = review.review(case(), FOUND, [], e.CASE, TODAY)
    assert outcome.verdict == "passed"
    assert outcome.passed == list(review.AUTOMATIC_CHECKS)


def test_every_failure_is_listed():
    sealed = Seal("SF-1", "(2025)鲁0105执1234号", date(2028, 5, 19))
    missing = Evidence(review.MISSING, "the holder has no 不动产权证书 in the registry")
    outcome = review.review(case(), missing, [sealed], "RE-OTHER", TODAY)
    assert outcome.verdict == "rejected"
    assert [f.check for f in outcome.rejections] == [
        "SELLER_HOLDS_CERTIFICATE",
        "UNIT_NOT_SEALED",
        "NO_OTHER_OPEN_CASE",
    ]
    assert "(2025)鲁0105执1234号" in outcome.rejections[1].detail
    assert "2028-05-19" in outcome.rejections[1].detail


def test_lifted_or_expired_seals_do_not_block():
    lifted = Seal("SF-1", "c", date(2028, 5, 19), lifted=True)
    expired = Seal("SF-2", "c", date(2025, 5, 31))
    assert review.review(case(), FOUND, [lifted, expired], e.CASE, TODAY).verdict == "passed"


def test_invalid_or_identical_identities_are_rejected():
    bad = case()
    bad.buyer = {**bad.buyer, "id": "370105199107224526"}
    outcome = review.review(bad, FOUND, [], e.CASE, TODAY)
    assert [f.check for f in outcome.rejections] == ["IDENTITIES_VALID"]
    same = case()
    same.buyer = dict(same.seller)
    assert "同一人" in review.review(same, FOUND, [], e.CASE, TODAY).rejections[0].detail


def test_disagreeing_facts_go_to_realestate_staff():
    fields = {**FOUND.fields, "area_hundredths_m2": "9520", "right_holder": "李敏"}
    outcome = review.review(case(), replace(FOUND, fields=fields), [], e.CASE, TODAY)
    assert outcome.verdict == "referred" and outcome.waiting_on == "realestate"
    details = {d.check: d.detail for d in outcome.doubts}
    assert "证载面积 95.20 m²" in details["FACTS_MATCH_CERTIFICATE"]
    assert "李敏" in details["IDENTITIES_VALID"]


def test_an_earlier_declared_acquisition_that_earns_relief_goes_to_tax_staff():
    registered_late = replace(FOUND, valid_from=date(2021, 1, 1))  # < 5 years by the register
    outcome = review.review(case(), registered_late, [], e.CASE, TODAY)
    assert outcome.verdict == "referred" and outcome.waiting_on == "tax"
    assert "满 5 年" in outcome.doubts[0].detail
    harmless = replace(FOUND, valid_from=date(2017, 1, 1))  # 5 years either way
    assert review.review(case(), harmless, [], e.CASE, TODAY).verdict == "passed"


def test_an_unanswered_registry_is_a_doubt_not_a_rejection():
    silent = Evidence(review.UNAVAILABLE, "UNAVAILABLE: connection refused")
    outcome = review.review(case(), silent, [], e.CASE, TODAY)
    assert outcome.verdict == "referred" and outcome.doubts[0].check == "SELLER_HOLDS_CERTIFICATE"
    # ...but staff cannot pass a case whose certificate still cannot be checked.
    assert review.hard_checks(case(), silent, [], e.CASE, TODAY).rejections
