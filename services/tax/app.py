"""Tax service wiring: the shared transfer stream and the payment channel's events in,
assessments, payment orders, payments, refunds and the clearing ledger on
`tax.v1.events`, REST for quotes, bills and payment orders."""

from __future__ import annotations

from govshare.common.v1 import types_pb2 as common

from services.kit.forwarding import Gathered, Keyed
from services.kit.periodic import every
from services.kit.provided import provide
from services.kit.runtime import ServiceRuntime
from services.kit.settings import Settings, load_settings
from services.tax import api, ledger, metrics, rules
from services.tax.office import TaxOffice
from services.tax.settings import TaxSettings

NAME = "tax"


def build(
    settings: Settings | None = None, tax_settings: TaxSettings | None = None
) -> ServiceRuntime:
    runtime = ServiceRuntime(NAME, settings or load_settings())
    own = tax_settings or TaxSettings()
    authority = common.Party(
        kind=common.PARTY_KIND_DEPARTMENT, id=own.authority_uscc, name=own.authority_name
    )
    book, chart = rules.load(own.rules_file), ledger.load()
    metrics.preinitialise(book, chart)
    office = TaxOffice(runtime, book, chart, authority, order_ttl_s=own.order_ttl_s)
    runtime.consume("tax.v1.events", office.on_tax_event)
    runtime.consume("realestate.v1.events", office.on_transfer_event)
    runtime.consume("payments.v1.events", office.on_channel_event)

    @every(runtime, own.order_scan_s)
    async def expire_orders() -> None:
        await office.scan_expired_orders()

    provide(runtime.api, office, api.Cashier(own.cashier_url))
    runtime.api.include_router(api.router)
    # With N workers, each request is answered by the one holding its state: a case id
    # is born on its unit's partition (realestate), so tax's case, its transfer and the
    # payment channel's events for it are all on the case's partition.
    runtime.forward_by_key(
        Keyed("/v1/cases/{case_id}", "case_id"),
        Keyed("/v1/reconciliations/{statement_id}", "statement_id"),
        Gathered("/v1/manual-assessments", "cases", api.MANUAL_ORDER, count="count"),
        Gathered("/v1/reconciliations", "reconciliations", api.RECONCILIATION_ORDER),
        Gathered("/v1/ledger", merge=api.ledger_totals),
    )
    return runtime
