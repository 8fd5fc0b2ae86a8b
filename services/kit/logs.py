"""JSON logs with personal identifiers masked.

Resident identity numbers and mobile numbers are personal data (DESIGN.md, Security):
they are masked in every log line whatever the code that logged them, because the
filter runs on the rendered message, not on trusted call sites.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from services.kit.identifiers import mask

# 18-char resident ids (17 digits + digit/X) and mainland mobile numbers, not inside
# longer alphanumeric runs (so USCCs and unit codes are left alone).
_PERSONAL = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])")


def mask_personal(text: str) -> str:
    return _PERSONAL.sub(lambda m: mask(m.group(0)), text)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": mask_personal(record.getMessage()),
        }
        if record.exc_info:
            entry["error"] = mask_personal(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(service: str, level: str = "INFO") -> None:
    """Route every logger (Faust, aiokafka, uvicorn included) through the JSON formatter."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "faust", "mode", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
