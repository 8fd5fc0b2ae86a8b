"""The one refusal: a kind, the field at fault and why (kit/errors.py)."""

from __future__ import annotations

import pytest

from services.kit import errors
from services.kit.errors import DomainError, Kind


def test_a_refusal_names_its_kind_field_and_reason():
    error = errors.conflict("case_id", "the case is closed", open_case="RE-1")
    assert (error.kind, error.field, error.reason) == (
        Kind.CONFLICT,
        "case_id",
        "the case is closed",
    )
    assert error.extra == {"open_case": "RE-1"}
    assert str(error) == "case_id: the case is closed"


@pytest.mark.parametrize(
    ("make", "kind", "code"),
    [
        (errors.invalid, Kind.INVALID, "INVALID_ARGUMENT"),
        (errors.not_found, Kind.NOT_FOUND, "NOT_FOUND"),
        (errors.conflict, Kind.CONFLICT, "FAILED_PRECONDITION"),
        (errors.forbidden, Kind.FORBIDDEN, "PERMISSION_DENIED"),
        (errors.unavailable, Kind.UNAVAILABLE, "UNAVAILABLE"),
    ],
)
def test_each_kind_has_a_grpc_status_name(make, kind, code):
    error = make("f", "why")
    assert error.kind is kind and error.code == code


def test_the_grpc_names_of_the_earlier_error_classes_still_read_right():
    assert DomainError("FAILED_PRECONDITION", "f", "why").kind is Kind.CONFLICT
    assert DomainError("invalid", "f", "why").kind is Kind.INVALID
    with pytest.raises(ValueError):
        DomainError("TEAPOT", "f", "why")


def test_every_service_error_is_the_one_refusal():
    from services.certificates import domain as certificates
    from services.power import domain as power
    from services.tax.engine import FactsError
    from services.tax.payments import OrderRefused

    assert certificates.DomainError is power.DomainError is DomainError
    assert FactsError("price_fen", "must be positive").kind is Kind.INVALID
    assert OrderRefused("case_id", "nothing to pay").kind is Kind.CONFLICT
