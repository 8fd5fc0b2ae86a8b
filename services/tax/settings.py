"""Settings of the tax service (GOVSHARE_TAX_*), checked at start."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kit import identifiers


class TaxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVSHARE_TAX_", extra="ignore", frozen=True)

    # An edited copy of data/transfer_rules.json (e.g. a confirmed local rate); empty means
    # the packaged rules.
    rules_file: str = ""
    # The tax authority that assesses and issues tax payment certificates (完税证明).
    authority_uscc: str = "11370105MB2857497F"
    authority_name: str = "国家税务总局济南市天桥区税务局"
    # The payment channel's cashier page (收银台): a party opening a payment order is sent
    # to `<cashier_url>/orders/<order id>`. `govshare up` points it at the development
    # channel (services/devbank).
    cashier_url: str = "http://127.0.0.1:8085"
    # How long a payment order takes money, and how often open orders are checked for
    # expiry (PaymentOrderExpired).
    order_ttl_s: float = Field(default=900.0, gt=0, le=86400)
    order_scan_s: float = Field(default=15.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _check(self) -> Self:
        verdict = identifiers.check_uscc(self.authority_uscc)
        if not verdict.valid:
            raise ValueError(f"GOVSHARE_TAX_AUTHORITY_USCC: {verdict.reason}")
        return self
