from __future__ import annotations

import itertools
import socket

from aiokafka.partitioner import DefaultPartitioner

from services.kit.ownership import Member, Ownership, advertised_url, beside, partition_of

ME = "http://127.0.0.1:8001/?grpc=9001"
OTHER = "http://127.0.0.1:8002/?grpc=9002"


def ownership(mine: list[int], theirs: list[int]) -> Ownership:
    return Ownership(
        "t.power.v1.events",
        4,
        me=lambda: ME,
        assigned=lambda: mine,
        distribution=lambda: {
            ME: {"t.power.v1.events": mine},
            OTHER: {"t.power.v1.events": theirs},
        },
    )


def test_partition_of_is_kafkas_default_partitioner():
    default = DefaultPartitioner()
    for key in ("PA-370105-20261207-D3655E6852", "91370105MA3C12345X", "案件-1", ""):
        assert partition_of(key, 12) == default(key.encode(), list(range(12)), list(range(12)))


def test_the_owner_is_the_member_assigned_the_keys_partition():
    owned = ownership([0, 1], [2, 3])
    keys = [f"k{i}" for i in range(40)]
    for key in keys:
        mine = partition_of(key, 4) in (0, 1)
        assert owned.owns(key) is mine
        assert owned.owner(key) == Member(ME if mine else OTHER)
    assert owned.others() == [Member(OTHER)]


def test_a_partition_nobody_holds_has_no_owner():
    owned = ownership([0], [1])
    orphan = next(k for k in (f"k{i}" for i in itertools.count()) if partition_of(k, 4) == 3)
    assert owned.owner(orphan) is None and not owned.owns(orphan)


def test_fresh_keys_land_on_owned_partitions():
    owned = ownership([2], [0, 1, 3])
    counter = itertools.count()
    for _ in range(20):
        assert owned.owns(owned.fresh_key(lambda: f"CASE-{next(counter)}"))


def test_a_member_advertises_both_of_its_ports():
    member = Member(advertised_url("127.0.0.1", 8001, 9001))
    assert member.http == "http://127.0.0.1:8001" and member.grpc == "127.0.0.1:9001"
    assert Member(advertised_url("10.0.0.7", 8080, None)).grpc is None


def test_a_wildcard_bind_advertises_the_machines_name():
    member = Member(advertised_url("0.0.0.0", 8080, 50051))
    assert member.http == f"http://{socket.gethostname()}:8080"


def test_an_id_born_beside_its_aggregate_shares_its_partition():
    counter = itertools.count()
    unit = "370102001001GB00001F00010001"
    for partitions in (1, 4, 12):
        case = beside(unit, lambda: f"RE-370102-20261207-{next(counter):06X}", partitions)
        assert partition_of(case, partitions) == partition_of(unit, partitions)
