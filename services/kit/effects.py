"""How many effects this process has had: table (changelog) writes and records produced.

The pipelines read it around a handler to learn whether an event changed anything. An
event that changed nothing needs no applied-event mark: applied again (a redelivery) it
changes nothing again, or what any redelivered event may do, which every handler
tolerates (at-least-once). Half of the records a joint transfer wrote were such marks,
each a produce request of its own on the embedded broker (docs/performance.md).

One counter per process, not per task: a concurrent effect elsewhere makes an event look
effectful, which costs a needless mark and nothing else; it never hides an effect.
"""

from __future__ import annotations

_count = 0


def note(n: int = 1) -> None:
    """Count `n` effects (a table write, a record produced or staged)."""
    global _count
    _count += n


def count() -> int:
    return _count
