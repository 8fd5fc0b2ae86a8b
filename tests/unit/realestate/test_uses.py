"""A staff read of a case, a unit's history or the shared queue is a use of the data of
its parties, each logged with the purpose and legal basis of data/data_uses.json (issue
15, item 4)."""

from govshare.common.v1 import types_pb2 as common

from services.realestate import cases, uses
from tests.unit.realestate import events as e


def test_the_subjects_of_a_case_are_its_parties_and_the_declared_spouse_once_each():
    case = cases.open_case(e.applied())
    assert uses.subjects([case]) == [e.SELLER.id, e.BUYER.id]
    spouse = common.Party(kind=common.PARTY_KIND_CITIZEN, id="11010519491231002X", name="配偶")
    case.buyer_spouse = cases.party_json(spouse)
    assert uses.subjects([case, case]) == [e.SELLER.id, e.BUYER.id, spouse.id]
    assert uses.subjects([]) == []


def test_every_read_has_a_purpose_and_a_legal_basis():
    known = uses.load()
    assert set(known) == {uses.CASE_READ, uses.UNIT_HISTORY_READ, uses.QUEUE_READ}
    for use in known.values():
        assert use.purpose and "个人信息保护法" in use.legal_basis and use.described
