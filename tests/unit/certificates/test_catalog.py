"""The sharing catalog cites the plan items that actually provide for each sharing.

The plan is the Shandong 2022 business-environment plan (营商环境创新2022年行动计划,
shared/seed/000_809523ec6351e18d.txt; DESIGN.md). Its items, quoted:
- 第27项 深化政企协同办电: 拓展电子证照 ... 在供电领域的应用 (零证办电).
- 第29项 服务新建项目全生命周期管理: 不动产单元代码 "一码关联" — not a data-sharing basis.
- 第30项 强化信息共享协同: 户籍 ... 相关税费缴纳等信息, 在不动产登记中的共享应用, 支撑不动产
  登记智能审核.
- 第31项 拓展企业不动产登记 "全程网办": 企业电子签章, 在线签署 — not tax.
- 第37项 进一步便利不动产登记涉税业务: 在不动产登记部门和税务部门间 ... 全流程信息共享.
"""

import re

from govshare.certificates.v1 import types_pb2 as t

from services.certificates import catalog, domain

CATALOG = catalog.load()
POWER_CO = "91370100863014379C"
REGISTRAR = "123701004931056272"
TAX_OFFICE = "11370105MB2857497F"


def _plan_items(requester_id: str, matter: str) -> list[int]:
    (entry,) = CATALOG.sharing_entries(requester_id, matter)
    return [int(n) for n in re.findall(r"第(\d+)项", entry.legal_basis)]


def test_each_sharing_entry_cites_the_plan_item_that_provides_for_it():
    """Errors of record (issue 15): the registry's entry cited item 29 and the tax
    office's item 31, where the plan provides for them in items 30 and 37; the relief
    check (registration and tax sharing data) rests on item 37 too."""
    assert _plan_items(POWER_CO, "power.lv-nonresident-new") == [27]
    assert _plan_items(REGISTRAR, "realestate.transfer-review") == [30]
    assert _plan_items(REGISTRAR, "realestate.transfer-reliefs") == [37]
    assert _plan_items(TAX_OFFICE, "tax.transfer-assessment") == [37]


def test_every_sharing_entry_names_its_legal_basis_and_purpose():
    for entry in CATALOG.sharing:
        assert entry.legal_basis.strip() and entry.purpose.strip(), entry.requester_id


def test_an_issuers_own_read_is_logged_with_its_legal_basis_and_the_types_law():
    licence = t.Certificate(type_code="11100000000018833X001")
    purpose, basis = domain.issuer_use_basis(CATALOG, t.DATA_USE_CERTIFICATE_READ, [licence])
    assert purpose == "发证机关查阅本机关签发的电子证照 (核对)"
    assert basis == (
        "《个人信息保护法》第十三条第一款第三项、第三十四条 (国家机关为履行法定职责处理个人信息); "
        "《市场主体登记管理条例》第二十一条"
    )
    _, nothing_matched = domain.issuer_use_basis(CATALOG, t.DATA_USE_DOSSIER_LISTED, [])
    assert nothing_matched == CATALOG.issuer_uses.legal_basis
