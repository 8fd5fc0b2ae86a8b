"""The realestate service's Faust tables and typed access to them.

Each table is keyed like the topic whose agent writes it (unit code for realestate and
court events, parcel code for land events, project code, holder id for certificates),
so a worker holds a key's state with the partition that changes it. Reads that join
them (a unit's full history) happen at query time, on every worker (the route gathers
the parts). A read of one key never reaches into another key's partition: what a case's
view needs from another feed is re-keyed onto the unit's partition by an event (the
buyer's new certificate, issued on the holder's: CertificateIssuanceRecorded).

Indexes are written by the realestate.v1.events agent with the case, in the same
apply and so before the same durability step (`AppliedEvents.writes_durable`), so that the
lists read what they show and never every case (their cost does not grow with history):
- `cases-by-party`: party id (the seller's and the buyer's) -> the case ids (my cases);
- `open-cases-by-county`: county code -> {case id: its queue entry}, open cases only (the
  shared queue, the overdue gauge);
- `open-rectifications`: county code -> {rectification id: the item}, those a bad rating
  opened and staff have not yet followed up (回访) (the staff's list, the overdue gauge).
All are written under another key than the event's, into the changelog partition of the
event, so each key is kept per partition (`<key>@<partition>`, services/kit/partitioned.py)
and read as the union of the partitions this worker holds; with N workers the list
routes ask every worker for its part and merge them (services/kit/forwarding.py,
`Gathered`). `index` rewrites them from the case on every
apply, changed or not, so a redelivery after a SIGKILL between the writes completes them
(the writes are idempotent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from services.kit import partitioned
from services.realestate import history, queue, rectifications
from services.realestate.cases import Case, Unit
from services.realestate.review import Seal

HISTORY_LIMIT = 2000  # newest entries kept per key


class UnitStore:
    def __init__(self, app: Any) -> None:
        # JSON values with value_type=None: Faust decodes only str/bytes/numbers or its
        # Models by type, and a dict/list value_type breaks changelog recovery on restart.
        self.units = app.Table("units", key_type=str, value_type=None)
        self.case_index = app.Table("case-index", key_type=str, value_type=str)
        self.seals = app.Table("seals", key_type=str, value_type=None)
        self.history = app.Table("unit-history", key_type=str, value_type=None)
        self.parcels = app.Table("parcel-history", key_type=str, value_type=None)
        self.projects = app.Table("projects", key_type=str, value_type=None)
        self.holders = app.Table("holder-certificates", key_type=str, value_type=None)
        self.by_party = app.Table("cases-by-party", key_type=str, value_type=None)
        self.open_by_county = app.Table("open-cases-by-county", key_type=str, value_type=None)
        self.rectifying = app.Table("open-rectifications", key_type=str, value_type=None)
        self.partitions = partitioned.partitions_of(app)

    # --- units and cases ----------------------------------------------------------------

    def unit(self, unit_code: str) -> Unit:
        raw = self.units.get(unit_code)
        return Unit.from_json(raw) if raw else Unit(unit_code)

    def put_unit(self, unit: Unit) -> None:
        self.units[unit.unit_code] = unit.to_json()

    def find_case(self, case_id: str) -> Case | None:
        unit_code = self.case_index.get(case_id)
        return self.unit(unit_code).case(case_id) if unit_code else None

    # --- indexes --------------------------------------------------------------------------

    def index(self, case: Case) -> None:
        """Bring both indexes in line with `case` as just applied (idempotent)."""
        for party in (case.seller["id"], case.buyer["id"]):
            key = partitioned.here(party)
            known = list(self.by_party.get(key) or [])
            if case.case_id not in known:
                self.by_party[key] = [*known, case.case_id]
        county = partitioned.here(queue.county_of(case.unit_code))
        open_here = self.open_by_county.get(county) or {}
        entry = queue.entry(case) if case.is_open else None
        if open_here.get(case.case_id) != entry:
            changed = {k: v for k, v in open_here.items() if k != case.case_id}
            if entry is not None:
                changed[case.case_id] = entry
            self.open_by_county[county] = changed
        rectifying = self.rectifying.get(county) or {}
        items = rectifications.open_items(case)
        if {k: v for k, v in rectifying.items() if v["case_id"] == case.case_id} != items:
            others = {k: v for k, v in rectifying.items() if v["case_id"] != case.case_id}
            self.rectifying[county] = {**others, **items}

    def cases_of(self, party_id: str) -> list[Case]:
        """The cases in which `party_id` is the seller or the buyer, oldest first."""
        ids = [
            case_id
            for key in partitioned.every(party_id, self.partitions)
            for case_id in self.by_party.get(key) or []
        ]
        found = (self.find_case(c) for c in ids)
        return sorted((c for c in found if c is not None), key=lambda c: c.applied_at)

    def open_entries(self, county: Callable[[str], bool]) -> Iterator[dict[str, Any]]:
        """Queue entries of the open cases in the counties `county` accepts."""
        for key in list(self.open_by_county.keys()):
            if county(partitioned.base(key)):
                yield from (self.open_by_county.get(key) or {}).values()

    def open_rectifications(self, county: Callable[[str], bool]) -> Iterator[dict[str, Any]]:
        """Rectifications not yet followed up, of cases in the counties `county` accepts."""
        for key in list(self.rectifying.keys()):
            if county(partitioned.base(key)):
                yield from (self.rectifying.get(key) or {}).values()

    def all_cases(self) -> Iterator[Case]:
        """Every case ever filed: only for rebuilding counts after a start or rebalance."""
        for raw in self.units.values():
            for case in raw["cases"].values():
                yield Case.from_json(case)

    # --- seals ----------------------------------------------------------------------------

    def seals_of(self, unit_code: str) -> list[Seal]:
        return [
            Seal(s["seal_id"], s["case_number"], date.fromisoformat(s["sealed_until"]), s["lifted"])
            for s in (self.seals.get(unit_code) or {}).values()
        ]

    def put_seal(self, unit_code: str, seal: dict[str, Any]) -> None:
        seals = dict(self.seals.get(unit_code) or {})
        seals[seal["seal_id"]] = seal
        self.seals[unit_code] = seals

    def lift_seal(self, unit_code: str, seal_id: str) -> None:
        seals = dict(self.seals.get(unit_code) or {})
        if seal_id in seals:
            seals[seal_id] = {**seals[seal_id], "lifted": True}
            self.seals[unit_code] = seals

    # --- history (一码关联) --------------------------------------------------------------

    @staticmethod
    def _append(table: Any, key: str, entry: history.Entry, event_id: str) -> None:
        entries = list(table.get(key) or [])
        if any(e.get("id") == event_id for e in entries):
            return  # already recorded: a redelivered event
        entries.append({**entry, "id": event_id})
        table[key] = entries[-HISTORY_LIMIT:]

    def record_unit(self, unit_code: str, entry: history.Entry, event_id: str) -> None:
        self._append(self.history, unit_code, entry, event_id)

    def record_parcel(self, parcel_code: str, entry: history.Entry, event_id: str) -> None:
        self._append(self.parcels, parcel_code, entry, event_id)

    def record_project(
        self, project_code: str, parcels: list[str], entry: history.Entry, event_id: str
    ) -> None:
        project = dict(self.projects.get(project_code) or {"parcels": [], "entries": []})
        if any(e.get("id") == event_id for e in project["entries"]):
            return
        project["parcels"] = sorted(set(project["parcels"]) | set(parcels))
        project["entries"] = [*project["entries"], {**entry, "id": event_id}][-HISTORY_LIMIT:]
        self.projects[project_code] = project

    def learn_certificate(self, holder_id: str, certificate_id: str, unit_code: str) -> None:
        """The unit a property certificate names, as its issuance says: its later changes
        (on the holder's partition too) name only the certificate (idempotent)."""
        holder = dict(self.holders.get(holder_id) or {"units": {}, "entries": []})
        if holder["units"].get(certificate_id) != unit_code:
            holder["units"] = {**holder["units"], certificate_id: unit_code}
            self.holders[holder_id] = holder

    def record_certificate(
        self, holder_id: str, certificate_id: str, entry: history.Entry, event_id: str
    ) -> None:
        """A change (revoked, suspended, superseded) of a property certificate of a unit,
        on the holder's partition, which learned the certificate's unit at its issuance."""
        holder = dict(self.holders.get(holder_id) or {"units": {}, "entries": []})
        if any(e.get("id") == event_id for e in holder["entries"]):
            return
        unit_code = holder["units"].get(certificate_id, "")
        if not unit_code:
            return  # not a certificate about a unit
        holder["entries"] = [
            *holder["entries"],
            {**entry, "id": event_id, "unit_code": unit_code, "certificate_id": certificate_id},
        ][-HISTORY_LIMIT:]
        self.holders[holder_id] = holder

    def unit_of_certificate(self, holder_id: str, certificate_id: str) -> str:
        """The unit a property certificate is about, as learned from its issuance."""
        return str((self.holders.get(holder_id) or {}).get("units", {}).get(certificate_id, ""))

    def certificates_of_case(self, case: Case) -> list[history.Entry]:
        """The certificates issued for the case, from its unit's history: on the case's
        own partition (CertificateIssuanceRecorded re-keys them there from the holder's)."""
        return history.issued_for(list(self.history.get(case.unit_code) or []), case.case_id)

    def unit_history(self, code: str) -> list[history.Entry]:
        """Everything about a unit (28 chars) or every unit of a parcel (19 chars), in order,
        as far as this worker holds it: the route gathers every worker's part (app.py).
        Certificate changes and projects are found by scanning their (holder / project
        keyed) tables: fine at a registry's scale, an index table when it is not. A
        certificate's issuance is in its unit's own history (CertificateIssuanceRecorded);
        the holder entries hold its later changes, and issuances recorded before that."""
        parcel = code[:19]
        entries: list[history.Entry] = list(self.parcels.get(parcel) or [])
        for project in self.projects.values():
            if parcel in project["parcels"]:
                entries += project["entries"]
        if len(code) == 19:
            units = [u for u in self.history if str(u).startswith(parcel)]
        else:
            units = [code]
        for unit_code in units:
            entries += [{**e, "unit_code": unit_code} for e in self.history.get(unit_code) or []]
        for holder in self.holders.values():
            # by the code, not by `units`: a unit's own history may be on another worker
            entries += [e for e in holder["entries"] if e["unit_code"][: len(code)] == code]
        return history.in_order(entries)
