"""Topic names and who may write them.

Convention (proto/README.md): every top-level message in `govshare/<domain>/v1/events.proto`
is an event on `<domain>.v1.events`; the access log has a topic of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    proto_file: str  # the file whose top-level messages are this topic's events
    owner: str  # the only `ce_source` family allowed to write it
    key: str  # what the record key is


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        "certificates.v1.events",
        "govshare/certificates/v1/events.proto",
        "/govshare/certificates",
        "holder id (issuer USCC for signing-key events)",
    ),
    TopicSpec(
        "certificates.v1.access-log",
        "govshare/certificates/v1/access_log.proto",
        "/govshare/certificates",
        "holder id",
    ),
    TopicSpec(
        "realestate.v1.events",
        "govshare/realestate/v1/events.proto",
        "/govshare/realestate",
        "unit code",
    ),
    TopicSpec(
        "tax.v1.events",
        "govshare/tax/v1/events.proto",
        "/govshare/tax",
        "case id (statement id for reconciliations, partition key for StatementShareRequested)",
    ),
    TopicSpec(
        "power.v1.events",
        "govshare/power/v1/events.proto",
        "/govshare/power",
        "application id (parcel code for preparation)",
    ),
    TopicSpec(
        "marketreg.v1.events", "govshare/marketreg/v1/events.proto", "/dept/marketreg", "uscc"
    ),
    TopicSpec(
        "landsupply.v1.events",
        "govshare/landsupply/v1/events.proto",
        "/dept/landsupply",
        "parcel code",
    ),
    TopicSpec(
        "projects.v1.events", "govshare/projects/v1/events.proto", "/dept/projects", "project code"
    ),
    TopicSpec("courts.v1.events", "govshare/courts/v1/events.proto", "/dept/courts", "unit code"),
    # The payment channel (an acquirer or the treasury): one sub-source per channel, e.g.
    # /dept/payments/devbank. Keyed by case id so that tax's case owner consumes it.
    TopicSpec(
        "payments.v1.events",
        "govshare/payments/v1/events.proto",
        "/dept/payments",
        "case id (the payment order's merchant reference; statement id for statements)",
    ),
)

BY_NAME: dict[str, TopicSpec] = {t.name: t for t in TOPICS}


def dlq_topic(topic: str) -> str:
    return topic + DLQ_SUFFIX


def all_topic_names(prefix: str = "") -> list[str]:
    """Every govshare topic and its dead-letter topic, optionally namespaced (tests)."""
    names: list[str] = []
    for spec in TOPICS:
        names += [prefix + spec.name, prefix + dlq_topic(spec.name)]
    return names
