"""Application objects reach module-level routes as dependencies (kit/provided.py)."""

from __future__ import annotations

from typing import Annotated

import fastapi.dependencies.utils
import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from services.kit.provided import provide, provide_as, provided


class Office:
    name = "real"


class FakeOffice(Office):
    name = "fake"


class Clerk:
    pass


router = APIRouter()


@router.get("/office")
async def office(found: Annotated[Office, Depends(provided(Office))]) -> dict[str, str]:
    return {"office": found.name}


@router.get("/clerk")
async def clerk(found: Annotated[Clerk, Depends(provided(Clerk))]) -> dict[str, str]:
    return {"clerk": type(found).__name__}


def _client(*objects: object) -> TestClient:
    app = FastAPI()
    provide(app, *objects)
    app.include_router(router)
    return TestClient(app, raise_server_exceptions=True)


def test_a_route_gets_the_object_its_app_was_given():
    assert _client(Office()).get("/office").json() == {"office": "real"}


def test_a_subclass_stands_in_for_its_class():
    assert _client(FakeOffice(), Clerk()).get("/office").json() == {"office": "fake"}


def test_each_app_has_its_own_objects():
    assert _client(FakeOffice()).get("/office").json() == {"office": "fake"}
    assert _client(Office()).get("/office").json() == {"office": "real"}


def test_a_missing_object_is_a_wiring_error_not_a_silent_none():
    with pytest.raises(LookupError, match="Clerk"):
        _client(Office()).get("/clerk")


def test_a_stand_in_of_another_class_answers_where_it_is_asked_for():
    app = FastAPI()
    provide_as(app, Office, type("StandIn", (), {"name": "stand-in"})())
    app.include_router(router)
    assert TestClient(app).get("/office").json() == {"office": "stand-in"}


def test_the_dependency_runs_on_the_loop_not_in_the_thread_pool(monkeypatch):
    """FastAPI hands a plain `def` dependency to a worker thread on every request."""

    async def no_thread_pool(*_: object, **__: object) -> None:
        raise AssertionError("a dependency went to the thread pool")

    monkeypatch.setattr(fastapi.dependencies.utils, "run_in_threadpool", no_thread_pool)
    assert _client(Office()).get("/office").json() == {"office": "real"}
