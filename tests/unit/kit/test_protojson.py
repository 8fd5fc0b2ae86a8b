"""Models of protobuf JSON renderings (kit/protojson.py) accept exactly what
`MessageToDict` produces and document every field of the message."""

from __future__ import annotations

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from govshare.certificates.v1 import types_pb2 as t
from govshare.common.v1 import types_pb2 as common

from services.kit.protojson import model_of


def _round_trip(message: object) -> None:
    rendered = json_format.MessageToDict(message)  # type: ignore[arg-type]
    model = model_of(type(message))  # type: ignore[arg-type]
    parsed = model.model_validate(rendered)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == rendered


def test_a_rendering_round_trips_with_fields_left_out_staying_out():
    _round_trip(common.Address(division_code="370105", text="经十路"))
    _round_trip(
        common.Actor(
            kind=common.ACTOR_KIND_PERSON,
            person_name="周涛",
            on_behalf_of=common.Party(kind=common.PARTY_KIND_ENTERPRISE, id="X", name="Y"),
        )
    )


def test_nested_repeated_maps_and_well_known_types_round_trip():
    cert = t.Certificate(id="C-1", holder=common.Party(id="H"))
    for field in t.Certificate.DESCRIPTOR.fields:
        if field.message_type is Timestamp.DESCRIPTOR:
            getattr(cert, field.name).CopyFrom(Timestamp(seconds=1_741_744_800))
    _round_trip(cert)


def test_the_schema_names_every_field_in_camel_case():
    schema = model_of(common.CertificateRef).model_json_schema(by_alias=True)
    assert set(schema["properties"]) == {"certificateId", "typeCode", "version"}
    assert schema["additionalProperties"] is False
