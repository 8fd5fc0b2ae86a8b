"""kit/dispatch.py: a table from event class to handler."""

from __future__ import annotations

import pytest
from govshare.courts.v1 import events_pb2 as courts
from govshare.landsupply.v1 import events_pb2 as land

from services.kit.dispatch import Dispatch


def _sealed(log: list[str], event: courts.PropertySealed, suffix: str) -> str:
    log.append(event.unit_code)
    return "sealed" + suffix


def _table() -> Dispatch[list[str], [str], str]:
    return (
        Dispatch[list[str], [str], str]()
        .add(courts.PropertySealed, _sealed)
        .ignore(courts.PropertyUnsealed)
    )


def test_dispatches_on_the_exact_class_with_owner_and_rest():
    log: list[str] = []
    handler = _table().get(courts.PropertySealed(unit_code="U1"))
    assert handler is not None
    assert handler(log, courts.PropertySealed(unit_code="U1"), "!") == "sealed!"
    assert log == ["U1"]


def test_ignored_and_unknown_classes_have_no_handler():
    table = _table()
    assert table.get(courts.PropertyUnsealed()) is None
    assert table.get(courts.PropertySealed.FromString(b"")) is not None
    assert table.get(land.LandSupplied()) is None


def test_a_class_is_in_the_table_once():
    with pytest.raises(ValueError, match="PropertySealed"):
        _table().add(courts.PropertySealed, _sealed)
    with pytest.raises(ValueError, match="PropertyUnsealed"):
        _table().ignore(courts.PropertyUnsealed)


def test_covers_names_what_is_neither_handled_nor_ignored():
    table = _table()
    assert table.handled == {courts.PropertySealed}
    assert table.ignored == {courts.PropertyUnsealed}
    assert table.covers([courts.PropertySealed, courts.PropertyUnsealed]) == []
    assert table.covers([land.LandSupplied, courts.PropertySealed]) == ["LandSupplied"]
