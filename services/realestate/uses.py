"""The uses realestate makes of people's data beyond evidence resolution (a staff member
reading a case, a unit's history or the shared queue), their purpose and legal basis
(`data/data_uses.json`), and whose data each shows. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.realestate.cases import Case

CASE_READ = "case-read"
UNIT_HISTORY_READ = "unit-history-read"
QUEUE_READ = "queue-read"


@dataclass(frozen=True)
class Use:
    purpose: str
    legal_basis: str
    described: str


@cache
def load() -> dict[str, Use]:
    raw = json.loads(
        resources.files(__package__).joinpath("data", "data_uses.json").read_text("utf-8")
    )
    return {
        code: Use(u["purpose"], u["legal_basis"], u["described"]) for code, u in raw["uses"].items()
    }


def subjects(cases: Iterable[Case]) -> list[str]:
    """Whose data the cases show: their sellers, buyers and declared spouses, once each."""
    found: dict[str, None] = {}
    for case in cases:
        for party in (case.seller, case.buyer, case.buyer_spouse):
            if party:
                found[party["id"]] = None
    return list(found)
