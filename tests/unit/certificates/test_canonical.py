"""Tests for services.certificates.canonical (CANONICALIZATION_JCS_V1).

The reference is tests/contracts/support.py's `canonical_bytes`, written independently
from types.proto; the sample certificates' real Ed25519 signatures are a second check.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.protobuf import json_format
from govshare.certificates.v1 import types_pb2
from govshare.common.v1 import types_pb2 as common
from hypothesis import given, settings
from hypothesis import strategies as st

from services.certificates import signatures
from services.certificates.canonical import (
    CANONICALIZATION_NAME,
    CanonicalizationError,
    certificate_bytes,
    certificate_object,
)
from tests.contracts import support


def _sample_messages(kind: str) -> list[Any]:
    return [
        support.parse_sample(s)
        for s in support.samples()
        if s["type"] == f"govshare.certificates.v1.{kind}"
    ]


SAMPLE_CERTS = [m.certificate for m in _sample_messages("CertificateIssued")]
SAMPLE_KEYS = {m.key.key_id: m.key for m in _sample_messages("SigningKeyPublished")}


def _cert() -> types_pb2.Certificate:
    cert = types_pb2.Certificate()
    cert.CopyFrom(SAMPLE_CERTS[0])
    return cert


def test_there_are_sample_certificates() -> None:
    assert len(SAMPLE_CERTS) >= 2


@pytest.mark.parametrize("cert", SAMPLE_CERTS, ids=[c.id for c in SAMPLE_CERTS])
def test_sample_bytes_equal_the_contract_reference(cert: types_pb2.Certificate) -> None:
    assert certificate_bytes(cert) == support.canonical_bytes(cert)


@pytest.mark.parametrize("cert", SAMPLE_CERTS, ids=[c.id for c in SAMPLE_CERTS])
def test_sample_signatures_verify_over_our_bytes(cert: types_pb2.Certificate) -> None:
    key = SAMPLE_KEYS[cert.signature.key_id]
    assert key.suite == cert.signature.suite
    assert signatures.verify(
        key.suite, key.public_key, certificate_bytes(cert), cert.signature.value
    )
    tampered = types_pb2.Certificate()
    tampered.CopyFrom(cert)
    tampered.holder.name += "X"
    assert not signatures.verify(
        key.suite, key.public_key, certificate_bytes(tampered), cert.signature.value
    )


def test_shape_of_the_bytes() -> None:
    cert = _cert()
    data = certificate_bytes(cert)
    text = data.decode("utf-8")
    assert "\n" not in text and ": " not in text and ", " not in text
    obj = json.loads(text)
    assert list(obj) == sorted(obj)
    assert list(obj["fields"]) == sorted(obj["fields"])
    assert obj["canonicalization"] == CANONICALIZATION_NAME == "govshare-jcs-v1"
    assert set(obj) == {
        "canonicalization", "id", "type_code", "type_name", "holder_kind", "holder_id",
        "holder_name", "issuer_uscc", "issuer_name", "serial", "version", "valid_from",
        "valid_until", "issued_at", "supersedes_id", "fields", "suite", "key_id",
    }  # fmt: skip
    assert all(isinstance(v, str) for k, v in obj.items() if k != "fields")
    assert obj["version"] == "001"
    assert obj["holder_kind"] == "PARTY_KIND_ENTERPRISE"
    assert obj["suite"] == "SIGNATURE_SUITE_ED25519"
    assert "营业执照" in text  # UTF-8, not \u escapes
    assert obj == json.loads(support.canonical_bytes(cert))


def test_status_and_signature_value_are_not_covered() -> None:
    cert = _cert()
    before = certificate_bytes(cert)
    cert.status = types_pb2.CERTIFICATE_STATUS_REVOKED
    cert.signature.value = b"other"
    cert.signature.canonicalization = types_pb2.CANONICALIZATION_UNSPECIFIED
    assert certificate_bytes(cert) == before


def _mutations() -> list[tuple[str, Any]]:
    def setter(path: str, value: Any) -> Any:
        def apply(cert: types_pb2.Certificate) -> None:
            *parents, last = path.split(".")
            target: Any = cert
            for name in parents:
                target = getattr(target, name)
            setattr(target, last, value)

        return apply

    def add_field(cert: types_pb2.Certificate) -> None:
        cert.fields["extra"] = ""

    def change_field(cert: types_pb2.Certificate) -> None:
        cert.fields["name"] += " "

    def set_valid_until(cert: types_pb2.Certificate) -> None:
        cert.valid_until.CopyFrom(common.Date(year=2045, month=2, day=9))

    def nanos(cert: types_pb2.Certificate) -> None:
        cert.issued_at.nanos = 1_000_000

    return [
        ("id", setter("id", "1.2.156.3005.2.X")),
        ("type_code", setter("type_code", "X")),
        ("type_name", setter("type_name", "X")),
        ("holder.kind", setter("holder.kind", common.PARTY_KIND_CITIZEN)),
        ("holder.id", setter("holder.id", "X")),
        ("holder.name", setter("holder.name", "X")),
        ("issuer_uscc", setter("issuer_uscc", "X")),
        ("issuer_name", setter("issuer_name", "X")),
        ("serial", setter("serial", "X")),
        ("version", setter("version", 2)),
        ("valid_from.day", setter("valid_from.day", 11)),
        ("valid_until", set_valid_until),
        ("issued_at.seconds", setter("issued_at.seconds", 1)),
        ("issued_at.nanos", nanos),
        ("supersedes_id", setter("supersedes_id", "X")),
        ("fields add", add_field),
        ("fields change", change_field),
        ("signature.suite", setter("signature.suite", types_pb2.SIGNATURE_SUITE_SM2_SM3)),
        ("signature.key_id", setter("signature.key_id", "X")),
    ]


@pytest.mark.parametrize(("name", "mutate"), _mutations(), ids=[m[0] for m in _mutations()])
def test_every_covered_field_changes_the_bytes(name: str, mutate: Any) -> None:
    cert = _cert()
    before = certificate_bytes(cert)
    mutate(cert)
    after = certificate_bytes(cert)
    assert after != before, name
    assert after == support.canonical_bytes(cert)


def test_dates_and_timestamps() -> None:
    cert = _cert()
    cert.ClearField("valid_until")
    assert certificate_object(cert)["valid_until"] == ""
    cert.valid_until.CopyFrom(common.Date(year=2030, month=1, day=2))
    cert.valid_from.CopyFrom(common.Date(year=999, month=3, day=4))
    obj = certificate_object(cert)
    assert (obj["valid_until"], obj["valid_from"]) == ("2030-01-02", "0999-03-04")
    cert.issued_at.FromJsonString("2025-02-10T10:15:08+08:00")
    for nanos, text in [
        (0, "2025-02-10T02:15:08Z"),
        (500_000_000, "2025-02-10T02:15:08.500Z"),
        (1_000, "2025-02-10T02:15:08.000001Z"),
        (1, "2025-02-10T02:15:08.000000001Z"),
    ]:
        cert.issued_at.nanos = nanos
        assert certificate_object(cert)["issued_at"] == text
        assert certificate_bytes(cert) == support.canonical_bytes(cert)


def test_jcs_string_escaping() -> None:
    cert = _cert()
    cert.fields["note"] = 'a"b\\c/d\b\f\n\r\t\x00\x1f\x7f\u2028é😀'
    text = certificate_bytes(cert).decode("utf-8")
    # RFC 8785 / ECMAScript JSON.stringify: short escapes, other controls as lowercase
    # \u00xx, everything else (incl. "/", DEL, U+2028, non-BMP) literal.
    assert '"note":"a\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0000\\u001f\x7f\u2028é😀"' in text
    assert certificate_bytes(cert) == support.canonical_bytes(cert)


def test_jcs_orders_member_names_by_utf16_code_units() -> None:
    cert = _cert()
    cert.fields.clear()
    cert.fields["\uffff"] = "bmp"
    cert.fields["\U0001f600"] = "astral"  # UTF-16 D83D DE00 sorts before FFFF
    cert.fields["a"] = "ascii"
    fields = certificate_object(cert)["fields"]
    assert isinstance(fields, dict)
    assert list(fields) == ["a", "\U0001f600", "\uffff"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.ClearField("issued_at"), "issued_at"),
        (lambda c: c.ClearField("valid_from"), "valid_from"),
        (lambda c: c.ClearField("holder"), "holder"),
        (lambda c: setattr(c, "version", 0), "version"),
        (lambda c: setattr(c, "version", 1000), "version"),
        (lambda c: setattr(c.signature, "canonicalization", 7), "canonicalization"),
        (lambda c: setattr(c.signature, "suite", 9), "9"),
    ],
)
def test_uncanonicalisable_certificates_raise(mutate: Any, message: str) -> None:
    cert = _cert()
    mutate(cert)
    with pytest.raises(CanonicalizationError, match=message):
        certificate_bytes(cert)


_text = st.text(st.characters(codec="utf-8"), max_size=30)  # no surrogates
_key = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(
    strings=st.fixed_dictionaries(
        {
            name: _text
            for name in (
                "id",
                "type_code",
                "type_name",
                "issuer_uscc",
                "issuer_name",
                "serial",
                "supersedes_id",
            )
        }
    ),
    holder=st.tuples(
        st.sampled_from(
            [common.PARTY_KIND_CITIZEN, common.PARTY_KIND_ENTERPRISE, common.PARTY_KIND_DEPARTMENT]
        ),
        _text,
        _text,
    ),
    version=st.integers(1, 999),
    dates=st.tuples(st.dates(), st.one_of(st.none(), st.dates())),
    issued=st.tuples(st.integers(0, 253402300799), st.integers(0, 999_999_999)),
    fields=st.dictionaries(_key, _text, max_size=8),
    suite=st.sampled_from([types_pb2.SIGNATURE_SUITE_SM2_SM3, types_pb2.SIGNATURE_SUITE_ED25519]),
    key_id=_text,
)
def test_random_certificates_match_the_reference(
    strings: dict[str, str],
    holder: tuple[common.PartyKind, str, str],
    version: int,
    dates: tuple[Any, Any],
    issued: tuple[int, int],
    fields: dict[str, str],
    suite: types_pb2.SignatureSuite,
    key_id: str,
) -> None:
    cert = types_pb2.Certificate(version=version, fields=fields)
    for name, value in strings.items():
        setattr(cert, name, value)
    cert.holder.kind, cert.holder.id, cert.holder.name = holder
    valid_from, valid_until = dates
    cert.valid_from.CopyFrom(
        common.Date(year=valid_from.year, month=valid_from.month, day=valid_from.day)
    )
    if valid_until is not None:
        cert.valid_until.CopyFrom(
            common.Date(year=valid_until.year, month=valid_until.month, day=valid_until.day)
        )
    cert.issued_at.seconds, cert.issued_at.nanos = issued
    cert.signature.suite = suite
    cert.signature.key_id = key_id
    cert.signature.canonicalization = types_pb2.CANONICALIZATION_JCS_V1
    assert certificate_bytes(cert) == support.canonical_bytes(cert)
    # And the bytes survive a proto3 JSON round trip of the certificate.
    again = types_pb2.Certificate()
    json_format.Parse(json_format.MessageToJson(cert), again)
    assert certificate_bytes(again) == certificate_bytes(cert)
