"""Every refusal over gRPC: the status code of its kind, and the richer error model
(`google.rpc.Status` in the `grpc-status-details-bin` trailer) with a `BadRequest` whose
field violation names the field at fault and why.

Clients read it with `grpc_status.rpc_status.from_call(error)`. The message stays
`field: reason`, and the `govshare-field` trailer is still sent for one release
(deprecated: read the field violation instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, NoReturn

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.kit.errors import DomainError, Kind

FIELD_TRAILER: Final = "govshare-field"  # deprecated; removed in the release after next

STATUS_CODE: Final = {
    Kind.INVALID: grpc.StatusCode.INVALID_ARGUMENT,
    Kind.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    Kind.CONFLICT: grpc.StatusCode.FAILED_PRECONDITION,
    Kind.FORBIDDEN: grpc.StatusCode.PERMISSION_DENIED,
    Kind.UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
}


def status_of(error: DomainError) -> status_pb2.Status:
    """The `google.rpc.Status` for a refusal: code, message, one field violation."""
    violation = error_details_pb2.BadRequest.FieldViolation(
        field=error.field, description=error.reason
    )
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.BadRequest(field_violations=[violation]))
    code: int = STATUS_CODE[error.kind].value[0]
    return status_pb2.Status(code=code, message=str(error), details=[detail])


async def abort(
    context: grpc.aio.ServicerContext[Any, Any],
    error: DomainError,
    trailers: Sequence[tuple[str, str]] = (),
) -> NoReturn:
    """End the call with `error`: its status, its details, and the extra `trailers`."""
    status = rpc_status.to_status(status_of(error))
    metadata = (*status.trailing_metadata, (FIELD_TRAILER, error.field), *trailers)
    await context.abort(status.code, status.details, metadata)
    raise AssertionError("unreachable")  # abort raises
