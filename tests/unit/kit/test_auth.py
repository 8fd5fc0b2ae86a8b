"""Bearer JWT authentication and authorization helpers (services/kit/auth/)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from services.kit.auth import (
    AUDIENCE,
    DEV_ISSUER,
    DEV_KEY_ID,
    AuthConfigError,
    AuthError,
    CurrentPrincipal,
    Principal,
    TokenVerifier,
    bearer_metadata,
    check_access,
    dev_private_key,
    dev_public_key,
    encode_token,
    grpc_principal,
    install_verifier,
    load_public_keys,
    mint_dev_token,
    principal_dependency,
    principal_from_grpc_metadata,
    public_jwks,
    require,
    require_role,
    verifier_from_settings,
)

CITIZEN = "11010519491231002X"  # GB 11643-1999's own example
ENTERPRISE = "91370100705882496U"
DEPARTMENT = "11370100004250824J"
STAFF = "rs-0042"

# The development public key: a change of DEV_SEED would silently break tokens minted by
# another version of `govshare token`, so it is pinned here.
DEV_PUBLIC_X = "exCKGQsmBVxuDDWqoz8n0niAU6JgUqxYfYfbion-6X4"


@pytest.fixture(scope="module")
def verifier() -> TokenVerifier:
    return verifier_from_settings("test")


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": DEV_ISSUER,
        "aud": AUDIENCE,
        "sub": CITIZEN,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "kind": "citizen",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def signed(**overrides: Any) -> str:
    return encode_token(claims(**overrides), key=dev_private_key(), kid=DEV_KEY_ID)


def rejection(verifier: TokenVerifier, token: str | None) -> str:
    with pytest.raises(AuthError) as caught:
        verifier.verify(token)
    assert caught.value.status == 401
    return caught.value.reason


def b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


# --- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "subject", "extra", "expected"),
    [
        ("citizen", CITIZEN, {}, Principal("citizen", CITIZEN, name="张三")),
        ("enterprise", ENTERPRISE, {}, Principal("enterprise", ENTERPRISE, name="张三")),
        (
            "staff",
            STAFF,
            {"department": "realestate", "roles": ["reviewer", "clerk"], "region": "370102"},
            Principal(
                "staff", STAFF, "realestate", frozenset({"reviewer", "clerk"}), "370102", "张三"
            ),
        ),
        (
            "department",
            DEPARTMENT,
            {"department": "realestate"},
            Principal("department", DEPARTMENT, "realestate", name="张三"),
        ),
    ],
)
def test_mint_then_verify_round_trips_each_kind(
    verifier: TokenVerifier, kind: str, subject: str, extra: dict[str, Any], expected: Principal
) -> None:
    token = mint_dev_token(kind, subject, name="张三", **extra)
    assert verifier.verify(token) == expected
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"] == DEV_KEY_ID
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["iss"] == "govshare-dev"
    assert payload["aud"] == "govshare"
    assert payload["exp"] - payload["iat"] == 3600
    assert payload["nbf"] == payload["iat"]


def test_dev_key_is_deterministic_and_pinned() -> None:
    assert public_jwks({DEV_KEY_ID: dev_public_key()})["keys"][0]["x"] == DEV_PUBLIC_X
    token = mint_dev_token("citizen", CITIZEN)
    # A verifier built from the published public key alone accepts it.
    only_public = load_public_keys(json.dumps(public_jwks({DEV_KEY_ID: dev_public_key()})))
    assert TokenVerifier(only_public, issuers={DEV_ISSUER}).verify(token).subject == CITIZEN


def test_principal_helpers() -> None:
    citizen = Principal("citizen", CITIZEN)
    assert citizen.is_holder(CITIZEN)
    assert citizen.is_holder(f" {CITIZEN} ")
    assert not citizen.is_holder("370181198506151230")
    assert Principal("enterprise", ENTERPRISE).is_holder(ENTERPRISE)
    assert not Principal("department", DEPARTMENT, "realestate").is_holder(DEPARTMENT)
    assert not Principal("staff", STAFF, "tax", region="370100").is_holder(STAFF)
    # Personal identifiers never appear unmasked in a repr (logs, tracebacks).
    assert CITIZEN not in repr(citizen)
    assert "110105**********2X" in repr(citizen)

    city = Principal("staff", STAFF, "tax", region="370100")
    assert city.covers_region("370102")
    assert city.covers_region("370100")
    assert not city.covers_region("370202")
    assert Principal("staff", STAFF, "tax", region="370000").covers_region("370602")
    assert not Principal("staff", STAFF, "tax", region="370102").covers_region("370103")
    assert not citizen.covers_region("370102")


def test_require_role_and_check_access() -> None:
    staff = Principal("staff", STAFF, "tax", frozenset({"reviewer"}), "370100")
    assert require_role(staff, "approver", "reviewer") is staff
    with pytest.raises(AuthError) as caught:
        require_role(staff, "approver")
    assert (caught.value.status, caught.value.reason) == (403, "role 'approver' required")
    assert check_access(staff, kind=("staff", "department"), department="tax") is staff
    with pytest.raises(AuthError, match="only citizen callers may do this"):
        check_access(staff, kind="citizen")
    with pytest.raises(AuthError, match="only department 'realestate'"):
        check_access(staff, department="realestate")
    with pytest.raises(ValueError, match="unknown principal kind"):
        check_access(staff, kind="admin")


def test_mint_refuses_what_the_verifier_would_refuse() -> None:
    with pytest.raises(ValueError, match="not a valid resident id"):
        mint_dev_token("citizen", "110105194912310021")
    with pytest.raises(ValueError, match="claim region missing"):
        mint_dev_token("staff", STAFF, department="tax")
    with pytest.raises(ValueError, match="claim kind invalid"):
        mint_dev_token("admin", STAFF)
    with pytest.raises(ValueError, match="ttl_s"):
        mint_dev_token("citizen", CITIZEN, ttl_s=0)


# --- rejections ---------------------------------------------------------------------------


def test_missing_and_malformed_tokens(verifier: TokenVerifier) -> None:
    assert rejection(verifier, None) == "missing bearer token"
    assert rejection(verifier, "  ") == "missing bearer token"
    assert rejection(verifier, "not-a-jwt").startswith("malformed token")
    assert rejection(verifier, "a.b.c").startswith("malformed token")
    assert rejection(verifier, "x" * 10_000).startswith("malformed token: longer than")


def test_expired_token(verifier: TokenVerifier) -> None:
    token = mint_dev_token("citizen", CITIZEN, ttl_s=3600, now=time.time() - 7200)
    assert rejection(verifier, token) == "token expired"


def test_token_not_yet_valid(verifier: TokenVerifier) -> None:
    later = int(time.time()) + 3600
    token = signed(nbf=later, iat=later - 3600, exp=later + 60)
    assert rejection(verifier, token).startswith("token not yet valid")


def test_wrong_audience_and_issuer(verifier: TokenVerifier) -> None:
    assert rejection(verifier, signed(aud="someone-else")).startswith("wrong audience")
    token = mint_dev_token("citizen", CITIZEN, audience="other")
    assert rejection(verifier, token).startswith("wrong audience")
    assert rejection(verifier, signed(iss="https://evil.example")) == "untrusted issuer"


def test_tampered_signature_and_payload(verifier: TokenVerifier) -> None:
    token = mint_dev_token("citizen", CITIZEN)
    head, payload, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert rejection(verifier, f"{head}.{payload}.{flipped}") == "bad signature"
    # Promote the citizen to staff without re-signing.
    forged = b64(claims(kind="staff", sub=STAFF, dept="tax", region="370100"))
    assert rejection(verifier, f"{head}.{forged}.{signature}") == "bad signature"
    # Signed by another Ed25519 key under the dev key id.
    other = encode_token(claims(), key=Ed25519PrivateKey.generate(), kid=DEV_KEY_ID)
    assert rejection(verifier, other) == "bad signature"


def test_unknown_or_missing_key_id(verifier: TokenVerifier) -> None:
    token = encode_token(claims(), key=Ed25519PrivateKey.generate(), kid="rogue")
    assert rejection(verifier, token) == "unknown key id 'rogue'"
    no_kid = jwt.encode(claims(), dev_private_key(), algorithm="EdDSA")
    assert rejection(verifier, no_kid) == "key id (kid) missing from the token header"


def test_alg_none_and_hs256_are_refused(verifier: TokenVerifier) -> None:
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': DEV_KEY_ID})}.{b64(claims())}."
    assert rejection(verifier, unsigned) == "algorithm 'none' not allowed (only EdDSA)"
    # Key confusion: an HMAC keyed with the (public) verification key bytes.
    public_raw = dev_public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    hs256 = jwt.encode(claims(), public_raw, algorithm="HS256", headers={"kid": DEV_KEY_ID})
    assert rejection(verifier, hs256) == "algorithm 'HS256' not allowed (only EdDSA)"
    es256 = jwt.encode(
        claims(), ec.generate_private_key(ec.SECP256R1()), "ES256", headers={"kid": DEV_KEY_ID}
    )
    assert rejection(verifier, es256) == "algorithm 'ES256' not allowed (only EdDSA)"


def test_critical_header_extensions_are_refused(verifier: TokenVerifier) -> None:
    unknown = encode_token(
        claims(), key=dev_private_key(), kid=DEV_KEY_ID, headers={"crit": ["exp"], "exp": 1}
    )
    assert "critical extension" in rejection(verifier, unknown)
    unencoded = encode_token(
        claims(), key=dev_private_key(), kid=DEV_KEY_ID, headers={"b64": False}
    )
    assert rejection(verifier, unencoded).startswith("malformed token")


@pytest.mark.parametrize("claim", ["iss", "aud", "sub", "exp", "iat", "nbf", "kind"])
def test_each_required_claim(verifier: TokenVerifier, claim: str) -> None:
    token = encode_token(
        {k: v for k, v in claims().items() if k != claim}, key=dev_private_key(), kid=DEV_KEY_ID
    )
    assert rejection(verifier, token) == f"claim {claim} missing"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"sub": "110105194912310021"}, "subject is not a valid resident id: check character"),
        ({"sub": "11010519491231002x"}, "subject is not a valid resident id"),
        ({"sub": ENTERPRISE}, "subject is not a valid resident id"),
        ({"kind": "enterprise", "sub": CITIZEN}, "subject is not a valid USCC"),
        ({"kind": "enterprise", "sub": "91370100705882496A"}, "subject is not a valid USCC"),
        (
            {"kind": "department", "sub": "11370100004250824K", "dept": "realestate"},
            "subject is not a valid USCC",
        ),
        (
            {"kind": "staff", "sub": "../etc", "dept": "tax", "region": "370100"},
            "subject is not a valid staff id",
        ),
        ({"sub": 42}, "claim sub invalid: not a string"),
        ({"kind": "admin"}, "claim kind invalid: 'admin' is not one of"),
        ({"kind": "staff", "sub": STAFF, "region": "370100"}, "claim dept missing"),
        ({"kind": "department", "sub": DEPARTMENT}, "claim dept missing"),
        (
            {"kind": "department", "sub": DEPARTMENT, "dept": "Real Estate"},
            "claim dept invalid",
        ),
        ({"kind": "staff", "sub": STAFF, "dept": "tax"}, "claim region missing"),
        (
            {"kind": "staff", "sub": STAFF, "dept": "tax", "region": "990100"},
            "claim region invalid",
        ),
        ({"kind": "staff", "sub": STAFF, "dept": "tax", "region": 370100}, "claim region invalid"),
        ({"dept": "tax"}, "claim dept not allowed for kind citizen"),
        ({"region": "370100"}, "claim region not allowed for kind citizen"),
        ({"roles": "admin"}, "claim roles invalid: not a list of strings"),
        ({"roles": ["ok", 1]}, "claim roles invalid: not a list of strings"),
        ({"roles": ["has space"]}, "claim roles invalid"),
        ({"name": "x" * 200}, "claim name invalid"),
        ({"exp": "soon"}, "malformed token: Expiration Time claim (exp) must be an integer"),
    ],
)
def test_claim_rejections(verifier: TokenVerifier, overrides: dict[str, Any], reason: str) -> None:
    got = rejection(verifier, signed(**overrides))
    assert got.startswith(reason), got
    assert CITIZEN not in got  # reasons never echo a personal identifier


# --- configuration ------------------------------------------------------------------------


def write_pem(path: Path, key: Ed25519PrivateKey) -> Path:
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


@pytest.fixture
def idp_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_production_refuses_no_keys() -> None:
    with pytest.raises(AuthConfigError, match="production needs token verification keys"):
        verifier_from_settings("production")
    with pytest.raises(AuthConfigError, match="production needs"):
        verifier_from_settings("production", " , ")


def test_production_refuses_the_dev_key(tmp_path: Path, idp_key: Ed25519PrivateKey) -> None:
    own = write_pem(tmp_path / "idp-2026.pem", idp_key)
    dev = write_pem(tmp_path / "innocent-name.pem", dev_private_key())
    with pytest.raises(AuthConfigError, match="published development key"):
        verifier_from_settings("production", f"{own},{dev}")
    renamed = json.dumps(public_jwks({"prod-1": dev_public_key()}))
    with pytest.raises(AuthConfigError, match="published development key"):
        verifier_from_settings("production", renamed)
    with pytest.raises(AuthConfigError, match="development issuer"):
        verifier_from_settings("production", [str(own)], issuers="govshare,govshare-dev")


def test_production_verifies_configured_keys_only(
    tmp_path: Path, idp_key: Ed25519PrivateKey
) -> None:
    own = write_pem(tmp_path / "idp-2026.pem", idp_key)
    verifier = verifier_from_settings("production", str(own))
    assert not verifier.trusts_dev_key
    assert verifier.issuers == {"govshare"}
    token = mint_dev_token("enterprise", ENTERPRISE, key=idp_key, kid="idp-2026", issuer="govshare")
    assert verifier.verify(token).subject == ENTERPRISE
    assert (
        rejection(verifier, mint_dev_token("citizen", CITIZEN)) == "unknown key id 'govshare-dev'"
    )
    # The dev key under the production key id is still someone else's signature.
    forged = mint_dev_token("citizen", CITIZEN, kid="idp-2026", issuer="govshare")
    assert rejection(verifier, forged) == "bad signature"


def test_development_trusts_the_dev_key_and_configured_ones(
    tmp_path: Path, idp_key: Ed25519PrivateKey
) -> None:
    jwks_file = tmp_path / "keys.json"
    jwks_file.write_text(json.dumps(public_jwks({"idp-a": idp_key.public_key()})))
    verifier = verifier_from_settings("development", [str(jwks_file)], issuers="https://idp")
    assert verifier.trusts_dev_key
    assert set(verifier.public_keys) == {"idp-a", DEV_KEY_ID}
    assert verifier.issuers == {"https://idp", DEV_ISSUER}
    assert verifier.verify(mint_dev_token("citizen", CITIZEN)).kind == "citizen"
    token = mint_dev_token("citizen", CITIZEN, key=idp_key, kid="idp-a", issuer="https://idp")
    assert verifier.verify(token).subject == CITIZEN
    with pytest.raises(AuthConfigError, match="reserved for the development key"):
        verifier_from_settings("test", json.dumps(public_jwks({DEV_KEY_ID: idp_key.public_key()})))
    with pytest.raises(ValueError):
        verifier_from_settings("staging")


def test_bad_key_configuration_fails_with_a_reason(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(AuthConfigError, match=r"nope\.pem"):
        load_public_keys(str(missing))
    private = tmp_path / "private.pem"
    private.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(AuthConfigError, match="holds a private key"):
        load_public_keys(str(private))
    ec_pem = tmp_path / "ec.pem"
    ec_pem.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(AuthConfigError, match="is not an Ed25519 public key"):
        load_public_keys(str(ec_pem))
    with pytest.raises(AuthConfigError, match="not valid JSON"):
        load_public_keys("{nope")
    rsa_jwk = {"keys": [{"kty": "RSA", "kid": "r", "n": "AQAB", "e": "AQAB"}]}
    with pytest.raises(AuthConfigError, match="only OKP/Ed25519"):
        load_public_keys(json.dumps(rsa_jwk))
    short = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "s", "x": "AAAA"}]}
    with pytest.raises(AuthConfigError, match="32-byte"):
        load_public_keys(json.dumps(short))


# --- FastAPI ------------------------------------------------------------------------------


# Routes are module-level: with postponed annotations FastAPI resolves a route's
# annotations in its module's globals, as in a service module.
api = FastAPI()
EXPLICIT = principal_dependency(verifier_from_settings("test"))


@api.get("/me")
async def me(principal: CurrentPrincipal) -> dict[str, Any]:
    return {"kind": principal.kind, "subject": principal.subject, "roles": sorted(principal.roles)}


@api.get("/my-log")
async def my_log(
    principal: Annotated[Principal, Depends(require(kind="citizen"))],
) -> dict[str, str]:
    return {"holder": principal.subject}


@api.get("/queue")
async def queue(
    principal: Annotated[
        Principal, Depends(require(kind="staff", roles={"reviewer"}, department="tax"))
    ],
) -> dict[str, str | None]:
    return {"region": principal.region}


@api.get("/explicit", dependencies=[Depends(EXPLICIT.require(kind=("enterprise", "citizen")))])
async def explicit(principal: Annotated[Principal, Depends(EXPLICIT)]) -> dict[str, str]:
    return {"kind": principal.kind}


@pytest.fixture(scope="module")
def client(verifier: TokenVerifier) -> Iterator[TestClient]:
    install_verifier(api, verifier)
    with TestClient(api) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_http_missing_token_is_401_with_a_challenge(client: TestClient) -> None:
    reply = client.get("/me")
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == 'Bearer realm="govshare"'
    assert reply.json() == {"detail": "missing bearer token"}


@pytest.mark.parametrize(
    ("header", "description"),
    [
        ("Bearer garbage", "malformed token"),
        ("Basic dXNlcjpwdw==", "authorization scheme 'Basic' not supported (Bearer)"),
        ("Bearer " + mint_dev_token("citizen", CITIZEN, now=time.time() - 7200), "token expired"),
    ],
)
def test_http_invalid_token_is_401_invalid_token(
    client: TestClient, header: str, description: str
) -> None:
    reply = client.get("/me", headers={"Authorization": header})
    assert reply.status_code == 401
    challenge = reply.headers["WWW-Authenticate"]
    assert challenge.startswith(
        'Bearer realm="govshare", error="invalid_token", error_description="'
    )
    assert description in challenge
    assert reply.json()["detail"].startswith(description)


def test_http_challenge_stays_a_valid_header(client: TestClient) -> None:
    token = signed(kind='ad"min\\中')
    reply = client.get("/me", headers=bearer(token))
    assert reply.status_code == 401
    description = reply.headers["WWW-Authenticate"].split('error_description="')[1]
    assert description.endswith('"')
    assert '"' not in description[:-1] and "\\" not in description


def test_http_authenticated_principal(client: TestClient) -> None:
    token = mint_dev_token("staff", STAFF, department="tax", roles=["reviewer"], region="370100")
    reply = client.get("/me", headers=bearer(token))
    assert reply.status_code == 200
    assert reply.json() == {"kind": "staff", "subject": STAFF, "roles": ["reviewer"]}


def test_http_require_kind(client: TestClient) -> None:
    citizen = mint_dev_token("citizen", CITIZEN)
    assert client.get("/my-log", headers=bearer(citizen)).json() == {"holder": CITIZEN}
    enterprise = mint_dev_token("enterprise", ENTERPRISE)
    reply = client.get("/my-log", headers=bearer(enterprise))
    assert reply.status_code == 403
    assert reply.json() == {"detail": "only citizen callers may do this (caller is enterprise)"}
    assert client.get("/my-log").status_code == 401  # still 401 before 403


def test_http_require_role_and_department(client: TestClient) -> None:
    def token(dept: str, roles: list[str]) -> dict[str, str]:
        return bearer(mint_dev_token("staff", STAFF, department=dept, roles=roles, region="370100"))

    assert client.get("/queue", headers=token("tax", ["reviewer"])).json() == {"region": "370100"}
    reply = client.get("/queue", headers=token("tax", ["clerk"]))
    assert (reply.status_code, reply.json()["detail"]) == (403, "role 'reviewer' required")
    reply = client.get("/queue", headers=token("power", ["reviewer"]))
    assert (reply.status_code, reply.json()["detail"]) == (403, "only department 'tax' may do this")
    citizen = bearer(mint_dev_token("citizen", CITIZEN))
    assert client.get("/queue", headers=citizen).status_code == 403


def test_openapi_declares_the_bearer_scheme(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schema["paths"]["/me"]["get"]["security"] == [{"HTTPBearer": []}]


def test_explicit_verifier_dependency(client: TestClient) -> None:
    enterprise = bearer(mint_dev_token("enterprise", ENTERPRISE))
    assert client.get("/explicit", headers=enterprise).json() == {"kind": "enterprise"}
    staff = mint_dev_token("staff", STAFF, department="tax", region="370100")
    reply = client.get("/explicit", headers=bearer(staff))
    assert reply.status_code == 403
    assert (
        reply.json()["detail"] == "only citizen or enterprise callers may do this (caller is staff)"
    )
    assert client.get("/explicit").status_code == 401


def test_require_rejects_an_unknown_kind_at_declaration(verifier: TokenVerifier) -> None:
    with pytest.raises(ValueError, match="unknown principal kind"):
        require(kind="citzen")
    with pytest.raises(ValueError, match="unknown principal kind"):
        principal_dependency(verifier).require(kind=("staff", "admin"))


def test_an_app_without_a_verifier_denies_with_a_wiring_error() -> None:
    bare = FastAPI()

    @bare.get("/me")
    async def me_too(principal: CurrentPrincipal) -> str:
        return principal.subject

    with TestClient(bare, raise_server_exceptions=False) as test_client:
        reply = test_client.get("/me", headers=bearer(mint_dev_token("citizen", CITIZEN)))
    assert reply.status_code == 500


# --- gRPC ---------------------------------------------------------------------------------


def test_grpc_metadata(verifier: TokenVerifier) -> None:
    token = mint_dev_token("department", DEPARTMENT, department="realestate")
    principal = principal_from_grpc_metadata(bearer_metadata(token), verifier)
    assert (principal.kind, principal.subject, principal.department) == (
        "department",
        DEPARTMENT,
        "realestate",
    )
    as_bytes = [("x-other", b"1"), ("authorization", f"Bearer {token}".encode())]
    assert principal_from_grpc_metadata(as_bytes, verifier) == principal
    with pytest.raises(AuthError, match="missing bearer token"):
        principal_from_grpc_metadata(None, verifier)
    with pytest.raises(AuthError, match="missing bearer token"):
        principal_from_grpc_metadata([("x-other", "1")], verifier)
    with pytest.raises(AuthError, match="more than one authorization"):
        principal_from_grpc_metadata(bearer_metadata(token) * 2, verifier)
    with pytest.raises(AuthError, match="bad signature"):
        principal_from_grpc_metadata(bearer_metadata(token[:-3] + "AAA"), verifier)


_METHOD = "/govshare.test.Echo/Who"


@pytest.fixture
async def echo_channel(verifier: TokenVerifier) -> Any:
    """A real grpc.aio server whose one method answers with the caller's department."""

    async def who(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
        principal = await grpc_principal(context, verifier, kind="department")
        return f"{principal.department}:{principal.subject}".encode()

    handler = grpc.method_handlers_generic_handler(
        "govshare.test.Echo", {"Who": grpc.unary_unary_rpc_method_handler(who)}
    )
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel.unary_unary(_METHOD, None, None)
    await server.stop(grace=None)


async def test_grpc_principal_over_a_real_call(echo_channel: Any) -> None:
    token = mint_dev_token("department", DEPARTMENT, department="realestate")
    assert await echo_channel(b"", metadata=bearer_metadata(token)) == (
        f"realestate:{DEPARTMENT}".encode()
    )

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await echo_channel(b"")
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert caught.value.details() == "missing bearer token"

    expired = mint_dev_token("department", DEPARTMENT, department="tax", now=time.time() - 7200)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await echo_channel(b"", metadata=bearer_metadata(expired))
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert caught.value.details() == "token expired"

    citizen = mint_dev_token("citizen", CITIZEN)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await echo_channel(b"", metadata=bearer_metadata(citizen))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert caught.value.details() == "only department callers may do this (caller is citizen)"


# --- hostile input ------------------------------------------------------------------------

_VALID = mint_dev_token("citizen", CITIZEN)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.builds(
            lambda pos, chars: _VALID[:pos] + chars + _VALID[pos + len(chars) :],
            st.integers(0, len(_VALID)),
            st.text(min_size=1, max_size=4),
        ),
    )
)
def test_verify_answers_every_input_with_an_auth_error(token: str) -> None:
    verifier = verifier_from_settings("test")
    if token == _VALID:
        return
    try:
        verifier.verify(token)
    except AuthError as err:
        assert err.status == 401
        assert err.reason
