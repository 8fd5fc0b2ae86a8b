"""What the contract tests share: paths, the event catalogue, the option rules, the
identifier checks of shared/DOMAIN.md, and the canonical bytes of a certificate.

Deliberately independent of services/kit: these tests pin the contracts themselves, so a
bug in the kit cannot make them agree with it.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

ROOT = Path(__file__).resolve().parents[2]
PROTO = ROOT / "proto"
SAMPLES = PROTO / "samples" / "events.jsonl"
BASELINE = PROTO / "baseline" / "v1.binpb"
GEN_SCRIPT = ROOT / "scripts" / "gen_proto.sh"

if str(PROTO) not in sys.path:  # the bindings import as `govshare.<domain>.v1.<file>_pb2`
    sys.path.insert(0, str(PROTO))

from govshare.common.v1 import options_pb2  # noqa: E402
from govshare.common.v1 import types_pb2 as common_types  # noqa: E402


def buf() -> Path:
    """The buf binary of the interpreter running the tests (PyPI `buf-bin`)."""
    return Path(sys.executable).parent / "buf"


# --- the event catalogue (convention: proto/README.md) ---------------------------------


@dataclass(frozen=True)
class EventType:
    topic: str
    descriptor: Descriptor
    message_class: type[Message]

    @property
    def name(self) -> str:
        return str(self.descriptor.full_name)


def _topic_of(proto_file: Path) -> str | None:
    """`<domain>.v1.events` for events.proto, the access-log topic, or None (not events)."""
    rel = proto_file.relative_to(PROTO).as_posix()
    domain, version = rel.split("/")[1:3]
    if proto_file.name == "events.proto":
        return f"{domain}.{version}.events"
    if rel == "govshare/certificates/v1/access_log.proto":
        return "certificates.v1.access-log"
    return None


def proto_files() -> list[Path]:
    return sorted((PROTO / "govshare").rglob("*.proto"))


@cache
def event_types() -> dict[str, EventType]:
    """Every event message by full name, found from the files (no hand-kept list)."""
    found: dict[str, EventType] = {}
    for path in proto_files():
        topic = _topic_of(path)
        if topic is None:
            continue
        module_name = path.relative_to(PROTO).with_suffix("").as_posix().replace("/", ".")
        module = importlib.import_module(module_name + "_pb2")
        for descriptor in module.DESCRIPTOR.message_types_by_name.values():
            cls = getattr(module, descriptor.name)
            found[descriptor.full_name] = EventType(topic, descriptor, cls)
    return found


# --- field options ---------------------------------------------------------------------


def is_required(field: FieldDescriptor) -> bool:
    return bool(field.GetOptions().Extensions[options_pb2.required])


def id_kind(field: FieldDescriptor) -> str:
    value = field.GetOptions().Extensions[options_pb2.id_kind]
    return str(options_pb2.IdKind.Name(value))


def is_aggregate_key(field: FieldDescriptor) -> bool:
    return bool(field.GetOptions().Extensions[options_pb2.aggregate_key])


def _is_map(field: Any) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _present(message: Message, field: Any) -> bool:
    """Presence as options.proto defines it for `required`."""
    if field.is_repeated:
        return len(getattr(message, field.name)) > 0
    if field.has_presence:
        return message.HasField(field.name)
    return bool(getattr(message, field.name))


def option_violations(message: Message, path: str = "") -> Iterator[str]:
    """Every `required` or `id_kind` rule the message breaks, with the field path."""
    for field in message.DESCRIPTOR.fields:
        where = path + field.name
        if not _present(message, field):
            if is_required(field):
                yield f"{where}: required but missing"
            continue
        value = getattr(message, field.name)
        kind = id_kind(field)
        if kind != "ID_KIND_UNSPECIFIED":
            for item in value if field.is_repeated else [value]:
                if not ID_CHECKS[kind](item):
                    yield f"{where}: {item!r} is not a valid {kind}"
        if field.message_type is not None and not _is_map(field):
            items = value if field.is_repeated else [value]
            for index, item in enumerate(items):
                suffix = f"[{index}]." if field.is_repeated else "."
                yield from option_violations(item, where + suffix)


# --- identifiers (shared/DOMAIN.md) ----------------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def uscc_ok(value: str) -> bool:
    """GB 32100-2015: 18 chars of the 31-symbol alphabet, MOD 31 check char."""
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    total = sum(_USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(value[:17]))
    return value[17] == _USCC_ALPHABET[(31 - total % 31) % 31]


def resident_id_ok(value: str) -> bool:
    """GB 11643-1999: 17 digits with a real birth date, ISO 7064 MOD 11-2 check char."""
    if len(value) != 18 or not value[:17].isdigit() or not value[:17].isascii():
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(value[:17], weights, strict=True))
    return value[17] == "10X98765432"[total % 11]


def parcel_code_ok(value: str) -> bool:
    """GB/T 37346-2019 positions 1-19."""
    return (
        len(value) == 19
        and value[:12].isdigit()
        and value[12] in "GJZ"
        and value[13] in "ABSXCDEFHGWY"
        and value[14:19].isdigit()
        and value.isascii()
    )


def unit_code_ok(value: str) -> bool:
    """GB/T 37346-2019: parcel + fixture feature + 8-digit fixture unit."""
    return (
        len(value) == 28
        and parcel_code_ok(value[:19])
        and value[19] in "FLQW"
        and value[20:].isdigit()
        and (value[19] != "W" or value[20:] == "00000000")
    )


def mod37_36(chars: str) -> str:
    """ISO/IEC 7064 MOD 37,36 check char over [0-9A-Z]."""
    p = 36
    for c in chars:
        p = (p + _BASE36.index(c)) % 36 or 36
        p = (2 * p) % 37
    return _BASE36[(37 - p) % 36]


def cert_id_ok(value: str) -> bool:
    """GB/T 36904-2018: 1.2.156.3005.2.<type 21>.<issuer USCC>.<serial>.<ver 3>.<check>."""
    parts = value.split(".")
    if len(parts) != 10 or ".".join(parts[:5]) != "1.2.156.3005.2":
        return False
    type_code, issuer, serial, version, check = parts[5:]
    return (
        len(type_code) == 21
        and uscc_ok(type_code[:18])
        and type_code[18:].isdigit()
        and uscc_ok(issuer)
        and serial != ""
        and all(c in _BASE36 for c in serial)
        and len(version) == 3
        and version.isdigit()
        and check == mod37_36(type_code + issuer + serial + version)
    )


ID_CHECKS = {
    "ID_KIND_USCC": uscc_ok,
    "ID_KIND_RESIDENT_ID": resident_id_ok,
    "ID_KIND_UNIT_CODE": unit_code_ok,
    "ID_KIND_PARCEL_CODE": parcel_code_ok,
    "ID_KIND_CERT_ID": cert_id_ok,
    "ID_KIND_HOLDER_ID": lambda v: uscc_ok(v) or resident_id_ok(v),
}


# --- samples ---------------------------------------------------------------------------


@cache
def samples() -> tuple[dict[str, Any], ...]:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def parse_sample(sample: dict[str, Any]) -> Message:
    message = event_types()[sample["type"]].message_class()
    json_format.ParseDict(sample["data"], message, ignore_unknown_fields=False)
    return message


# --- certificate canonical bytes (Canonicalization CANONICALIZATION_JCS_V1) -------------


def canonical_bytes(cert: Any) -> bytes:
    """The bytes an issuer signs, as certificates/v1/types.proto defines them."""
    from govshare.certificates.v1 import types_pb2 as cert_types

    def day(d: Any) -> str:
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"

    obj = {
        "canonicalization": "govshare-jcs-v1",
        "id": cert.id,
        "type_code": cert.type_code,
        "type_name": cert.type_name,
        "holder_kind": common_types.PartyKind.Name(cert.holder.kind),
        "holder_id": cert.holder.id,
        "holder_name": cert.holder.name,
        "issuer_uscc": cert.issuer_uscc,
        "issuer_name": cert.issuer_name,
        "serial": cert.serial,
        "version": f"{cert.version:03d}",
        "valid_from": day(cert.valid_from),
        "valid_until": day(cert.valid_until) if cert.HasField("valid_until") else "",
        "issued_at": json_format.MessageToDict(cert)["issuedAt"],
        "supersedes_id": cert.supersedes_id,
        "fields": dict(cert.fields),
        "suite": cert_types.SignatureSuite.Name(cert.signature.suite),
        "key_id": cert.signature.key_id,
    }
    # With string values only, RFC 8785 (JCS) is exactly this json.dumps.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
