"""Process settings from `GOVSHARE_*` environment variables.

Fail fast: a bad value stops the process at start with the variable's name and the
reason, instead of surfacing later as a confusing broker or port error.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kit.kafka_security import KafkaSecurity, KafkaSecurityError

# Outside production: the longest a fetch waits once records stop coming (fetch_wait.py).
# Tansu's cost of an empty fetch grows with the partitions it names (measured: one idle
# consumer of 8 partitions, 1.45 % of a core at 500 ms, 0.75 % at 1,000 ms), so the idle
# platform's broker share halves at 1,000 ms (5.6 -> 3.6 %, the platform 10.7 -> 8.3 %);
# the price is the first hop after an idle spell: a record then waits for the fetch in
# flight, p50 131 -> 287 ms, at most the wait (docs/performance.md, session 7).
IDLE_FETCH_WAIT_MS = 1000
BUSY_FETCH_MIN_BYTES = 8192  # measured in docs/performance.md, session 11


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Settings shared by every govshare process."""

    model_config = SettingsConfigDict(env_prefix="GOVSHARE_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    # Empty means "start the embedded broker" (only `govshare up` does that).
    kafka_bootstrap: str = ""
    # How to authenticate to the cluster (services/kit/kafka_security.py): TLS with the
    # system's CAs or a CA file, optionally a client certificate (mutual TLS); SASL with a
    # user and a password, the password preferably from a mounted secret file.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_ssl_ca_file: str = ""
    kafka_ssl_cert_file: str = ""
    kafka_ssl_key_file: str = ""
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")
    kafka_sasl_password_file: str = ""
    # Namespaces every topic and consumer group: tests run isolated services this way.
    topic_prefix: str = Field(default="", pattern=r"^[a-z0-9._-]*$")
    # Partitions of every govshare topic; Faust changelogs must match their source topic.
    topic_partitions: int = Field(default=4, ge=1, le=1024)
    topic_replication: int = Field(default=1, ge=1, le=7)
    # Faust table store: memory:// for the embedded default, rocksdb:// in production.
    store: str = "memory://"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    grpc_port: int = Field(default=0, ge=0, le=65535)
    # The host other workers of the service reach this one at (services/kit/ownership.py);
    # empty: http_host, or the loopback address when that is a wildcard. On Kubernetes,
    # the pod IP (downward API).
    advertised_host: str = ""
    # Where to write the ports actually bound (services/kit/address.py); launchers set it.
    address_file: str = ""
    # A port asked for and in use gives way to any free one (the process announces which);
    # `govshare up` sets it with its well-known ports. Off: a taken port stops the process.
    any_port_if_taken: bool = False
    data_dir: str = ".govshare-data"
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    # Consumer-group timing. Tansu holds a group join for about half the session timeout,
    # so development and test use short values (a worker then joins in ~1 s, not 30 s);
    # production keeps Kafka-like defaults.
    session_timeout_s: float | None = Field(default=None, gt=0)
    heartbeat_interval_s: float | None = Field(default=None, gt=0)
    rebalance_timeout_s: float | None = Field(default=None, gt=0)
    # How long a fetch may wait for data (services/kit/fetch_wait.py): Tansu holds every
    # fetch for the full wait, so development and test use 10 ms while records flow and
    # grow it to the idle wait when none come; production keeps Faust's 1,500 ms for
    # both (Kafka answers as soon as data arrives).
    consumer_fetch_wait_ms: int | None = Field(default=None, ge=1, le=30_000)
    consumer_idle_fetch_wait_ms: int | None = Field(default=None, ge=1, le=30_000)
    # While the wait is short (records flowing), how many bytes the broker should gather
    # before it answers (services/kit/fetch_wait.py): 8 KB outside production, where a
    # fetch answered with one record at once made consumers poll per record; 1 in
    # production, where the wait is never short.
    consumer_busy_fetch_min_bytes: int | None = Field(default=None, ge=1, le=1_048_576)
    # How long an applied-event mark is kept (services/kit/idempotency.py says why this is
    # safe): above Kafka's 7-day retention of a group's committed offsets.
    applied_events_retention_s: float = Field(default=14 * 86400.0, ge=60)
    # How long the certificates service keeps an access-log entry in its table: 3 years
    # (PIPL art. 56), 90 days for a holder the registry does not know (probes);
    # services/certificates/retention.py. The access-log topic is the record.
    access_log_retention_s: float = Field(default=3 * 365 * 86400.0, ge=60)
    access_log_unknown_holder_s: float = Field(default=90 * 86400.0, ge=60)
    # Tansu rejects the idempotent producer; enable it on Apache Kafka by setting.
    producer_idempotence: bool = False
    # One record per produce batch, one produce request per record: the old workaround
    # for Tansu's short end offsets after a multi-record batch (Faust's table recovery
    # stopped short and lost the last writes), no longer needed since the end offsets are
    # read right on any broker (services/kit/log_end.py). Kept to measure what batching
    # saves (GOVSHARE_SINGLE_RECORD_BATCHES=true).
    single_record_batches: bool = False
    # Bearer JWT verification: JWKS JSON or comma-separated PEM/JWKS files. Development and
    # test also trust the published development key (`govshare token`); production refuses it.
    auth_public_keys: str = ""
    auth_issuers: str = ""
    auth_audience: str = "govshare"
    auth_leeway_s: float = Field(default=30, ge=0, le=300)
    # Where issuing departments' private signing keys live (one file per key), and the
    # suite new certificates are signed with (SM2 with SM3 by default, GB/T 32918).
    keys_dir: str = ".govshare-keys"
    signature_suite: Literal["SIGNATURE_SUITE_SM2_SM3", "SIGNATURE_SUITE_ED25519"] = (
        "SIGNATURE_SUITE_SM2_SM3"
    )

    @model_validator(mode="after")
    def _check_production(self) -> Self:
        if self.env is Environment.PRODUCTION:
            if not self.kafka_bootstrap:
                raise ValueError("GOVSHARE_KAFKA_BOOTSTRAP is required in production")
            if self.store.startswith("memory"):
                raise ValueError(
                    "GOVSHARE_STORE=memory:// loses state on restart; use rocksdb:// in production"
                )
        try:
            self.kafka_security.check(production=self.env is Environment.PRODUCTION)
        except KafkaSecurityError as exc:
            raise ValueError(str(exc)) from None
        for part in filter(None, self.kafka_bootstrap.split(",")):
            host, _, port = part.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"GOVSHARE_KAFKA_BOOTSTRAP entry {part!r} is not host:port")
        return self

    @property
    def kafka_security(self) -> KafkaSecurity:
        password = self.kafka_sasl_password.get_secret_value()
        if self.kafka_sasl_password_file:
            path = Path(self.kafka_sasl_password_file)
            if not path.is_file():
                raise KafkaSecurityError(
                    f"GOVSHARE_KAFKA_SASL_PASSWORD_FILE={str(path)!r}: no such file"
                )
            password = path.read_text("utf-8").strip()
        return KafkaSecurity(
            protocol=self.kafka_security_protocol,
            ca_file=self.kafka_ssl_ca_file,
            cert_file=self.kafka_ssl_cert_file,
            key_file=self.kafka_ssl_key_file,
            sasl_mechanism=self.kafka_sasl_mechanism,
            sasl_username=self.kafka_sasl_username,
            sasl_password=password,
        )

    @property
    def is_short_timeouts(self) -> bool:
        return self.env is not Environment.PRODUCTION

    @property
    def session_timeout(self) -> float:
        if self.session_timeout_s is not None:
            return self.session_timeout_s
        return 3.0 if self.is_short_timeouts else 30.0

    @property
    def heartbeat_interval(self) -> float:
        if self.heartbeat_interval_s is not None:
            return self.heartbeat_interval_s
        # A third of the session timeout, as Kafka advises; more often only costs CPU.
        return 1.0 if self.is_short_timeouts else 3.0

    @property
    def fetch_wait_ms(self) -> int:
        if self.consumer_fetch_wait_ms is not None:
            return self.consumer_fetch_wait_ms
        return 10 if self.is_short_timeouts else 1500

    @property
    def idle_fetch_wait_ms(self) -> int:
        if self.consumer_idle_fetch_wait_ms is not None:
            return max(self.consumer_idle_fetch_wait_ms, self.fetch_wait_ms)
        return max(IDLE_FETCH_WAIT_MS if self.is_short_timeouts else 1500, self.fetch_wait_ms)

    @property
    def busy_fetch_min_bytes(self) -> int:
        if self.consumer_busy_fetch_min_bytes is not None:
            return self.consumer_busy_fetch_min_bytes
        return BUSY_FETCH_MIN_BYTES if self.is_short_timeouts else 1

    @property
    def rebalance_timeout(self) -> float:
        if self.rebalance_timeout_s is not None:
            return self.rebalance_timeout_s
        return 3.0 if self.is_short_timeouts else 60.0


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; keyword overrides win (tests, the CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]
