"""A table from protobuf event class to the handler of that class, instead of a chain of
isinstance tests: `handler(owner, event, *rest)`, where `owner` is what the handler works
on (the application class, a catalog) and `rest` what every handler of the table takes
(an envelope, a request id). `add` checks that each handler takes the class it is
registered for, so mypy checks the fields each handler reads; `ignore` names the classes
a consumer receives and deliberately does nothing with, so a test can say that every type
of a topic is one or the other. Lookup is by exact class, as protobuf classes are never
subclassed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Concatenate, Generic, ParamSpec, Self, TypeVar

from google.protobuf.message import Message

S = TypeVar("S")
E = TypeVar("E", bound=Message)
R = TypeVar("R")
P = ParamSpec("P")


class Dispatch(Generic[S, P, R]):
    def __init__(self) -> None:
        self._handlers: dict[type[Message], Callable[..., R]] = {}
        self._ignored: set[type[Message]] = set()

    def add(self, event: type[E], handler: Callable[Concatenate[S, E, P], R]) -> Self:
        self._claim(event)
        self._handlers[event] = handler
        return self

    def ignore(self, *events: type[Message]) -> Self:
        for event in events:
            self._claim(event)
            self._ignored.add(event)
        return self

    def _claim(self, event: type[Message]) -> None:
        if event in self._handlers or event in self._ignored:
            raise ValueError(f"{event.__name__} is in the table twice")

    def get(self, event: Message) -> Callable[Concatenate[S, Message, P], R] | None:
        """The handler of `event`'s class (None when ignored or unknown)."""
        return self._handlers.get(type(event))

    @property
    def handled(self) -> frozenset[type[Message]]:
        return frozenset(self._handlers)

    @property
    def ignored(self) -> frozenset[type[Message]]:
        return frozenset(self._ignored)

    def covers(self, events: Iterable[type[Message]]) -> list[str]:
        """The names of `events` that are neither handled nor ignored (for tests)."""
        known = self._handlers.keys() | self._ignored
        return sorted(e.__name__ for e in events if e not in known)
