"""How the services authenticate to a Kafka cluster: TLS (server-verified, optionally
mutual) and SASL (PLAIN or SCRAM), as `GOVSHARE_KAFKA_*` settings turn into client options.

One description, three consumers that must agree: Faust's credentials (the worker and its
producer), aiokafka keyword arguments (topic creation, the CLI), and the ssl context the
readiness probe wraps its socket in. A wrong combination stops the process at start.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from faust.auth import SASLCredentials, SSLCredentials
from faust.types.auth import CredentialsT

Protocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
Mechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


class KafkaSecurityError(ValueError):
    """The settings do not describe a usable connection; the message names the variable."""


@dataclass(frozen=True)
class KafkaSecurity:
    protocol: Protocol = "PLAINTEXT"
    ca_file: str = ""  # empty: the system's trusted CAs
    cert_file: str = ""  # client certificate for mutual TLS (with key_file)
    key_file: str = ""
    sasl_mechanism: Mechanism = "SCRAM-SHA-512"
    sasl_username: str = ""
    sasl_password: str = ""

    @property
    def uses_tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    @property
    def uses_sasl(self) -> bool:
        return self.protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    def check(self, *, production: bool) -> None:
        """Raise KafkaSecurityError naming the `GOVSHARE_KAFKA_*` variable at fault."""
        if self.uses_sasl and not (self.sasl_username and self.sasl_password):
            raise KafkaSecurityError(
                f"GOVSHARE_KAFKA_SASL_USERNAME and GOVSHARE_KAFKA_SASL_PASSWORD(_FILE) are "
                f"required with GOVSHARE_KAFKA_SECURITY_PROTOCOL={self.protocol}"
            )
        if bool(self.cert_file) != bool(self.key_file):
            raise KafkaSecurityError(
                "GOVSHARE_KAFKA_SSL_CERT_FILE and GOVSHARE_KAFKA_SSL_KEY_FILE go together"
            )
        files = {
            "GOVSHARE_KAFKA_SSL_CA_FILE": self.ca_file,
            "GOVSHARE_KAFKA_SSL_CERT_FILE": self.cert_file,
            "GOVSHARE_KAFKA_SSL_KEY_FILE": self.key_file,
        }
        for variable, path in files.items():
            if path and not self.uses_tls:
                raise KafkaSecurityError(
                    f"{variable} is set but GOVSHARE_KAFKA_SECURITY_PROTOCOL={self.protocol} "
                    "uses no TLS (SSL or SASL_SSL)"
                )
            if path and not Path(path).is_file():
                raise KafkaSecurityError(f"{variable}={path!r}: no such file")
        if production and self.protocol == "SASL_PLAINTEXT" and self.sasl_mechanism == "PLAIN":
            raise KafkaSecurityError(
                "GOVSHARE_KAFKA_SASL_MECHANISM=PLAIN over SASL_PLAINTEXT sends the password "
                "in clear: use SASL_SSL or a SCRAM mechanism in production"
            )

    def ssl_context(self) -> ssl.SSLContext | None:
        """Verifies the broker's certificate and host name (never turned off here)."""
        if not self.uses_tls:
            return None
        context = ssl.create_default_context(cafile=self.ca_file or None)
        if self.cert_file:
            context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def faust_credentials(self) -> CredentialsT | None:
        if self.uses_sasl:
            return SASLCredentials(
                username=self.sasl_username,
                password=self.sasl_password,
                ssl_context=self.ssl_context(),
                mechanism=self.sasl_mechanism,
            )
        if self.uses_tls:
            return SSLCredentials(self.ssl_context())
        return None

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.uses_tls:
            options["ssl_context"] = self.ssl_context()
        if self.uses_sasl:
            options |= {
                "sasl_mechanism": self.sasl_mechanism,
                "sasl_plain_username": self.sasl_username,
                "sasl_plain_password": self.sasl_password,
            }
        return options
