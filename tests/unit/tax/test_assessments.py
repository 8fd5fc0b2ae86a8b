"""The bill uses the relief figures review checked against the registry, not the form."""

from govshare.realestate.v1 import types_pb2 as re_types

from services.tax import assessments
from tests.unit.realestate import events as e


def test_checked_reliefs_replace_the_declared_ones():
    applied = e.applied()  # declares a first home for the buyer, the seller's only home
    declared = assessments.facts_of(applied)
    assert (declared.buyer_family_existing_homes, declared.seller_only_home) == (0, True)
    checked = re_types.CheckedReliefs(
        buyer_family_existing_homes=1, seller_only_home=False, basis="不动产登记信息核验"
    )
    facts = assessments.facts_of(applied, checked)
    assert (facts.buyer_family_existing_homes, facts.seller_only_home) == (1, False)
    assert facts.price_fen == declared.price_fen  # everything else as filed
