"""Business metrics of the power service (`govshare_power_*`).

Labels are catalog codes (matter, step, grade, type), never an identifier. The
evidence-free ratio (零证办电率) is
`sum(rate(govshare_power_applications_accepted_total{evidence_free="true"}[1d]))
 / sum(rate(govshare_power_applications_accepted_total[1d]))`.
Counters move when the agent applies an event for the first time, so a redelivered
event is not counted twice.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from services.kit.metrics import StateGauge
from services.power.catalog import Catalog
from services.power.rules import RECTIFICATION_PHASES

_DAY = 86400.0

APPLICATIONS = Counter(
    "govshare_power_applications_total",
    "Power applications by matter and outcome (submitted, evidence_requested, accepted, "
    "connected).",
    ["matter", "outcome"],
)
ACCEPTED = Counter(
    "govshare_power_applications_accepted_total",
    "Accepted applications; evidence_free=true when nothing was uploaded (零证办电).",
    ["matter", "evidence_free"],
)
TIME_TO_CONNECT = Histogram(
    "govshare_power_time_to_connect_seconds",
    "From submission to connection (装表接电), in seconds.",
    ["matter"],
    buckets=tuple(d * _DAY for d in (0.5, 1, 2, 3, 5, 7, 10, 15, 22, 30, 45, 60, 90)),
)
STEPS_OVERDUE = Counter(
    "govshare_power_steps_overdue_total",
    "Steps that passed their deadline (flagged once per step).",
    ["matter", "step"],
)
EVALUATIONS = Counter(
    "govshare_power_evaluations_total",
    "Evaluations (好差评) of connected applications by grade.",
    ["matter", "grade"],
)
RECTIFICATIONS = Counter(
    "govshare_power_rectifications_opened_total",
    "Rectifications opened by a bad grade.",
    ["matter"],
)
RECTIFICATIONS_CLOSED = Counter(
    "govshare_power_rectifications_closed_total",
    "Rectifications completed by staff and followed up (回访) with the applicant, by step "
    "(completed, followed_up).",
    ["matter", "step"],
)
# Counted from the applications at scrape time (see StateGauge): stays up while a
# rectification is late and clears once it is completed and followed up.
RECTIFICATIONS_OVERDUE = StateGauge(
    "govshare_power_rectifications_overdue",
    "Rectifications past their due date, by the phase they are late in (rectification: "
    "not completed; follow_up: completed, the applicant not followed up).",
    "phase",
    RECTIFICATION_PHASES,
)
FLAGGED = Counter(
    "govshare_power_applications_flagged_total",
    "Open applications flagged because evidence they used went bad.",
    ["matter", "invalidation"],
)
PREPARATIONS = Counter(
    "govshare_power_preparations_total",
    "Early preparations (plan item 24) started or updated, by the feed that caused them.",
    ["source"],
)
EVIDENCE_RESULTS = Counter(
    "govshare_power_evidence_results_total",
    "Per-type answers of evidence resolution (found, missing, ambiguous, not_current, denied).",
    ["type", "status"],
)
EVIDENCE_CALLS = Counter(
    "govshare_power_evidence_calls_total",
    "ResolveEvidence calls to the certificates service by gRPC status code.",
    ["code"],
)

OUTCOMES = ("submitted", "evidence_requested", "accepted", "connected")


def preinitialise(catalog: Catalog) -> None:
    """Create every series whose labels the catalog knows, at 0, so that the first
    increment shows in rate()/increase() and an alert on it fires the first time."""
    for matter in catalog.matters.values():
        code = matter.code
        for outcome in OUTCOMES:
            APPLICATIONS.labels(code, outcome)
        for evidence_free in ("true", "false"):
            ACCEPTED.labels(code, evidence_free)
        TIME_TO_CONNECT.labels(code)
        for step in matter.steps:
            STEPS_OVERDUE.labels(code, step.code)
        for grade in catalog.grades:
            EVALUATIONS.labels(code, grade)
        RECTIFICATIONS.labels(code)
        for closed in ("completed", "followed_up"):
            RECTIFICATIONS_CLOSED.labels(code, closed)
