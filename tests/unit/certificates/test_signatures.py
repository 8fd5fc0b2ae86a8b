"""Tests for services.certificates.signatures (SM2-with-SM3 via libcrypto, Ed25519, SM3).

Independent checks, so that a bug in the module cannot make the tests agree with it:
* a pure-Python SM3 and SM2 written here from GB/T 32905 and GB/T 32918.2, themselves
  checked against the standards' examples (SM3 vectors; GB/T 32918.2 Annex A on its
  Fp-256 test curve: Z, e, public key, r and s), then used to cross-check the module on
  the recommended curve in both directions with deterministic k;
* the `openssl` command line (`openssl dgst -sm3 -sigopt distid:...`) in both
  directions, when the binary is installed;
* `gmssl` (pure Python) and `tongsuopy`, when installed (they are not dependencies).
"""

from __future__ import annotations

import base64
import copy
import ctypes
import os
import pickle
import secrets
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from govshare.certificates.v1 import types_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from services.certificates import signatures as sig
from services.certificates.signatures import (
    SM2_DEFAULT_ID,
    KeyIdParts,
    SigningKey,
    Sm2Unavailable,
    Suite,
    generate_key,
    is_valid_public_key,
    make_key_id,
    parse_key_id,
    sign,
    sm3,
    verify,
)

SM2 = Suite.SM2_SM3
ED = Suite.ED25519

# --- reference SM3 (GB/T 32905-2016), straight from the standard ------------------------

_IV = (
    0x7380166F,
    0x4914B2B9,
    0x172442D7,
    0xDA8A0600,
    0xA96F30BC,
    0x163138AA,
    0xE38DEE4D,
    0xB0FB0E4E,
)
_M32 = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _M32


def ref_sm3(message: bytes) -> bytes:
    length = len(message) * 8
    padded = message + b"\x80" + b"\x00" * ((56 - (len(message) + 1) % 64) % 64)
    padded += length.to_bytes(8, "big")
    v = list(_IV)
    for offset in range(0, len(padded), 64):
        block = padded[offset : offset + 64]
        w = [int.from_bytes(block[i : i + 4], "big") for i in range(0, 64, 4)]
        for j in range(16, 68):
            x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
            w.append((x ^ _rotl(x, 15) ^ _rotl(x, 23)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
        w1 = [w[j] ^ w[j + 4] for j in range(64)]
        a, b, c, d, e, f, g, h = v
        for j in range(64):
            t = 0x79CC4519 if j < 16 else 0x7A879D8A
            ss1 = _rotl((_rotl(a, 12) + e + _rotl(t, j)) & _M32, 7)
            ss2 = ss1 ^ _rotl(a, 12)
            if j < 16:
                ff, gg = a ^ b ^ c, e ^ f ^ g
            else:
                ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & _M32 & g)
            tt1 = (ff + d + ss2 + w1[j]) & _M32
            tt2 = (gg + h + ss1 + w[j]) & _M32
            d, c, b, a = c, _rotl(b, 9), a, tt1
            h, g, f, e = g, _rotl(f, 19), e, tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
        v = [x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True)]
    return b"".join(x.to_bytes(4, "big") for x in v)


# --- reference SM2 signature (GB/T 32918.2-2016), affine arithmetic ----------------------

Point = tuple[int, int] | None


class Curve:
    def __init__(self, p: int, a: int, b: int, gx: int, gy: int, n: int) -> None:
        self.p, self.a, self.b, self.g, self.n = p, a, b, (gx, gy), n

    def on_curve(self, pt: Point) -> bool:
        if pt is None:
            return False
        x, y = pt
        return (y * y - x * x * x - self.a * x - self.b) % self.p == 0

    def add(self, p1: Point, p2: Point) -> Point:
        if p1 is None:
            return p2
        if p2 is None:
            return p1
        (x1, y1), (x2, y2) = p1, p2
        if x1 == x2 and (y1 + y2) % self.p == 0:
            return None
        if p1 == p2:
            lam = (3 * x1 * x1 + self.a) * pow(2 * y1, -1, self.p)
        else:
            lam = (y2 - y1) * pow(x2 - x1, -1, self.p)
        x3 = (lam * lam - x1 - x2) % self.p
        return x3, (lam * (x1 - x3) - y1) % self.p

    def mul(self, k: int, pt: Point) -> Point:
        result: Point = None
        while k:
            if k & 1:
                result = self.add(result, pt)
            pt = self.add(pt, pt)
            k >>= 1
        return result

    def z(self, ident: bytes, public: tuple[int, int]) -> bytes:
        parts = [self.a, self.b, *self.g, *public]
        entl = (len(ident) * 8).to_bytes(2, "big")
        return ref_sm3(entl + ident + b"".join(x.to_bytes(32, "big") for x in parts))

    def e(self, ident: bytes, public: tuple[int, int], message: bytes) -> int:
        return int.from_bytes(ref_sm3(self.z(ident, public) + message), "big")

    def sign(self, d: int, ident: bytes, message: bytes, k: int) -> tuple[int, int]:
        public = self.mul(d, self.g)
        assert public is not None
        x1y1 = self.mul(k, self.g)
        assert x1y1 is not None
        r = (self.e(ident, public, message) + x1y1[0]) % self.n
        assert r != 0 and r + k != self.n
        s = pow(1 + d, -1, self.n) * (k - r * d) % self.n
        assert s != 0
        return r, s

    def verify(self, public: tuple[int, int], ident: bytes, message: bytes, r: int, s: int) -> bool:
        if not (1 <= r < self.n and 1 <= s < self.n):
            return False
        t = (r + s) % self.n
        if t == 0:
            return False
        x1y1 = self.add(self.mul(s, self.g), self.mul(t, public))
        if x1y1 is None:
            return False
        return (self.e(ident, public, message) + x1y1[0]) % self.n == r


# GB/T 32918.5-2017 recommended curve.
SM2P256 = Curve(
    p=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
    a=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC,
    b=0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
    gx=0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    gy=0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
    n=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
)
# GB/T 32918.2-2016 Annex A, Fp-256 test curve.
ANNEX_A = Curve(
    p=0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3,
    a=0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498,
    b=0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A,
    gx=0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D,
    gy=0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2,
    n=0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7,
)


def der_encode(r: int, s: int) -> bytes:
    def integer(v: int) -> bytes:
        body = v.to_bytes(v.bit_length() // 8 + 1, "big")
        return b"\x02" + bytes([len(body)]) + body

    content = integer(r) + integer(s)
    return b"\x30" + bytes([len(content)]) + content


def der_decode(der: bytes) -> tuple[int, int]:
    """Strict DER SEQUENCE { INTEGER r, INTEGER s } with short-form lengths."""
    assert der[0] == 0x30 and der[1] == len(der) - 2
    values, pos = [], 2
    for _ in range(2):
        assert der[pos] == 0x02
        size = der[pos + 1]
        body = der[pos + 2 : pos + 2 + size]
        assert len(body) == size and body[0] < 0x80
        assert not (size > 1 and body[0] == 0 and body[1] < 0x80), "not minimal"
        values.append(int.from_bytes(body, "big"))
        pos += 2 + size
    assert pos == len(der)
    return values[0], values[1]


def point_bytes(pt: Point) -> bytes:
    assert pt is not None
    return b"\x04" + pt[0].to_bytes(32, "big") + pt[1].to_bytes(32, "big")


def point_of(public: bytes) -> tuple[int, int]:
    return int.from_bytes(public[1:33], "big"), int.from_bytes(public[33:], "big")


# Recommended-curve known answer, default id (used by several SM2 implementations).
KAT_D = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
KAT_PUBLIC = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
KAT_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
KAT_R = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
KAT_S = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
MESSAGE = b"message digest"


@pytest.fixture(scope="module")
def sm2_key() -> SigningKey:
    return generate_key(SM2, "11370100004251392E/sm2/2025-01")


@pytest.fixture(scope="module")
def ed_key() -> SigningKey:
    return generate_key(ED, "11370100004251392E/ed25519/2025-01")


# --- the references against the standards ------------------------------------------------


def test_reference_sm3_matches_gbt_32905_vectors() -> None:
    assert ref_sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert ref_sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_reference_sm2_matches_gbt_32918_annex_a() -> None:
    curve, ident = ANNEX_A, b"ALICE123@YAHOO.COM"
    d = 0x128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263
    public = curve.mul(d, curve.g)
    assert public == (
        0x0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A,
        0x7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857,
    )
    assert curve.z(ident, public).hex().upper() == (
        "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A"
    )
    assert curve.e(ident, public, MESSAGE) == (
        0xB524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76
    )
    k = 0x6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F
    r, s = curve.sign(d, ident, MESSAGE, k)
    assert r == 0x40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1
    assert s == 0x6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7
    assert curve.verify(public, ident, MESSAGE, r, s)
    assert not curve.verify(public, ident, MESSAGE + b".", r, s)


def test_reference_sm2_recommended_curve_known_answer() -> None:
    curve = SM2P256
    assert curve.on_curve(curve.g)
    assert curve.mul(curve.n, curve.g) is None
    public = curve.mul(KAT_D, curve.g)
    assert point_bytes(public) == KAT_PUBLIC
    assert curve.sign(KAT_D, SM2_DEFAULT_ID, MESSAGE, KAT_K) == (KAT_R, KAT_S)


# --- SM3 -------------------------------------------------------------------------------


def test_sm3_standard_vectors() -> None:
    assert sm3(b"abc") == bytes.fromhex(
        "66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0"
    )
    assert sm3(b"abcd" * 16) == bytes.fromhex(
        "debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732"
    )


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_sm3_agrees_with_reference(data: bytes) -> None:
    assert sm3(data) == ref_sm3(data)


def test_sm3_accepts_bytes_like() -> None:
    assert sm3(bytearray(b"abc")) == sm3(memoryview(b"abc")) == sm3(b"abc")  # type: ignore[arg-type]


# --- SM2 known answers and round trips ----------------------------------------------------


def test_sm2_key_from_known_scalar_has_known_public_key() -> None:
    key = SigningKey.from_private_bytes(SM2, "kat", KAT_D.to_bytes(32, "big"))
    assert key.public_bytes == KAT_PUBLIC
    assert key.to_private_bytes() == KAT_D.to_bytes(32, "big")


def test_sm2_verifies_known_answer() -> None:
    signature = der_encode(KAT_R, KAT_S)
    assert verify(SM2, KAT_PUBLIC, MESSAGE, signature)
    assert not verify(SM2, KAT_PUBLIC, MESSAGE + b" ", signature)
    assert not verify(SM2, KAT_PUBLIC, MESSAGE, der_encode(KAT_R, KAT_S ^ 1))


def test_sm2_round_trip(sm2_key: SigningKey) -> None:
    for data in (b"", b"x", MESSAGE, secrets.token_bytes(5000)):
        signature = sign(sm2_key, data)
        assert 8 <= len(signature) <= 72
        der_decode(signature)  # strict DER
        assert verify(SM2, sm2_key.public_bytes, data, signature)
        assert verify("SIGNATURE_SUITE_SM2_SM3", sm2_key.public_bytes, data, signature)
        assert verify(1, sm2_key.public_bytes, data, signature)


def test_sm2_signatures_are_randomised(sm2_key: SigningKey) -> None:
    assert sign(sm2_key, MESSAGE) != sign(sm2_key, MESSAGE)


def test_sm2_module_signature_verifies_with_reference(sm2_key: SigningKey) -> None:
    public = point_of(sm2_key.public_bytes)
    assert SM2P256.on_curve(public)
    d = int.from_bytes(sm2_key.to_private_bytes(), "big")
    assert SM2P256.mul(d, SM2P256.g) == public
    for data in (MESSAGE, b"\x00" * 100):
        r, s = der_decode(sign(sm2_key, data))
        assert SM2P256.verify(public, SM2_DEFAULT_ID, data, r, s)
        # The id matters: the same signature is not valid under another id.
        assert not SM2P256.verify(public, b"ALICE123@YAHOO.COM", data, r, s)


def test_sm2_reference_signature_verifies_with_module() -> None:
    d = 1 + secrets.randbelow(SM2P256.n - 2)
    key = SigningKey.from_private_bytes(SM2, "ref", d.to_bytes(32, "big"))
    assert key.public_bytes == point_bytes(SM2P256.mul(d, SM2P256.g))
    for _ in range(3):
        data = secrets.token_bytes(64)
        r, s = SM2P256.sign(d, SM2_DEFAULT_ID, data, 1 + secrets.randbelow(SM2P256.n - 1))
        assert verify(SM2, key.public_bytes, data, der_encode(r, s))
        other_id = SM2P256.sign(d, b"ALICE123@YAHOO.COM", data, 12345)
        assert not verify(SM2, key.public_bytes, data, der_encode(*other_id))


# --- SM2 rejections ----------------------------------------------------------------------


def test_sm2_rejects_tampered_data(sm2_key: SigningKey) -> None:
    data = b"certificate bytes " * 10
    signature = sign(sm2_key, data)
    for i in (0, len(data) // 2, len(data) - 1):
        tampered = bytearray(data)
        tampered[i] ^= 0x01
        assert not verify(SM2, sm2_key.public_bytes, bytes(tampered), signature)
    assert not verify(SM2, sm2_key.public_bytes, data + b"\x00", signature)
    assert not verify(SM2, sm2_key.public_bytes, data[:-1], signature)


def test_sm2_rejects_tampered_signature(sm2_key: SigningKey) -> None:
    data = b"payload"
    signature = sign(sm2_key, data)
    for i in range(len(signature)):
        tampered = bytearray(signature)
        tampered[i] ^= 0x01
        assert not verify(SM2, sm2_key.public_bytes, data, bytes(tampered)), i
    r, s = der_decode(signature)
    n = SM2P256.n
    for bad in (
        signature + b"\x00",  # trailing garbage
        signature[:-1],
        der_encode(r, (s + 1) % n),
        der_encode(s, r),
        der_encode(0, s),
        der_encode(r, 0),
        der_encode(r + n, s),  # same value mod n, out of range
        der_encode(r, s + n),
        der_encode(r, n - s),
    ):
        assert not verify(SM2, sm2_key.public_bytes, data, bad)


def test_sm2_rejects_non_der_encodings(sm2_key: SigningKey) -> None:
    data = b"payload"
    r, s = der_decode(sign(sm2_key, data))

    def padded_int(v: int) -> bytes:  # a redundant leading zero byte: BER, not DER
        body = b"\x00" + v.to_bytes(v.bit_length() // 8 + 1, "big")
        return b"\x02" + bytes([len(body)]) + body

    def plain_int(v: int) -> bytes:
        body = v.to_bytes(v.bit_length() // 8 + 1, "big")
        return b"\x02" + bytes([len(body)]) + body

    content = padded_int(r) + plain_int(s)
    assert not verify(SM2, sm2_key.public_bytes, data, b"\x30" + bytes([len(content)]) + content)
    content = plain_int(r) + plain_int(s)
    long_form = b"\x30\x81" + bytes([len(content)]) + content
    assert not verify(SM2, sm2_key.public_bytes, data, long_form)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # r||s, not DER
    assert not verify(SM2, sm2_key.public_bytes, data, raw)


def test_sm2_rejects_wrong_key(sm2_key: SigningKey) -> None:
    other = generate_key(SM2, "other")
    signature = sign(sm2_key, MESSAGE)
    assert not verify(SM2, other.public_bytes, MESSAGE, signature)
    assert verify(SM2, other.public_bytes, MESSAGE, sign(other, MESSAGE))


def test_sm2_rejects_bad_public_keys(sm2_key: SigningKey) -> None:
    signature = sign(sm2_key, MESSAGE)
    public = sm2_key.public_bytes
    x, y = point_of(public)
    compressed = bytes([2 + (y & 1)]) + x.to_bytes(32, "big")
    off_curve = b"\x04" + x.to_bytes(32, "big") + ((y + 1) % SM2P256.p).to_bytes(32, "big")
    for bad in (
        b"",
        public[1:],  # 64 bytes, no prefix
        public + b"\x00",  # 66 bytes
        public[:-1],
        compressed,  # 33 bytes: the suite says uncompressed
        b"\x05" + public[1:],
        b"\x04" + b"\x00" * 64,
        b"\x00",  # point at infinity
        off_curve,
        b"\x04" + b"\xff" * 64,  # coordinates >= p
    ):
        assert not verify(SM2, bad, MESSAGE, signature), bad.hex()
        assert not is_valid_public_key(SM2, bad)
    assert is_valid_public_key(SM2, public)


@settings(max_examples=200, deadline=None)
@given(
    public=st.one_of(
        st.binary(max_size=80),
        st.builds(lambda t: b"\x04" + t, st.binary(min_size=64, max_size=64)),
    ),
    data=st.binary(max_size=64),
    signature=st.one_of(
        st.binary(max_size=100),
        st.builds(lambda t: b"\x30\x44\x02\x20" + t, st.binary(max_size=70)),
    ),
)
def test_verify_never_raises_on_garbage(public: bytes, data: bytes, signature: bytes) -> None:
    for suite in (SM2, ED):
        assert verify(suite, public, data, signature) is False


def test_sm2_garbage_signatures(sm2_key: SigningKey) -> None:
    for size in (0, 1, 7, 8, 64, 70, 71, 72, 73, 200):
        assert not verify(SM2, sm2_key.public_bytes, MESSAGE, secrets.token_bytes(size))
        assert not verify(SM2, sm2_key.public_bytes, MESSAGE, b"\x30" + secrets.token_bytes(size))


def test_verify_rejects_wrong_types_and_suites(sm2_key: SigningKey, ed_key: SigningKey) -> None:
    signature = sign(sm2_key, MESSAGE)
    public = sm2_key.public_bytes
    assert not verify(SM2, public.hex(), MESSAGE, signature)  # type: ignore[arg-type]
    assert not verify(SM2, public, None, signature)  # type: ignore[arg-type]
    assert not verify(SM2, public, MESSAGE, 5)  # type: ignore[arg-type]
    for suite in ("SIGNATURE_SUITE_UNSPECIFIED", "sm2", 0, 3, True, None):
        assert not verify(suite, public, MESSAGE, signature)  # type: ignore[arg-type]
    # Cross-suite: each suite's signature is rejected by the other.
    assert not verify(ED, public, MESSAGE, signature)
    assert not verify(SM2, ed_key.public_bytes, MESSAGE, sign(ed_key, MESSAGE))


def test_failed_verification_leaves_no_openssl_errors(sm2_key: SigningKey) -> None:
    libcrypto = ctypes.CDLL(sig._libcrypto().path)
    peek = libcrypto.ERR_peek_error
    peek.restype = ctypes.c_ulong
    bad_sig = b"\x30\x06\x02\x01\x00\x02\x01\x00"
    assert not verify(SM2, sm2_key.public_bytes, MESSAGE, bad_sig)
    assert not verify(SM2, b"\x04" + b"\x01" * 64, MESSAGE, sign(sm2_key, MESSAGE))
    assert peek() == 0


def test_sm2_concurrent_signing(sm2_key: SigningKey) -> None:
    failures: list[str] = []

    def work(index: int) -> None:
        for j in range(25):
            data = f"{index}-{j}".encode()
            if not verify(SM2, sm2_key.public_bytes, data, sign(sm2_key, data)):
                failures.append(data.decode())

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# --- keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("suite", list(Suite))
def test_private_bytes_round_trip(suite: Suite) -> None:
    key = generate_key(suite, "k1")
    assert len(key.to_private_bytes()) == 32
    again = SigningKey.from_private_bytes(suite, "k1", key.to_private_bytes())
    assert again == key  # equality: key id, suite, public key
    assert again.public_bytes == key.public_bytes
    assert verify(suite, key.public_bytes, MESSAGE, again.sign(MESSAGE))
    assert SigningKey.from_seed(suite, "k1", key.to_private_bytes()) == key
    assert len(key.public_bytes) == (65 if suite is SM2 else 32)


@pytest.mark.parametrize("suite", list(Suite))
def test_keys_pickle_and_copy_by_value(suite: Suite) -> None:
    key = generate_key(suite, "k1")
    for again in (pickle.loads(pickle.dumps(key)), copy.deepcopy(key)):
        assert again == key
        assert again.to_private_bytes() == key.to_private_bytes()
        assert verify(suite, key.public_bytes, MESSAGE, again.sign(MESSAGE))


def test_sm2_private_scalar_range() -> None:
    n = SM2P256.n
    for bad in (0, n - 1, n, 2**256 - 1):
        with pytest.raises(ValueError, match=r"\[1, n-2\]"):
            SigningKey.from_private_bytes(SM2, "k", bad.to_bytes(32, "big"))
    for good in (1, n - 2):
        key = SigningKey.from_private_bytes(SM2, "k", good.to_bytes(32, "big"))
        assert key.public_bytes == point_bytes(SM2P256.mul(good, SM2P256.g))
        assert verify(SM2, key.public_bytes, MESSAGE, key.sign(MESSAGE))


@pytest.mark.parametrize("suite", list(Suite))
def test_private_bytes_wrong_length(suite: Suite) -> None:
    for size in (0, 31, 33, 64):
        with pytest.raises(ValueError, match="32 bytes"):
            SigningKey.from_private_bytes(suite, "k", b"\x01" * size)


def test_key_id_must_be_a_token() -> None:
    for bad in ("", "a b", "x\n"):
        with pytest.raises(ValueError, match="key_id"):
            generate_key(ED, bad)


def test_repr_hides_private_key(sm2_key: SigningKey) -> None:
    text = repr(sm2_key)
    assert "private" not in text
    assert sm2_key.to_private_bytes().hex() not in text


def test_suite_matches_proto_enum() -> None:
    for suite in Suite:
        assert types_pb2.SignatureSuite.Value(suite.value) == suite.proto_value
        assert Suite.from_proto(suite.proto_value) is suite
        assert Suite.from_proto(suite.value) is suite
    assert {s.value for s in Suite} == {
        name
        for name in types_pb2.SignatureSuite.keys()  # noqa: SIM118
        if not name.endswith("UNSPECIFIED")
    }
    with pytest.raises(ValueError):
        Suite.from_proto(0)


def test_key_ids() -> None:
    assert make_key_id("11370100004251392E", SM2, 2025, 1) == "11370100004251392E/sm2/2025-01"
    assert make_key_id("11370100004251392E", ED, 2026, 12) == "11370100004251392E/ed25519/2026-12"
    # The form the contract samples use.
    assert parse_key_id("11370100004251392E/ed25519/2025-01") == KeyIdParts(
        "11370100004251392E", ED, 2025, 1
    )
    key_id = make_key_id("123701004931056272", SM2, 2025, 107)
    assert parse_key_id(key_id) == KeyIdParts("123701004931056272", SM2, 2025, 107)
    for bad in (
        "",
        "11370100004251392E/rsa/2025-01",
        "11370100004251392E/sm2/2025-00",
        "x/sm2/2025-01",
    ):
        assert parse_key_id(bad) is None
    for args in (("1137010000425139", SM2, 2025, 1), ("11370100004251392E", SM2, 25, 1)):
        with pytest.raises(ValueError):
            make_key_id(*args)
    with pytest.raises(ValueError):
        make_key_id("11370100004251392E", SM2, 2025, 0)


def test_missing_libcrypto_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSHARE_LIBCRYPTO", "/nonexistent/libcrypto.so.3")
    with pytest.raises(Sm2Unavailable, match="OpenSSL 3"):
        sig._open_libcrypto()
    monkeypatch.setenv("GOVSHARE_LIBCRYPTO", "libc.so.6")  # loads, but is no libcrypto
    with pytest.raises(Sm2Unavailable, match=r"OpenSSL 3\.0 or later"):
        sig._open_libcrypto()


# --- Ed25519 ---------------------------------------------------------------------------


def test_ed25519_rfc8032_test_1() -> None:
    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    expected = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    key = SigningKey.from_seed(ED, "rfc8032-1", secret)
    assert key.public_bytes == public
    assert sign(key, b"") == expected
    assert verify(ED, public, b"", expected)
    assert not verify(ED, public, b"\x00", expected)


def test_ed25519_round_trip_and_rejections(ed_key: SigningKey) -> None:
    signature = sign(ed_key, MESSAGE)
    assert len(signature) == 64
    assert verify(ED, ed_key.public_bytes, MESSAGE, signature)
    assert not verify(ED, ed_key.public_bytes, MESSAGE + b"!", signature)
    tampered = bytearray(signature)
    tampered[10] ^= 0x40
    assert not verify(ED, ed_key.public_bytes, MESSAGE, bytes(tampered))
    assert not verify(ED, generate_key(ED, "x").public_bytes, MESSAGE, signature)
    assert not verify(ED, ed_key.public_bytes, MESSAGE, signature[:63])
    assert not verify(ED, ed_key.public_bytes[:31], MESSAGE, signature)
    assert not verify(ED, ed_key.public_bytes + b"\x00", MESSAGE, signature)


# --- cross-checks with other implementations ---------------------------------------------

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="no openssl command")


def _der_tlv(tag: int, body: bytes) -> bytes:
    assert len(body) < 0x10000
    if len(body) < 0x80:
        return bytes([tag, len(body)]) + body
    size = len(body).to_bytes(2 if len(body) > 0xFF else 1, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def sec1_pem(key: SigningKey) -> bytes:
    """RFC 5915 ECPrivateKey on curve SM2 (OID 1.2.156.10197.1.301), PEM."""
    sm2_oid = bytes.fromhex("06082a811ccf5501822d")
    der = _der_tlv(
        0x30,
        b"\x02\x01\x01"
        + _der_tlv(0x04, key.to_private_bytes())
        + _der_tlv(0xA0, sm2_oid)
        + _der_tlv(0xA1, _der_tlv(0x03, b"\x00" + key.public_bytes)),
    )
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        b"-----BEGIN EC PRIVATE KEY-----\n"
        + b"\n".join(lines)
        + b"\n-----END EC PRIVATE KEY-----\n"
    )


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True, text=True, check=False)


@needs_openssl
def test_openssl_cli_interoperates_both_ways(tmp_path: Path, sm2_key: SigningKey) -> None:
    (tmp_path / "key.pem").write_bytes(sec1_pem(sm2_key))
    done = _openssl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = _openssl("pkey", "-in", "key.pem", "-text", "-noout", cwd=tmp_path).stdout
    assert "SM2" in text, text
    data = b"certificate canonical bytes \xe8\x90\xa5\xe4\xb8\x9a\xe6\x89\xa7\xe7\x85\xa7\n" * 7
    (tmp_path / "msg").write_bytes(data)
    distid = f"distid:{SM2_DEFAULT_ID.decode()}"

    # OpenSSL signs, we verify.
    for i in range(3):
        done = _openssl(
            "dgst",
            "-sm3",
            "-sign",
            "key.pem",
            "-sigopt",
            distid,
            "-out",
            f"cli{i}.sig",
            "msg",
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        cli_signature = (tmp_path / f"cli{i}.sig").read_bytes()
        assert verify(SM2, sm2_key.public_bytes, data, cli_signature)
        assert not verify(SM2, sm2_key.public_bytes, data + b"x", cli_signature)

    # We sign, OpenSSL verifies (and rejects under another id).
    (tmp_path / "ours.sig").write_bytes(sign(sm2_key, data))
    done = _openssl(
        "dgst",
        "-sm3",
        "-verify",
        "pub.pem",
        "-sigopt",
        distid,
        "-signature",
        "ours.sig",
        "msg",
        cwd=tmp_path,
    )
    assert done.returncode == 0 and "Verified OK" in done.stdout, done.stdout + done.stderr
    done = _openssl(
        "dgst",
        "-sm3",
        "-verify",
        "pub.pem",
        "-sigopt",
        "distid:ALICE123@YAHOO.COM",
        "-signature",
        "ours.sig",
        "msg",
        cwd=tmp_path,
    )
    assert done.returncode != 0

    # OpenSSL without -sigopt uses an empty id, which is not this suite: we must reject it.
    done = _openssl("dgst", "-sm3", "-sign", "key.pem", "-out", "noid.sig", "msg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not verify(SM2, sm2_key.public_bytes, data, (tmp_path / "noid.sig").read_bytes())


@needs_openssl
def test_openssl_cli_sm3_agrees(tmp_path: Path) -> None:
    data = os.urandom(1000)
    (tmp_path / "msg").write_bytes(data)
    done = _openssl("dgst", "-sm3", "-r", "msg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == sm3(data).hex()


def test_gmssl_interoperates_both_ways(sm2_key: SigningKey) -> None:
    gmssl_sm2 = pytest.importorskip("gmssl.sm2")
    other = gmssl_sm2.CryptSM2(
        private_key=sm2_key.to_private_bytes().hex(),
        public_key=sm2_key.public_bytes[1:].hex(),
        asn1=True,
    )
    data = b"interop with gmssl"
    theirs = bytes.fromhex(other.sign_with_sm3(data))
    assert verify(SM2, sm2_key.public_bytes, data, theirs)
    assert other.verify_with_sm3(sign(sm2_key, data).hex(), data)
    assert not other.verify_with_sm3(sign(sm2_key, data).hex(), data + b"!")


def test_tongsuopy_interoperates_both_ways(sm2_key: SigningKey) -> None:
    pytest.importorskip("tongsuopy")
    from tongsuopy.crypto import hashes  # type: ignore[import-untyped]
    from tongsuopy.crypto.asymciphers import ec  # type: ignore[import-untyped]

    d = int.from_bytes(sm2_key.to_private_bytes(), "big")
    theirs = ec.derive_private_key(d, ec.SM2())
    algorithm = ec.ECDSA(hashes.SM3())
    data = b"interop with tongsuo"
    assert verify(SM2, sm2_key.public_bytes, data, theirs.sign(data, algorithm))
    theirs.public_key().verify(sign(sm2_key, data), data, algorithm)  # raises if invalid
