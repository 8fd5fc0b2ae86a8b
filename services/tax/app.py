"""Tax service wiring: the topics it consumes.

Its rules arrive with its own issue; until then its input events pass the kit
pipeline (decode, validate, dedup, dead-letter) and change no state.
"""

from __future__ import annotations

from services.kit.consumer import accept_valid
from services.kit.runtime import ServiceRuntime
from services.kit.settings import Settings, load_settings

NAME = "tax"

# Own events (state) and the shared transfer stream.
INPUT_TOPICS = (
    "tax.v1.events",
    "realestate.v1.events",
)


def build(settings: Settings | None = None) -> ServiceRuntime:
    runtime = ServiceRuntime(NAME, settings or load_settings())
    for topic in INPUT_TOPICS:
        runtime.consume(topic, accept_valid)
    return runtime
