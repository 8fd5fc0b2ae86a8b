"""Business metrics of the certificates service (no identifiers in labels)."""

from __future__ import annotations

from prometheus_client import Counter

ACCESS_DECISIONS = Counter(
    "govshare_certificates_access_decisions_total",
    "Evidence resolutions by decision (granted, denied) and matter (catalog matters only).",
    ["decision", "matter"],
)
CERTIFICATES_ISSUED = Counter(
    "govshare_certificates_issued_total", "Certificates issued, by type code.", ["type_code"]
)
