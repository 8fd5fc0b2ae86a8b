"""Realestate service wiring: joint cases on `realestate.v1.events` (keyed by unit code),
the court, tax, land, project and certificate feeds, and REST for parties and staff."""

from __future__ import annotations

from services.kit.forwarding import Gathered, Keyed
from services.kit.provided import provide
from services.kit.runtime import ServiceRuntime
from services.kit.settings import Settings, load_settings
from services.realestate import api, metrics
from services.realestate.evidence import EvidenceClient, token_source
from services.realestate.feeds import Feeds
from services.realestate.registrar import Registrar
from services.realestate.settings import RealestateSettings
from services.realestate.store import UnitStore

NAME = "realestate"


def build(
    settings: Settings | None = None, own: RealestateSettings | None = None
) -> ServiceRuntime:
    runtime = ServiceRuntime(NAME, settings or load_settings())
    metrics.preinitialise()
    own = own or RealestateSettings()
    store = UnitStore(runtime.faust)
    evidence = EvidenceClient(own, token_source(own))
    registrar = Registrar(runtime, store, evidence, own)
    feeds = Feeds(runtime, store)
    # By key: a unit's review waits on ResolveEvidence; the other units need not.
    runtime.consume("realestate.v1.events", registrar.on_unit_event, by_key=True)
    runtime.consume("courts.v1.events", feeds.on_court_event)
    runtime.consume("tax.v1.events", feeds.on_tax_event)
    runtime.consume("landsupply.v1.events", feeds.on_land_event)
    runtime.consume("projects.v1.events", feeds.on_project_event)
    runtime.consume("certificates.v1.events", feeds.on_certificate_event)
    provide(runtime.api, registrar)
    runtime.api.include_router(api.router)
    # With N workers, each request is answered by the one holding its state: a case lives
    # on its unit's partition, and its id was born there (Registrar.new_case_id). Lists
    # are merged in the order the routes page them (api.*_ORDER).
    runtime.forward_by_key(
        Keyed("/v1/cases/{case_id}", "case_id"),
        Gathered("/v1/me/cases", "cases", api.MY_CASES_ORDER),
        Gathered("/v1/queue", "cases", api.QUEUE_ORDER, count="count"),
        Gathered("/v1/rectifications", "rectifications", api.due_order, count="count"),
        Gathered("/v1/units/{code}/history", "entries", api.HISTORY_ORDER),
    )
    return runtime
