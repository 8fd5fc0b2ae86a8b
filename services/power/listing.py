"""Where an application is listed for staff and for the overdue scan: an index by
division and status (`applications-by-division`, registry.py), so neither reads every
application ever made. Pure.

An open application is listed under `<division>|<status>`; a connected one under
`<division>|connected|<YYYY-MM>` of its connection, so that no list grows without end
(each is rewritten when an application joins or leaves it). An application whose
rectification is not yet followed up (回访) is also listed under
`<division>|rectifying`: the staff's rectification list and the overdue gauge read that.
"""

from __future__ import annotations

from services.power.domain import OPEN, Application


def key_of(app: Application) -> str:
    if app.status in OPEN:
        return f"{app.division}|{app.status}"
    at = app.completed_at or app.submitted_at
    return f"{app.division}|{app.status}|{at:%Y-%m}"


RECTIFYING = "rectifying"


def keys_of(app: Application) -> set[str]:
    """Every list the application belongs in now."""
    keys = {key_of(app)}
    if app.rectification is not None and app.followed_up is None:
        keys.add(f"{app.division}|{RECTIFYING}")
    return keys


def keys_for(app: Application) -> list[str]:
    """Every list the application may be in: each open status of its division, the
    rectifying list, and where it belongs now (a redelivered event finds it wherever a
    lost write left it)."""
    maybe = {f"{app.division}|{status}" for status in (*OPEN, RECTIFYING)}
    return sorted(maybe | keys_of(app))


def division_and_status(key: str) -> tuple[str, str]:
    division, status, *_ = key.split("|")
    return division, status
