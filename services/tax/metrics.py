"""Business metrics of the tax service (no identifiers in labels: rule sets, accounts,
reasons and statuses are small fixed sets)."""

from __future__ import annotations

from prometheus_client import Counter

from services.kit.metrics import StateGauge
from services.tax import payments
from services.tax.ledger import Chart
from services.tax.rules import RuleBook

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

PAYMENT_ORDERS = Counter(
    "govshare_tax_payment_orders_total",
    "Payment orders, by what became of them (opened, paid, expired, failed).",
    ["outcome"],
)
REFUNDS = Counter(
    "govshare_tax_refunds_total",
    "Refunds through the payment channel, by stage (ordered, completed).",
    ["stage"],
)
CHANNEL_EVENTS_REFUSED = Counter(
    "govshare_tax_channel_events_refused_total",
    "Payment-channel events tax could not take (the reason is in the dead letter), by type.",
    ["type"],
)

RECONCILIATIONS = Counter(
    "govshare_tax_reconciliations_total",
    "Payment-channel daily statements reconciled against the ledger, by result "
    "(balanced, mismatched).",
    ["result"],
)
RECONCILIATION_MISMATCHES = Counter(
    "govshare_tax_reconciliation_mismatches_total",
    "Statement lines and ledger movements that disagree, by kind (MISSING_IN_LEDGER, "
    "MISSING_AT_CHANNEL, AMOUNT_DIFFERS).",
    ["kind"],
)

CASES = StateGauge(
    "govshare_tax_cases", "Joint cases known to tax, by status.", "status", payments.STATUSES
)


def preinitialise(book: RuleBook, chart: Chart) -> None:
    """Every series the rule book and the chart of accounts know, at 0, so the first
    increment shows in rate()/increase()."""
    for rule_set in book.rule_sets:
        ASSESSMENTS.labels(rule_set.id)
    for outcome in ("cleared", "refused", "duplicate"):
        PAYMENTS.labels(outcome)
    for reason in (
        "AMOUNT_MISMATCH", "UNKNOWN_ASSESSMENT", "ASSESSMENT_SUPERSEDED", "ALREADY_PAID",
        "CASE_CLOSED", "UNKNOWN_ORDER", "ORDER_EXPIRED",
    ):  # fmt: skip
        PAYMENTS_REFUSED.labels(reason)
    for kind in ("PaymentConfirmed", "PaymentFailed", "RefundCompleted", "StatementIssued"):
        CHANNEL_EVENTS_REFUSED.labels(kind)
    for outcome in ("opened", "paid", "expired", "failed"):
        PAYMENT_ORDERS.labels(outcome)
    for stage in ("ordered", "completed"):
        REFUNDS.labels(stage)
    for result in ("balanced", "mismatched"):
        RECONCILIATIONS.labels(result)
    for kind in ("MISSING_IN_LEDGER", "MISSING_AT_CHANNEL", "AMOUNT_DIFFERS"):
        RECONCILIATION_MISMATCHES.labels(kind)
    for code, account in chart.accounts.items():
        if code != chart.clearing:
            CLEARED_FEN.labels(code, account.kind)
