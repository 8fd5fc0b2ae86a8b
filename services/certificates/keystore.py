"""Issuing departments' signing keys, kept on local disk (one JSON file per key).

Private keys never travel over Kafka. In production this directory is a mounted secret
(or is replaced by an HSM behind the same three calls); in development keys are made on
first use. Public keys are served (`GET /v1/keys`, `ListPublicKeys`) and announced with
`SigningKeyPublished` so relying parties can verify offline.
"""

from __future__ import annotations

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
            raw = json.loads(path.read_text("utf-8"))
            key = SigningKey.from_private_bytes(
                Suite(raw["suite"]), raw["key_id"], bytes.fromhex(raw["private_hex"])
            )
            self._keys[key.key_id] = StoredKey(
                key,
                raw["issuer_uscc"],
                datetime.fromisoformat(raw["active_from"]),
                datetime.fromisoformat(raw["retired_at"]) if raw.get("retired_at") else None,
            )

    def _save(self, stored: StoredKey) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.directory / (stored.key.key_id.replace("/", "_") + ".json")
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
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
        tmp.replace(path)

    def active(self, issuer_uscc: str, suite: Suite) -> tuple[StoredKey, bool]:
        """The issuer's signing key for `suite`; True when it was just created."""
        with self._lock:
            current = [
                k
                for k in self._keys.values()
                if k.issuer_uscc == issuer_uscc and k.key.suite is suite and k.retired_at is None
            ]
            if current:
                return max(current, key=lambda k: k.active_from), False
            return self._create(issuer_uscc, suite), True

    def _create(self, issuer_uscc: str, suite: Suite) -> StoredKey:
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
        self._save(stored)
        self._keys[key_id] = stored
        return stored

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
            return self._create(issuer_uscc, suite), retired

    def get(self, key_id: str) -> StoredKey | None:
        return self._keys.get(key_id)

    def public_keys(
        self, issuer_uscc: str = "", include_retired: bool = True
    ) -> list[t.SigningKey]:
        return [
            k.public()
            for k in sorted(self._keys.values(), key=lambda k: k.key.key_id)
            if issuer_uscc in ("", k.issuer_uscc) and (include_retired or k.retired_at is None)
        ]
