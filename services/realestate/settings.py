"""Settings of the realestate service (GOVSHARE_*), checked at start."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kit import grpc_targets, identifiers
from services.kit.settings import Environment


class RealestateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVSHARE_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    # The certificate registry's gRPC address (smart review resolves the seller's
    # certificate there); `govshare up` serves it on 127.0.0.1:50051 by default.
    certificates_grpc: str = "127.0.0.1:50051"
    # The registration authority: requester of evidence, registrar of transfers.
    realestate_registrar_uscc: str = "123701004931056272"
    realestate_registrar_name: str = "济南市不动产登记中心"
    # Production: a file holding the registry's department bearer token for the
    # certificates service, issued by the identity provider and rotated in place (read on
    # every call). Development and test mint a development token instead.
    realestate_token_file: str = ""
    # The tax authority whose window staff share the queue (same variable as the tax service).
    tax_authority_uscc: str = "11370105MB2857497F"
    tax_authority_name: str = "国家税务总局济南市天桥区税务局"
    # Right type printed on a transferred unit's certificate (国有建设用地使用权/房屋所有权).
    realestate_right_type: str = "国有建设用地使用权/房屋所有权"
    realestate_evidence_timeout_s: float = Field(default=5.0, gt=0, le=60)
    realestate_evidence_attempts: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def _check(self) -> Self:
        for name in ("realestate_registrar_uscc", "tax_authority_uscc"):
            verdict = identifiers.check_uscc(getattr(self, name))
            if not verdict.valid:
                raise ValueError(f"GOVSHARE_{name.upper()}: {verdict.reason}")
        grpc_targets.check(self.certificates_grpc, "GOVSHARE_CERTIFICATES_GRPC")
        if self.env is Environment.PRODUCTION:
            if not self.realestate_token_file:
                raise ValueError(
                    "GOVSHARE_REALESTATE_TOKEN_FILE is required in production: the registry's "
                    "department token for the certificates service"
                )
            if not Path(self.realestate_token_file).is_file():
                raise ValueError(
                    f"GOVSHARE_REALESTATE_TOKEN_FILE {self.realestate_token_file}: no such file"
                )
        if self.env is Environment.PRODUCTION and "certificates_grpc" not in self.model_fields_set:
            # the loopback default would point a container at itself
            raise ValueError("production needs GOVSHARE_CERTIFICATES_GRPC (host:port)")
        return self
