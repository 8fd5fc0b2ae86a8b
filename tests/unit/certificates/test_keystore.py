"""Workers sharing one key directory sign an issuer's certificates with one key: a key
one worker made is the others' too, never a second key under the same key id
(certificates/keystore.py)."""

from __future__ import annotations

import threading
from pathlib import Path

from services.certificates.keystore import KeyStore, StoredKey
from services.certificates.signatures import Suite

ISSUER = "12370100MB28513957"


def public(stored: StoredKey) -> tuple[str, bytes]:
    return stored.key.key_id, stored.key.public_bytes


def test_a_worker_takes_the_key_another_worker_made_after_it_started(tmp_path: Path) -> None:
    first, second = KeyStore(tmp_path), KeyStore(tmp_path)  # both started, no key yet
    made, created = first.active(ISSUER, Suite.ED25519)
    found, also_created = second.active(ISSUER, Suite.ED25519)
    assert (created, also_created) == (True, False)  # one SigningKeyPublished
    assert public(found) == public(made)
    # and the file is still the first worker's key: a third worker starting now agrees
    (third, _) = KeyStore(tmp_path).active(ISSUER, Suite.ED25519)
    assert public(third) == public(made)


def test_a_worker_verifying_finds_a_key_made_by_another_after_it_started(
    tmp_path: Path,
) -> None:
    verifier = KeyStore(tmp_path)
    made, _ = KeyStore(tmp_path).active(ISSUER, Suite.ED25519)
    found = verifier.get(made.key.key_id)
    assert found is not None and public(found) == public(made)
    assert verifier.get("no/such key") is None
    assert verifier.get("nul\x00byte") is None  # an id from a caller: no error


class Racing(KeyStore):
    """A worker that looked before the other wrote: it does not see the other's key."""

    def _load(self) -> None:
        pass


def test_two_workers_making_the_same_key_at_once_end_with_one(tmp_path: Path) -> None:
    first, second = KeyStore(tmp_path), Racing(tmp_path)
    made, _ = first.active(ISSUER, Suite.ED25519)
    lost, created = second.active(ISSUER, Suite.ED25519)  # its key id is taken: it yields
    assert created is False and public(lost) == public(made)


def test_many_workers_at_once_agree_on_one_key(tmp_path: Path) -> None:
    stores = [KeyStore(tmp_path) for _ in range(8)]
    found: list[StoredKey] = []
    start = threading.Barrier(len(stores))

    def ask(store: KeyStore) -> None:
        start.wait()
        found.append(store.active(ISSUER, Suite.ED25519)[0])

    threads = [threading.Thread(target=ask, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({public(k) for k in found}) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        found[0].key.key_id.replace("/", "_") + ".json"
    ]  # no temporary file left behind
