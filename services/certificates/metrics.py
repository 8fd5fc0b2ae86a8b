"""Business metrics of the certificates service (no identifiers in labels)."""

from __future__ import annotations

from prometheus_client import Counter

from services.certificates.catalog import Catalog

ACCESS_DECISIONS = Counter(
    "govshare_certificates_access_decisions_total",
    "Evidence resolutions by decision (granted, denied) and matter (catalog matters only).",
    ["decision", "matter"],
)
CERTIFICATES_ISSUED = Counter(
    "govshare_certificates_issued_total", "Certificates issued, by type code.", ["type_code"]
)


def preinitialise(catalog: Catalog) -> None:
    """Every series the catalog knows, at 0 (see services/power/metrics.py)."""
    for decision in ("granted", "denied"):
        for matter in {m for entry in catalog.sharing for m in entry.matters} | {"unlisted"}:
            ACCESS_DECISIONS.labels(decision, matter)
    for type_code in catalog.types:
        CERTIFICATES_ISSUED.labels(type_code)
