"""The rules that are data: certificate types, issuers, the sharing catalog.

Loaded from `data/*.json` (each entry with its legal source); immutable afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class CertificateType:
    code: str
    key: str
    name: str
    issuer_departments: frozenset[str]
    validity_years: int | None
    required_fields: tuple[str, ...]
    optional_fields: tuple[str, ...]
    source: str

    @property
    def allowed_fields(self) -> frozenset[str]:
        return frozenset(self.required_fields + self.optional_fields)


@dataclass(frozen=True)
class Issuer:
    uscc: str
    name: str
    department: str
    types: frozenset[str]


@dataclass(frozen=True)
class SharingEntry:
    requester_id: str
    requester_name: str
    matters: frozenset[str]
    purpose: str
    legal_basis: str
    fields_by_type: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class IssuerUses:
    """The legal basis and default purposes of an issuing department's own reads."""

    legal_basis: str
    default_purposes: dict[str, str]  # DataUse enum name -> purpose


@dataclass(frozen=True)
class Catalog:
    types: dict[str, CertificateType]
    issuers: dict[str, Issuer]
    sharing: tuple[SharingEntry, ...]
    issuer_uses: IssuerUses

    def type_by_key(self, key: str) -> CertificateType:
        return next(t for t in self.types.values() if t.key == key)

    def issuer_for(self, department: str, type_code: str) -> Issuer:
        return next(
            i for i in self.issuers.values() if i.department == department and type_code in i.types
        )

    def sharing_entries(self, requester_id: str, matter: str) -> list[SharingEntry]:
        return [e for e in self.sharing if e.requester_id == requester_id and matter in e.matters]


def _read(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


def parse(types: Any, issuers: Any, sharing: Any) -> Catalog:
    return Catalog(
        types={
            t["code"]: CertificateType(
                code=t["code"],
                key=t["key"],
                name=t["name"],
                issuer_departments=frozenset(t["issuer_departments"]),
                validity_years=t["validity_years"],
                required_fields=tuple(t["required_fields"]),
                optional_fields=tuple(t["optional_fields"]),
                source=t["source"],
            )
            for t in types["types"]
        },
        issuers={
            i["uscc"]: Issuer(i["uscc"], i["name"], i["department"], frozenset(i["types"]))
            for i in issuers["issuers"]
        },
        sharing=tuple(
            SharingEntry(
                requester_id=e["requester_id"],
                requester_name=e["requester_name"],
                matters=frozenset(e["matters"]),
                purpose=e["purpose"],
                legal_basis=e["legal_basis"],
                fields_by_type={k: tuple(v) for k, v in e["types"].items()},
            )
            for e in sharing["entries"]
        ),
        issuer_uses=IssuerUses(
            legal_basis=sharing["issuer_uses"]["legal_basis"],
            default_purposes=dict(sharing["issuer_uses"]["default_purposes"]),
        ),
    )


@cache
def load() -> Catalog:
    return parse(
        _read("certificate_types.json"), _read("issuers.json"), _read("sharing_catalog.json")
    )
