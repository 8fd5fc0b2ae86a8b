"""GOVSHARE_KAFKA_* security settings: what each client gets, and the combinations that
stop a process at start (naming the variable)."""

from __future__ import annotations

import pytest
from faust.auth import SASLCredentials, SSLCredentials
from pydantic import ValidationError

from services.kit.kafka_security import KafkaSecurity
from services.kit.settings import load_settings

BASE = {"kafka_bootstrap": "kafka-0:9093", "env": "test"}


def test_plaintext_is_the_default_and_adds_nothing():
    security = load_settings(**BASE).kafka_security
    assert security.client_options() == {"security_protocol": "PLAINTEXT"}
    assert security.faust_credentials() is None and security.ssl_context() is None


def test_sasl_over_tls_gives_every_client_the_same_user_and_a_verifying_context(tmp_path):
    password = tmp_path / "password"
    password.write_text("s3cret\n")
    settings = load_settings(
        **BASE,
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="govshare-tax",
        kafka_sasl_password_file=str(password),
    )
    options = settings.kafka_security.client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "govshare-tax",
        "s3cret",  # from the mounted file, without its newline
    )
    assert options["ssl_context"].verify_mode.name == "CERT_REQUIRED"
    assert options["ssl_context"].check_hostname
    credentials = settings.kafka_security.faust_credentials()
    assert isinstance(credentials, SASLCredentials)
    assert (
        credentials.protocol.value == "SASL_SSL" and credentials.mechanism.value == "SCRAM-SHA-512"
    )
    assert "s3cret" not in repr(settings)  # the password never shows in logs or errors


def test_tls_alone_gives_ssl_credentials():
    security = KafkaSecurity(protocol="SSL")
    assert isinstance(security.faust_credentials(), SSLCredentials)
    assert security.client_options()["security_protocol"] == "SSL"


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        ({"kafka_security_protocol": "SASL_SSL"}, "GOVSHARE_KAFKA_SASL_USERNAME"),
        ({"kafka_ssl_cert_file": "/x.pem"}, "GOVSHARE_KAFKA_SSL_CERT_FILE"),
        (
            {"kafka_security_protocol": "SSL", "kafka_ssl_ca_file": "/no/such/ca.pem"},
            "GOVSHARE_KAFKA_SSL_CA_FILE",
        ),
        (
            {"kafka_security_protocol": "PLAINTEXT", "kafka_ssl_ca_file": "/no/such/ca.pem"},
            "GOVSHARE_KAFKA_SSL_CA_FILE",
        ),
        (
            {
                "kafka_security_protocol": "SASL_SSL",
                "kafka_sasl_username": "u",
                "kafka_sasl_password_file": "/no/such/file",
            },
            "GOVSHARE_KAFKA_SASL_PASSWORD_FILE",
        ),
    ],
)
def test_a_broken_combination_stops_the_process_naming_the_variable(settings, variable):
    with pytest.raises(ValidationError, match=variable):
        load_settings(**BASE, **settings)


def test_production_refuses_a_password_in_clear():
    with pytest.raises(ValidationError, match="in clear"):
        load_settings(
            kafka_bootstrap="kafka-0:9092",
            env="production",
            store="rocksdb://",
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="PLAIN",
            kafka_sasl_username="u",
            kafka_sasl_password="p",
        )
