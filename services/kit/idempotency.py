"""Remember which events were applied, so a redelivered event changes nothing.

At-least-once delivery (Tansu has no transactions) means any event may arrive twice.
The dedup key is CloudEvents' `(ce_source, ce_id)`; the marks live in a Faust table,
so they are partitioned like the events and survive restarts through the changelog.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping

from services.kit.envelope import Envelope


class AppliedEvents:
    def __init__(self, table: MutableMapping[str, float]) -> None:
        self.table = table

    def seen(self, env: Envelope) -> bool:
        return env.dedup_key in self.table

    def mark(self, env: Envelope) -> None:
        self.table[env.dedup_key] = time.time()
