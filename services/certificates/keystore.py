"""Issuing departments' signing keys, kept on local disk (one JSON file per key).

Private keys never travel over Kafka. In production this directory is a mounted secret
(or is replaced by an HSM behind the same three calls); in development keys are made on
first use. Public keys are served (`GET /v1/keys`, `ListPublicKeys`) and announced with
`SigningKeyPublished` so relying parties can verify offline.

Several workers may share one writable directory (`govshare up --workers N`, the tests):
a key made by one is found by the others on disk before they would make their own, and
a key file is created only if none of that id exists (a hard link, which fails if the
name is taken), so two workers never sign with two different keys under one key id.
Rotation is not coordinated across workers: an operator rotates, then restarts them.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from govshare.certificates.v1 import types_pb2 as t

from services.certificates import signatures
from services.certificates.domain import timestamp
from services.certificates.signatures import SigningKey, Suite
from services.kit.clock import SYSTEM, Clock


@dataclass(frozen=True)
class StoredKey:
    key: SigningKey
    issuer_uscc: str
    active_from: datetime
    retired_at: datetime | None

    def public(self) -> t.SigningKey:
        out = t.SigningKey(
            key_id=self.key.key_id,
            issuer_uscc=self.issuer_uscc,
            suite=self.key.suite.proto_value,  # type: ignore[arg-type]
            public_key=self.key.public_bytes,
            active_from=timestamp(self.active_from),
            status=t.SIGNING_KEY_STATUS_RETIRED if self.retired_at else t.SIGNING_KEY_STATUS_ACTIVE,
        )
        if self.retired_at:
            out.retired_at.CopyFrom(timestamp(self.retired_at))
        return out


class KeyStore:
    def __init__(self, directory: Path, clock: Clock = SYSTEM) -> None:
        self.directory = directory
        self.clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, StoredKey] = {}
        self._load()

    def _load(self) -> None:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.json")):
            self._load_file(path)

    def _load_file(self, path: Path) -> StoredKey:
        raw = json.loads(path.read_text("utf-8"))
        key = SigningKey.from_private_bytes(
            Suite(raw["suite"]), raw["key_id"], bytes.fromhex(raw["private_hex"])
        )
        stored = StoredKey(
            key,
            raw["issuer_uscc"],
            datetime.fromisoformat(raw["active_from"]),
            datetime.fromisoformat(raw["retired_at"]) if raw.get("retired_at") else None,
        )
        self._keys[key.key_id] = stored
        return stored

    def _path(self, key_id: str) -> Path:
        return self.directory / (key_id.replace("/", "_") + ".json")

    def _save(self, stored: StoredKey, *, new: bool = False) -> bool:
        """Write the key's file; with `new`, only if no file of its id exists (False
        then: another worker made that key first)."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(stored.key.key_id)
        body = json.dumps(
            {
                "key_id": stored.key.key_id,
                "suite": stored.key.suite.value,
                "issuer_uscc": stored.issuer_uscc,
                "active_from": stored.active_from.isoformat(),
                "retired_at": stored.retired_at.isoformat() if stored.retired_at else None,
                "private_hex": stored.key.to_private_bytes().hex(),
            }
        )
        # A name of this writer's own: workers sharing the directory write side by side.
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
        if not new:
            tmp.replace(path)
            return True
        try:
            os.link(tmp, path)  # complete, and only if the name is free
        except FileExistsError:
            return False
        finally:
            tmp.unlink()
        return True

    def _current(self, issuer_uscc: str, suite: Suite) -> StoredKey | None:
        current = [
            k
            for k in self._keys.values()
            if k.issuer_uscc == issuer_uscc and k.key.suite is suite and k.retired_at is None
        ]
        return max(current, key=lambda k: k.active_from) if current else None

    def active(self, issuer_uscc: str, suite: Suite) -> tuple[StoredKey, bool]:
        """The issuer's signing key for `suite`; True when this call created it."""
        with self._lock:
            current = self._current(issuer_uscc, suite)
            if current is None:
                self._load()  # another worker sharing the directory may have made it
                current = self._current(issuer_uscc, suite)
            if current is not None:
                return current, False
            return self._create(issuer_uscc, suite)

    def _create(self, issuer_uscc: str, suite: Suite) -> tuple[StoredKey, bool]:
        """A new key for the issuer; or the one another worker just made under the same
        id (False), which is then the issuer's key here too."""
        now = self.clock.now()
        seq = 1 + sum(
            1
            for k in self._keys.values()
            if k.issuer_uscc == issuer_uscc
            and k.key.suite is suite
            and k.active_from.year == now.year
        )
        key_id = signatures.make_key_id(issuer_uscc, suite, now.year, seq)
        stored = StoredKey(signatures.generate_key(suite, key_id), issuer_uscc, now, None)
        if not self._save(stored, new=True):
            return self._load_file(self._path(key_id)), False
        self._keys[key_id] = stored
        return stored, True

    def rotate(self, issuer_uscc: str, suite: Suite) -> tuple[StoredKey, StoredKey | None]:
        """Retire the active key (old certificates still verify) and make a new one."""
        with self._lock:
            old = next(
                (
                    k
                    for k in self._keys.values()
                    if k.issuer_uscc == issuer_uscc
                    and k.key.suite is suite
                    and k.retired_at is None
                ),
                None,
            )
            retired = None
            if old is not None:
                retired = StoredKey(old.key, old.issuer_uscc, old.active_from, self.clock.now())
                self._save(retired)
                self._keys[old.key.key_id] = retired
            return self._create(issuer_uscc, suite)[0], retired

    def get(self, key_id: str) -> StoredKey | None:
        """The key of `key_id`; one made by another worker since this one started is
        read from its file."""
        found = self._keys.get(key_id)
        if found is None:
            path = self._path(key_id)  # the id may come from a caller: no other file
            with self._lock, contextlib.suppress(OSError, ValueError):
                if path.parent == self.directory and path.is_file():
                    found = self._load_file(path)
        return found

    def public_keys(
        self, issuer_uscc: str = "", include_retired: bool = True
    ) -> list[t.SigningKey]:
        return [
            k.public()
            for k in sorted(self._keys.values(), key=lambda k: k.key.key_id)
            if issuer_uscc in ("", k.issuer_uscc) and (include_retired or k.retired_at is None)
        ]
