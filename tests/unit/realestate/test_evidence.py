"""Counting a person's homes from the registry's answer (ResolveEvidence, every current
property certificate with its unit and usage only)."""

from govshare.certificates.v1 import certificates_service_pb2 as svc
from govshare.common.v1 import types_pb2 as common

from services.realestate import evidence, reliefs


def released(unit: str, usage: str) -> svc.ReleasedCertificate:
    return svc.ReleasedCertificate(fields={"unit_code": unit, "usage": usage})


def reply(status: int, *certificates: svc.ReleasedCertificate) -> svc.ResolveEvidenceResponse:
    resolved = svc.ResolvedType(result=common.EvidenceResult(status=status, detail="d"))
    if status == common.EVIDENCE_STATUS_FOUND:
        resolved.certificate.CopyFrom(certificates[0])
    else:
        resolved.candidates.extend(certificates)
    return svc.ResolveEvidenceResponse(access_id="AX-9", results=[resolved])


def test_one_many_or_no_current_certificates_are_counted():
    one = evidence._holdings(reply(common.EVIDENCE_STATUS_FOUND, released("U1", "住宅")))
    assert (one.status, one.units, one.access_id) == (reliefs.COUNTED, (("U1", "住宅"),), "AX-9")
    many = evidence._holdings(
        reply(common.EVIDENCE_STATUS_AMBIGUOUS, released("U1", "住宅"), released("U2", "商业"))
    )
    assert many.homes() == {"U1"}
    for nothing in (common.EVIDENCE_STATUS_MISSING, common.EVIDENCE_STATUS_NOT_CURRENT):
        assert evidence._holdings(reply(nothing)) == reliefs.Holdings(
            reliefs.COUNTED, access_id="AX-9"
        )


def test_an_answer_that_cannot_be_counted_is_unavailable():
    # More than one, but the registry did not release them (an older registry).
    assert evidence._holdings(reply(common.EVIDENCE_STATUS_AMBIGUOUS)).status == "unavailable"
    assert evidence._holdings(reply(common.EVIDENCE_STATUS_DENIED)).status == "unavailable"
    assert evidence._holdings(svc.ResolveEvidenceResponse()).status == "unavailable"
