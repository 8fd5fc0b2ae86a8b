"""Tests for services.kit.identifiers.

Known values are hard-coded (computed independently, or taken from the standards and from
real registrations); the reference implementations below are written from DOMAIN.md, not
copied from the module, so a wrong module constant makes these tests fail.
"""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services.kit import identifiers as ids
from services.kit.identifiers import (
    IdKind,
    Verdict,
    cert_id_check_char,
    check,
    check_cert_id,
    check_holder_id,
    check_parcel_code,
    check_resident_id,
    check_unit_code,
    check_uscc,
    make_cert_id,
    mask,
    resident_id_check_char,
    uscc_check_char,
)

# --- reference implementations, straight from DOMAIN.md ---------------------------------

REF_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REF_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
REF_RID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REF_CERT_ALPHABET = string.digits + string.ascii_uppercase


def ref_uscc_check(body17: str) -> str:
    total = sum(
        REF_USCC_ALPHABET.index(c) * w for c, w in zip(body17, REF_USCC_WEIGHTS, strict=True)
    )
    return REF_USCC_ALPHABET[(31 - total % 31) % 31]


def ref_org_check(body8: str) -> str:
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body8]
    c9 = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def ref_rid_check(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, REF_RID_WEIGHTS, strict=True)) % 11]


def ref_cert_check(payload: str) -> str:
    p = 36
    for c in payload:
        p = (p + REF_CERT_ALPHABET.index(c)) % 36
        p = 36 if p == 0 else p
        p = (2 * p) % 37
    return REF_CERT_ALPHABET[(37 - p) % 36]


CERT_EXAMPLE = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"


def assert_invalid(verdict: Verdict, *fragments: str) -> None:
    assert not verdict.valid, verdict
    assert verdict.reason is not None
    for fragment in fragments:
        assert fragment in verdict.reason, (fragment, verdict.reason)


def assert_clean(verdict: Verdict) -> None:
    assert verdict == Verdict(valid=True), verdict


# --- API shape ----------------------------------------------------------------------------


def test_id_kind_values() -> None:
    assert [k.value for k in IdKind] == [
        "uscc",
        "resident-id",
        "unit-code",
        "parcel-code",
        "cert-id",
    ]


def test_verdict_is_frozen() -> None:
    verdict = Verdict(valid=True)
    with pytest.raises(AttributeError):
        verdict.valid = False  # type: ignore[misc]


def test_uscc_weights_match_domain() -> None:
    assert list(ids._USCC_WEIGHTS) == REF_USCC_WEIGHTS


# --- USCC ---------------------------------------------------------------------------------

REAL_USCCS = [
    "91310110666007217T",  # DOMAIN.md / hutool test
    "91370100705882496U",  # DOMAIN.md (Jinan)
    "914403001922038216",  # Huawei Technologies Co., Ltd. (all digits)
    "91440300708461136T",  # Shenzhen Tencent Computer Systems Co., Ltd.
    "91330100799655058B",  # Alibaba (China) Co., Ltd.
    "91110108551385082Q",  # Beijing Xiaomi Technology Co., Ltd.
    "91350100M000100Y43",  # Wikipedia's example (Fujian, M-series body)
    "12440600MB2C07549J",  # a Foshan public institution (事业单位), reported in a bug thread
    "11100000000013338W",  # national-level 机关 (division 100000), GB/T 36904 example
    "11430000006122244L",  # Hunan 机关, GB/T 36904 example
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_pass_every_check(code: str) -> None:
    assert_clean(check_uscc(code))
    assert_clean(check_uscc(code, legacy=True))
    assert uscc_check_char(code[:17]) == code[17]
    assert ids._org_code_check_char(code[8:16]) == code[16] == ref_org_check(code[8:16])


FUJIAN_PILOT = [
    ("91350100M0001TGQXM", "1"),  # DOMAIN.md
    ("91350203M0001FUE2P", "J"),  # Xiamen, hutool issue #2020
    ("91350203M0001QKT19", "F"),  # Xiamen, hutool issue #4119
]


@pytest.mark.parametrize(("code", "expected"), FUJIAN_PILOT)
def test_legacy_pilot_codes(code: str, expected: str) -> None:
    # The GB 11714 body check of these real codes holds; only the final character is off.
    assert ref_org_check(code[8:16]) == code[16]
    strict = check_uscc(code)
    assert_invalid(strict, f"check character is '{code[17]}', expected '{expected}'")
    assert strict.warning is None
    legacy = check_uscc(code, legacy=True)
    assert legacy.valid and legacy.reason is None
    assert legacy.warning is not None
    assert f"expected '{expected}'" in legacy.warning
    assert "legacy" in legacy.warning


@pytest.mark.parametrize(
    ("code", "fragments"),
    [
        ("91370100705882496T", ["check character is 'T', expected 'U'"]),
        ("9137010070588249", ["length is 16, expected 18"]),
        (" 91370100705882496U", ["length is 19", "whitespace"]),
        ("91370100705882496I", ["position 18 is 'I'", "not in the USCC alphabet"]),
        ("9137010070588249OU", ["position 17 is 'O'"]),
        ("91370100m05882496U", ["position 9 is lowercase 'm'", "uppercase"]),
        ("９1370100705882496U", ["position 1 is '９' (full-width; use ASCII '9')"]),
        ("B1370100705882496U", ["position 1 (registration authority) is 'B'"]),
        ("94370100705882496U", ["position 2 (organisation category) is '4'", "工商"]),
        ("Y2370100705882496U", ["position 2 (organisation category) is '2'", "expected one of 1"]),
        ("91A70100705882496U", ["positions 3-8 (division code) are 'A70100'", "6 digits"]),
        ("91990100705882496U", ["positions 3-8 (division code) 990100", "'99'"]),
        ("91000000705882496U", ["positions 3-8 (division code) 000000", "'00'"]),
        ("91370100705882495U", ["position 17 (organisation code check, GB 11714) is '5'"]),
    ],
)
def test_uscc_invalid_reasons(code: str, fragments: list[str]) -> None:
    assert_invalid(check_uscc(code), *fragments)


def test_uscc_resident_ids_that_pass_the_bare_mod31_check_are_rejected() -> None:
    # hutool issues #1367 and #2020: these resident ids pass a regex + MOD 31 validator.
    for value in ["362322198709086409", "430407199312020025"]:
        assert ref_uscc_check(value[:17]) == value[17]
        assert_invalid(check_uscc(value), "organisation category")
        assert_clean(check_resident_id(value))


def test_uscc_invalid_reasons_in_position_order() -> None:
    reason = check_uscc("B1990100705882496U").reason
    assert reason is not None
    assert reason.index("position 1 ") < reason.index("positions 3-8") < reason.index("check")


def test_uscc_legacy_tolerates_one_deviation_only() -> None:
    # Wrong GB 11714 check, right final check: as issued -> legacy warning.
    body = "91370100705882495"
    code = body + ref_uscc_check(body)
    assert_invalid(check_uscc(code), "position 17 (organisation code check")
    legacy = check_uscc(code, legacy=True)
    assert legacy.valid and legacy.warning and "position 17" in legacy.warning
    # Both checks wrong: invalid even on ingest.
    assert_invalid(check_uscc("91370100705882495U", legacy=True), "position 17", "check character")
    # An unknown category with a correct check: legacy warning.
    body = "94370100705882496"
    code = body + ref_uscc_check(body)
    assert check_uscc(code, legacy=True).valid
    # Unknown category and a wrong final check: invalid.
    assert not check_uscc("94370100705882496U", legacy=True).valid
    # Structural errors are never tolerated.
    body = "91990100705882496"
    assert_invalid(check_uscc(body + ref_uscc_check(body), legacy=True), "'99'")


def test_uscc_unconfirmed_village_committee_category_accepted() -> None:
    body = "54370181MA0000001"
    body = body[:16] + ref_org_check(body[8:16])
    assert_clean(check_uscc(body + ref_uscc_check(body)))


def test_uscc_historical_division_codes_accepted() -> None:
    for division in ["371200", "370181", "370125", "370282", "370284", "370205", "100000"]:
        body = f"91{division}70588249"
        body += ref_org_check(body[8:16])
        assert_clean(check_uscc(body + ref_uscc_check(body)))


def test_uscc_check_char_rejects_bad_body() -> None:
    for bad in ["9137010070588249", "91370100705882496U", "9137010070588249I"]:
        with pytest.raises(ValueError):
            uscc_check_char(bad)


USCC_PAIRS = [(a, c) for a, (_, cats) in ids.USCC_CATEGORIES.items() for c in cats]
PROVINCES = sorted(ids.PROVINCE_CODES)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    authority, category = draw(st.sampled_from(USCC_PAIRS))
    prefix = draw(st.sampled_from([*PROVINCES, "10"]))
    rest = draw(st.text(alphabet=string.digits, min_size=4, max_size=4))
    body8 = draw(st.text(alphabet=REF_USCC_ALPHABET, min_size=8, max_size=8))
    body17 = authority + category + prefix + rest + body8 + ref_org_check(body8)
    return body17 + uscc_check_char(body17)


@given(st.text(alphabet=REF_USCC_ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_matches_reference(body17: str) -> None:
    assert uscc_check_char(body17) == ref_uscc_check(body17)


@given(usccs())
def test_generated_usccs_are_valid(code: str) -> None:
    assert_clean(check_uscc(code))
    assert_clean(check_holder_id(code))


SUBSTITUTES = REF_USCC_ALPHABET + "IOSVZaxX.-* ９"


@given(usccs(), st.integers(0, 17), st.sampled_from(SUBSTITUTES))
def test_uscc_any_single_substitution_is_invalid(code: str, pos: int, char: str) -> None:
    assume(code[pos] != char)
    mutated = code[:pos] + char + code[pos + 1 :]
    assert not check_uscc(mutated).valid


# --- resident id --------------------------------------------------------------------------

VALID_RESIDENT_IDS = [
    "11010519491231002X",  # GB 11643-1999's own example
    "370181198506151230",  # 章丘市 (historical, now 370114)
    "37120219900101456X",  # 莱芜 莱城区 (371200 merged into Jinan in 2019)
    "370282197511300023",  # 即墨市 (historical, now 370215)
    "370102200002290039",  # leap day
    "110105185001010013",  # earliest accepted birth date
    "370687201012310027",
    "650102199909090096",
    "460003198810010077",
]


@pytest.mark.parametrize("value", VALID_RESIDENT_IDS)
def test_valid_resident_ids(value: str) -> None:
    assert ref_rid_check(value[:17]) == value[17]
    assert resident_id_check_char(value[:17]) == value[17]
    assert_clean(check_resident_id(value))
    assert_clean(check_holder_id(value))


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ("110105194912310021", ["check character is '1', expected 'X'"]),
        ("11010519491231002x", ["lowercase 'x'", "uppercase 'X'"]),
        ("110105194902310021", ["birth date 19490231 is not a real date"]),
        ("370102190002290032", ["birth date 19000229 is not a real date"]),
        ("370105184912310045", ["birth date 18491231 is before 1850-01-01"]),
        ("110105299901010021", ["birth date 29990101 is in the future"]),
        ("990105194912310021", ["address code 990105", "'99' is not a GB/T 2260 province"]),
        ("100000194912310021", ["address code 100000", "'10'"]),
        ("1101051949123100A1", ["position 17 is 'A', expected a digit"]),
        ("11010519491231002Y", ["check character is 'Y', expected a digit or X"]),
        ("110105491231002", ["length is 15", "first-generation"]),
        ("11010519491231002X ", ["length is 19", "whitespace"]),
        ("１10105194912310021", ["position 1 is '１' (full-width; use ASCII '1')"]),
    ],
)
def test_resident_id_invalid_reasons(value: str, fragments: list[str]) -> None:
    assert_invalid(check_resident_id(value), *fragments)


def test_resident_id_reports_every_problem() -> None:
    assert_invalid(
        check_resident_id("990105194902310021"),
        "address code 990105",
        "birth date 19490231",
        "check character is '1'",
    )


@pytest.mark.parametrize(
    ("value", "region"),
    [("810000199001010019", "Hong Kong"), ("83000019851010002X", "Taiwan")],
)
def test_residence_permit_numbers_accepted_with_warning(value: str, region: str) -> None:
    verdict = check_resident_id(value)
    assert verdict.valid and verdict.warning is not None and region in verdict.warning


def test_birth_date_today_is_accepted_tomorrow_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids, "_chinese_now_date", lambda: date(2024, 3, 1))
    today = "37010220240301001"
    tomorrow = "37010220240302001"
    assert_clean(check_resident_id(today + ref_rid_check(today)))
    assert_invalid(check_resident_id(tomorrow + ref_rid_check(tomorrow)), "in the future")


def test_resident_id_check_char_rejects_bad_body() -> None:
    for bad in ["1101051949123100", "1101051949123100X", "１1010519491231002"]:
        with pytest.raises(ValueError):
            resident_id_check_char(bad)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(PROVINCES))
    rest = draw(st.text(alphabet=string.digits, min_size=4, max_size=4))
    born = draw(st.dates(min_value=date(1850, 1, 1), max_value=date(2024, 12, 31)))
    seq = draw(st.text(alphabet=string.digits, min_size=3, max_size=3))
    body = prefix + rest + born.strftime("%Y%m%d") + seq
    return body + resident_id_check_char(body)


@given(st.text(alphabet=string.digits, min_size=17, max_size=17))
def test_resident_id_check_char_matches_reference(body17: str) -> None:
    assert resident_id_check_char(body17) == ref_rid_check(body17)


@given(resident_ids())
def test_generated_resident_ids_are_valid(value: str) -> None:
    if value[:2] in ("81", "82"):
        assert check_resident_id(value).valid
    else:
        assert_clean(check_resident_id(value))
    assert check_holder_id(value).valid


@given(resident_ids(), st.integers(0, 17), st.sampled_from(string.digits + "XxA ."))
def test_resident_id_any_single_substitution_is_invalid(value: str, pos: int, char: str) -> None:
    assume(value[pos] != char)
    assert not check_resident_id(value[:pos] + char + value[pos + 1 :]).valid


# --- holder id ----------------------------------------------------------------------------


def test_holder_id_dispatch() -> None:
    assert_clean(check_holder_id("914403001922038216"))  # all-digit USCC
    assert_clean(check_holder_id("11010519491231002X"))
    assert_invalid(check_holder_id("110105194912310021"), "resident id", "USCC", "expected 'X'")
    assert_invalid(check_holder_id("91370100705882496T"), "check character is 'T', expected 'U'")
    assert_invalid(check_holder_id("1101051949123"), "length is 13", "resident id or a USCC")
    # Holder ids are strict: a legacy pilot code is not accepted here.
    assert not check_holder_id("91350100M0001TGQXM").valid


# --- unit code / parcel code --------------------------------------------------------------

UNIT_EXAMPLE = "370105012002GB00001F00010751"


def test_unit_code_examples() -> None:
    assert_clean(check_unit_code(UNIT_EXAMPLE))
    assert_clean(check_parcel_code(UNIT_EXAMPLE[:19]))
    assert_clean(check_unit_code("370181001002JC00012W00000000"))  # 章丘市, no fixture
    assert_clean(check_unit_code("371202003001ZD00345L00000001"))  # 莱芜, forest
    assert_clean(check(IdKind.UNIT_CODE, UNIT_EXAMPLE))
    assert_clean(check("parcel-code", UNIT_EXAMPLE[:19]))


@pytest.mark.parametrize(
    ("pos", "char", "fragment"),
    [
        (1, "A", "positions 1-6 (county division code) are 'A70105', expected 6 digits"),
        (8, "X", "positions 7-9 (cadastral zone) are '0X2', expected 3 digits"),
        (12, "-", "positions 10-12 (cadastral sub-zone) are '00-', expected 3 digits"),
        (13, "X", "position 13 (parcel ownership) is 'X', expected one of G, J, Z"),
        (13, "g", "position 13 (parcel ownership) is 'g', expected one of G, J, Z"),
        (
            14,
            "Z",
            "position 14 (parcel right type) is 'Z', "
            "expected one of A, B, S, X, C, D, E, F, H, G, W, Y",
        ),
        (19, "O", "positions 15-19 (parcel sequence) are '0000O', expected 5 digits"),
        (20, "B", "position 20 (fixture feature) is 'B', expected one of F, L, Q, W"),
        (28, "A", "positions 21-28 (fixture unit) are '0001075A', expected 8 digits"),
    ],
)
def test_unit_code_field_reasons(pos: int, char: str, fragment: str) -> None:
    code = UNIT_EXAMPLE[: pos - 1] + char + UNIT_EXAMPLE[pos:]
    verdict = check_unit_code(code)
    assert_invalid(verdict, fragment)
    assert verdict.reason is not None and verdict.reason.count(";") == 0
    if pos <= 19:
        assert_invalid(check_parcel_code(code[:19]), fragment)


def test_unit_code_reports_every_failing_field() -> None:
    assert_invalid(
        check_unit_code("370105012002XZ00001B00010751"),
        "position 13 (parcel ownership)",
        "position 14 (parcel right type)",
        "position 20 (fixture feature)",
    )


def test_unit_code_province_and_fixture_rules() -> None:
    assert_invalid(
        check_unit_code("990105012002GB00001F00010751"),
        "positions 1-6 (county division code) 990105",
    )
    assert_invalid(
        check_unit_code("370105012002GB00001W00010751"),
        "positions 21-28 (fixture unit) are '00010751', expected 00000000",
        "'W'",
    )


def test_unit_and_parcel_lengths() -> None:
    assert_invalid(check_unit_code(UNIT_EXAMPLE[:19]), "length is 19, expected 28", "parcel code")
    assert_invalid(check_unit_code(UNIT_EXAMPLE + "0"), "length is 29, expected 28")
    assert_invalid(check_parcel_code(UNIT_EXAMPLE), "length is 28, expected 19", "first 19")
    assert_invalid(check_parcel_code(UNIT_EXAMPLE[:18]), "length is 18, expected 19")


@st.composite
def unit_parts(draw: st.DrawFn) -> tuple[str, str]:
    def digits(n: int) -> str:
        return draw(st.text(alphabet=string.digits, min_size=n, max_size=n))

    county = draw(st.sampled_from(PROVINCES)) + digits(4)
    parcel = (
        county
        + digits(3)
        + digits(3)
        + draw(st.sampled_from("GJZ"))
        + draw(st.sampled_from("ABSXCDEFHGWY"))
        + digits(5)
    )
    feature = draw(st.sampled_from("FLQW"))
    fixture = feature + ("00000000" if feature == "W" else digits(8))
    return parcel, fixture


@given(unit_parts())
def test_unit_code_round_trip(parts: tuple[str, str]) -> None:
    parcel, fixture = parts
    code = parcel + fixture
    assert_clean(check_parcel_code(parcel))
    assert_clean(check_unit_code(code))
    assert code[:19] == parcel
    assert_clean(check_parcel_code(code[:19]))


@given(unit_parts(), st.sampled_from([13, 14, 20]))
def test_unit_code_bad_letter_fields_named(parts: tuple[str, str], pos: int) -> None:
    code = "".join(parts)
    mutated = code[: pos - 1] + "V" + code[pos:]
    name = {13: "parcel ownership", 14: "parcel right type", 20: "fixture feature"}[pos]
    assert_invalid(check_unit_code(mutated), f"position {pos} ({name}) is 'V'")


# --- e-certificate id ---------------------------------------------------------------------


def test_cert_id_example_is_valid() -> None:
    assert ref_cert_check("11100000000013338W01111430000006122244L20230000403001") == "U"
    assert cert_id_check_char("11100000000013338W01111430000006122244L20230000403001") == "U"
    assert_clean(check_cert_id(CERT_EXAMPLE))
    assert_clean(check(IdKind.CERT_ID, CERT_EXAMPLE))


def test_make_cert_id_reproduces_example() -> None:
    made = make_cert_id("11100000000013338W011", "11430000006122244L", "20230000403", 1)
    assert made == CERT_EXAMPLE


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        (CERT_EXAMPLE[:-1] + "V", ["check character is 'V', expected 'U'"]),
        (CERT_EXAMPLE.replace("1.2.156.3005.2.", "1.2.156.3005.1."), ["prefix 1.2.156.3005.2."]),
        (CERT_EXAMPLE.replace(".001.", ".001.0."), ["found 6"]),
        (CERT_EXAMPLE.replace("W011.", "W01."), ["type code", "length 20, expected 21"]),
        (CERT_EXAMPLE.replace("W011.", "W0A1."), ["type code", "positions 19-21 are '0A1'"]),
        (CERT_EXAMPLE.replace("338W", "338T"), ["type code's defining body 11100000000013338T"]),
        (CERT_EXAMPLE.replace("244L", "244I"), ["issuer 11430000006122244I", "position 18"]),
        (CERT_EXAMPLE.replace("244L.", "244.").replace("10000", "100000", 1), ["issuer"]),
        (CERT_EXAMPLE.replace("20230000403", "2023a"), ["serial '2023a'", "uppercase"]),
        (CERT_EXAMPLE.replace("20230000403", ""), ["serial ''"]),
        (CERT_EXAMPLE.replace(".001.", ".01."), ["version '01' is not 3 digits"]),
        (CERT_EXAMPLE[:-1] + "u", ["check character 'u' is not a single [0-9A-Z]"]),
        (CERT_EXAMPLE[:-1] + "UU", ["check character 'UU'"]),
    ],
)
def test_cert_id_invalid_reasons(value: str, fragments: list[str]) -> None:
    assert_invalid(check_cert_id(value), *fragments)


def test_cert_id_legacy_accepts_non_standard_check_with_warning() -> None:
    variant = CERT_EXAMPLE[:-1] + "7"
    assert_invalid(check_cert_id(variant), "expected 'U'")
    legacy = check_cert_id(variant, legacy=True)
    assert legacy.valid and legacy.warning is not None and "expected 'U'" in legacy.warning
    # Legacy still enforces structure.
    assert not check_cert_id(CERT_EXAMPLE[:-1] + "u", legacy=True).valid
    assert not check_cert_id(CERT_EXAMPLE.replace(".001.", ".1."), legacy=True).valid
    # And the standard form carries no warning.
    assert_clean(check_cert_id(CERT_EXAMPLE, legacy=True))


def test_cert_id_embedded_usccs_follow_the_mode() -> None:
    # An issuer whose USCC is a pilot code with a wrong check character: strict rejects,
    # ingest accepts with a warning naming the issuer.
    payload = "11100000000013338W011" + "91350100M0001TGQXM" + "A1" + "002"
    cert_id = "1.2.156.3005.2.11100000000013338W011.91350100M0001TGQXM.A1.002."
    cert_id += ref_cert_check(payload)
    assert_invalid(check_cert_id(cert_id), "issuer 91350100M0001TGQXM", "expected '1'")
    legacy = check_cert_id(cert_id, legacy=True)
    assert legacy.valid and legacy.warning is not None and "issuer" in legacy.warning
    with pytest.raises(ValueError, match="issuer"):
        make_cert_id("11100000000013338W011", "91350100M0001TGQXM", "A1", 2)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("11100000000013338W011", "11430000006122244L", "1", 1000), "0..999"),
        (("11100000000013338W011", "11430000006122244L", "1", -1), "0..999"),
        (("11100000000013338W011", "11430000006122244L", "a1", 1), "serial"),
        (("11100000000013338W011", "11430000006122244L", "1.2", 1), "contains a dot"),
        (("11100000000013338W01", "11430000006122244L", "1", 1), "type code"),
        (("11100000000013338W011", "11430000006122244M", "1", 1), "issuer"),
    ],
)
def test_make_cert_id_rejects_bad_parts(args: tuple[str, str, str, int], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace(".", r"\.")):
        make_cert_id(*args)


def test_make_cert_id_rejects_bool_version() -> None:
    with pytest.raises(ValueError):
        make_cert_id("11100000000013338W011", "11430000006122244L", "1", True)


def test_cert_id_check_char_rejects_bad_payload() -> None:
    for bad in ["", "1.2", "abc"]:
        with pytest.raises(ValueError):
            cert_id_check_char(bad)


@st.composite
def cert_ids(draw: st.DrawFn) -> str:
    type_code = draw(usccs()) + draw(st.text(alphabet=string.digits, min_size=3, max_size=3))
    issuer = draw(usccs())
    serial = draw(st.text(alphabet=REF_CERT_ALPHABET, min_size=1, max_size=24))
    version = draw(st.integers(0, 999))
    return make_cert_id(type_code, issuer, serial, version)


@given(st.text(alphabet=REF_CERT_ALPHABET, min_size=1, max_size=80))
def test_cert_check_char_matches_reference(payload: str) -> None:
    assert cert_id_check_char(payload) == ref_cert_check(payload)


@given(cert_ids())
def test_generated_cert_ids_are_valid(cert_id: str) -> None:
    assert_clean(check_cert_id(cert_id))
    payload = "".join(cert_id.split(".")[5:9])
    assert cert_id[-1] == ref_cert_check(payload)


@given(cert_ids(), st.data())
def test_cert_id_any_single_substitution_is_invalid(cert_id: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(cert_id) - 1))
    char = data.draw(st.sampled_from(REF_CERT_ALPHABET + ".a-"))
    assume(cert_id[pos] != char)
    assert not check_cert_id(cert_id[:pos] + char + cert_id[pos + 1 :]).valid


# --- dispatch and masking -----------------------------------------------------------------


def test_check_dispatch() -> None:
    assert_clean(check("uscc", "91370100705882496U"))
    assert_clean(check(" USCC ", "91370100705882496U"))
    assert not check(IdKind.USCC, "91350100M0001TGQXM").valid
    assert check(IdKind.USCC, "91350100M0001TGQXM", legacy=True).valid
    assert_clean(check("resident-id", "11010519491231002X"))
    assert not check("resident-id", "91370100705882496U").valid
    assert check("cert-id", CERT_EXAMPLE[:-1] + "7", legacy=True).valid
    with pytest.raises(ValueError, match="unknown identifier kind"):
        check("passport", "E12345678")


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105**********2X"),
        ("91370100705882496U", "913701**********6U"),
        (UNIT_EXAMPLE, "370105" + "*" * 20 + "51"),
        ("abcdefghijk", "***********"),
        ("", ""),
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert mask(value) == masked


@given(st.text(max_size=80))
def test_mask_keeps_length_and_hides_the_middle(value: str) -> None:
    masked = mask(value)
    assert len(masked) == len(value)
    if len(value) >= 12:
        assert masked[:6] == value[:6] and masked[-2:] == value[-2:]
        assert set(masked[6:-2]) == {"*"}
    else:
        assert set(masked) <= {"*"}
