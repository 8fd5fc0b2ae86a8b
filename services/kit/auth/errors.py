"""Why a caller is refused (:class:`AuthError`, 401 or 403) or a process must not start
(:class:`AuthConfigError`)."""

from __future__ import annotations


class AuthError(Exception):
    """Authentication (``status`` 401) or authorization (403) failed, with a reason.

    Reasons never contain the token or an unmasked personal identifier.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def __repr__(self) -> str:
        return f"AuthError({self.status}, {self.reason!r})"


def unauthenticated(reason: str) -> AuthError:
    return AuthError(401, reason)


def forbidden(reason: str) -> AuthError:
    return AuthError(403, reason)


class AuthConfigError(ValueError):
    """The key/issuer configuration is unusable; the process must not start."""


def show(value: object, limit: int = 40) -> str:
    """A caller-supplied value, clipped and ASCII-escaped, for a reason."""
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
