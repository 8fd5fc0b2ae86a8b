"""The contract samples (proto/samples/events.jsonl) as parsed events."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from services.kit.jsonevents import JsonEvent, parse_event
from tests.helpers import ROOT

SAMPLES = ROOT / "proto" / "samples" / "events.jsonl"


@cache
def sample_objects() -> tuple[dict[str, Any], ...]:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def sample_of_topic(topic: str) -> JsonEvent:
    obj = next(o for o in sample_objects() if o["topic"] == topic)
    return parse_event(obj)
