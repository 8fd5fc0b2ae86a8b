"""What department feeds make the registry issue (pure), against the contract samples."""

from datetime import date

from govshare.common.v1 import types_pb2 as common
from govshare.tax.v1 import events_pb2 as tax
from govshare.tax.v1 import types_pb2 as tax_types

from services.certificates import catalog, feeds
from services.certificates.domain import IssueCommand
from services.kit.jsonevents import parse_event
from tests.samples import sample_objects

CATALOG = catalog.load()
BUYER = "370105199107224525"
SELLER = "370102198003152316"


def _cleared() -> tax.PaymentCleared:
    obj = next(o for o in sample_objects() if o["type"] == "govshare.tax.v1.PaymentCleared")
    message = parse_event(obj).message
    assert isinstance(message, tax.PaymentCleared)
    return message


def _certificates(message: tax.PaymentCleared) -> dict[str, IssueCommand]:
    commands = feeds.actions_for(message, "/govshare/tax|ev-1", CATALOG)
    assert all(isinstance(c, IssueCommand) for c in commands)
    return {c.holder.id: c for c in commands if isinstance(c, IssueCommand)}


def test_the_tax_payment_certificate_counts_taxes_not_the_registration_fee():
    """Errors of record (issue 15): the registration fee (不动产登记费, 发改价格规〔2016〕2559号)
    is non-tax revenue of the registration agency with its own voucher; the tax payment
    certificate (完税证明, 《税收征收管理法实施细则》第四十五条) attests only the tax paid
    (shared/DOMAIN.md: "The tax payment certificate lists taxes only, never the fee")."""
    cleared = _cleared()
    fee = [x for x in cleared.lines if x.kind == tax_types.LINE_KIND_REGISTRATION_FEE]
    assert [x.amount.fen for x in fee] == [8_000]  # the sample pays 80 yuan of fee ...
    assert cleared.amount.fen == 2_358_000  # ... within one payment of 23 580 yuan
    issued = _certificates(cleared)
    assert issued[BUYER].fields["total_tax_fen"] == "2350000"  # the deed tax alone
    assert issued[SELLER].fields["total_tax_fen"] == "0"  # every seller tax exempt


def test_a_payer_of_fees_only_gets_no_tax_payment_certificate():
    cleared = _cleared()
    payer = common.Party(kind=common.PARTY_KIND_CITIZEN, id="11010519491231002X", name="王五")
    extra = cleared.lines.add(kind=tax_types.LINE_KIND_EXTRA_CERTIFICATE_FEE, payer=payer)
    extra.amount.fen = 1_000
    assert "11010519491231002X" not in _certificates(cleared)


def _property_certificate(registered_at: str) -> IssueCommand:
    obj = next(
        o for o in sample_objects() if o["type"] == "govshare.realestate.v1.RegistrationCompleted"
    )
    obj = obj | {"data": obj["data"] | {"registered_at": registered_at}}
    message = parse_event(obj).message
    (issued, *_) = feeds.actions_for(message, "/govshare/realestate|ev-1", CATALOG)
    assert isinstance(issued, IssueCommand)
    return issued


def test_a_certificate_issued_at_23_30_utc_is_valid_from_the_next_shanghai_date():
    """Business dates are Asia/Shanghai dates (issue 16, item 3), not the UTC date: a
    registration completed at 23:30 UTC was completed at 07:30 the next morning in Jinan."""
    assert _property_certificate("2025-06-01T23:30:00Z").valid_from == date(2025, 6, 2)
    assert _property_certificate("2025-06-01T15:59:59Z").valid_from == date(2025, 6, 1)
    cleared = _cleared()
    cleared.cleared_at.FromJsonString("2025-06-01T23:30:00Z")
    assert {c.valid_from for c in _certificates(cleared).values()} == {date(2025, 6, 2)}


def test_every_feed_event_type_is_handled_or_ignored():
    from services.certificates.app import FEED_TOPICS
    from services.kit.registry import events_of_topic

    types = [t.message_class for topic in FEED_TOPICS for t in events_of_topic(topic)]
    assert feeds.FEEDS.covers(types) == []
    assert set(feeds.DATA_USE_EVENTS) <= feeds.FEEDS.ignored  # FeedHandler logs them
