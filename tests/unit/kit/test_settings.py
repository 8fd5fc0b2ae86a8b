import pytest
from pydantic import ValidationError

from services.kit.settings import Environment, Settings, load_settings


def test_defaults_are_development_with_short_group_timeouts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GOVSHARE_ENV", raising=False)
    settings = load_settings()
    assert settings.env is Environment.DEVELOPMENT
    # Tansu holds a join for half the session timeout: dev must stay short.
    assert settings.session_timeout <= 3.0
    assert settings.rebalance_timeout <= 5.0


def test_environment_variables_are_read_with_the_prefix(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GOVSHARE_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("GOVSHARE_TOPIC_PARTITIONS", "12")
    settings = load_settings()
    assert settings.kafka_bootstrap == "kafka-1:9092,kafka-2:9092"
    assert settings.topic_partitions == 12


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"GOVSHARE_TOPIC_PARTITIONS": "0"}, "topic_partitions"),
        ({"GOVSHARE_HTTP_PORT": "70000"}, "http_port"),
        ({"GOVSHARE_LOG_LEVEL": "LOUD"}, "log_level"),
        ({"GOVSHARE_ENV": "staging"}, "env"),
    ],
)
def test_bad_values_fail_fast_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], field: str
):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as caught:
        load_settings()
    assert field in str(caught.value)


def test_bootstrap_entries_must_be_host_port():
    with pytest.raises(ValidationError, match="not host:port"):
        Settings(kafka_bootstrap="kafka-1")


def test_production_refuses_memory_store_and_missing_broker():
    with pytest.raises(ValidationError, match="GOVSHARE_KAFKA_BOOTSTRAP is required"):
        Settings(env=Environment.PRODUCTION, store="rocksdb://")
    with pytest.raises(ValidationError, match="rocksdb"):
        Settings(env=Environment.PRODUCTION, kafka_bootstrap="k:9092")
    prod = Settings(env=Environment.PRODUCTION, kafka_bootstrap="k:9092", store="rocksdb://")
    assert prod.session_timeout >= 10


def test_the_broker_gathers_8_kb_for_a_short_fetch_outside_production_only():
    """On Tansu a fetch that finds one record is answered at once (consumers then poll per
    record); in production the wait is never short, and Kafka answers when data comes."""
    assert Settings().busy_fetch_min_bytes == 8192
    prod = Settings(env=Environment.PRODUCTION, kafka_bootstrap="k:9092", store="rocksdb://")
    assert prod.busy_fetch_min_bytes == 1
    assert Settings(consumer_busy_fetch_min_bytes=512).busy_fetch_min_bytes == 512
