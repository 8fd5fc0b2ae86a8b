"""The realestate and tax settings fail fast, naming the variable."""

import pytest
from pydantic import ValidationError

from services.realestate.evidence import token_source
from services.realestate.settings import RealestateSettings
from services.tax.settings import TaxSettings


def test_production_needs_the_registry_token_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSHARE_ENV", "production")
    with pytest.raises(ValidationError, match="GOVSHARE_REALESTATE_TOKEN_FILE"):
        RealestateSettings()
    token = tmp_path / "token"
    token.write_text("abc.def.ghi\n")
    monkeypatch.setenv("GOVSHARE_REALESTATE_TOKEN_FILE", str(token))
    monkeypatch.setenv("GOVSHARE_CERTIFICATES_GRPC", "certificates:50051")
    settings = RealestateSettings()
    assert token_source(settings)() == "abc.def.ghi"  # read on every call: rotation works


def test_bad_addresses_and_codes_are_named(monkeypatch):
    monkeypatch.setenv("GOVSHARE_CERTIFICATES_GRPC", "certificates")
    with pytest.raises(ValidationError, match="GOVSHARE_CERTIFICATES_GRPC"):
        RealestateSettings()
    monkeypatch.delenv("GOVSHARE_CERTIFICATES_GRPC")
    monkeypatch.setenv("GOVSHARE_TAX_AUTHORITY_USCC", "11370105MB2857497G")
    with pytest.raises(ValidationError, match="GOVSHARE_TAX_AUTHORITY_USCC"):
        TaxSettings()
    with pytest.raises(ValidationError, match="GOVSHARE_TAX_AUTHORITY_USCC"):
        RealestateSettings()


def test_development_mints_a_department_token():
    token = token_source(RealestateSettings(env="development"))()
    assert token.count(".") == 2


def test_production_needs_the_certificates_address_explicitly(tmp_path, monkeypatch):
    from services.realestate.settings import RealestateSettings

    token = tmp_path / "token"
    token.write_text("x")
    monkeypatch.setenv("GOVSHARE_ENV", "production")
    monkeypatch.setenv("GOVSHARE_REALESTATE_TOKEN_FILE", str(token))
    with pytest.raises(ValueError, match="GOVSHARE_CERTIFICATES_GRPC"):
        RealestateSettings()
    monkeypatch.setenv("GOVSHARE_CERTIFICATES_GRPC", "certificates:50051")
    assert RealestateSettings().certificates_grpc == "certificates:50051"
