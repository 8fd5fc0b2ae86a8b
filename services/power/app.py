"""Power service wiring: tables, agents, the overdue timer and REST around the registry."""

from __future__ import annotations

from typing import Any

from govshare.common.v1 import types_pb2 as common

from services.kit.forwarding import Gathered, Keyed
from services.kit.runtime import ServiceRuntime
from services.kit.settings import Settings, load_settings
from services.power import api, catalog, metrics
from services.power.commands import Commands
from services.power.evidence import EvidenceClient
from services.power.registry import Registry
from services.power.settings import PowerSettings, load_power_settings

NAME = "power"

# Land and project data start early preparation (plan item 24).
FEED_TOPICS = ("landsupply.v1.events", "projects.v1.events")


def build(settings: Settings | None = None, power: PowerSettings | None = None) -> ServiceRuntime:
    settings = settings or load_settings()
    power = power or load_power_settings()
    runtime = ServiceRuntime(NAME, settings)
    company = common.Party(
        kind=common.PARTY_KIND_ENTERPRISE,
        id=power.power_company_uscc,
        name=power.power_company_name,
    )
    evidence = EvidenceClient(
        power.certificates_grpc, company, power.department_token(), power.power_grpc_timeout_s
    )
    rules = catalog.load()
    metrics.preinitialise(rules)
    registry = Registry(runtime, rules, evidence, company, power.clock())
    runtime.consume("power.v1.events", registry.on_power_event)
    runtime.consume("certificates.v1.events", registry.on_certificate_event)
    for topic in FEED_TOPICS:
        runtime.consume(topic, registry.on_feed_event)

    @runtime.faust.timer(interval=power.power_overdue_scan_s)  # type: ignore[untyped-decorator]
    async def overdue() -> None:
        if runtime.ready:  # tables recovered: the scan sees every application
            await registry.scan_overdue()

    runtime.api.include_router(api.router(registry, Commands(registry)))
    # With N workers, each request is answered by the one that holds its state.
    runtime.forward_by_key(
        Keyed("/v1/applications/{application_id}", "application_id"),
        Keyed("/v1/preparations/{parcel_code}", "parcel_code"),
        Gathered("/v1/me/applications", "applications", _submitted, reverse=True),
        Gathered("/v1/staff/applications", "applications", _submitted, default_limit=100),
        Gathered("/v1/staff/rectifications", "rectifications", lambda r: r["due_date"]),
    )
    return runtime


def _submitted(application: dict[str, Any]) -> str:
    return str(application.get("submitted_at") or "")
