"""Portal settings from `GOVSHARE_*` variables: where it listens and where the services are.

The portal needs no broker: it serves pages and forwards `/api/<service>/...` to the
services' HTTP addresses. Fail fast: a bad address stops the process naming the variable.
"""

from __future__ import annotations

import re
from typing import Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kit.settings import Environment

SERVICES = ("certificates", "realestate", "tax", "power")
_URL = re.compile(r"^https?://[A-Za-z0-9.\[\]:-]+(:[0-9]{1,5})?$")


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVSHARE_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    address_file: str = ""  # where to write the port actually bound (kit/address.py)
    any_port_if_taken: bool = False  # HTTP_PORT in use: bind any free port (govshare up)
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    # The services' HTTP base addresses (`govshare up` sets them to what it started).
    portal_certificates_url: str = "http://127.0.0.1:8081"
    portal_realestate_url: str = "http://127.0.0.1:8082"
    portal_tax_url: str = "http://127.0.0.1:8083"
    portal_power_url: str = "http://127.0.0.1:8084"
    portal_upstream_timeout_s: float = Field(default=30, gt=0, le=300)
    # Development only: demo certificates are issued there (gRPC, as the departments do).
    certificates_grpc: str = "127.0.0.1:50051"

    @field_validator(
        "portal_certificates_url", "portal_realestate_url", "portal_tax_url", "portal_power_url"
    )
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not _URL.fullmatch(value):
            raise ValueError(f"{value!r} is not a base address like http://host:port")
        return value

    @model_validator(mode="after")
    def _explicit_in_production(self) -> Self:
        if self.env is Environment.PRODUCTION:
            unset = [
                f"GOVSHARE_PORTAL_{name.upper()}_URL"
                for name in SERVICES
                if f"portal_{name}_url" not in self.model_fields_set
            ]
            if unset:
                raise ValueError(f"production needs {', '.join(unset)}")
        return self

    @property
    def upstreams(self) -> dict[str, str]:
        return {name: str(getattr(self, f"portal_{name}_url")) for name in SERVICES}

    @property
    def development(self) -> bool:
        return self.env is not Environment.PRODUCTION
