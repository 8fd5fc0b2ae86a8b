"""Certificate signatures: SM2 with SM3 (the default suite) and Ed25519, one interface.

Encodings are those of `SignatureSuite` in proto/govshare/certificates/v1/types.proto:

* ``Suite.SM2_SM3``: SM2 digital signature (GB/T 32918.2) over SM3 (GB/T 32905) of
  ``Z || message``, Z computed per GB/T 32918.2 with the default distinguishing id
  "1234567812345678" (GB/T 35276). Signature: DER ``SEQUENCE { r INTEGER, s INTEGER }``
  (at most 72 bytes, strict DER only). Public key: 65 bytes ``04 || x || y``. Private key
  (persistence form): the 32-byte big-endian scalar d, 1 <= d <= n-2.
* ``Suite.ED25519``: Ed25519 (RFC 8032) via `cryptography`. Signature: 64 bytes. Public
  key: 32 bytes. Private key (persistence form): the 32-byte seed.

SM2 and SM3 run in the system's OpenSSL 3 libcrypto (``libcrypto.so.3``, package
``libssl3`` on Debian), called through `ctypes`: no compiler and no extra wheel, the
distro's security updates apply, and it runs at 95-98% of ``openssl speed sm2`` (about
0.25 ms per signature and 0.22 ms per verification on the 2-core dev machine; see
devtools/bench/sm2.py). ctypes releases the GIL for every call, so signing threads
use all cores (about 1.8x with 2 threads). The library is loaded on first SM2/SM3
use (``GOVSHARE_LIBCRYPTO`` may name another file) and checked with a known-answer test;
if it is missing, older than 3.0 or lacks SM2/SM3 (e.g. a FIPS-only build), the first
SM2/SM3 call raises `Sm2Unavailable` with the reason. Ed25519 never needs it.

`verify` never raises for a bad signature or malformed input (wrong lengths, garbage,
points off the curve, unknown suite): it returns False.

Key ids (decided here; verifiers treat them as opaque): ``<issuer USCC>/<suite>/<YYYY>-<NN>``
with suite ``sm2`` or ``ed25519``, YYYY the year the key becomes active and NN its
sequence number among that issuer's keys of that suite activated in that year (01, 02,
...; NOT a month), e.g. ``11370100004251392E/sm2/2025-01``. See `make_key_id`. This is
the form the contract samples already use, and it is unique across issuers because it
starts with the issuer's USCC.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import secrets
import sys
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final, NamedTuple, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "SM2_DEFAULT_ID",
    "KeyIdParts",
    "PrivateKey",
    "SigningKey",
    "Sm2Unavailable",
    "Suite",
    "backend_info",
    "generate_key",
    "is_valid_public_key",
    "make_key_id",
    "parse_key_id",
    "sign",
    "sm3",
    "verify",
]

SM2_DEFAULT_ID: Final = b"1234567812345678"
"""Default distinguishing id (GB/T 35276); enters Z as ENTL = 0x0080 || ID."""

# SM2 recommended curve (GB/T 32918.5): order n.
_SM2_N: Final = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_SM2_MAX_SIG: Final = 72  # DER of two INTEGERs of at most 33 bytes each
_SM2_MIN_SIG: Final = 8


class Suite(StrEnum):
    """Signature suite; values are the `SignatureSuite` enum value names."""

    SM2_SM3 = "SIGNATURE_SUITE_SM2_SM3"
    ED25519 = "SIGNATURE_SUITE_ED25519"

    @property
    def short(self) -> str:
        """The suite's name inside key ids: "sm2" or "ed25519"."""
        return _SHORT[self]

    @property
    def proto_value(self) -> int:
        """The `SignatureSuite` enum number (SM2_SM3 = 1, ED25519 = 2)."""
        return _PROTO_VALUE[self]

    @classmethod
    def from_proto(cls, value: int | str) -> Suite:
        """The suite for a `SignatureSuite` number or value name; ValueError if unknown."""
        if isinstance(value, str):
            return cls(value)
        for suite, number in _PROTO_VALUE.items():
            if number == value:
                return suite
        raise ValueError(f"unknown or unspecified signature suite {value!r}")


_SHORT: Final = {Suite.SM2_SM3: "sm2", Suite.ED25519: "ed25519"}
_PROTO_VALUE: Final = {Suite.SM2_SM3: 1, Suite.ED25519: 2}


class Sm2Unavailable(RuntimeError):
    """The system libcrypto cannot do SM2/SM3 (missing, older than OpenSSL 3, no SM2)."""


# --- key ids ---------------------------------------------------------------------------

_USCC_SHAPE: Final = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_KEY_ID: Final = re.compile(
    r"(?P<issuer>[0-9A-HJ-NPQRTUWXY]{18})/(?P<suite>sm2|ed25519)/(?P<year>\d{4})-(?P<seq>\d{2,3})"
)


class KeyIdParts(NamedTuple):
    issuer_uscc: str
    suite: Suite
    year: int
    seq: int


def make_key_id(issuer_uscc: str, suite: Suite, year: int, seq: int) -> str:
    """``<issuer USCC>/<suite short>/<YYYY>-<NN>``, e.g. ``11370100004251392E/sm2/2025-01``.

    `year` is the year the key becomes active, `seq` (1-999) its number among the
    issuer's keys of this suite activated that year. Only the USCC's shape is checked
    here (18 chars of the USCC alphabet), not its check character.
    """
    if not _USCC_SHAPE.fullmatch(issuer_uscc):
        raise ValueError(f"issuer_uscc {issuer_uscc!r} is not 18 characters of the USCC alphabet")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year} is not a four-digit year")
    if not 1 <= seq <= 999:
        raise ValueError(f"seq {seq} is outside 1-999")
    return f"{issuer_uscc}/{Suite(suite).short}/{year:04d}-{seq:02d}"


def parse_key_id(key_id: str) -> KeyIdParts | None:
    """The parts of a key id made by `make_key_id`, or None for any other string."""
    match = _KEY_ID.fullmatch(key_id)
    if match is None or int(match["seq"]) == 0:
        return None
    suite = Suite.SM2_SM3 if match["suite"] == "sm2" else Suite.ED25519
    return KeyIdParts(match["issuer"], suite, int(match["year"]), int(match["seq"]))


# --- keys ------------------------------------------------------------------------------


class PrivateKey(Protocol):
    """The opaque private half of a `SigningKey`."""

    def sign(self, data: bytes) -> bytes: ...

    def private_bytes(self) -> bytes: ...


@dataclass(frozen=True)
class SigningKey:
    """An issuer's signing key pair. Equality and repr leave out the private key."""

    key_id: str
    suite: Suite
    private: PrivateKey = field(repr=False, compare=False)
    public_bytes: bytes

    @classmethod
    def generate(cls, suite: Suite, key_id: str) -> SigningKey:
        """A fresh key pair from the OS random source."""
        suite = Suite(suite)
        if suite is Suite.SM2_SM3:
            d = 1 + secrets.randbelow(_SM2_N - 2)  # 1 <= d <= n-2
            return cls.from_private_bytes(suite, key_id, d.to_bytes(32, "big"))
        return cls.from_private_bytes(
            suite, key_id, Ed25519PrivateKey.generate().private_bytes_raw()
        )

    @classmethod
    def from_private_bytes(cls, suite: Suite, key_id: str, private_bytes: bytes) -> SigningKey:
        """Rebuild a key from `to_private_bytes` output (SM2: scalar d; Ed25519: seed).

        Raises ValueError for a wrong length or an out-of-range SM2 scalar.
        """
        suite = Suite(suite)
        if not key_id or any(c.isspace() for c in key_id):
            raise ValueError(f"key_id {key_id!r} must be non-empty and without whitespace")
        private_bytes = bytes(private_bytes)
        if len(private_bytes) != 32:
            raise ValueError(
                f"{suite.short} private key must be 32 bytes, got {len(private_bytes)}"
            )
        private: PrivateKey
        if suite is Suite.SM2_SM3:
            sm2 = _Sm2PrivateKey(private_bytes)
            private, public = sm2, sm2.public_bytes
        else:
            ed = _Ed25519Private(Ed25519PrivateKey.from_private_bytes(private_bytes))
            private, public = ed, ed.public_bytes
        return cls(key_id=key_id, suite=suite, private=private, public_bytes=public)

    @classmethod
    def from_seed(cls, suite: Suite, key_id: str, seed: bytes) -> SigningKey:
        """Alias of `from_private_bytes` (for Ed25519 the private bytes are the seed)."""
        return cls.from_private_bytes(suite, key_id, seed)

    def to_private_bytes(self) -> bytes:
        """The 32 private bytes to persist (keep them secret); see `from_private_bytes`."""
        return self.private.private_bytes()

    def sign(self, data: bytes) -> bytes:
        """Sign `data` (a certificate's canonical bytes) with this key."""
        return self.private.sign(bytes(data))


def generate_key(suite: Suite, key_id: str) -> SigningKey:
    """A fresh key pair of `suite` named `key_id` (see `make_key_id`)."""
    return SigningKey.generate(suite, key_id)


def sign(key: SigningKey, data: bytes) -> bytes:
    """The signature of `data` by `key`, encoded as the key's suite says."""
    return key.sign(data)


def verify(suite: Suite | str | int, public_bytes: bytes, data: bytes, signature: bytes) -> bool:
    """True iff `signature` is a valid signature of `data` under `public_bytes`.

    Never raises for bad input (wrong types or lengths, garbage, points off the curve, an
    unknown suite): returns False. Raises `Sm2Unavailable` only if SM2 is asked for and
    the system libcrypto cannot do it (a deployment error, not a bad signature).
    """
    chosen = _suite_or_none(suite)
    if chosen is None or not (_is_bytes(public_bytes) and _is_bytes(data) and _is_bytes(signature)):
        return False
    public_bytes, data, signature = bytes(public_bytes), bytes(data), bytes(signature)
    if chosen is Suite.SM2_SM3:
        return _sm2_verify(public_bytes, data, signature)
    return _ed25519_verify(public_bytes, data, signature)


def is_valid_public_key(suite: Suite | str | int, public_bytes: bytes) -> bool:
    """Whether `public_bytes` is a usable public key of `suite` (for key publication)."""
    chosen = _suite_or_none(suite)
    if chosen is None or not _is_bytes(public_bytes):
        return False
    if chosen is Suite.SM2_SM3:
        return _sm2_public_key(bytes(public_bytes)) is not None
    return _ed25519_public_key(bytes(public_bytes)) is not None


def sm3(data: bytes) -> bytes:
    """SM3 digest (GB/T 32905), 32 bytes."""
    return _libcrypto().sm3(bytes(data))


def backend_info() -> str:
    """Which library does SM2/SM3, e.g. "OpenSSL 3.0.19 27 Jan 2026 (libcrypto.so.3)"."""
    lib = _libcrypto()
    return f"{lib.version} ({lib.path})"


def _suite_or_none(value: object) -> Suite | None:
    if isinstance(value, Suite):
        return value
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return Suite.from_proto(value)
        except ValueError:
            return None
    return None


def _is_bytes(value: object) -> bool:
    return isinstance(value, bytes | bytearray | memoryview)


# --- Ed25519 (cryptography) --------------------------------------------------------------


class _Ed25519Private:
    __slots__ = ("_key", "public_bytes")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self.public_bytes = key.public_key().public_bytes_raw()

    def __reduce__(self) -> tuple[Any, ...]:  # pickle/copy by value
        return _ed25519_private_from_bytes, (self.private_bytes(),)

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    def private_bytes(self) -> bytes:
        return self._key.private_bytes_raw()


def _ed25519_private_from_bytes(seed: bytes) -> _Ed25519Private:
    return _Ed25519Private(Ed25519PrivateKey.from_private_bytes(seed))


@lru_cache(maxsize=1024)
def _ed25519_public_key(public_bytes: bytes) -> Ed25519PublicKey | None:
    if len(public_bytes) != 32:
        return None
    try:
        return Ed25519PublicKey.from_public_bytes(public_bytes)
    except ValueError:
        return None


def _ed25519_verify(public_bytes: bytes, data: bytes, signature: bytes) -> bool:
    key = _ed25519_public_key(public_bytes)
    if key is None or len(signature) != 64:
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


# --- SM2 / SM3 (system libcrypto via ctypes) ----------------------------------------------

_OSSL_PARAM_UNSIGNED_INTEGER: Final = 2
_OSSL_PARAM_UTF8_STRING: Final = 4
_OSSL_PARAM_OCTET_STRING: Final = 5
_OSSL_PARAM_UNMODIFIED: Final = ctypes.c_size_t(-1).value
_SELECT_PUBLIC_KEY: Final = 0x86  # EVP_PKEY_PUBLIC_KEY
_SELECT_KEYPAIR: Final = 0x87  # EVP_PKEY_KEYPAIR
_POINT_CONVERSION_UNCOMPRESSED: Final = 4


class _OsslParam(ctypes.Structure):
    _fields_ = (
        ("key", ctypes.c_char_p),
        ("data_type", ctypes.c_uint),
        ("data", ctypes.c_void_p),
        ("data_size", ctypes.c_size_t),
        ("return_size", ctypes.c_size_t),
    )


class _Params:
    """A NULL-terminated OSSL_PARAM array that keeps its buffers alive."""

    def __init__(self, *items: tuple[bytes, int, bytes]) -> None:
        self._buffers = [ctypes.create_string_buffer(value, len(value)) for _, _, value in items]
        self.array = (_OsslParam * (len(items) + 1))()
        for slot, (key, kind, value), buffer in zip(self.array, items, self._buffers, strict=False):
            slot.key = key
            slot.data_type = kind
            slot.data = ctypes.cast(buffer, ctypes.c_void_p)
            slot.data_size = len(value)
            slot.return_size = _OSSL_PARAM_UNMODIFIED

    def wipe(self) -> None:
        for buffer in self._buffers:
            ctypes.memset(buffer, 0, len(buffer))


_c_void_p = ctypes.c_void_p
_c_int = ctypes.c_int
_c_size_t = ctypes.c_size_t
_c_char_p = ctypes.c_char_p


class _LibCrypto:
    """The few libcrypto functions used, with their C signatures."""

    def __init__(self, lib: ctypes.CDLL, path: str) -> None:
        self.path = path

        def fn(name: str, restype: Any, *argtypes: Any) -> Callable[..., Any]:
            try:
                func = getattr(lib, name)
            except AttributeError as exc:
                raise Sm2Unavailable(
                    f"{path} has no {name}: OpenSSL 3.0 or later is needed"
                ) from exc
            func.restype = restype
            func.argtypes = argtypes
            return func  # type: ignore[no-any-return]

        vp, pvp, sz = _c_void_p, ctypes.POINTER(_c_void_p), ctypes.POINTER(_c_size_t)
        self.version_num = fn("OpenSSL_version_num", ctypes.c_ulong)
        self.version_text = fn("OpenSSL_version", _c_char_p, _c_int)
        self.err_get = fn("ERR_get_error", ctypes.c_ulong)
        self.err_string = fn("ERR_error_string_n", None, ctypes.c_ulong, _c_char_p, _c_size_t)
        self.err_clear = fn("ERR_clear_error", None)
        self.md_fetch = fn("EVP_MD_fetch", vp, vp, _c_char_p, _c_char_p)
        self.digest = fn(
            "EVP_Digest",
            _c_int,
            _c_char_p,
            _c_size_t,
            _c_char_p,
            ctypes.POINTER(ctypes.c_uint),
            vp,
            vp,
        )
        self.pkey_ctx_new = fn("EVP_PKEY_CTX_new_from_name", vp, vp, _c_char_p, _c_char_p)
        self.pkey_ctx_free = fn("EVP_PKEY_CTX_free", None, vp)
        self.fromdata_init = fn("EVP_PKEY_fromdata_init", _c_int, vp)
        self.fromdata = fn("EVP_PKEY_fromdata", _c_int, vp, pvp, _c_int, vp)
        self.pkey_free = fn("EVP_PKEY_free", None, vp)
        self.pkey_set_params = fn("EVP_PKEY_CTX_set_params", _c_int, vp, vp)
        self.md_ctx_new = fn("EVP_MD_CTX_new", vp)
        self.md_ctx_free = fn("EVP_MD_CTX_free", None, vp)
        self.sign_init = fn(
            "EVP_DigestSignInit_ex", _c_int, vp, pvp, _c_char_p, vp, _c_char_p, vp, vp
        )
        self.verify_init = fn(
            "EVP_DigestVerifyInit_ex", _c_int, vp, pvp, _c_char_p, vp, _c_char_p, vp, vp
        )
        self.digest_sign = fn("EVP_DigestSign", _c_int, vp, _c_char_p, sz, _c_char_p, _c_size_t)
        self.digest_verify = fn(
            "EVP_DigestVerify", _c_int, vp, _c_char_p, _c_size_t, _c_char_p, _c_size_t
        )
        self.sn2nid = fn("OBJ_sn2nid", _c_int, _c_char_p)
        self.group_new = fn("EC_GROUP_new_by_curve_name", vp, _c_int)
        self.group_free = fn("EC_GROUP_free", None, vp)
        self.point_new = fn("EC_POINT_new", vp, vp)
        self.point_free = fn("EC_POINT_free", None, vp)
        self.point_mul = fn("EC_POINT_mul", _c_int, vp, vp, vp, vp, vp, vp)
        self.point2oct = fn(
            "EC_POINT_point2oct", _c_size_t, vp, vp, _c_int, _c_char_p, _c_size_t, vp
        )
        self.bn_bin2bn = fn("BN_bin2bn", vp, _c_char_p, _c_int, vp)
        self.bn_clear_free = fn("BN_clear_free", None, vp)

        number = int(self.version_num())
        raw_version = self.version_text(0)
        self.version = raw_version.decode() if raw_version else hex(number)
        if number < 0x30000000:
            raise Sm2Unavailable(f"{path} is {self.version}; SM2 needs OpenSSL 3.0 or later")
        self._sm3 = int(self.md_fetch(None, b"SM3", None) or 0)
        if not self._sm3:
            raise Sm2Unavailable(f"{self.version} ({path}) has no SM3: {self.errors()}")
        self.distid = _Params((b"distid", _OSSL_PARAM_OCTET_STRING, SM2_DEFAULT_ID))
        self._distid_ptr = ctypes.cast(self.distid.array, _c_void_p)
        self.sm2_nid = int(self.sn2nid(b"SM2"))

    def errors(self) -> str:
        """Drain this thread's OpenSSL error queue into one line."""
        found = []
        while code := int(self.err_get()):
            text = ctypes.create_string_buffer(256)
            self.err_string(code, text, 256)
            found.append(text.value.decode(errors="replace"))
        return "; ".join(found) or "no OpenSSL error reported"

    def sm3(self, data: bytes) -> bytes:
        out = ctypes.create_string_buffer(32)
        size = ctypes.c_uint(0)
        if self.digest(data, len(data), out, ctypes.byref(size), self._sm3, None) != 1:
            raise Sm2Unavailable(f"SM3 failed: {self.errors()}")
        return out.raw[: size.value]

    def new_pkey(self, params: _Params, selection: int) -> int | None:
        """EVP_PKEY_fromdata for an SM2 key; None (error queue cleared) on failure."""
        ctx = self.pkey_ctx_new(None, b"SM2", None)
        if not ctx:
            raise Sm2Unavailable(f"{self.version} ({self.path}) has no SM2: {self.errors()}")
        try:
            pkey = _c_void_p()
            ok = self.fromdata_init(ctx) == 1 and (
                self.fromdata(
                    ctx, ctypes.byref(pkey), selection, ctypes.cast(params.array, _c_void_p)
                )
                == 1
            )
            if not ok or not pkey.value:
                self.err_clear()
                return None
            return int(pkey.value)
        finally:
            self.pkey_ctx_free(ctx)

    def public_from_scalar(self, d: bytes) -> bytes:
        """d·G on the SM2 curve as 04||x||y."""
        group = self.group_new(self.sm2_nid)
        if not group:
            raise Sm2Unavailable(f"{self.version} has no SM2 curve: {self.errors()}")
        point = bn = None
        try:
            point = self.point_new(group)
            bn = self.bn_bin2bn(d, len(d), None)
            out = ctypes.create_string_buffer(65)
            if (
                not point
                or not bn
                or self.point_mul(group, point, bn, None, None, None) != 1
                or self.point2oct(group, point, _POINT_CONVERSION_UNCOMPRESSED, out, 65, None) != 65
            ):
                raise Sm2Unavailable(f"SM2 public key derivation failed: {self.errors()}")
            return out.raw
        finally:
            if bn:
                self.bn_clear_free(bn)
            if point:
                self.point_free(point)
            self.group_free(group)

    def sm2_sign(self, pkey: int, data: bytes) -> bytes:
        mctx = self.md_ctx_new()
        if not mctx:
            raise MemoryError("EVP_MD_CTX_new failed")
        try:
            pctx = _c_void_p()
            siglen = _c_size_t(_SM2_MAX_SIG)
            out = ctypes.create_string_buffer(_SM2_MAX_SIG)
            if (
                self.sign_init(mctx, ctypes.byref(pctx), b"SM3", None, None, pkey, None) != 1
                # The id must be set after init: OpenSSL 3.0 refuses it in the init params.
                or self.pkey_set_params(pctx, self._distid_ptr) != 1
                or self.digest_sign(mctx, out, ctypes.byref(siglen), data, len(data)) != 1
            ):
                raise RuntimeError(f"SM2 signing failed: {self.errors()}")
            return out.raw[: siglen.value]
        finally:
            self.md_ctx_free(mctx)

    def sm2_verify(self, pkey: int, data: bytes, signature: bytes) -> bool:
        mctx = self.md_ctx_new()
        if not mctx:
            raise MemoryError("EVP_MD_CTX_new failed")
        try:
            pctx = _c_void_p()
            if (
                self.verify_init(mctx, ctypes.byref(pctx), b"SM3", None, None, pkey, None) == 1
                and self.pkey_set_params(pctx, self._distid_ptr) == 1
                and self.digest_verify(mctx, signature, len(signature), data, len(data)) == 1
            ):
                return True
            self.err_clear()  # never leave errors behind for the ssl module to trip over
            return False
        finally:
            self.md_ctx_free(mctx)


_load_lock = threading.Lock()
_loaded: _LibCrypto | None = None


def _libcrypto() -> _LibCrypto:
    global _loaded
    if _loaded is not None:
        return _loaded
    with _load_lock:
        if _loaded is None:
            lib = _open_libcrypto()
            _self_test(lib)
            _loaded = lib
        return _loaded


def _open_libcrypto() -> _LibCrypto:
    override = os.environ.get("GOVSHARE_LIBCRYPTO")
    candidates = [override] if override else ["libcrypto.so.3", ctypes.util.find_library("crypto")]
    if sys.platform == "darwin" and not override:
        candidates.insert(0, "libcrypto.3.dylib")
    problems = []
    for name in candidates:
        if not name:
            continue
        try:
            return _LibCrypto(ctypes.CDLL(name), name)
        except OSError as exc:
            problems.append(f"{name}: {exc}")
        except Sm2Unavailable as exc:
            problems.append(str(exc))
    raise Sm2Unavailable(
        "SM2/SM3 need the system OpenSSL 3 libcrypto (Debian: apt-get install libssl3); "
        + ("; ".join(problems) or "libcrypto not found")
    )


class _Sm2PrivateKey:
    __slots__ = ("__weakref__", "_d", "_pkey", "public_bytes")

    def __init__(self, d: bytes) -> None:
        scalar = int.from_bytes(d, "big")
        if not 1 <= scalar <= _SM2_N - 2:
            raise ValueError("SM2 private key must be an integer in [1, n-2]")
        lib = _libcrypto()
        self._d = d
        self.public_bytes = lib.public_from_scalar(d)
        params = _Params(
            (b"group", _OSSL_PARAM_UTF8_STRING, b"SM2"),
            (b"pub", _OSSL_PARAM_OCTET_STRING, self.public_bytes),
            (b"priv", _OSSL_PARAM_UNSIGNED_INTEGER, scalar.to_bytes(32, sys.byteorder)),
        )
        try:
            pkey = lib.new_pkey(params, _SELECT_KEYPAIR)
        finally:
            params.wipe()
        if pkey is None:
            raise ValueError("libcrypto rejected the SM2 private key")
        self._pkey = pkey
        weakref.finalize(self, lib.pkey_free, pkey)

    def __reduce__(self) -> tuple[Any, ...]:  # pickle/copy by value, never the pointer
        return _Sm2PrivateKey, (self._d,)

    def sign(self, data: bytes) -> bytes:
        return _libcrypto().sm2_sign(self._pkey, data)

    def private_bytes(self) -> bytes:
        return self._d


class _Sm2PublicKey:
    __slots__ = ("__weakref__", "pkey")

    def __init__(self, pkey: int, lib: _LibCrypto) -> None:
        self.pkey = pkey
        weakref.finalize(self, lib.pkey_free, pkey)


@lru_cache(maxsize=1024)
def _sm2_public_key(public_bytes: bytes) -> _Sm2PublicKey | None:
    """The parsed key (cached: issuers have few keys), or None if not a curve point."""
    if len(public_bytes) != 65 or public_bytes[0] != 0x04:
        return None
    lib = _libcrypto()
    params = _Params(
        (b"group", _OSSL_PARAM_UTF8_STRING, b"SM2"),
        (b"pub", _OSSL_PARAM_OCTET_STRING, public_bytes),
    )
    pkey = lib.new_pkey(params, _SELECT_PUBLIC_KEY)  # checks the point is on the curve
    return None if pkey is None else _Sm2PublicKey(pkey, lib)


def _sm2_verify(public_bytes: bytes, data: bytes, signature: bytes) -> bool:
    if not _SM2_MIN_SIG <= len(signature) <= _SM2_MAX_SIG or signature[0] != 0x30:
        return False
    key = _sm2_public_key(public_bytes)
    if key is None:
        return False
    # OpenSSL rejects r, s outside [1, n-1] and any non-DER encoding (it re-encodes and
    # compares), so each signature has exactly one accepted byte string.
    return _libcrypto().sm2_verify(key.pkey, data, signature)


def _der_signature(r: int, s: int) -> bytes:
    def integer(value: int) -> bytes:
        body = value.to_bytes(value.bit_length() // 8 + 1, "big")
        return b"\x02" + bytes([len(body)]) + body

    content = integer(r) + integer(s)
    return b"\x30" + bytes([len(content)]) + content


# Known answer on the recommended curve with the default id (the example key, message
# "message digest" and k = 59276E27... used by several independent SM2 implementations).
_KAT_D: Final = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
_KAT_PUBLIC: Final = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
_KAT_R: Final = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
_KAT_S: Final = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA


def _self_test(lib: _LibCrypto) -> None:
    """SM3 vector, public-key derivation and an SM2 known answer, once per process."""
    where = f"{lib.version} ({lib.path})"
    if lib.sm3(b"abc").hex() != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0":
        raise Sm2Unavailable(f"SM3 self-test failed with {where}")
    if lib.public_from_scalar(_KAT_D) != _KAT_PUBLIC:
        raise Sm2Unavailable(f"SM2 key derivation self-test failed with {where}")
    params = _Params(
        (b"group", _OSSL_PARAM_UTF8_STRING, b"SM2"),
        (b"pub", _OSSL_PARAM_OCTET_STRING, _KAT_PUBLIC),
    )
    pkey = lib.new_pkey(params, _SELECT_PUBLIC_KEY)
    if pkey is None:
        raise Sm2Unavailable(f"SM2 public key import failed with {where}")
    try:
        signature = _der_signature(_KAT_R, _KAT_S)
        if not lib.sm2_verify(pkey, b"message digest", signature) or lib.sm2_verify(
            pkey, b"message digesT", signature
        ):
            raise Sm2Unavailable(f"SM2 known-answer self-test failed with {where}")
    finally:
        lib.pkey_free(pkey)
