"""docker-compose.yml: the compose specification, required settings, health, topics."""

from __future__ import annotations

import copy
import importlib.resources
import itertools
import json
import os
import re
import stat
import subprocess

import jsonschema
import pytest

from devtools.launcher import SERVICES
from tests.deploy.support import (
    COMPOSE_FILE,
    DEPLOY,
    DEPLOY_README,
    PROMETHEUS_DIR,
    ROOT,
    SCALABLE,
    TOPICS_FILE,
    declared_topics,
    domain_topics,
    faust_internal_topics,
    load_yaml,
)

# Required settings: compose must refuse to start without them.
REQUIRED = {
    "KAFKA_CLUSTER_ID",
    "GRAFANA_ADMIN_PASSWORD",
    "GOVSHARE_AUTH_PUBLIC_KEYS",
    "POWER_CERTIFICATES_TOKEN_FILE",
    "REALESTATE_CERTIFICATES_TOKEN_FILE",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL", re.IGNORECASE)
# Services safe with several workers that compose still runs as one container, and why.
ONE_CONTAINER_ON_COMPOSE = {
    "certificates": "its key store is a writable volume that each worker reads only at start:"
    " two workers would each make a different key under one key id",
    "realestate": "compose keeps its well-known port (8082) for the portal and the README;"
    " it scales on Kubernetes",
    "tax": "compose keeps its well-known port (8083) for the devbank cashier's return and"
    " the README; it scales on Kubernetes",
}
COMPOSE_SCALABLE = tuple(s for s in SCALABLE if s not in ONE_CONTAINER_ON_COMPOSE)
WILDCARDS = ("0.0.0.0", "::")


def _compose_schema() -> dict:
    # The compose specification's JSON schema as vendored by check-jsonschema (PyPI, a dev
    # dependency): offline, and updated with that package.
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))


def _errors(document: dict) -> list[str]:
    schema = _compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_yaml(COMPOSE_FILE)


def test_compose_file_validates_against_the_compose_specification(compose):
    assert _compose_schema()["title"] == "Compose Specification"
    assert _errors(compose) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["tax"].update(restart_policy="always"),  # no such key
        lambda c: c["services"]["tax"]["depends_on"]["kafka"].update(condition="healthy"),
        lambda c: c["services"]["kafka"]["healthcheck"].update(retry=3),  # retries
    ],
)
def test_the_schema_check_catches_mistakes(compose, breakage):
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert _errors(broken), "the schema accepted a broken file"


def test_required_settings_fail_fast_and_no_secret_is_written(compose):
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):\?[^}]+\}", text))
    assert required >= REQUIRED
    for name, service in compose["services"].items():
        mounted = set(service.get("secrets") or [])
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key) and key.endswith("_FILE"):
                # a path to a compose secret of this service (a host file given by ${VAR:?})
                secret = str(value).removeprefix("/run/secrets/")
                assert secret in mounted, f"{name}: {key} is not a mounted secret"
                file = compose["secrets"][secret]["file"]
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", file), f"{name}: {secret} literal"
            elif SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", str(value)), f"{name}: {key} literal"


def test_images_are_pinned_and_the_services_share_one_image_built_from_deploy(compose):
    services = compose["services"]
    for name, service in services.items():
        image = service["image"]
        assert not image.endswith(":latest") and ":" in image, f"{name}: {image}"
    assert "@sha256:" in services["kafka"]["image"]
    images = {services[s]["image"] for s in SERVICES}
    assert len(images) == 1
    for name in SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["command"] == [name]
        env = service["environment"]
        assert env["GOVSHARE_ENV"] == "production"
        assert env["GOVSHARE_STORE"] == "rocksdb://"
        assert env["GOVSHARE_KAFKA_BOOTSTRAP"] == "kafka:9092"
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
    assert services["certificates"]["environment"]["GOVSHARE_GRPC_PORT"] == "50051"


def test_everything_long_running_has_a_healthcheck_and_waits_for_what_it_needs(compose):
    services = compose["services"]
    for name, service in services.items():
        if name != "topics":
            assert service["healthcheck"]["test"], f"{name}: no healthcheck"
    for name in SERVICES:
        depends = services[name]["depends_on"]
        assert depends["kafka"]["condition"] == "service_healthy"
        assert depends["topics"]["condition"] == "service_completed_successfully"
        assert services[name]["healthcheck"]["test"][-1] == "/usr/local/bin/govshare-healthcheck"
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["grafana"]["depends_on"]["prometheus"]["condition"] == "service_healthy"
    assert "depends_on" not in services["prometheus"]  # it must see the services fail


def test_bind_mounts_exist_and_kafka_runs_in_kraft_mode(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name}: {source}"
    kafka = compose["services"]["kafka"]["environment"]
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_topics_txt_declares_every_topic_the_services_use():
    declared = declared_topics()
    internal = faust_internal_topics()
    missing = (domain_topics() | set(internal)) - set(declared)
    assert not missing, (
        f"add {sorted(missing)} to deploy/kafka/topics.txt, then run deploy/k8s/render.py"
    )
    # Extra lines are tolerated only as Faust topics of a table or service still to come.
    for name in set(declared) - domain_topics() - set(internal):
        assert re.fullmatch(r"govshare-[a-z]+-(.+-changelog|__assignor-__leader)", name), name
    for name, kind in internal.items():
        partitions, configs = declared[name]
        if kind == "changelog":
            assert partitions == "P" and "cleanup.policy=compact" in configs, name
        else:
            assert partitions == "1", name
    for name in domain_topics():
        assert declared[name][0] == "P", name
        assert "retention.ms=" in declared[name][1], name


def test_create_topics_creates_every_declared_topic(tmp_path, compose):
    calls = tmp_path / "calls.jsonl"
    stub = tmp_path / "kafka-topics.sh"
    stub.write_text(
        "#!/usr/bin/env python3\nimport json, sys\n"
        f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    env = {
        "PATH": os.environ["PATH"],
        "KAFKA_BOOTSTRAP": "kafka:9092",
        "GOVSHARE_TOPIC_PARTITIONS": "6",
        "TOPIC_REPLICATION": "3",
        "TOPIC_MIN_INSYNC_REPLICAS": "2",
        "KAFKA_TOPICS": str(stub),
    }
    script = DEPLOY / "kafka" / "create-topics.sh"
    done = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr

    created = {}
    for line in calls.read_text().splitlines():
        args = json.loads(line)
        options: dict[str, list[str]] = {}
        for flag, value in itertools.pairwise(args):
            if flag.startswith("--") and not value.startswith("--"):
                options.setdefault(flag, []).append(value)
        assert "--create" in args and "--if-not-exists" in args
        assert options["--bootstrap-server"] == ["kafka:9092"]
        assert options["--replication-factor"] == ["3"]
        created[options["--topic"][0]] = (options["--partitions"][0], set(options["--config"]))
    declared = declared_topics()
    assert set(created) == set(declared)
    for name, (partitions, configs) in declared.items():
        assert created[name][0] == ("6" if partitions == "P" else partitions), name
        assert "min.insync.replicas=2" in created[name][1]
        if configs != "-":
            assert set(configs.split(",")) <= created[name][1], name

    # compose runs that script, mounted from deploy/kafka, with the services' partition count
    topics = compose["services"]["topics"]
    assert topics["entrypoint"][-1] == "/govshare/kafka/create-topics.sh"
    assert "./deploy/kafka:/govshare/kafka:ro" in topics["volumes"]
    partitions = {
        compose["services"][s]["environment"]["GOVSHARE_TOPIC_PARTITIONS"] for s in SERVICES
    }
    assert partitions == {topics["environment"]["GOVSHARE_TOPIC_PARTITIONS"]}
    assert TOPICS_FILE.parent == script.parent


def test_create_topics_refuses_to_run_without_a_bootstrap_address(tmp_path):
    done = subprocess.run(
        ["bash", str(DEPLOY / "kafka" / "create-topics.sh")],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "KAFKA_BOOTSTRAP" in done.stderr


# --- more than one container of a service (`docker compose up --scale power=2`) -------------


def _default(value: object) -> str:
    """`value` with each `${VAR:-default}` as its default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def _published(spec: dict) -> list[tuple[int, int]]:
    """(first, last) host port of each published port (`127.0.0.1:8084-8087:8080`)."""
    found = []
    for entry in spec.get("ports", []):
        address, host, _container = _default(entry).rsplit(":", 2)
        assert address == "127.0.0.1", entry  # never on every interface
        first, _, last = host.partition("-")
        found.append((int(first), int(last or first)))
    return found


def scale_problems(compose: dict, service: str) -> list[str]:
    """What stops `service` from running as N containers on compose when it may, or lets a
    second container of it start when it may not."""
    spec = compose["services"][service]
    env = spec["environment"]
    problems = []
    if service not in COMPOSE_SCALABLE:
        if any(first != last for first, last in _published(spec)):
            problems.append("a host port range would let a second container start")
        if not _published(spec):
            problems.append("no fixed host port: nothing stops a second container")
        return problems
    partitions = int(_default(env["GOVSHARE_TOPIC_PARTITIONS"]))
    for first, last in _published(spec):
        if not 2 <= last - first + 1 <= partitions:
            problems.append(f"host ports {first}-{last}: one per worker, up to {partitions}")
    for volume in spec.get("volumes", []):
        source, _, rest = str(volume).partition(":")
        if rest and source in (compose.get("volumes") or {}) and not rest.endswith(":ro"):
            problems.append(f"{volume}: a named volume would be shared by every container")
    if "container_name" in spec:
        problems.append("container_name: one container only")
    if env.get("GOVSHARE_ADVERTISED_HOST") or env["GOVSHARE_HTTP_HOST"] not in WILDCARDS:
        problems.append("each container must advertise its own host name")
    jobs = {
        j["job_name"]: j for j in load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]
    }
    discovered = jobs[f"govshare-{service}"].get("dns_sd_configs", [])
    if {"names": [service], "type": "A", "port": 8080} not in discovered:
        problems.append("Prometheus would scrape one container at random, not each")
    return problems


@pytest.mark.parametrize("service", SERVICES)
def test_only_the_scalable_services_may_run_several_containers(compose, service):
    assert scale_problems(compose, service) == []


@pytest.mark.parametrize(
    ("service", "edit"),
    [
        ("power", lambda s: s.update(ports=["127.0.0.1:8084:8080"])),
        ("power", lambda s: s.update(volumes=["power-data:/var/lib/govshare"])),
        ("power", lambda s: s["environment"].update(GOVSHARE_ADVERTISED_HOST="power")),
        ("power", lambda s: s.update(container_name="power")),
        ("tax", lambda s: s.update(ports=["127.0.0.1:8083-8086:8080"])),
        ("realestate", lambda s: s.pop("ports")),
        ("certificates", lambda s: s.update(ports=["127.0.0.1:8081-8084:8080"])),
    ],
)
def test_the_scale_checks_catch_mistakes(compose, service, edit):
    broken = copy.deepcopy(compose)
    broken.setdefault("volumes", {})["power-data"] = None
    edit(broken["services"][service])
    assert scale_problems(broken, service)


def test_no_two_services_publish_the_same_host_port(compose):
    taken: dict[int, str] = {}
    for name, spec in compose["services"].items():
        for first, last in _published(spec):
            for port in range(first, last + 1):
                assert port not in taken, f"{name} and {taken[port]} both publish {port}"
                taken[port] = name
    assert [taken[p] for p in (8081, 8082, 8083, 8084)] == list(SERVICES)  # well-known ports


def test_deploy_readme_names_the_services_that_may_be_scaled():
    section = DEPLOY_README.read_text(encoding="utf-8").split("## Adding a worker\n")[1]
    section = section.split("\n## ", 1)[0]
    today = re.search(r"Which services may run more than one worker today: (.+?)\.\*\*", section)
    assert today and today.group(1) == ", ".join(SCALABLE[:-1]) + " and " + SCALABLE[-1]
    assert f"--scale {COMPOSE_SCALABLE[0]}=2" in section
    for service, reason in ONE_CONTAINER_ON_COMPOSE.items():
        assert service in section.split("**Compose**", 1)[1], reason
