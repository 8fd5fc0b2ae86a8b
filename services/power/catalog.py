"""The rules that are data: power matters, evidence, steps, time limits, evaluation grades.

Loaded from `data/*.json` (each entry names its legal source) and checked at load, so a
bad edit stops the service at start rather than misguiding an applicant later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from govshare.power.v1 import types_pb2 as power_types

ObjectScope = Literal["none", "unit", "parcel"]
APPLICANT_KINDS = frozenset({"citizen", "enterprise"})
SHARING_PREFIX = "power."  # matter code in the certificates sharing catalog


class CatalogError(ValueError):
    """The data files are inconsistent; the service must not start."""


@dataclass(frozen=True)
class EvidenceType:
    key: str
    code: str  # 21-char certificate type code (GB/T 36904)
    name: str
    object: ObjectScope


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    limit_working_days: int


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    applicants: frozenset[str]
    min_capacity_w: int
    max_capacity_w: int
    evidence: tuple[tuple[EvidenceType, frozenset[str]], ...]  # type, applicant kinds
    steps: tuple[Step, ...]
    source: str

    @property
    def sharing_matter(self) -> str:
        return SHARING_PREFIX + self.code

    def evidence_for(self, applicant_kind: str) -> list[EvidenceType]:
        return [kind for kind, who in self.evidence if applicant_kind in who]


@dataclass(frozen=True)
class Grade:
    code: str
    value: int  # power.v1.EvaluationGrade
    name: str
    bad: bool


@dataclass(frozen=True)
class Catalog:
    matters: dict[str, Matter]
    types: dict[str, EvidenceType]  # by type code
    prepared_steps: frozenset[str]
    grades: dict[str, Grade]  # by code
    rectification_working_days: int
    sources: dict[str, str]
    follow_up_working_days: int = 5  # 回访 after a completed rectification

    def type_name(self, type_code: str) -> str:
        kind = self.types.get(type_code)
        return kind.name if kind else type_code

    def grade_by_value(self, value: int) -> Grade:
        return next(g for g in self.grades.values() if g.value == value)


def _read(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


def _matter(raw: dict[str, Any], types: dict[str, EvidenceType], steps: dict[str, str]) -> Matter:
    code = raw["code"]
    applicants = frozenset(raw["applicants"])
    if not applicants or not applicants <= APPLICANT_KINDS:
        raise CatalogError(f"matter {code}: applicants must be citizen and/or enterprise")
    low, high = raw["capacity_w"]
    if not 0 < low <= high:
        raise CatalogError(f"matter {code}: capacity_w must be 0 < min <= max")
    evidence = []
    for item in raw["evidence"]:
        if item["type"] not in types:
            raise CatalogError(f"matter {code}: unknown certificate type {item['type']}")
        evidence.append((types[item["type"]], frozenset(item["for"]) & applicants))
    planned = []
    for step_code, limit in raw["steps"]:
        if step_code not in steps or not isinstance(limit, int) or limit < 1:
            raise CatalogError(f"matter {code}: step {step_code} unknown or without a limit")
        planned.append(Step(step_code, steps[step_code], limit))
    if not planned or planned[0].code != "acceptance":
        raise CatalogError(f"matter {code}: the first step is acceptance (申请受理)")
    if not raw.get("source"):
        raise CatalogError(f"matter {code}: no legal source")
    return Matter(
        code, raw["name"], applicants, low, high, tuple(evidence), tuple(planned), raw["source"]
    )


def parse(matters: Any, evaluation: Any) -> Catalog:
    by_key = {
        key: EvidenceType(key, t["code"], t["name"], t["object"])
        for key, t in matters["certificate_types"].items()
    }
    steps: dict[str, str] = matters["steps"]
    parsed = {m["code"]: _matter(m, by_key, steps) for m in matters["matters"]}
    prepared = frozenset(matters["preparation"]["prepared_steps"])
    if not prepared <= set(steps) or "acceptance" in prepared:
        raise CatalogError("preparation.prepared_steps: unknown step, or acceptance")
    grades = {
        g["code"]: Grade(
            g["code"], power_types.EvaluationGrade.Value(g["enum"]), g["name"], g["bad"]
        )
        for g in evaluation["grades"]
    }
    if len(grades) != 5:
        raise CatalogError("evaluation: 好差评 has exactly five grades")
    return Catalog(
        matters=parsed,
        types={t.code: t for t in by_key.values()},
        prepared_steps=prepared,
        grades=grades,
        rectification_working_days=int(evaluation["rectification_working_days"]),
        sources=dict(matters["sources"]),
        follow_up_working_days=int(evaluation.get("follow_up_working_days", 5)),
    )


@cache
def load() -> Catalog:
    return parse(_read("matters.json"), _read("evaluation.json"))
