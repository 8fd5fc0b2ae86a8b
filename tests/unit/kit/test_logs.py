import json
import logging

from services.kit.logs import JsonFormatter, mask_personal


def test_resident_ids_and_mobiles_are_masked_but_codes_are_not():
    text = (
        "holder 11010519491231002X called from 13912345678 about "
        "91370100705882496U unit 370105012002GB00001F00010751"
    )
    masked = mask_personal(text)
    assert "11010519491231002X" not in masked
    assert "13912345678" not in masked
    assert "110105" in masked  # enough left to tell records apart when debugging
    assert "91370100705882496U" in masked  # enterprise codes are public register data
    assert "370105012002GB00001F00010751" in masked


def test_json_lines_carry_service_and_masked_message():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "applicant %s rejected", ("11010519491231002X",), None
    )
    line = json.loads(JsonFormatter("power").format(record))
    assert line["service"] == "power"
    assert line["level"] == "warning"
    assert "11010519491231002X" not in line["message"]
    assert line["message"].startswith("applicant 110105")
