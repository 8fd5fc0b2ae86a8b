"""`govshare_table_keys`: the keys of each table, exact where an estimate would mislead."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import rocksdict

from services.kit import metrics


def test_keys_are_counted_in_memory_and_rocksdb_stores(tmp_path: Path):
    db = rocksdict.Rdict(str(tmp_path / "p0"))
    for n in range(50):  # one key rewritten: RocksDB's estimate says about 50
        db[b"open-cases"] = str(n).encode()
    db[b"gone"] = b"1"
    del db[b"gone"]
    tables = {
        "open-cases-by-county": SimpleNamespace(data=SimpleNamespace(_dbs={0: db})),
        "applied-events": SimpleNamespace(data=SimpleNamespace(data={"a": 1, "b": 2})),
        "elsewhere": SimpleNamespace(data=object()),  # a store we cannot size: left out
    }
    collector = metrics.TableKeys.__new__(metrics.TableKeys)
    collector.tables = lambda: tables
    (family,) = collector.collect()
    counted = {s.labels["table"]: s.value for s in family.samples}
    assert counted == {"open-cases-by-county": 1, "applied-events": 2}
    db.close()
