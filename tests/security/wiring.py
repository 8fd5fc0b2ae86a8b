"""The four services as built in this process, without starting them: their real routes,
consumers and gRPC servicers, so the tables of the security tests come from the code and
a new route or consumer is covered the day it is added."""

from __future__ import annotations

import importlib
import os
import tempfile
from functools import cache

from services.kit.runtime import ServiceRuntime

SERVICES = ("certificates", "realestate", "tax", "power")


@cache
def runtime(name: str) -> ServiceRuntime:
    """`services.<name>.app.build()` with test settings (nothing connects until started)."""
    keys = tempfile.mkdtemp(prefix="govshare-wiring-keys-")
    settings = {
        "GOVSHARE_ENV": "test",
        "GOVSHARE_KAFKA_BOOTSTRAP": "127.0.0.1:9",  # never contacted: the app is not started
        "GOVSHARE_KEYS_DIR": keys,
    }
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        built: ServiceRuntime = importlib.import_module(f"services.{name}.app").build()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return built


@cache
def consumers_of(topic: str) -> tuple[str, ...]:
    """The services whose workers consume `topic` (a govshare topic name)."""
    return tuple(name for name in SERVICES if topic in runtime(name)._by_topic)
