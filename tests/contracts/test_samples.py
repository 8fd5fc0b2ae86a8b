"""proto/samples/events.jsonl: one valid, realistic instance of every event type."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from google.protobuf import json_format

from tests.contracts import support

SAMPLES = support.samples()


def _label(sample: dict[str, Any]) -> str:
    return f"{sample.get('type', '?')}@{sample.get('subject', '?')}"


@pytest.mark.parametrize("sample", SAMPLES, ids=[_label(s) for s in SAMPLES])
def test_sample_is_a_valid_event(sample: dict[str, Any]) -> None:
    assert set(sample) == {"topic", "type", "subject", "data"}
    event = support.event_types().get(sample["type"])
    assert event is not None, f"{sample['type']} is not a message of an events file"
    assert sample["topic"] == event.topic

    message = support.parse_sample(sample)  # strict: unknown fields fail

    assert list(support.option_violations(message)) == []
    keys = [f for f in message.DESCRIPTOR.fields if support.is_aggregate_key(f)]
    assert sample["subject"] == getattr(message, keys[0].name)
    # The data is written in canonical proto3 JSON, so round trips are byte-stable.
    assert json_format.MessageToDict(message) == sample["data"]


def test_every_event_type_has_a_sample() -> None:
    sampled = {s["type"] for s in SAMPLES}
    missing = sorted(set(support.event_types()) - sampled)
    assert missing == [], f"event types without a sample line: {missing}"


def test_sample_certificates_verify_with_sample_keys() -> None:
    """Canonical bytes (govshare-jcs-v1) are reproducible: sample signatures verify."""
    keys: dict[str, bytes] = {}
    certificates = []
    for sample in SAMPLES:
        message = support.parse_sample(sample)
        if sample["type"] == "govshare.certificates.v1.SigningKeyPublished":
            keys[message.key.key_id] = message.key.public_key
        elif sample["type"] == "govshare.certificates.v1.CertificateIssued":
            certificates.append(message.certificate)
    assert certificates
    for cert in certificates:
        public = Ed25519PublicKey.from_public_bytes(keys[cert.signature.key_id])
        public.verify(cert.signature.value, support.canonical_bytes(cert))  # raises if bad

    tampered = certificates[0]
    tampered.fields["name"] += "X"
    public = Ed25519PublicKey.from_public_bytes(keys[tampered.signature.key_id])
    with pytest.raises(InvalidSignature):
        public.verify(tampered.signature.value, support.canonical_bytes(tampered))


def test_sample_ledger_entries_balance() -> None:
    for sample in SAMPLES:
        if sample["type"] != "govshare.tax.v1.LedgerEntriesPosted":
            continue
        message = support.parse_sample(sample)
        sides: dict[int, int] = {}
        for posting in message.postings:
            sides[posting.side] = sides.get(posting.side, 0) + posting.amount.fen
        assert len(sides) == 2 and len(set(sides.values())) == 1, sides


def test_identifier_checks_agree_with_domain_examples() -> None:
    """The checks used above accept DOMAIN.md's examples and reject one-char changes."""
    good = {
        "ID_KIND_USCC": ["91310110666007217T", "91370100705882496U"],
        "ID_KIND_RESIDENT_ID": ["11010519491231002X"],
        "ID_KIND_UNIT_CODE": ["370105012002GB00001F00010751"],
        "ID_KIND_PARCEL_CODE": ["370105012002GB00001"],
        "ID_KIND_CERT_ID": [
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
        ],
    }
    bad = {
        "ID_KIND_USCC": ["91310110666007217U", "91350100M0001TGQXM"],
        "ID_KIND_RESIDENT_ID": ["110105194912310021", "11010519490231002X"],
        "ID_KIND_UNIT_CODE": ["370105012002GB00001F0001075", "370105012002GB00001W00010751"],
        "ID_KIND_PARCEL_CODE": ["370105012002XB00001"],
        "ID_KIND_CERT_ID": [
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V"
        ],
    }
    for kind, values in good.items():
        assert all(support.ID_CHECKS[kind](v) for v in values), kind
    for kind, values in bad.items():
        assert not any(support.ID_CHECKS[kind](v) for v in values), kind


def test_sample_binary_round_trip() -> None:
    """Every sample survives the wire form the bus carries (protobuf bytes)."""
    for sample in SAMPLES:
        message = support.parse_sample(sample)
        assert type(message).FromString(message.SerializeToString()) == message
