"""Business metrics of the realestate service (no identifiers in labels)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from services.kit.metrics import StateGauge
from services.realestate.cases import (
    AWAITING_ASSESSMENT,
    COMPLETED,
    IN_REVIEW,
    REGISTERING,
    REJECTED,
    STAFF_REVIEW,
    STAGES,
    WITHDRAWN,
)
from services.realestate.rectifications import PHASES

# The stages in which a case waits on a department (the others wait on a party).
DEPARTMENT_STAGES = (IN_REVIEW, STAFF_REVIEW, AWAITING_ASSESSMENT, REGISTERING)
REVIEW_OUTCOMES = (
    ("passed", "system"),
    ("passed", "staff"),
    ("rejected", "system"),
    ("rejected", "staff"),
    ("referred", "system"),
)

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
GRADES = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
EVALUATIONS = Counter(
    "govshare_realestate_evaluations_total",
    "Ratings (好差评) of completed joint cases by their parties, by grade.",
    ["grade"],
)
RECTIFICATIONS = Counter(
    "govshare_realestate_rectifications_opened_total",
    "Rectifications opened by a party's bad grade of a joint case.",
)
RECTIFICATIONS_CLOSED = Counter(
    "govshare_realestate_rectifications_closed_total",
    "Rectifications of joint cases completed by window staff and followed up (回访) with "
    "the party, by step (completed, followed_up).",
    ["step"],
)
EVIDENCE_CALLS = Counter(
    "govshare_realestate_evidence_calls_total",
    "Evidence resolutions with the certificate registry, by result status.",
    ["status"],
)

TITLE_RECHECKS = Counter(
    "govshare_realestate_title_rechecks_total",
    "Title re-checks of open cases, by trigger (registration, changed: a certificate or "
    "court feed) and result (held, referred: the case stopped and went to the window).",
    ["trigger", "result"],
)


# Both counted from the unit table at scrape time (see StateGauge).
CASES = StateGauge("govshare_realestate_cases", "Joint cases by current stage.", "stage", STAGES)
# Open cases past the registration time limit that wait on a department (deadlines.py).
OVERDUE = StateGauge(
    "govshare_realestate_cases_overdue",
    "Open joint cases past the registration time limit, by the stage they wait in.",
    "stage",
    DEPARTMENT_STAGES,
)

# From the open-rectifications index at scrape time: up while a rectification is late,
# clear once it is completed and followed up (rectifications.py).
RECTIFICATIONS_OVERDUE = StateGauge(
    "govshare_realestate_rectifications_overdue",
    "Rectifications of joint cases past their due date, by the phase they are late in "
    "(rectification: not completed; follow_up: completed, the party not followed up).",
    "phase",
    PHASES,
)


def preinitialise() -> None:
    """Every series whose labels are known, at 0, so the first increment shows in
    rate()/increase()."""
    for outcome, decided_by in REVIEW_OUTCOMES:
        REVIEWS.labels(outcome, decided_by)
    for outcome in (COMPLETED, REJECTED, WITHDRAWN):
        CASES_CLOSED.labels(outcome)
    for trigger, result in (("registration", "held"), ("registration", "referred")):
        TITLE_RECHECKS.labels(trigger, result)
    TITLE_RECHECKS.labels("changed", "referred")
    for grade in GRADES:
        EVALUATIONS.labels(grade)
    for step in ("completed", "followed_up"):
        RECTIFICATIONS_CLOSED.labels(step)
