"""The sample certificates (devtools/samples.py) are what the registry accepts from
the authorities named: checked against the certificate catalog, as an issue would be."""

from __future__ import annotations

from datetime import date

import pytest
from govshare.common.v1 import types_pb2 as common

from devtools import samples
from services.certificates import catalog
from services.certificates.domain import IssueCommand, check_issue
from services.kit.identifiers import resident_id_check_char

UNIT = "370105012002GB00001F00010751"
RESIDENT = "37010219800101123"
CITIZEN = common.Party(
    kind=common.PARTY_KIND_CITIZEN, id=RESIDENT + resident_id_check_char(RESIDENT), name="李明"
)
ENTERPRISE = common.Party(  # the power company's USCC: a valid one
    kind=common.PARTY_KIND_ENTERPRISE, id="91370100863014379C", name="泉城示例有限公司"
)


@pytest.mark.parametrize(
    ("request_", "department"),
    [
        (samples.licence_request(ENTERPRISE), "marketreg"),
        (samples.property_request(CITIZEN, UNIT), "realestate"),
        (samples.property_request(ENTERPRISE, UNIT, since=date(2025, 1, 1)), "realestate"),
    ],
)
def test_each_sample_passes_the_registry_s_checks(request_, department):
    command = IssueCommand(
        request_id=request_.request_id,
        type_code=request_.type_code,
        holder=request_.holder,
        issuer_uscc=request_.issuer_uscc,
        valid_from=date(
            request_.valid_from.year, request_.valid_from.month, request_.valid_from.day
        ),
        valid_until=None,
        fields=dict(request_.fields),
    )
    check_issue(command, catalog.load(), department=department)


def test_a_home_for_a_citizen_premises_for_an_enterprise():
    assert samples.property_request(CITIZEN, UNIT).fields["usage"] == "住宅"
    assert samples.property_request(ENTERPRISE, UNIT).fields["usage"] == "商业"


def test_the_transfer_form_names_the_unit_and_the_parties():
    seller, buyer = {"kind": "citizen", "id": "a", "name": "甲"}, {"kind": "citizen", "id": "b"}
    form = samples.transfer_form(UNIT, seller, buyer, area_hundredths_m2=9000)
    assert (form["unit_code"], form["seller"], form["buyer"]) == (UNIT, seller, buyer)
    assert form["area_hundredths_m2"] == 9000
