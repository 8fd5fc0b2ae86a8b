"""Sample certificates and forms, as the issuing departments and applicants would make
them: one place for the demo sign-in (services/portal/dev.py), the bench and the tests.

The codes are the catalog's (services/certificates/data): the business licence and the
real-estate certificate types, and the two authorities that issue them in Jinan.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.common.v1 import types_pb2 as common

LICENCE = "11100000000018833X001"  # 营业执照
PROPERTY = "111000000000193186001"  # 不动产权证书
TAX_PAYMENT = "11100000000019334U001"  # 完税证明
MARKETREG = "11370100004251392E"  # the market regulation authority (issues licences)
REGISTRAR = "123701004931056272"  # the real-estate registration authority
ADDRESS = "济南市天桥区北园大街1号"


def _date(day: date) -> common.Date:
    return common.Date(year=day.year, month=day.month, day=day.day)


def licence_request(
    holder: common.Party, *, since: date = date(2020, 1, 1)
) -> svc.IssueCertificateRequest:
    """A business licence for an enterprise, issued by market regulation."""
    return svc.IssueCertificateRequest(
        request_id=str(uuid.uuid4()),
        type_code=LICENCE,
        holder=holder,
        issuer_uscc=MARKETREG,
        valid_from=_date(since),
        fields={
            "name": holder.name,
            "legal_representative": "张三",
            "entity_type": "有限责任公司",
            "address": ADDRESS,
            "established_on": since.isoformat(),
        },
    )


def property_request(
    holder: common.Party,
    unit: str,
    *,
    area_hundredths_m2: int = 12_000,
    since: date = date(2016, 8, 20),
) -> svc.IssueCertificateRequest:
    """The real-estate certificate of `unit` (a GB/T 37346 unit code), issued by the
    registry; a home for a citizen, commercial premises for an enterprise."""
    return svc.IssueCertificateRequest(
        request_id=str(uuid.uuid4()),
        type_code=PROPERTY,
        holder=holder,
        issuer_uscc=REGISTRAR,
        valid_from=_date(since),
        fields={
            "unit_code": unit,
            "right_holder": holder.name,
            "location": f"{ADDRESS} {unit[-8:-4]}号楼{unit[-4:]}室",
            "usage": "住宅" if holder.kind == common.PARTY_KIND_CITIZEN else "商业",
            "area_hundredths_m2": str(area_hundredths_m2),
            "right_type": "国有建设用地使用权/房屋所有权",
            "registration_number": f"鲁({since.year})济南市不动产权第{unit[-7:]}号",
        },
    )


def transfer_form(
    unit: str,
    seller: dict[str, str],
    buyer: dict[str, str],
    *,
    area_hundredths_m2: int = 12_000,
    contract_date: str = "2025-06-01",
) -> dict[str, Any]:
    """`POST /v1/transfers`: a seller's only home, held since 2016, sold to a first-time
    buyer (parties as `{"kind", "id", "name"}`)."""
    return {
        "unit_code": unit,
        "seller": seller,
        "buyer": buyer,
        "price_fen": 235_000_000,
        "area_hundredths_m2": area_hundredths_m2,
        "usage": "residential",
        "contract_date": contract_date,
        "location": {"division_code": "370105", "text": f"{ADDRESS} {unit[-8:]}"},
        "tax_facts": {
            "buyer_family_existing_homes": 0,
            "seller_acquisition_date": "2016-08-20",
            "seller_only_home": True,
            "original_cost_fen": 128_000_000,
            "certificate_count": 1,
        },
    }
