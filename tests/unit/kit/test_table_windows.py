"""A table read a window at a time resumes afresh each window (services/kit/table_windows.py):
every entry once, and no RocksDB iterator left open between windows."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import rocksdict

from services.kit import table_windows
from services.kit.table_windows import Cursor

OFFSET_KEY = b"__faust\0offset__"


def open_db(path: Path) -> rocksdict.Rdict:
    return rocksdict.Rdict(str(path), options=rocksdict.Options(raw_mode=True))


class RocksStore:
    """What the walk uses of Faust's RocksDB store: one database per partition, raw keys
    and values, and the key where Faust keeps the partition's offset."""

    offset_key = OFFSET_KEY

    def __init__(self, root: Path, partitions: dict[int, list[str]]) -> None:
        self.root = root
        self._dbs: dict[int, Any] = {}
        for partition, keys in partitions.items():
            db = self._dbs[partition] = open_db(root / str(partition))
            db[OFFSET_KEY] = b"42"
            for key in keys:
                db[key.encode()] = json.dumps([1.0, partition]).encode()

    def _decode_key(self, raw: bytes) -> str:
        return raw.decode()

    def _decode_value(self, raw: bytes) -> Any:
        return json.loads(raw)


def walk(table: Any, size: int, between: Any = None) -> list[list[Any]]:
    windows: list[list[Any]] = []
    cursor: Cursor | None = Cursor()
    while cursor is not None:
        entries, cursor = table_windows.read(table, size, cursor)
        windows.append([key for key, _ in entries])
        if between is not None:
            between()
    return windows


def test_rocksdb_partitions_are_read_in_windows_resuming_after_the_last_key(tmp_path):
    store = RocksStore(tmp_path, {0: ["a", "b", "c"], 1: ["d", "e"]})
    table = type("Table", (), {"data": store})()
    assert walk(table, 2) == [["a", "b"], ["c", "d"], ["e"]]  # the offset key is no entry
    entries, _ = table_windows.read(table, 1, Cursor())
    assert entries == [("a", [1.0, 0])]


def test_a_rocksdb_partition_revoked_mid_walk_is_skipped_and_reopens_at_once(tmp_path):
    store = RocksStore(tmp_path, {0: ["a", "b", "c"], 1: ["d"]})
    table = type("Table", (), {"data": store})()

    def revoke_and_reassign_0() -> None:
        # Faust's revoke: forget the database without closing it. Were an iterator of it
        # still alive, it would hold the lock and the reopen would fail ("lock hold").
        if 0 in store._dbs:
            del store._dbs[0]
            gc.collect()
            open_db(tmp_path / "0").close()

    assert walk(table, 2, between=revoke_and_reassign_0) == [["a", "b"], ["d"]]


def test_an_ordered_store_resumes_by_position_behind_the_entries_dropped():
    data = {f"k{n}": n for n in range(5)}
    entries, cursor = table_windows.read(data, 2, Cursor())
    assert [k for k, _ in entries] == ["k0", "k1"] and cursor is not None
    del data["k0"]
    entries, cursor = table_windows.read(data, 2, cursor.forgetting(1))
    assert [k for k, _ in entries] == ["k2", "k3"] and cursor is not None
    data["k5"] = 5  # written meanwhile: met at the end
    assert [k for k, _ in table_windows.read(data, 9, cursor)[0]] == ["k4", "k5"]
