"""A service on a Kafka listener that speaks TLS only (GOVSHARE_KAFKA_SECURITY_PROTOCOL=SSL):
it verifies the broker against the configured CA, becomes ready, and issues a certificate
(produce, consume, table) over TLS; against a broker its CA did not sign, it never calls
the broker reachable. Tansu has no TLS listener, so the TLS ends in the loopback proxy
`govshare up` uses for kcat (devtools/kafka_compat.py), which forwards every byte."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devtools.kafka_compat import CompatProxy
from services.kit.kafka_probe import kafka_answers
from services.kit.kafka_security import KafkaSecurity
from tests.helpers import http_get
from tests.integration.power.support import Certificates, Http, holder_uscc
from tests.reliability.processes import Platform, environment

pytestmark = pytest.mark.integration


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _authority(directory: Path, name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    (directory / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _server(directory: Path, ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate) -> Path:
    """A broker certificate for 127.0.0.1 signed by the CA; returns the PEM (cert + key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("kafka.test"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = directory / "broker.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem


@pytest.fixture(scope="module")
def tls_listener(broker, tmp_path_factory) -> Iterator[tuple[str, Path, Path]]:
    """(bootstrap of the TLS listener, the CA that signed it, a CA that did not)."""
    directory = tmp_path_factory.mktemp("tls")
    ca_key, ca = _authority(directory, "govshare-test-ca")
    _authority(directory, "another-ca")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(_server(directory, ca_key, ca))
    host, port = broker.bootstrap.rsplit(":", 1)
    proxy = CompatProxy(host, int(port), "127.0.0.1", 0, tls=context).start()
    try:
        yield proxy.bootstrap, directory / "govshare-test-ca.pem", directory / "another-ca.pem"
    finally:
        proxy.stop()


def test_the_readiness_probe_speaks_tls_and_verifies_the_broker(tls_listener):
    bootstrap, ca, other = tls_listener
    host, port = bootstrap.rsplit(":", 1)
    trusted = KafkaSecurity(protocol="SSL", ca_file=str(ca)).ssl_context()
    untrusted = KafkaSecurity(protocol="SSL", ca_file=str(other)).ssl_context()
    assert kafka_answers(host, int(port), 2.0, trusted)
    assert not kafka_answers(host, int(port), 2.0, untrusted)  # not our broker
    assert not kafka_answers(host, int(port), 2.0, None)  # plaintext to a TLS listener


def test_a_service_works_over_tls_with_the_configured_ca(broker, tls_listener, tmp_path):
    bootstrap, ca, _ = tls_listener
    env = environment(broker.bootstrap, tmp_path / "keys")  # topics made on the plain port
    env |= {
        "GOVSHARE_KAFKA_BOOTSTRAP": bootstrap,
        "GOVSHARE_KAFKA_SECURITY_PROTOCOL": "SSL",
        "GOVSHARE_KAFKA_SSL_CA_FILE": str(ca),
    }
    with Platform(env, ("certificates",)) as platform:
        status, body = http_get(platform.url("certificates") + "/readyz")
        assert status == 200, body
        certs = Certificates(platform.grpc_port, Http(platform.url("certificates")))
        try:
            holder = holder_uscc()
            issued = certs.licence(holder)  # answers once applied: produced and consumed
        finally:
            certs.channel.close()
        assert issued.holder.id == holder
