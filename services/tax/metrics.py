"""Business metrics of the tax service (no identifiers in labels: rule sets, accounts,
reasons and statuses are small fixed sets)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily, Metric

ASSESSMENTS = Counter(
    "govshare_tax_assessments_total", "Assessments issued, by rule set.", ["rule_set"]
)
ASSESSMENT_FAILURES = Counter(
    "govshare_tax_assessment_failures_total",
    "Confirmed transfers the engine could not assess (left to tax staff), by field at fault.",
    ["field"],
)
PAYMENTS = Counter(
    "govshare_tax_payments_total",
    "Payment deliveries, by outcome (cleared, refused, duplicate).",
    ["outcome"],
)
PAYMENTS_REFUSED = Counter(
    "govshare_tax_payments_refused_total", "Payments refused, by reason.", ["reason"]
)
CLEARED_FEN = Counter(
    "govshare_tax_cleared_fen_total",
    "Amounts credited by the clearing split, in fen, by account and account kind.",
    ["account", "account_kind"],
)

STATUSES = ("none", "assessed", "paid", "cancelled", "refund_due")


class CasesByStatus:
    """`govshare_tax_cases{status}` computed from the case table at scrape time, so it is
    right after a restart (the table is recovered, not replayed through the agents)."""

    def __init__(self) -> None:
        self.source: Callable[[], dict[str, int]] | None = None

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "govshare_tax_cases", "Joint cases known to tax, by status.", labels=["status"]
        )
        counts = self.source() if self.source is not None else {}
        for status in STATUSES:
            family.add_metric([status], counts.get(status, 0))
        yield family


CASES = CasesByStatus()
REGISTRY.register(CASES)
