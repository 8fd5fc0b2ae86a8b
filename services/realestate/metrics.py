"""Business metrics of the realestate service (no identifiers in labels)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

from services.realestate.cases import STAGES

REVIEWS = Counter(
    "govshare_realestate_reviews_total",
    "Review outcomes (passed, referred, rejected), by who decided (system, staff).",
    ["outcome", "decided_by"],
)
FINDINGS = Counter(
    "govshare_realestate_review_findings_total",
    "Failed or doubtful review checks, by check.",
    ["check"],
)
CASES_CLOSED = Counter(
    "govshare_realestate_cases_closed_total",
    "Joint cases closed, by outcome (completed, rejected, withdrawn).",
    ["outcome"],
)
COMPLETION_SECONDS = Histogram(
    "govshare_realestate_case_completion_seconds",
    "Time from application to registration of a joint case.",
    buckets=(1, 5, 30, 60, 300, 900, 3600, 4 * 3600, 86400, 3 * 86400, 5 * 86400, 30 * 86400),
)
EVIDENCE_CALLS = Counter(
    "govshare_realestate_evidence_calls_total",
    "Evidence resolutions with the certificate registry, by result status.",
    ["status"],
)


class CasesByStage:
    """`govshare_realestate_cases{stage}` computed from the unit table at scrape time, so
    it is right after a restart (tables are recovered, not replayed through agents)."""

    def __init__(self) -> None:
        self.source: Callable[[], dict[str, int]] | None = None

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "govshare_realestate_cases", "Joint cases by current stage.", labels=["stage"]
        )
        counts = self.source() if self.source is not None else {}
        for stage in STAGES:
            family.add_metric([stage], counts.get(stage, 0))
        yield family


CASES = CasesByStage()
REGISTRY.register(CASES)
