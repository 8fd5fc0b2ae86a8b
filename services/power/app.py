"""Power service wiring: tables, agents, the overdue and first-step timers and REST around
the registry."""

from __future__ import annotations

from datetime import timedelta

from govshare.common.v1 import types_pb2 as common

from services.kit.forwarding import Keyed
from services.kit.periodic import every
from services.kit.provided import provide
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

    @every(runtime, power.power_overdue_scan_s)
    async def overdue() -> None:
        await registry.scan_overdue()

    grace = timedelta(seconds=power.power_first_step_grace_s)
    own_topic = settings.topic_prefix + "power.v1.events"

    @every(runtime, power.power_first_step_grace_s)
    async def first_steps() -> None:
        """An application cut short after acceptance gets its first step within two
        grace periods, from the worker owning it, whether or not its applicant retries."""
        assigned = runtime.faust.consumer.assignment()
        owned = {tp.partition for tp in assigned if tp.topic == own_topic}
        await registry.enter_first_steps(grace, owned)

    provide(runtime.api, registry, Commands(registry))
    runtime.api.include_router(api.router)
    # With N workers, each request is answered by the one that holds its state.
    runtime.forward_by_key(
        Keyed("/v1/applications/{application_id}", "application_id"),
        Keyed("/v1/preparations/{parcel_code}", "parcel_code"),
        *api.GATHERED,  # each list route pages by its declaration there
    )
    return runtime
