"""Who asked for a change, as the event headers carry it (`ce_actor`, `ce_department`).

With the case id (`ce_caseid`) and the purpose (`ce_purpose`) these make every change
attributable from the headers alone, the event-world form of X-Road's UserId header.
Generic tooling prints headers, so a citizen's resident id is masked here (the event
itself holds it whole where the record needs it).
"""

from __future__ import annotations

from services.kit.auth.principals import Principal


def actor_header(principal: Principal) -> str:
    """`citizen:<masked id>`, `enterprise:<USCC>`, `staff:<dept>/<staff id>` or
    `department:<dept>/<USCC>`."""
    if principal.department:
        return f"{principal.kind}:{principal.department}/{principal.subject}"
    return f"{principal.kind}:{principal.masked_subject}"


def attribution(principal: Principal, department: str) -> dict[str, str]:
    """The `actor` and `department` attributes of an event `principal` caused: staff and
    departments act for their own department, people through `department`'s service."""
    return {"actor": actor_header(principal), "department": principal.department or department}
