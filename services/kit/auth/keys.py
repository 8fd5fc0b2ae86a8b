"""The Ed25519 keys tokens are signed and verified with.

Production verifies against configured public keys (PEM files or a JWKS) and refuses to
start without any, or with the development key among them.  Development and test also
trust the development key: it is derived from :data:`DEV_SEED`, a seed published in this
file, so that ``govshare token`` in one process mints tokens that a service in another
process accepts.  Anyone can mint with it: it proves nothing outside a developer's
machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from services.kit.auth.errors import AuthConfigError

ALGORITHM: Final = "EdDSA"
DEV_KEY_ID: Final = "govshare-dev"

# DEVELOPMENT ONLY.  This seed is public (it is in the source), so the private key derived
# from it is known to everyone: tokens it signs authenticate nobody.  Development and test
# trust it so that `govshare token` needs no shared state; production refuses to start when
# its public key is configured.
DEV_SEED: Final = b"govshare development signing key - published, never trust in production"


def dev_private_key() -> Ed25519PrivateKey:
    """The DEVELOPMENT signing key, derived from the published :data:`DEV_SEED`."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(DEV_SEED).digest())


def dev_public_key() -> Ed25519PublicKey:
    return dev_private_key().public_key()


def raw(key: Ed25519PublicKey) -> bytes:
    """The 32 bytes of *key* (to compare keys)."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwks(keys: Mapping[str, Ed25519PublicKey]) -> dict[str, Any]:
    """A JWKS (RFC 7517 / RFC 8037 OKP keys) of *keys*, e.g. to publish or configure."""
    return {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "alg": ALGORITHM, "use": "sig", "kid": kid,
             "x": _b64url(raw(key))}
            for kid, key in keys.items()
        ]
    }  # fmt: skip


def _keys_from_jwks(text: str, origin: str) -> dict[str, Ed25519PublicKey]:
    try:
        doc = json.loads(text)
    except ValueError as err:
        raise AuthConfigError(f"{origin}: not valid JSON ({err})") from None
    entries = doc.get("keys") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise AuthConfigError(f'{origin}: a JWKS is an object with a "keys" list')
    keys: dict[str, Ed25519PublicKey] = {}
    for i, entry in enumerate(entries):
        where = f"{origin} key #{i}"
        if not isinstance(entry, dict):
            raise AuthConfigError(f"{where}: not an object")
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthConfigError(f'{where}: "kid" missing')
        where = f"{origin} key {kid!r}"
        if "d" in entry:
            raise AuthConfigError(f"{where}: holds a private key; configure public keys only")
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            raise AuthConfigError(
                f"{where}: kty/crv is {entry.get('kty')!r}/{entry.get('crv')!r}; "
                "only OKP/Ed25519 keys are accepted"
            )
        if entry.get("alg", ALGORITHM) != ALGORITHM or entry.get("use", "sig") != "sig":
            raise AuthConfigError(f'{where}: must be alg "EdDSA", use "sig"')
        x = entry.get("x")
        try:
            raw = _b64url_decode(x) if isinstance(x, str) else b""
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise AuthConfigError(f'{where}: "x" is not a base64url 32-byte Ed25519 key')
        if kid in keys:
            raise AuthConfigError(f"{where}: key id used twice")
        keys[kid] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


def _key_from_pem(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise AuthConfigError(f"public key file {path}: {err.strerror or err}") from None
    if b"PRIVATE KEY" in data:
        raise AuthConfigError(f"{path}: holds a private key; configure public keys only")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as err:
        raise AuthConfigError(f"{path}: not a PEM public key ({err})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuthConfigError(f"{path}: {type(key).__name__} is not an Ed25519 public key")
    return key


def load_public_keys(source: str | Sequence[str]) -> dict[str, Ed25519PublicKey]:
    """Keys from a JWKS JSON string, or from files (comma-separated string or a list).

    A file holding JSON is read as a JWKS (key ids from the JWKS); any other file is a PEM
    ``PUBLIC KEY`` whose key id is the file name without its extension
    (``/etc/govshare/keys/idp-2026.pem`` -> ``idp-2026``).
    """
    if isinstance(source, str):
        if source.lstrip().startswith("{"):
            return _keys_from_jwks(source, "JWKS")
        paths = [p.strip() for p in source.split(",") if p.strip()]
    else:
        paths = [p.strip() for p in source if p.strip()]
    keys: dict[str, Ed25519PublicKey] = {}
    for name in paths:
        path = Path(name)
        try:
            head = path.read_bytes()[:64].lstrip()
        except OSError as err:
            raise AuthConfigError(f"public key file {path}: {err.strerror or err}") from None
        found = (
            _keys_from_jwks(path.read_text(encoding="utf-8"), str(path))
            if head.startswith(b"{")
            else {path.stem: _key_from_pem(path)}
        )
        for kid, key in found.items():
            if kid in keys:
                raise AuthConfigError(f"key id {kid!r} ({path}) is configured twice")
            keys[kid] = key
    return keys


def encode_token(
    claims: Mapping[str, Any],
    *,
    key: Ed25519PrivateKey,
    kid: str,
    headers: Mapping[str, Any] | None = None,
) -> str:
    """Sign *claims* as they are (no checks): the primitive under :func:`mint_dev_token`,
    also for tests and for a test identity provider."""
    return jwt.encode(
        dict(claims), key, algorithm=ALGORITHM, headers={"kid": kid, **(headers or {})}
    )
