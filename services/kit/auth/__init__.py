"""Who is calling: bearer JWTs (EdDSA / Ed25519) for REST and gRPC, deny by default.

One module per purpose; this package re-exports their public names:

    principals   Principal, its kinds, check_access / require_role (403 with a reason)
    claims       what a token says and the principal it makes once checked
    keys         Ed25519 keys: the published development key, configured PEM / JWKS keys
    verifier     TokenVerifier, and the one a process builds from its settings
    dev_tokens   mint_dev_token: a token for any principal, for development and tests
    rest         FastAPI: install_verifier, CurrentPrincipal, require(...)
    rpc          gRPC: grpc_principal in a servicer, bearer_metadata for a client
    errors       AuthError (401 / 403) and AuthConfigError (the process must not start)
"""

from __future__ import annotations

from services.kit.auth.claims import AUDIENCE, DEV_ISSUER, PRODUCTION_ISSUER
from services.kit.auth.dev_tokens import mint_dev_token
from services.kit.auth.errors import AuthConfigError, AuthError
from services.kit.auth.keys import (
    ALGORITHM,
    DEV_KEY_ID,
    DEV_SEED,
    dev_private_key,
    dev_public_key,
    encode_token,
    load_public_keys,
    public_jwks,
)
from services.kit.auth.principals import KINDS, Kind, Principal, check_access, require_role
from services.kit.auth.rest import (
    CurrentPrincipal,
    PrincipalDependency,
    current_principal,
    http_error,
    install_verifier,
    principal_dependency,
    require,
)
from services.kit.auth.rpc import bearer_metadata, grpc_principal, principal_from_grpc_metadata
from services.kit.auth.verifier import TokenVerifier, bearer_token, verifier_from_settings

__all__ = [
    "ALGORITHM",
    "AUDIENCE",
    "DEV_ISSUER",
    "DEV_KEY_ID",
    "DEV_SEED",
    "KINDS",
    "PRODUCTION_ISSUER",
    "AuthConfigError",
    "AuthError",
    "CurrentPrincipal",
    "Kind",
    "Principal",
    "PrincipalDependency",
    "TokenVerifier",
    "bearer_metadata",
    "bearer_token",
    "check_access",
    "current_principal",
    "dev_private_key",
    "dev_public_key",
    "encode_token",
    "grpc_principal",
    "http_error",
    "install_verifier",
    "load_public_keys",
    "mint_dev_token",
    "principal_dependency",
    "principal_from_grpc_metadata",
    "public_jwks",
    "require",
    "require_role",
    "verifier_from_settings",
]
