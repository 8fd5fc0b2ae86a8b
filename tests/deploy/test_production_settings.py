"""Every service would start in production with what compose and Kubernetes give it.

For each service, the environment its container gets is rebuilt from the deploy files:
from docker-compose.yml (`${VAR:?}` and `${VAR:-default}` resolved with dummy values,
compose `secrets:` as temporary files at their /run/secrets paths) and from its Kubernetes
Deployment (the ConfigMap of `envFrom`, `env`, ConfigMap/Secret volumes as temporary
directories holding the keys they project). That environment is put in place with
monkeypatch, and the settings are built and validated as the service's process does at
start: the kit's `load_settings()` and the bearer-token verifier (`verifier_from_settings`,
as `ServiceRuntime` builds it), then the service's own settings class. Nothing is started,
no broker is needed.

Controls: without one production-required variable, or without the mounted secret, the
same construction fails with a message naming the variable. The NetworkPolicies are
evaluated for who may reach certificates' gRPC port (power, realestate and certificates'
own workers, nobody else) and for forwarding: a worker of a service that may run several
(support.SCALABLE) reaches its fellow workers at the address it advertises (the pod IP
from the downward API, its HTTP and gRPC ports), and no unrelated pod does.
"""

from __future__ import annotations

import copy
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ValidationError

from devtools.launcher import SERVICES
from services.kit.auth import (
    AuthConfigError,
    TokenVerifier,
    encode_token,
    public_jwks,
    verifier_from_settings,
)
from services.kit.ownership import Member, advertised_url
from services.kit.settings import Environment, Settings, load_settings
from services.power.settings import PowerSettings, load_power_settings
from services.realestate.settings import RealestateSettings
from services.tax.settings import TaxSettings
from tests.deploy.support import COMPOSE_FILE, K8S_DIR, SCALABLE, load_yaml, load_yaml_docs

PLATFORMS = ("compose", "k8s")
NAMESPACE = "govshare"

# Each service's own settings, as its app.build() loads them (certificates has none).
OWN_SETTINGS: dict[str, Callable[[], BaseModel]] = {
    "power": load_power_settings,
    "realestate": RealestateSettings,
    "tax": TaxSettings,
}
# The services that resolve evidence at certificates' gRPC port: (department code, the
# settings field holding the USCC the token's subject must be, the token-file variable).
CALLERS = {
    "power": (
        "power",
        PowerSettings,
        "power_company_uscc",
        "GOVSHARE_POWER_CERTIFICATES_TOKEN_FILE",
    ),
    "realestate": (
        "realestate",
        RealestateSettings,
        "realestate_registrar_uscc",
        "GOVSHARE_REALESTATE_TOKEN_FILE",
    ),
}
# What production refuses to start without, per service (each proven by a control below).
REQUIRED = {
    service: [
        "GOVSHARE_KAFKA_BOOTSTRAP",
        "GOVSHARE_STORE",
        "GOVSHARE_AUTH_PUBLIC_KEYS",
        *([CALLERS[service][3]] if service in CALLERS else []),
    ]
    for service in SERVICES
}
# Compose's required settings that need a meaningful dummy (the others get "dummy").
KAFKA_CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qk"
# The pod the Kubernetes containers are modelled in: what the downward API (`valueFrom:
# fieldRef`) gives it.
POD_FIELDS = {
    "metadata.name": "govshare-power-6d4b9c7f5-x2x7q",
    "metadata.namespace": "govshare",
    "status.podIP": "10.42.0.17",
    "spec.nodeName": "node-1",
}


# --- an identity provider of our own: a JWKS to configure, department tokens to mount ----


@dataclass(frozen=True)
class IdentityProvider:
    key: Ed25519PrivateKey
    kid: str = "test-idp-2026"
    issuer: str = "govshare"  # what production trusts when GOVSHARE_AUTH_ISSUERS is unset

    def jwks(self) -> str:
        return json.dumps(public_jwks({self.kid: self.key.public_key()}))

    def department_token(self, service: str) -> str:
        """The token deploy/README.md says to mint for `service` (EdDSA, kid, claims)."""
        dept, settings_class, field, _ = CALLERS[service]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": "govshare",
            "sub": settings_class.model_fields[field].default,
            "kind": "department",
            "dept": dept,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
        }
        return encode_token(claims, key=self.key, kid=self.kid)

    def file_content(self, service: str, key: str) -> str:
        """What an operator puts under `key` of a ConfigMap/Secret or in a secret file."""
        if key == "jwks.json":
            return self.jwks()
        if service in CALLERS:
            return self.department_token(service)
        return "dummy"


@pytest.fixture(scope="module")
def idp() -> IdentityProvider:
    return IdentityProvider(Ed25519PrivateKey.generate())


# --- the container environment, from the deploy files ------------------------------------


@dataclass
class Container:
    service: str
    env: dict[str, str]  # as the process sees it, mounted paths pointing into tmp
    mounts: dict[str, Path]  # path in the container -> where the test put its content


def _rewrite_paths(env: dict[str, str], mounts: dict[str, Path]) -> dict[str, str]:
    """Point values naming a mounted path (or a path under it) at the test's copy."""
    out = {}
    for name, value in env.items():
        for target in sorted(mounts, key=len, reverse=True):
            if value == target or value.startswith(target.rstrip("/") + "/"):
                value = str(mounts[target]) + value[len(target) :]
                break
        out[name] = value
    return out


_INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


class MissingSetting(Exception):
    pass


def interpolate(value: object, host: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?msg}`, `${VAR?msg}`."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.groups()
        present = name in host and (host[name] != "" or op in ("-", "?"))
        if present:
            return host[name]
        if op in (":-", "-"):
            return arg
        if op in (":?", "?"):
            raise MissingSetting(f"{name}: {arg}")
        return ""

    return _INTERPOLATION.sub(one, str(value))


def compose_file() -> dict[str, Any]:
    return load_yaml(COMPOSE_FILE)


def compose_host_env(tmp: Path, idp: IdentityProvider) -> dict[str, str]:
    """The operator's shell: a dummy for every `${VAR:?}`; secret files as paths in tmp."""
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    secret_files = {
        m.group(1)
        for s in (compose_file().get("secrets") or {}).values()
        if (m := _INTERPOLATION.fullmatch(str(s.get("file", ""))))
    }
    host = {}
    for name in set(re.findall(r"\$\{(\w+):\?", text)):
        if name in secret_files:
            host[name] = str(tmp / "host-secrets" / name.lower())
        elif name == "GOVSHARE_AUTH_PUBLIC_KEYS":
            host[name] = idp.jwks()
        elif name == "KAFKA_CLUSTER_ID":
            host[name] = KAFKA_CLUSTER_ID
        else:
            host[name] = "dummy"
    return host


def compose_container(
    compose: dict[str, Any], service: str, tmp: Path, idp: IdentityProvider
) -> Container:
    host = compose_host_env(tmp, idp)
    spec = compose["services"][service]
    env: dict[str, str] = {}
    for name, value in (spec.get("environment") or {}).items():
        if value is None:  # passed through from the shell when set there
            if name in host:
                env[name] = host[name]
            continue
        env[name] = interpolate(value, host)
    mounts: dict[str, Path] = {}
    for entry in spec.get("secrets") or []:
        source = entry if isinstance(entry, str) else entry["source"]
        target = source if isinstance(entry, str) else entry.get("target", source)
        target = target if target.startswith("/") else f"/run/secrets/{target}"
        declared = compose["secrets"][source]
        assert set(declared) == {"file"}, f"secret {source}: only `file:` is modelled"
        path = Path(interpolate(declared["file"], host))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(idp.file_content(service, source) + "\n", encoding="utf-8")
        mounts[target] = path
    return Container(service, _rewrite_paths(env, mounts), mounts)


def k8s_objects() -> dict[str, dict[str, dict[str, Any]]]:
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(K8S_DIR.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in load_yaml_docs(path):
            found.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    return found


def pod_template(objects: dict[str, Any], service: str) -> dict[str, Any]:
    template: dict[str, Any] = objects["Deployment"][f"govshare-{service}"]["spec"]["template"]
    return template


def env_value(entry: dict[str, Any], pod_fields: dict[str, str]) -> str:
    """One `env` entry's value: literal, or from the downward API's `fieldRef` (the pod's
    own fields); any other `valueFrom` is not modelled and fails."""
    if "value" in entry:
        return str(entry["value"])
    source = entry.get("valueFrom", {})
    assert set(source) == {"fieldRef"}, f"{entry['name']}: only valueFrom.fieldRef is modelled"
    field = source["fieldRef"]["fieldPath"]
    assert field in pod_fields, f"{entry['name']}: fieldRef {field} is not modelled"
    return pod_fields[field]


def k8s_container(
    objects: dict[str, Any],
    service: str,
    tmp: Path,
    idp: IdentityProvider,
    pod_fields: dict[str, str] = POD_FIELDS,
) -> Container:
    """A ConfigMap or Secret the operator creates is not in the manifests: its volume must
    name the keys it needs (`items`), as the cluster then refuses to mount it without them.
    `pod_fields` are what the downward API tells this pod about itself."""
    pod = pod_template(objects, service)["spec"]
    (container,) = pod["containers"]
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        assert set(source) == {"configMapRef"}, f"{service}: only configMapRef is modelled"
        env.update(objects["ConfigMap"][source["configMapRef"]["name"]]["data"])
    for entry in container.get("env", []):
        env[entry["name"]] = env_value(entry, pod_fields)
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts: dict[str, Path] = {}
    for mount in container["volumeMounts"]:
        volume = volumes[mount["name"]]
        kind = "ConfigMap" if "configMap" in volume else "Secret" if "secret" in volume else None
        if kind is None:  # emptyDir: the process writes there, no setting checks its content
            continue
        projected = volume.get("configMap") or volume["secret"]
        name = projected.get("name") or projected["secretName"]
        directory = tmp / "k8s" / mount["name"]
        directory.mkdir(parents=True)
        if "items" in projected:
            keys = {item["key"]: item["path"] for item in projected["items"]}
        else:  # defined here, or created by the operator with keys of their choosing
            keys = {k: k for k in objects.get(kind, {}).get(name, {}).get("data", {})}
        for key, path in keys.items():
            (directory / path).write_text(idp.file_content(service, key), encoding="utf-8")
        mounts[mount["mountPath"]] = directory
    return Container(service, _rewrite_paths(env, mounts), mounts)


def container(
    platform: str, service: str, tmp: Path, idp: IdentityProvider, edit: Callable | None = None
) -> Container:
    """The service's container on `platform`; `edit` may change the deploy files first."""
    files: dict[str, Any] = compose_file() if platform == "compose" else k8s_objects()
    if edit is not None:
        files = copy.deepcopy(files)
        edit(files)
    build = compose_container if platform == "compose" else k8s_container
    return build(files, service, tmp, idp)


# --- what the process checks at start -------------------------------------------------------


@dataclass
class Started:
    settings: Settings
    verifier: TokenVerifier
    own: BaseModel | None


def start(monkeypatch: pytest.MonkeyPatch, box: Container) -> Started:
    """Build the service's settings from exactly `box.env`, as its process does at start."""
    for name in list(os.environ):
        if name.startswith("GOVSHARE_"):
            monkeypatch.delenv(name)
    for name, value in box.env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    verifier = verifier_from_settings(  # as ServiceRuntime builds it
        settings.env,
        settings.auth_public_keys,
        issuers=settings.auth_issuers,
        audience=settings.auth_audience,
        leeway_s=settings.auth_leeway_s,
    )
    own = OWN_SETTINGS[box.service]() if box.service in OWN_SETTINGS else None
    return Started(settings, verifier, own)


def token_of(started: Started) -> str:
    own = started.own
    if isinstance(own, PowerSettings):
        return own.department_token()()
    assert isinstance(own, RealestateSettings)
    return Path(own.realestate_token_file).read_text(encoding="utf-8").strip()


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_starts_in_production_with_what_it_is_given(
    monkeypatch, tmp_path, idp, platform, service
):
    box = container(platform, service, tmp_path, idp)
    started = start(monkeypatch, box)
    assert started.settings.env is Environment.PRODUCTION
    assert started.settings.store.startswith("rocksdb")
    assert idp.kid in started.verifier.public_keys
    if service in OWN_SETTINGS:
        assert started.own is not None
        assert getattr(started.own, "env", Environment.PRODUCTION) is Environment.PRODUCTION


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("service", sorted(CALLERS))
def test_the_mounted_department_token_is_what_certificates_accepts_from_that_service(
    monkeypatch, tmp_path, idp, platform, service
):
    # certificates' verifier, from certificates' own environment
    certificates = start(monkeypatch, container(platform, "certificates", tmp_path / "c", idp))
    caller = start(monkeypatch, container(platform, service, tmp_path / "s", idp))
    dept, _, field, variable = CALLERS[service]
    assert caller.own is not None
    token_file = getattr(caller.own, variable.removeprefix("GOVSHARE_").lower())
    assert Path(token_file).is_file()
    principal = certificates.verifier.verify(token_of(caller))
    assert principal.kind == "department" and principal.department == dept
    # ResolveEvidence refuses a caller asking on behalf of another requester
    assert principal.subject == getattr(caller.own, field)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize(("service", "variable"), [(s, v) for s in SERVICES for v in REQUIRED[s]])
def test_without_a_required_setting_the_service_refuses_to_start_naming_it(
    monkeypatch, tmp_path, idp, platform, service, variable
):
    box = container(platform, service, tmp_path, idp)
    assert variable in box.env, f"{platform} does not give {service} {variable}"
    del box.env[variable]
    with pytest.raises((ValidationError, AuthConfigError)) as refused:
        start(monkeypatch, box)
    assert variable in str(refused.value)


def _unmount_compose(service: str) -> Callable[[dict[str, Any]], None]:
    def edit(compose: dict[str, Any]) -> None:
        del compose["services"][service]["secrets"]

    return edit


def _unmount_k8s(service: str) -> Callable[[dict[str, Any]], None]:
    def edit(objects: dict[str, Any]) -> None:
        (box,) = pod_template(objects, service)["spec"]["containers"]
        box["volumeMounts"] = [m for m in box["volumeMounts"] if "token" not in m["name"]]

    return edit


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("service", sorted(CALLERS))
def test_without_the_mounted_token_file_the_service_refuses_to_start_naming_it(
    monkeypatch, tmp_path, idp, platform, service
):
    unmount = _unmount_compose if platform == "compose" else _unmount_k8s
    box = container(platform, service, tmp_path, idp, unmount(service))
    variable = CALLERS[service][3]
    assert not Path(box.env[variable]).exists()  # the path the deploy file names, unmounted
    with pytest.raises(ValidationError) as refused:
        start(monkeypatch, box)
    assert variable in str(refused.value)


def test_compose_refuses_to_start_without_the_token_files():
    compose = compose_file()
    for service in CALLERS:
        (secret,) = compose["services"][service]["secrets"]
        with pytest.raises(MissingSetting):
            interpolate(compose["secrets"][secret]["file"], {})


@pytest.mark.parametrize("platform", PLATFORMS)
def test_power_and_realestate_are_pointed_at_certificates_fixed_grpc_port(
    monkeypatch, tmp_path, idp, platform
):
    certificates = container(platform, "certificates", tmp_path / "c", idp)
    port = int(certificates.env["GOVSHARE_GRPC_PORT"])
    assert port > 0  # 0 would pick a free port nobody knows
    if platform == "compose":
        compose = compose_file()
        assert f"127.0.0.1:{port}:{port}" in compose["services"]["certificates"]["ports"]
        # one network (the default) for all: no service is fenced off
        assert not any("networks" in s for s in compose["services"].values())
        expected = f"certificates:{port}"
    else:
        objects = k8s_objects()
        service = objects["Service"]["govshare-certificates"]["spec"]
        (container_spec,) = pod_template(objects, "certificates")["spec"]["containers"]
        named = {p["name"]: p["containerPort"] for p in container_spec["ports"]}
        (grpc,) = [p for p in service["ports"] if p["port"] == port]
        assert named[grpc["targetPort"]] == port
        readiness = container_spec["readinessProbe"]["grpc"]["port"]
        assert readiness == port
        expected = f"govshare-certificates:{port}"
    for service_name in CALLERS:
        box = container(platform, service_name, tmp_path / service_name, idp)
        assert box.env["GOVSHARE_CERTIFICATES_GRPC"] == expected, service_name
        started = start(monkeypatch, box)
        assert getattr(started.own, "certificates_grpc", None) == expected
    for service_name in set(SERVICES) - set(CALLERS):
        box = container(platform, service_name, tmp_path / service_name, idp)
        assert "GOVSHARE_CERTIFICATES_GRPC" not in box.env, service_name


def test_certificates_signing_keys_are_writable_in_compose_and_a_read_only_secret_in_k8s():
    compose = compose_file()
    services = compose["services"]
    keys_dir = services["certificates"]["environment"]["GOVSHARE_KEYS_DIR"]
    (volume,) = [v for v in services["certificates"]["volumes"] if v.split(":")[1] == keys_dir]
    source, _, *options = volume.split(":")
    assert source in compose["volumes"] and "ro" not in options  # a named, writable volume
    for name in set(SERVICES) - {"certificates"}:
        assert all(v.split(":")[0] != source for v in services[name].get("volumes", []))

    objects = k8s_objects()
    pod = pod_template(objects, "certificates")["spec"]
    (box,) = pod["containers"]
    env = {e["name"]: env_value(e, POD_FIELDS) for e in box["env"]}
    (mount,) = [m for m in box["volumeMounts"] if m["mountPath"] == env["GOVSHARE_KEYS_DIR"]]
    assert mount["readOnly"] is True
    (volume_spec,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert volume_spec["secret"]["secretName"] == "govshare-certificates-signing-keys"


# --- NetworkPolicy: who reaches certificates' gRPC port -------------------------------------


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: dict[str, str]
    ports: dict[str, int]  # container port name -> number

    @property
    def namespace_labels(self) -> dict[str, str]:
        labels = {"kubernetes.io/metadata.name": self.namespace}
        if self.namespace == NAMESPACE:
            labels.update(k8s_objects()["Namespace"][NAMESPACE]["metadata"]["labels"])
        return labels


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert not selector.get("matchExpressions"), "matchExpressions are not modelled"
    return bool(selector.get("matchLabels", {}).items() <= labels.items())


def _peer_admits(peer: dict[str, Any], other: Pod) -> bool:
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" in peer:
        in_namespace = _selects(peer["namespaceSelector"], other.namespace_labels)
    else:
        in_namespace = other.namespace == NAMESPACE
    return in_namespace and _selects(peer.get("podSelector", {}), other.labels)


def _rule_admits(rule: dict[str, Any], peers: str, other: Pod, target: Pod, port: int) -> bool:
    """Whether one ingress/egress rule admits `other` at `port` of `target`."""
    names = {n for n, p in target.ports.items() if p == port}
    ports_ok = not rule.get("ports") or any(
        p.get("protocol", "TCP") == "TCP" and ("port" not in p or p["port"] in names | {port})
        for p in rule["ports"]
    )
    peers_ok = peers not in rule or any(_peer_admits(p, other) for p in rule[peers])
    return ports_ok and peers_ok


def _allowed(pod: Pod, direction: str, other: Pod, target: Pod, port: int) -> bool:
    """Whether the policies of `pod`'s namespace let `direction` traffic with `other` pass."""
    if pod.namespace != NAMESPACE:
        return True  # no policy of ours governs it
    policies = [
        p["spec"]
        for p in k8s_objects()["NetworkPolicy"].values()
        if _selects(p["spec"]["podSelector"], pod.labels) and direction in p["spec"]["policyTypes"]
    ]
    if not policies:
        return True
    key, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    return any(
        _rule_admits(rule, peers, other, target, port) for p in policies for rule in p.get(key, [])
    )


def _reaches(source: Pod, target: Pod, port: int) -> bool:
    return _allowed(source, "Egress", target, target, port) and _allowed(
        target, "Ingress", source, target, port
    )


def _service_pod(service: str) -> Pod:
    template = pod_template(k8s_objects(), service)
    (box,) = template["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in box["ports"]}
    return Pod(NAMESPACE, template["metadata"]["labels"], ports)


def test_the_downward_api_model_gives_the_pod_its_own_fields_and_refuses_the_rest():
    entry = {"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}
    assert env_value(entry, {"status.podIP": "10.1.2.3"}) == "10.1.2.3"
    assert env_value({"name": "X", "value": 8080}, {}) == "8080"
    with pytest.raises(AssertionError):  # not modelled: never silently empty
        env_value({"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}, {})
    with pytest.raises(AssertionError):
        env_value({"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}, {})


def test_only_power_realestate_and_certificates_own_workers_reach_its_grpc_port():
    certificates = _service_pod("certificates")
    port = certificates.ports["grpc"]
    sources = {s: _service_pod(s) for s in SERVICES}
    sources |= {
        "prometheus": Pod("monitoring", {"app.kubernetes.io/name": "prometheus"}, {}),
        "ingress-nginx": Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}, {}),
        "unlabelled pod in govshare": Pod(NAMESPACE, {}, {}),
        # a look-alike elsewhere: the policy's pod selector holds for govshare only
        "power look-alike in default": Pod(
            "default", {"app.kubernetes.io/name": "govshare-power"}, {}
        ),
    }
    reaching = {name for name, pod in sources.items() if _reaches(pod, certificates, port)}
    assert reaching == set(CALLERS) | {"certificates"}  # its own: gRPC forwarding
    # the evaluator is not blind: HTTP is open to Prometheus, and closed to power
    http = certificates.ports["http"]
    assert _reaches(sources["prometheus"], certificates, http)
    assert not _reaches(sources["power"], certificates, http)


# --- NetworkPolicy: a service's workers reach each other where they advertise ---------------


def advertised(monkeypatch: pytest.MonkeyPatch, service: str, pod_ip: str, tmp: Path) -> Member:
    """What a pod of `service` with IP `pod_ip` puts in the group protocol, from the
    settings its Deployment gives it (as ServiceRuntime._advertise builds it; the ports are
    the ones it binds, which production fixes in its settings)."""
    fields = {**POD_FIELDS, "status.podIP": pod_ip}
    box = k8s_container(
        k8s_objects(), service, tmp, IdentityProvider(Ed25519PrivateKey.generate()), fields
    )
    settings = start(monkeypatch, box).settings
    host = settings.advertised_host or settings.http_host
    return Member(advertised_url(host, settings.http_port, settings.grpc_port or None))


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


@pytest.mark.parametrize("service", SERVICES)
def test_a_worker_reaches_its_fellow_workers_where_they_advertise_and_nobody_else_does(
    monkeypatch, tmp_path, service
):
    target = _service_pod(service)
    member = advertised(monkeypatch, service, "10.42.0.18", tmp_path)
    assert member.http == "http://10.42.0.18:8080"  # the pod IP, never the wildcard bind
    ports = [_port(member.http)] + ([_port(member.grpc)] if member.grpc else [])
    assert set(ports) == set(target.ports.values())  # everything the pod serves
    fellow = _service_pod(service)  # another replica: the same template, the same labels
    others = {s: _service_pod(s) for s in SERVICES if s != service}
    others |= {
        "unlabelled pod in govshare": Pod(NAMESPACE, {}, {}),
        f"{service} look-alike in default": Pod(
            "default", {"app.kubernetes.io/name": f"govshare-{service}"}, {}
        ),
    }
    for port in ports:
        assert _reaches(fellow, target, port) == (service in SCALABLE), port
        reaching = {name for name, pod in others.items() if _reaches(pod, target, port)}
        if port == target.ports.get("grpc"):  # the evidence callers, as tested above
            assert reaching == set(CALLERS), port
        else:
            assert reaching == set(), port


def test_without_its_fellow_rule_a_scalable_service_could_not_forward(monkeypatch):
    # the evaluator sees the rule that admits the fellow workers, not something else
    objects = copy.deepcopy(k8s_objects())
    for service in SCALABLE:
        policy = objects["NetworkPolicy"][f"govshare-{service}"]["spec"]
        own = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": f"govshare-{service}"}}}
        policy["ingress"] = [r for r in policy["ingress"] if own not in r.get("from", [])]
    monkeypatch.setitem(globals(), "k8s_objects", lambda: objects)
    for service in SCALABLE:
        pod = _service_pod(service)
        assert not _reaches(_service_pod(service), pod, pod.ports["http"]), service
