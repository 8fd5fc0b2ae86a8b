"""Settings of the power service only (`GOVSHARE_*`, checked at start like the kit's).

- `GOVSHARE_CERTIFICATES_GRPC` (default `127.0.0.1:50051`): the certificates service's
  gRPC address, where evidence is resolved.
- `GOVSHARE_POWER_COMPANY_USCC` / `GOVSHARE_POWER_COMPANY_NAME`: the power company that
  requests evidence (default 国网山东省电力有限公司济南供电公司, 91370100863014379C).
- `GOVSHARE_POWER_CERTIFICATES_TOKEN_FILE`: a file holding the power company's
  department bearer token for the certificates service. Required in production and
  re-read on every call (rotation needs no restart); development and test mint a
  development token instead.
- `GOVSHARE_POWER_OVERDUE_SCAN_S` (default 60): how often open applications are checked
  for overdue steps.
- `GOVSHARE_POWER_FIRST_STEP_GRACE_S` (default 5): how long an application accepted without
  its first step is left to the command that accepted it; then the worker owning it
  enters the step itself (the command was cut short), checking every as many seconds.
- `GOVSHARE_POWER_CLOCK_OFFSET_DAYS` (default 0): FOR TESTS ONLY, shifts the service's
  clock so that deadlines can be tested without waiting; production refuses it.
- `GOVSHARE_POWER_GRPC_TIMEOUT_S` (default 5): deadline of one ResolveEvidence call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kit import grpc_targets, identifiers
from services.kit.clock import SYSTEM, Clock, OffsetClock
from services.kit.evidence import department_token
from services.kit.settings import Environment


class PowerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVSHARE_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    certificates_grpc: str = "127.0.0.1:50051"
    power_company_uscc: str = "91370100863014379C"
    power_company_name: str = "国网山东省电力有限公司济南供电公司"
    power_certificates_token_file: str = ""
    power_overdue_scan_s: float = Field(default=60.0, gt=0, le=86400)
    power_first_step_grace_s: float = Field(default=5.0, gt=0, le=3600)
    power_clock_offset_days: float = Field(default=0.0, ge=-3650, le=3650)
    power_grpc_timeout_s: float = Field(default=5.0, gt=0, le=60)

    @model_validator(mode="after")
    def _check(self) -> Self:
        grpc_targets.check(self.certificates_grpc, "GOVSHARE_CERTIFICATES_GRPC")
        verdict = identifiers.check_uscc(self.power_company_uscc)
        if not verdict.valid:
            raise ValueError(f"GOVSHARE_POWER_COMPANY_USCC: {verdict.reason}")
        if self.env is Environment.PRODUCTION:
            if self.power_clock_offset_days:
                raise ValueError(
                    "GOVSHARE_POWER_CLOCK_OFFSET_DAYS is for tests; production refuses it"
                )
            token = Path(self.power_certificates_token_file)
            if not self.power_certificates_token_file or not token.is_file():
                raise ValueError(
                    "production needs GOVSHARE_POWER_CERTIFICATES_TOKEN_FILE: a file holding the "
                    "power company's department token for the certificates service"
                )
        if self.env is Environment.PRODUCTION and "certificates_grpc" not in self.model_fields_set:
            # the loopback default would point a container at itself
            raise ValueError("production needs GOVSHARE_CERTIFICATES_GRPC (host:port)")
        return self

    def clock(self) -> Clock:
        if not self.power_clock_offset_days:
            return SYSTEM
        return OffsetClock(timedelta(days=self.power_clock_offset_days))

    def department_token(self) -> Callable[[], str]:
        """The bearer token for certificates: from the file in production, re-read on
        every call (rotation needs no restart); a dev token elsewhere."""
        return department_token(
            self.power_certificates_token_file, self.power_company_uscc, "power"
        )


def load_power_settings(**overrides: object) -> PowerSettings:
    return PowerSettings(**overrides)  # type: ignore[arg-type]
