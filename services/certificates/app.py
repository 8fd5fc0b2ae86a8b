"""Certificates service wiring: topics it consumes, gRPC it serves.

The issuance rules arrive with the certificates issue; until then every input event
already flows through the kit pipeline (decode, validate, dedup, dead-letter).
"""

from __future__ import annotations

import grpc
from govshare.certificates.v1 import certificates_service_pb2, certificates_service_pb2_grpc

from services.kit.consumer import accept_valid
from services.kit.runtime import ServiceRuntime
from services.kit.settings import Settings, load_settings

NAME = "certificates"

# Issuing departments' feeds and the flows that end in a certificate.
INPUT_TOPICS = (
    "marketreg.v1.events",
    "landsupply.v1.events",
    "projects.v1.events",
    "realestate.v1.events",
    "tax.v1.events",
)


def _register_grpc(server: grpc.aio.Server) -> list[str]:
    # The generated base servicer answers UNIMPLEMENTED for every RPC until the
    # certificates issue fills them in; registering it now makes the contract
    # discoverable through reflection.
    certificates_service_pb2_grpc.add_CertificateServiceServicer_to_server(  # type: ignore[no-untyped-call]  # generated, untyped
        certificates_service_pb2_grpc.CertificateServiceServicer(), server
    )
    return [certificates_service_pb2.DESCRIPTOR.services_by_name["CertificateService"].full_name]


def build(settings: Settings | None = None) -> ServiceRuntime:
    runtime = ServiceRuntime(NAME, settings or load_settings())
    for topic in INPUT_TOPICS:
        runtime.consume(topic, accept_valid)
    runtime.add_grpc(_register_grpc)
    return runtime
