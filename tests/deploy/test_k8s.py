"""deploy/k8s validates offline and says what the design says.

Core kinds are checked by kubernetes-validate against the Kubernetes OpenAPI schemas it
bundles (strict: unknown fields fail). The custom resources (Strimzi KafkaTopic, Prometheus
Operator PodMonitor / PrometheusRule) are checked against the structural schemas below,
written from those projects' CRD documentation for the fields used here, and the
PrometheusRule's groups by promtool itself.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from devtools.launcher import GRPC_SERVICES, SERVICES
from tests.deploy.support import (
    K8S_DIR,
    SCALABLE,
    load_yaml,
    load_yaml_docs,
    rule_groups,
    run,
    tool,
)

# Oldest version with native gRPC probes (GA in 1.27) that the bundle has, and the newest.
K8S_VERSIONS = ("1.28.0", kubernetes_validate.utils.latest_version())
CUSTOM_KINDS = {"KafkaTopic", "PodMonitor", "PrometheusRule"}
# The services that resolve evidence at certificates' gRPC port.
CERTIFICATES_CALLERS = ("power", "realestate")

_NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253}
_LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
_DURATION = {"type": "string", "pattern": r"^(0|([0-9]+(ms|s|m|h|d|w|y))+)$"}
_SELECTOR = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"matchLabels": _LABELS, "matchExpressions": {"type": "array"}},
}


def _resource(api_version: str, kind: str, spec: dict[str, Any], labels: list[str]) -> dict:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": _NAME,
                    "labels": {**_LABELS, "required": labels},
                    "annotations": _LABELS,
                },
            },
            "spec": spec,
        },
    }


CUSTOM_SCHEMAS = {
    "KafkaTopic": _resource(
        "kafka.strimzi.io/v1beta2",
        "KafkaTopic",
        {
            "type": "object",
            "required": ["partitions", "replicas", "config"],
            "additionalProperties": False,
            "properties": {
                "topicName": {"type": "string", "pattern": r"^[a-zA-Z0-9._-]{1,249}$"},
                "partitions": {"type": "integer", "minimum": 1},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
                "config": {
                    "type": "object",
                    "additionalProperties": {"type": ["string", "integer", "boolean", "number"]},
                },
            },
        },
        ["strimzi.io/cluster"],
    ),
    "PodMonitor": _resource(
        "monitoring.coreos.com/v1",
        "PodMonitor",
        {
            "type": "object",
            "required": ["selector", "podMetricsEndpoints"],
            "additionalProperties": False,
            "properties": {
                "jobLabel": {"type": "string"},
                "selector": _SELECTOR,
                "namespaceSelector": {"type": "object"},
                "podTargetLabels": {"type": "array", "items": {"type": "string"}},
                "podMetricsEndpoints": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "port": {"type": "string"},
                            "path": {"type": "string", "pattern": "^/"},
                            "scheme": {"enum": ["http", "https"]},
                            "interval": _DURATION,
                            "scrapeTimeout": _DURATION,
                            "honorLabels": {"type": "boolean"},
                            "relabelings": {"type": "array"},
                            "metricRelabelings": {"type": "array"},
                        },
                    },
                },
            },
        },
        [],
    ),
    "PrometheusRule": _resource(
        "monitoring.coreos.com/v1",
        "PrometheusRule",
        {
            "type": "object",
            "required": ["groups"],
            "additionalProperties": False,
            "properties": {
                "groups": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "rules"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string", "minLength": 1},
                            "interval": _DURATION,
                            "rules": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["expr"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "record": {"type": "string"},
                                        "alert": {"type": "string"},
                                        "expr": {"type": ["string", "integer"]},
                                        "for": _DURATION,
                                        "labels": _LABELS,
                                        "annotations": _LABELS,
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        [],
    ),
}


def _all_documents() -> list[tuple[Path, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S_DIR.rglob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs += [(path, d) for d in load_yaml_docs(path)]
    return docs


@pytest.fixture(scope="module")
def by_kind() -> dict[str, dict[str, dict[str, Any]]]:
    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for _, doc in _all_documents():
        name = doc["metadata"]["name"]
        assert name not in found[doc["kind"]], f"two {doc['kind']} named {name}"
        found[doc["kind"]][name] = doc
    return found


def test_core_resources_validate_strictly_against_the_bundled_kubernetes_schemas():
    checked = 0
    for path, doc in _all_documents():
        if doc["kind"] in CUSTOM_KINDS:
            continue
        for version in K8S_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as err:
                where = ".".join(map(str, err.path))
                pytest.fail(f"{path.name} {doc['kind']}/{doc['metadata']['name']} {where}: {err}")
        checked += 1
    assert checked >= 6 * len(SERVICES)


def test_the_validator_rejects_a_broken_deployment(by_kind):
    # proves strict mode really looks: a misspelt field must fail
    broken = yaml.safe_load(yaml.safe_dump(by_kind["Deployment"]["govshare-tax"]))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSIONS[-1], strict=True)


def test_custom_resources_match_their_structural_schemas(by_kind):
    for kind, schema in CUSTOM_SCHEMAS.items():
        assert by_kind[kind], f"no {kind}"
        for name, doc in by_kind[kind].items():
            errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
            assert errors == [], f"{kind}/{name}: {errors}"


@pytest.mark.parametrize(
    ("kind", "name", "breakage"),
    [
        ("KafkaTopic", "tax.v1.events", lambda d: d["spec"].update(partition=4)),
        ("KafkaTopic", "tax.v1.events", lambda d: d["metadata"]["labels"].clear()),
        (
            "PodMonitor",
            "govshare",
            lambda d: d["spec"]["podMetricsEndpoints"][0].update(interval="15"),
        ),
        (
            "PrometheusRule",
            "govshare",
            lambda d: d["spec"]["groups"][0]["rules"][0].update(fro="1m"),
        ),
    ],
)
def test_the_structural_schemas_catch_mistakes(by_kind, kind, name, breakage):
    broken = yaml.safe_load(yaml.safe_dump(by_kind[kind][name]))
    breakage(broken)
    assert list(jsonschema.Draft202012Validator(CUSTOM_SCHEMAS[kind]).iter_errors(broken))


def test_prometheus_rule_holds_exactly_the_rule_files_and_promtool_accepts_it(by_kind, tmp_path):
    groups = by_kind["PrometheusRule"]["govshare"]["spec"]["groups"]
    assert groups == rule_groups(), "run deploy/k8s/render.py"
    path = tmp_path / "prometheusrule-groups.yml"
    path.write_text(yaml.safe_dump({"groups": groups}))
    result = run([tool("promtool"), "check", "rules", str(path)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_kafka_topics_are_generated_from_topics_txt(by_kind):
    spec = importlib.util.spec_from_file_location("render", K8S_DIR / "render.py")
    assert spec and spec.loader
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    assert list(by_kind["KafkaTopic"].values()) == render.kafka_topics(), "run deploy/k8s/render.py"
    settings = by_kind["ConfigMap"]["govshare-settings"]["data"]
    assert settings["GOVSHARE_TOPIC_PARTITIONS"] == str(render.PARTITIONS)
    assert settings["GOVSHARE_TOPIC_REPLICATION"] == str(render.REPLICAS)
    for topic in by_kind["KafkaTopic"].values():
        assert topic["spec"]["replicas"] == 3
        assert topic["spec"]["config"]["min.insync.replicas"] == 2


def _pod(by_kind: dict, service: str) -> dict[str, Any]:
    return by_kind["Deployment"][f"govshare-{service}"]["spec"]["template"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_its_full_manifest_set_wired_to_its_pods(by_kind, service):
    name = f"govshare-{service}"
    deployment = by_kind["Deployment"][name]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    for kind in ("Service", "PodDisruptionBudget", "NetworkPolicy"):
        resource = by_kind[kind][name]["spec"]
        chosen = resource.get("selector") or resource["podSelector"]
        chosen = chosen.get("matchLabels", chosen)
        assert chosen.items() <= pod_labels.items(), kind
    hpa = by_kind["HorizontalPodAutoscaler"][name]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    assert by_kind["ServiceAccount"][name]["automountServiceAccountToken"] is False
    assert pod_labels["app.kubernetes.io/part-of"] == "govshare"  # PodMonitor selector
    assert pod_labels["app.kubernetes.io/name"] == name  # PodMonitor jobLabel -> job name


def replica_problems(by_kind: dict, service: str) -> list[str]:
    """What is wrong with `service`'s replica count, autoscaler, disruption budget and
    rollout. A service of SCALABLE runs 2 to GOVSHARE_TOPIC_PARTITIONS workers (a group
    leaves workers beyond its partitions idle) and rolls without unavailability; any other
    runs exactly one, never two, not even for a rollout."""
    name = f"govshare-{service}"
    deployment = by_kind["Deployment"][name]["spec"]
    hpa = by_kind["HorizontalPodAutoscaler"][name]["spec"]
    budget = by_kind["PodDisruptionBudget"][name]["spec"]
    partitions = int(by_kind["ConfigMap"]["govshare-settings"]["data"]["GOVSHARE_TOPIC_PARTITIONS"])
    lowest, highest = hpa["minReplicas"], hpa["maxReplicas"]
    problems = []
    if budget != {**budget, "maxUnavailable": 1} or "minAvailable" in budget:
        problems.append(f"budget {budget}: one pod at a time may go, and drains never block")
    if service in SCALABLE:
        if not 2 <= lowest <= deployment["replicas"] <= highest <= partitions:
            problems.append(f"replicas {deployment['replicas']}, autoscaler {lowest}-{highest}")
        if deployment["strategy"] != {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
        }:
            problems.append(f"rollout {deployment['strategy']}: not without unavailability")
    else:
        if (deployment["replicas"], lowest, highest) != (1, 1, 1):
            problems.append(f"replicas {deployment['replicas']}, autoscaler {lowest}-{highest}")
        if deployment["strategy"] != {"type": "Recreate"}:
            problems.append(f"rollout {deployment['strategy']}: a surge pod is a second worker")
    return problems


@pytest.mark.parametrize("service", SERVICES)
def test_scalable_services_run_two_to_partitions_workers_and_the_others_exactly_one(
    by_kind, service
):
    assert replica_problems(by_kind, service) == []


def _with(by_kind: dict, kind: str, name: str, edit: Any) -> dict:
    copy = yaml.safe_load(yaml.safe_dump(dict(by_kind)))
    edit(copy[kind][name]["spec"])
    return copy


@pytest.mark.parametrize(
    ("service", "kind", "edit"),
    [
        ("realestate", "Deployment", lambda s: s.update(replicas=1)),
        ("tax", "HorizontalPodAutoscaler", lambda s: s.update(maxReplicas=8)),
        ("tax", "Deployment", lambda s: s.update(strategy={"type": "Recreate"})),
        ("realestate", "PodDisruptionBudget", lambda s: s.update(minAvailable=1)),
        ("power", "Deployment", lambda s: s.update(replicas=1)),
        ("certificates", "HorizontalPodAutoscaler", lambda s: s.update(maxReplicas=8)),
        ("power", "Deployment", lambda s: s.update(strategy={"type": "Recreate"})),
    ],
)
def test_replica_checks_catch_a_wrong_count(by_kind, service, kind, edit):
    assert replica_problems(_with(by_kind, kind, f"govshare-{service}", edit), service)


def test_every_service_the_manifests_deploy_is_scalable(by_kind):
    """A new service has to say whether it scales: every one does today, so one that
    must run exactly one worker fails here. Leave it out of SCALABLE, narrow this test
    to the others, and check that its manifest says why and where to read on
    (docs/architecture.md, "More than one worker of a service")."""
    deployed = {name.removeprefix("govshare-") for name in by_kind["Deployment"]}
    assert deployed == set(SCALABLE)


@pytest.mark.parametrize("service", SERVICES)
def test_containers_are_hardened_probed_and_bounded(by_kind, service):
    pod = _pod(by_kind, service)["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    assert container["args"] == [service]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["runAsNonRoot"] is True
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind])
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/var/lib/govshare", "/tmp"} <= mounts  # writable places on a read-only root
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["http"] == 8080
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    readiness = container["readinessProbe"]
    env = {e["name"]: e.get("value") or e["valueFrom"] for e in container["env"]}
    # what the service's other workers forward to: this pod's IP (downward API)
    assert env["GOVSHARE_ADVERTISED_HOST"] == {"fieldRef": {"fieldPath": "status.podIP"}}
    if service in GRPC_SERVICES:
        assert readiness["grpc"]["port"] == ports["grpc"] == int(env["GOVSHARE_GRPC_PORT"])
    else:
        assert readiness["httpGet"]["path"] == "/readyz"
        assert "grpc" not in ports


def _peers(rule: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    """(namespace, app name) of every peer a NetworkPolicy rule admits."""
    found = []
    for peer in rule.get("from", []) + rule.get("to", []):
        namespace = peer.get("namespaceSelector", {}).get("matchLabels", {})
        pods = peer.get("podSelector", {}).get("matchLabels", {})
        app = (
            pods.get("app.kubernetes.io/name")
            or pods.get("strimzi.io/cluster")
            or pods.get("k8s-app")
        )
        found.append((namespace.get("kubernetes.io/metadata.name"), app))
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_network_policies_admit_only_who_needs_each_port(by_kind, service):
    policy = by_kind["NetworkPolicy"][f"govshare-{service}"]["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    ingress: dict[tuple, set] = {}
    for rule in policy["ingress"]:  # rules on the same ports add up
        ingress.setdefault(tuple(p["port"] for p in rule["ports"]), set()).update(_peers(rule))
    expected = {("http",): {("monitoring", "prometheus"), ("ingress-nginx", "ingress-nginx")}}
    if service in GRPC_SERVICES:  # same namespace, the evidence callers' pods only
        expected[("grpc",)] = {(None, f"govshare-{s}") for s in CERTIFICATES_CALLERS}
    # the service's other workers (forwarding), on every port the pod serves
    fellow_ports = ("http", "grpc") if service in GRPC_SERVICES else ("http",)
    if service in SCALABLE:
        expected.setdefault(fellow_ports, set()).add((None, f"govshare-{service}"))
    assert ingress == expected
    egress = {
        tuple(p["port"] for p in rule["ports"]): set(_peers(rule)) for rule in policy["egress"]
    }
    expected_egress = {
        (53, 53): {("kube-system", "kube-dns")},
        (9092, 9093): {("kafka", "govshare")},
    }
    if service in CERTIFICATES_CALLERS:
        expected_egress[(50051,)] = {(None, "govshare-certificates")}
    if service in SCALABLE:
        named = {
            p["name"]: p["containerPort"]
            for p in _pod(by_kind, service)["spec"]["containers"][0]["ports"]
        }
        expected_egress[tuple(named[p] for p in fellow_ports)] = {(None, f"govshare-{service}")}
    assert egress == expected_egress


def test_the_namespace_denies_by_default_and_enforces_restricted_pods(by_kind):
    deny = by_kind["NetworkPolicy"]["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    labels = by_kind["Namespace"]["govshare"]["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_pod_monitor_scrapes_every_service_under_its_job_name(by_kind):
    monitor = by_kind["PodMonitor"]["govshare"]["spec"]
    assert monitor["jobLabel"] == "app.kubernetes.io/name"
    (endpoint,) = monitor["podMetricsEndpoints"]
    assert endpoint == {**endpoint, "port": "http", "path": "/metrics"}
    for service in SERVICES:
        labels = _pod(by_kind, service)["metadata"]["labels"]
        assert monitor["selector"]["matchLabels"].items() <= labels.items()


def test_kustomizations_list_every_manifest():
    for directory in (K8S_DIR, K8S_DIR / "kafka"):
        kustomization = load_yaml(directory / "kustomization.yaml")
        listed = set(kustomization["resources"])
        present = {p.name for p in directory.glob("*.yaml")} - {"kustomization.yaml"}
        assert listed == present, directory
    assert load_yaml(K8S_DIR / "kafka" / "kustomization.yaml")["namespace"] == "kafka"
