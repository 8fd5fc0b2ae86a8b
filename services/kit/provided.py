"""The application objects routes use (a registry, commands, an office), reached as
FastAPI dependencies, so routers are module-level and `app.py` stays the only wiring.

`app.py` builds the objects once and hands them to the FastAPI app with `provide`; a
route names what it needs with a parameter typed `Annotated[Registry,
Depends(provided(Registry))]`. Tests provide fakes the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

from fastapi import FastAPI, Request

T = TypeVar("T")


def provide(app: FastAPI, *objects: object) -> None:
    """Make `objects` available to `app`'s routes, each under its own class."""
    found: dict[type, object] = getattr(app.state, "provided", None) or {}
    found.update({type(o): o for o in objects})
    app.state.provided = found


def provide_as(app: FastAPI, cls: type, obj: object) -> None:
    """Make `obj` what `app`'s routes get when they ask for `cls` (a test's stand-in)."""
    provide(app)
    app.state.provided[cls] = obj


def provided(cls: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency answering the object of class `cls` (or a subclass) `provide` gave.

    `async` though it awaits nothing: FastAPI runs a plain `def` dependency in its thread
    pool, a hand-off to a worker thread and back on every request (3.7 % of realestate's
    CPU at 12 joint cases/s, docs/performance.md session 11)."""

    async def dependency(request: Request) -> T:
        found: dict[type, object] = getattr(request.app.state, "provided", None) or {}
        if cls in found:
            return cast(T, found[cls])
        for obj in found.values():
            if isinstance(obj, cls):
                return obj
        raise LookupError(f"no {cls.__name__} provided to this app (app.py: provide)")

    dependency.__name__ = f"provided_{cls.__name__}"
    return dependency
