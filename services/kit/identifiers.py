"""Validators and check-character generators for the identifiers govshare handles.

Pure functions, no I/O.  Every ``check_*`` function returns a :class:`Verdict`; it never
raises for bad input (only :func:`check` raises, for an unknown *kind*).  The generators
(``*_check_char``, :func:`make_cert_id`) raise :class:`ValueError` for malformed input.

Identifiers and sources (see /work/shared/DOMAIN.md, section "Identifiers"):

* USCC, unified social credit code (统一社会信用代码): GB 32100-2015, with the
  organisation-code body of GB 11714-1997 at positions 9-17.
* Resident identity number (公民身份号码): GB 11643-1999, check ISO 7064 MOD 11-2.
* Real-estate unit code (不动产单元代码): GB/T 37346-2019; the parcel code (宗地代码) is
  its first 19 characters.
* e-certificate identifier (电子证照标识): GB/T 36904-2018, check ISO/IEC 7064 MOD 37,36.

Division codes: validators accept historical GB/T 2260 codes (a code keeps the division in
force when the number was issued, e.g. 371200 莱芜 or 370181 章丘市), so only the
province-level prefix is checked, never the full six-digit list.

Reasons and warnings name the part that is wrong and why, e.g.
``"check character is 'T', expected 'U'"``.  Several problems are joined with ``"; "``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Final

from services.kit.clock import SYSTEM

__all__ = [
    "IdKind",
    "Verdict",
    "cert_id_check_char",
    "check",
    "check_cert_id",
    "check_holder_id",
    "check_parcel_code",
    "check_resident_id",
    "check_unit_code",
    "check_uscc",
    "make_cert_id",
    "mask",
    "resident_id_check_char",
    "uscc_check_char",
]


class IdKind(StrEnum):
    USCC = "uscc"
    RESIDENT_ID = "resident-id"
    UNIT_CODE = "unit-code"
    PARCEL_CODE = "parcel-code"
    CERT_ID = "cert-id"


@dataclass(frozen=True)
class Verdict:
    """Outcome of a check.

    ``valid`` False: ``reason`` says which part is wrong and why.
    ``valid`` True with a ``warning``: accepted, but something is non-standard (legacy data,
    a residence-permit number, ...); callers should log or show the warning.
    """

    valid: bool
    reason: str | None = None
    warning: str | None = None


_DIGITS: Final = frozenset("0123456789")

# GB/T 2260 province-level codes (first two digits of a division code).  Province-level
# codes have never been withdrawn (only added: 46 海南 1988, 50 重庆 1997), so this set
# also covers historical codes.  71 台湾, 81 香港, 82 澳门 are in GB/T 2260.
PROVINCE_CODES: Final[dict[str, str]] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门",
}  # fmt: skip

# GB 32100-2015 uses 100000 as the division of national-level registration authorities
# (e.g. 11100000000013338W, the certificate-type body in GB/T 36904's example).
_USCC_NATIONAL_PREFIX: Final = "10"

# Residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, 2018) carry
# an 18-character GB 11643 number with address code 810000 / 820000 / 830000.  830000 is
# not a GB/T 2260 code; these numbers are real identity numbers, so they are accepted with
# a warning.
_RESIDENCE_PERMIT_PREFIXES: Final[dict[str, str]] = {
    "81": "Hong Kong",
    "82": "Macao",
    "83": "Taiwan",
}


def _chinese_now_date() -> date:
    """Today's business date (Asia/Shanghai, kit/clock.py).  Tests may monkeypatch it."""
    return SYSTEM.today()


def _quote(ch: str) -> str:
    """Render a character for a reason, flagging full-width / look-alike characters."""
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and folded.isascii():
        return f"'{ch}' (full-width; use ASCII '{folded}')"
    return f"'{ch}'"


def _length_reason(value: str, expected: int, what: str = "") -> str:
    reason = f"length is {len(value)}, expected {expected}{what}"
    if value != value.strip():
        reason += " (the value has leading or trailing whitespace)"
    return reason


def _fail(problems: list[str]) -> Verdict:
    return Verdict(valid=False, reason="; ".join(problems))


def _ok(notes: list[str]) -> Verdict:
    return Verdict(valid=True, warning="; ".join(notes) if notes else None)


def _province_problem(code6: str, label: str, *, national_ok: bool) -> str | None:
    """Reason if the 6-digit division code has no valid province-level prefix."""
    prefix = code6[:2]
    if prefix in PROVINCE_CODES or (national_ok and prefix == _USCC_NATIONAL_PREFIX):
        return None
    allowed = "a GB/T 2260 province code"
    if national_ok:
        allowed += " (or 10 for national-level 100000)"
    return f"{label} {code6}: '{prefix}' is not {allowed}"


# ---------------------------------------------------------------------------------------
# USCC, GB 32100-2015
# ---------------------------------------------------------------------------------------

USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols, no I O S V Z
_USCC_VALUE: Final = {c: i for i, c in enumerate(USCC_ALPHABET)}
# 3^(i-1) mod 31 = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))

# Position 1 (registration authority) -> allowed position 2 (organisation category).
# GB 32100-2015 itself lists 1 机构编制, 5 民政, 9 工商 and Y 其他; the other authorities
# were assigned afterwards by the national code administration and are published with the
# same table (the table below is identical in every independent implementation we checked,
# e.g. the "department" table of several open-source USCC validators and the table quoted
# on 统一社会信用代码解析 pages):
#   2 外交 (1 外国常驻新闻机构, 9 其他); 3 司法行政 (1 律师执业机构, 2 公证处,
#   3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他); 4 文化 (1 外国在华文化中心,
#   9 其他); 6 旅游 (1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地代表机构,
#   9 其他); 7 宗教 (1 宗教活动场所, 2 宗教院校, 9 其他); 8 工会 (1 基层工会, 9 其他);
#   A 中央军委改革和编制办公室 (1 军队事业单位, 9 其他); N 农业 (1 组级, 2 村级,
#   3 乡镇级集体经济组织, 9 其他).
# Unconfirmed addition: 5/4 基层群众性自治组织特别法人 (村民委员会 / 居民委员会, coded by
# 民政 since 2018).  It is accepted because rejecting a real village committee (a common
# holder of collective land) is worse than accepting an unlisted pair; remove it if the
# code administration's table says otherwise.
USCC_CATEGORIES: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": (
        "民政",
        {
            "1": "社会团体",
            "2": "民办非企业单位",
            "3": "基金会",
            "4": "基层群众性自治组织 (unconfirmed)",
            "9": "其他",
        },
    ),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

# GB 11714-1997 organisation code: 8 body characters (digits, A-Z valued 10-35) and a check
# character; weights 3 7 9 10 5 8 4 2; C9 = 11 - (sum mod 11), 10 -> 'X', 11 -> '0'.
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check_char(body8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def uscc_check_char(body17: str) -> str:
    """GB 32100 check character for the first 17 characters of a USCC."""
    if len(body17) != 17 or any(c not in _USCC_VALUE for c in body17):
        raise ValueError(f"USCC body must be 17 characters from {USCC_ALPHABET}, got {body17!r}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _uscc_char_problem(pos: int, ch: str) -> str:
    if ch.upper() in _USCC_VALUE and ch != ch.upper():
        return f"position {pos} is lowercase '{ch}'; USCC letters are uppercase"
    return (
        f"position {pos} is {_quote(ch)}, not in the USCC alphabet "
        "(digits and uppercase letters except I, O, S, V, Z)"
    )


# Pure and called for the same codes over and over (issuers, type codes, the holder of an
# event at each step of its way): remember recent verdicts.
@lru_cache(maxsize=65536)
def check_uscc(value: str, *, legacy: bool = False) -> Verdict:
    """Validate a unified social credit code (GB 32100-2015).

    Checked: length 18; the 31-symbol alphabet; position 1/2 against the registration
    authority / organisation category table; positions 3-8 six digits with a GB/T 2260
    province prefix (or 10, national); positions 9-17 a GB 11714 organisation code whose own
    MOD 11 check (position 17) holds; position 18 the MOD 31 check.

    ``legacy=True`` (ingesting existing data) tolerates exactly one deviation from the
    standard and reports it as a warning: a wrong final check character (early pilot codes
    such as Fujian's ``91350100M0001TGQXM`` were issued that way), a wrong GB 11714 check
    when the final check holds (the value is then as issued: a typo would break the final
    check, which catches every single substitution), or an authority/category pair missing
    from the table.  Two deviations, or any structural error, stay invalid.
    ``legacy=False`` (new registrations) rejects every deviation.
    """
    if len(value) != 18:
        return _fail([_length_reason(value, 18)])
    bad = [_uscc_char_problem(i, c) for i, c in enumerate(value, 1) if c not in _USCC_VALUE]
    if bad:
        return _fail(bad)

    # (reason, tolerable on legacy ingest), in position order.
    findings: list[tuple[str, bool]] = []

    authority, category = value[0], value[1]
    if authority not in USCC_CATEGORIES:
        findings.append(
            (
                f"position 1 (registration authority) is '{authority}', not a GB 32100 "
                f"authority code (expected one of {', '.join(USCC_CATEGORIES)})",
                True,
            )
        )
    else:
        name, categories = USCC_CATEGORIES[authority]
        if category not in categories:
            findings.append(
                (
                    f"position 2 (organisation category) is '{category}', not a category of "
                    f"authority '{authority}' ({name}); expected one of {', '.join(categories)}",
                    True,
                )
            )

    division = value[2:8]
    if not set(division) <= _DIGITS:
        findings.append(
            (f"positions 3-8 (division code) are '{division}', expected 6 digits", False)
        )
    else:
        province = _province_problem(division, "positions 3-8 (division code)", national_ok=True)
        if province:
            findings.append((province, False))

    org_expected = _org_code_check_char(value[8:16])
    if value[16] != org_expected:
        findings.append(
            (
                f"position 17 (organisation code check, GB 11714) is '{value[16]}', "
                f"expected '{org_expected}'",
                True,
            )
        )
    final_expected = uscc_check_char(value[:17])
    if value[17] != final_expected:
        findings.append((f"check character is '{value[17]}', expected '{final_expected}'", True))

    if not findings:
        return _ok([])
    if legacy and len(findings) == 1 and findings[0][1]:
        return _ok([f"{findings[0][0]}; accepted as legacy data, not valid for new registrations"])
    return _fail([reason for reason, _ in findings])


# ---------------------------------------------------------------------------------------
# Resident identity number, GB 11643-1999
# ---------------------------------------------------------------------------------------

_RID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK: Final = "10X98765432"
_EARLIEST_BIRTH: Final = date(1850, 1, 1)


def resident_id_check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a resident id."""
    if len(body17) != 17 or not set(body17) <= _DIGITS:
        raise ValueError(f"resident id body must be 17 ASCII digits, got {body17!r}")
    total = sum(int(c) * w for c, w in zip(body17, _RID_WEIGHTS, strict=True))
    return _RID_CHECK[total % 11]


def check_resident_id(value: str) -> Verdict:
    """Validate an 18-character citizen identity number (GB 11643-1999).

    Checked: 17 ASCII digits and a check character 0-9 or X; the address code's province
    prefix (GB/T 2260, so historical county codes pass; 81/82/83 residence-permit numbers of
    Hong Kong, Macao and Taiwan residents pass with a warning); the birth date is a real date,
    not before 1850-01-01 and not after today (China time); the MOD 11-2 check character.

    A lowercase 'x' is rejected, not normalised: the standard uses uppercase X and a
    validator that silently accepts 'x' lets two spellings of one person's number into
    storage.  Callers that take user input may upper-case it before checking.
    """
    if len(value) != 18:
        what = ""
        if len(value) == 15 and set(value) <= _DIGITS:
            what = " (a 15-digit first-generation number; use the 18-character form)"
        return _fail([_length_reason(value, 18, what)])

    problems = [
        f"position {i} is {_quote(c)}, expected a digit"
        for i, c in enumerate(value[:17], 1)
        if c not in _DIGITS
    ]
    last = value[17]
    if last == "x":
        problems.append("check character is lowercase 'x'; use uppercase 'X'")
    elif last not in _DIGITS and last != "X":
        problems.append(f"check character is {_quote(last)}, expected a digit or X")
    if problems:
        return _fail(problems)

    notes: list[str] = []
    address = value[:6]
    if address[:2] in _RESIDENCE_PERMIT_PREFIXES:
        notes.append(
            f"address code {address}: residence-permit number of a "
            f"{_RESIDENCE_PERMIT_PREFIXES[address[:2]]} resident, not a mainland resident id"
        )
    else:
        province = _province_problem(address, "address code", national_ok=False)
        if province:
            problems.append(province)

    birth = value[6:14]
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        problems.append(f"birth date {birth} is not a real date")
    else:
        if born < _EARLIEST_BIRTH:
            problems.append(f"birth date {birth} is before 1850-01-01")
        elif born > _chinese_now_date():
            problems.append(f"birth date {birth} is in the future")

    expected = resident_id_check_char(value[:17])
    if last.upper() != expected:
        problems.append(f"check character is '{last}', expected '{expected}'")
    return _fail(problems) if problems else _ok(notes)


# ---------------------------------------------------------------------------------------
# Real-estate unit code, GB/T 37346-2019
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    start: int  # 1-based, inclusive
    end: int
    name: str
    allowed: str | None  # None: digits; otherwise the allowed single characters, in order

    def problem(self, code: str) -> str | None:
        part = code[self.start - 1 : self.end]
        if self.allowed is None:
            if set(part) <= _DIGITS:
                return None
            n = self.end - self.start + 1
            return (
                f"positions {self.start}-{self.end} ({self.name}) are '{part}', expected {n} digits"
            )
        if part in self.allowed:
            return None
        return (
            f"position {self.start} ({self.name}) is {_quote(part)}, "
            f"expected one of {', '.join(self.allowed)}"
        )


_PARCEL_FIELDS: Final = (
    _Field(1, 6, "county division code", None),
    _Field(7, 9, "cadastral zone", None),
    _Field(10, 12, "cadastral sub-zone", None),
    _Field(13, 13, "parcel ownership", "GJZ"),  # G state, J collective, Z undetermined
    _Field(14, 14, "parcel right type", "ABSXCDEFHGWY"),
    _Field(15, 19, "parcel sequence", None),
)
_FIXTURE_FIELDS: Final = (
    _Field(20, 20, "fixture feature", "FLQW"),  # F building, L forest, Q other, W none
    _Field(21, 28, "fixture unit", None),
)
PARCEL_CODE_LENGTH: Final = 19
UNIT_CODE_LENGTH: Final = 28


def _field_problems(code: str, fields: tuple[_Field, ...]) -> list[str]:
    problems = [p for f in fields if (p := f.problem(code)) is not None]
    county = code[:6]
    if set(county) <= _DIGITS:
        province = _province_problem(
            county, "positions 1-6 (county division code)", national_ok=False
        )
        if province:
            problems.append(province)
    return problems


def check_parcel_code(value: str) -> Verdict:
    """Validate a parcel code (宗地代码): positions 1-19 of a GB/T 37346 unit code."""
    if len(value) != PARCEL_CODE_LENGTH:
        what = ""
        if len(value) == UNIT_CODE_LENGTH:
            what = " (this looks like a full unit code; its parcel code is the first 19 characters)"
        return _fail([_length_reason(value, PARCEL_CODE_LENGTH, what)])
    problems = _field_problems(value, _PARCEL_FIELDS)
    return _fail(problems) if problems else _ok([])


def check_unit_code(value: str) -> Verdict:
    """Validate a 28-character real-estate unit code (GB/T 37346-2019; no check character).

    Every failing field is reported by position and name.  With fixture feature W (no
    fixture) positions 21-28 must be 00000000.
    """
    if len(value) != UNIT_CODE_LENGTH:
        what = ""
        if len(value) == PARCEL_CODE_LENGTH:
            what = " (this looks like a parcel code; use check_parcel_code)"
        return _fail([_length_reason(value, UNIT_CODE_LENGTH, what)])
    problems = _field_problems(value, _PARCEL_FIELDS + _FIXTURE_FIELDS)
    if value[19] == "W" and value[20:] != "00000000":
        problems.append(
            f"positions 21-28 (fixture unit) are '{value[20:]}', expected 00000000 "
            "when position 20 (fixture feature) is 'W' (no fixture)"
        )
    return _fail(problems) if problems else _ok([])


# ---------------------------------------------------------------------------------------
# e-certificate identifier, GB/T 36904-2018
# ---------------------------------------------------------------------------------------

CERT_ID_PREFIX: Final = "1.2.156.3005.2"
_CERT_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CERT_VALUE: Final = {c: i for i, c in enumerate(_CERT_ALPHABET)}
_SERIAL_RE: Final = re.compile(r"[0-9A-Z]+")


def cert_id_check_char(payload: str) -> str:
    """ISO/IEC 7064 MOD 37,36 check character.

    *payload* is type code + issuer USCC + serial + version, concatenated without dots.
    """
    if not payload or any(c not in _CERT_VALUE for c in payload):
        raise ValueError(
            "certificate check payload must be non-empty [0-9A-Z] (type code, issuer, serial "
            f"and version concatenated without dots), got {payload!r}"
        )
    p = 36
    for c in payload:
        p = (p + _CERT_VALUE[c]) % 36
        if p == 0:
            p = 36
        p = (2 * p) % 37
    return _CERT_ALPHABET[(37 - p) % 36]


def _embedded_uscc(
    label: str, code: str, legacy: bool, problems: list[str], notes: list[str]
) -> None:
    # Same mode as the certificate: make_cert_id (strict) refuses an issuer code with a
    # wrong check character, so a typo cannot be minted into an identifier; ingest accepts
    # what check_uscc(legacy=True) accepts, with its warning.
    verdict = check_uscc(code, legacy=legacy)
    if not verdict.valid:
        problems.append(f"{label} {code} is not a valid USCC: {verdict.reason}")
    elif verdict.warning:
        notes.append(f"{label} {code}: {verdict.warning}")


@lru_cache(maxsize=65536)  # pure; an id is checked when made, drafted and consumed
def check_cert_id(value: str, *, legacy: bool = False) -> Verdict:
    """Validate an e-certificate identifier (GB/T 36904-2018).

    ``1.2.156.3005.2.<type code>.<issuer USCC>.<serial>.<version>.<check>``: type code is a
    USCC (18) + 3 digits; issuer an 18-character USCC; serial ``[0-9A-Z]+``; version 3
    digits; check the MOD 37,36 character over type+issuer+serial+version.

    The two embedded USCCs must be valid USCCs (the standard's own example,
    ``11100000000013338W`` and ``11430000006122244L``, passes every USCC check), judged in
    the same mode: strict rejects an embedded legacy pilot code, ``legacy=True`` accepts it
    with :func:`check_uscc`'s warning.

    ``legacy=True``: DOMAIN.md says some provincial data uses a non-standard check variant
    without saying which.  Guessing a variant (dots included, prefix included, another
    character mapping) would still reject whatever the province actually did, so ingest
    accepts any check character from [0-9A-Z] when everything else is well formed, with a
    warning naming the standard character.  The structure, the embedded USCCs and the
    alphabet are still enforced; :func:`make_cert_id` always generates the standard form.
    """
    head = CERT_ID_PREFIX + "."
    if not value.startswith(head):
        return _fail([f"does not start with the GB/T 36904 prefix {head}"])
    parts = value[len(head) :].split(".")
    if len(parts) != 5:
        return _fail(
            [
                "expected 5 dot-separated parts after the prefix (type code, issuer, serial, "
                f"version, check), found {len(parts)}"
            ]
        )
    type_code, issuer, serial, version, check_char = parts
    problems: list[str] = []
    notes: list[str] = []

    if len(type_code) != 21:
        problems.append(f"type code '{type_code}' has length {len(type_code)}, expected 21")
    elif not set(type_code[18:]) <= _DIGITS:
        problems.append(
            f"type code '{type_code}': positions 19-21 are '{type_code[18:]}', expected 3 digits"
        )
    else:
        _embedded_uscc("type code's defining body", type_code[:18], legacy, problems, notes)

    if len(issuer) != 18:
        problems.append(f"issuer '{issuer}' has length {len(issuer)}, expected 18 (a USCC)")
    else:
        _embedded_uscc("issuer", issuer, legacy, problems, notes)

    if not _SERIAL_RE.fullmatch(serial):
        hint = "; letters must be uppercase" if _SERIAL_RE.fullmatch(serial.upper()) else ""
        problems.append(f"serial '{serial}' is not [0-9A-Z]+{hint}")

    if len(version) != 3 or not set(version) <= _DIGITS:
        problems.append(f"version '{version}' is not 3 digits")

    if len(check_char) != 1 or check_char not in _CERT_VALUE:
        problems.append(f"check character '{check_char}' is not a single [0-9A-Z] character")

    if problems:
        return _fail(problems)

    expected = cert_id_check_char(type_code + issuer + serial + version)
    if check_char != expected:
        mismatch = f"check character is '{check_char}', expected '{expected}' (MOD 37,36)"
        if not legacy:
            return _fail([mismatch])
        notes.append(
            f"{mismatch}; accepted as legacy provincial data with a non-standard check, "
            "reissue in the standard form"
        )
    return _ok(notes)


def make_cert_id(type_code: str, issuer_uscc: str, serial: str, version: int) -> str:
    """Build a standard GB/T 36904 identifier; raise ValueError if any part is malformed."""
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= 999:
        raise ValueError(f"version must be an integer 0..999, got {version!r}")
    for label, part in (("type code", type_code), ("issuer", issuer_uscc), ("serial", serial)):
        if "." in part:
            raise ValueError(f"cannot make a certificate id: {label} {part!r} contains a dot")
    payload = f"{type_code}{issuer_uscc}{serial}{version:03d}"
    # A placeholder check character lets check_cert_id name the malformed part.
    check_char = cert_id_check_char(payload) if _SERIAL_RE.fullmatch(payload) else "0"
    cert_id = f"{CERT_ID_PREFIX}.{type_code}.{issuer_uscc}.{serial}.{version:03d}.{check_char}"
    verdict = check_cert_id(cert_id)
    if not verdict.valid:
        raise ValueError(f"cannot make a certificate id: {verdict.reason}")
    return cert_id


# ---------------------------------------------------------------------------------------
# Dispatch, holder ids, masking
# ---------------------------------------------------------------------------------------


def check(kind: IdKind | str, value: str, *, legacy: bool = False) -> Verdict:
    """Validate *value* as *kind*; *legacy* applies to the kinds that have a legacy mode
    (USCC, cert id) and is ignored for the others.  Unknown kinds raise ValueError."""
    try:
        k = IdKind(kind.strip().lower()) if not isinstance(kind, IdKind) else kind
    except ValueError:
        known = ", ".join(k.value for k in IdKind)
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {known}") from None
    if k is IdKind.USCC:
        return check_uscc(value, legacy=legacy)
    if k is IdKind.RESIDENT_ID:
        return check_resident_id(value)
    if k is IdKind.UNIT_CODE:
        return check_unit_code(value)
    if k is IdKind.PARCEL_CODE:
        return check_parcel_code(value)
    return check_cert_id(value, legacy=legacy)


def check_holder_id(value: str) -> Verdict:
    """Validate the identifier of a right holder: a resident id or a USCC (strict).

    Both are 18 characters.  A value shaped like a resident id (17 digits + digit/X/x) is
    checked as one first; an all-digit USCC (e.g. Huawei's 914403001922038216) is also
    resident-id shaped, so if that fails it is checked as a USCC.  Anything else is checked
    as a USCC.
    """
    if len(value) != 18:
        return _fail([_length_reason(value, 18, " (a resident id or a USCC)")])
    if set(value[:17]) <= _DIGITS and (value[17] in _DIGITS or value[17] in "Xx"):
        as_person = check_resident_id(value)
        if as_person.valid:
            return as_person
        as_org = check_uscc(value)
        if as_org.valid:
            return as_org
        return _fail(
            [f"not a valid resident id ({as_person.reason}) nor a valid USCC ({as_org.reason})"]
        )
    return check_uscc(value)


def mask(value: str) -> str:
    """Mask an identifier for logs: keep the first 6 and last 2 characters.

    ``11010519491231002X`` -> ``110105**********2X``.  Values shorter than 12 characters
    are masked completely (keeping 8 of them would reveal most of the value).
    """
    if len(value) < 12:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 8) + value[-2:]
