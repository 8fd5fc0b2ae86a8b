"""Power settings fail fast; the test clock and dev tokens stay out of production."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.kit.auth import verifier_from_settings
from services.power.settings import PowerSettings


def test_defaults_point_at_the_local_certificates_service():
    settings = PowerSettings()
    assert settings.certificates_grpc == "127.0.0.1:50051"
    principal = verifier_from_settings("test").verify(settings.department_token()())
    assert (principal.kind, principal.department) == ("department", "power")
    assert principal.subject == settings.power_company_uscc


def test_the_clock_offset_shifts_now():
    now = PowerSettings(power_clock_offset_days=30).clock().now()
    assert abs(now - datetime.now(UTC) - timedelta(days=30)) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"certificates_grpc": "nohostport"}, "GOVSHARE_CERTIFICATES_GRPC"),
        ({"power_company_uscc": "91370100863014379X"}, "GOVSHARE_POWER_COMPANY_USCC"),
        ({"env": "production"}, "GOVSHARE_POWER_CERTIFICATES_TOKEN_FILE"),
        ({"env": "production", "power_clock_offset_days": 3}, "for tests"),
        ({"power_overdue_scan_s": 0}, "greater than 0"),
    ],
)
def test_bad_settings_stop_the_process(values, message):
    with pytest.raises(ValidationError, match=message):
        PowerSettings(**values)


def test_production_reads_the_token_file_on_every_call(tmp_path):
    token = tmp_path / "token"
    token.write_text("first\n")
    settings = PowerSettings(
        env="production",
        power_certificates_token_file=str(token),
        certificates_grpc="certificates:50051",
    )
    read = settings.department_token()
    assert read() == "first"
    token.write_text("second")
    assert read() == "second"


def test_production_needs_the_certificates_address_explicitly(tmp_path, monkeypatch):
    from services.power.settings import load_power_settings

    token = tmp_path / "token"
    token.write_text("x")
    monkeypatch.setenv("GOVSHARE_ENV", "production")
    monkeypatch.setenv("GOVSHARE_POWER_CERTIFICATES_TOKEN_FILE", str(token))
    with pytest.raises(ValueError, match="GOVSHARE_CERTIFICATES_GRPC"):
        load_power_settings()
    monkeypatch.setenv("GOVSHARE_CERTIFICATES_GRPC", "certificates:50051")
    assert load_power_settings().certificates_grpc == "certificates:50051"
