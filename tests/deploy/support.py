"""What the deploy tests share: paths, the tools, PromQL checks, the metric and topic lists."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from devtools.launcher import SERVICES
from services.kit.settings import load_settings
from services.kit.topics import TOPICS, dlq_topic

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
PROMETHEUS_DIR = DEPLOY / "prometheus"
RULES_DIR = PROMETHEUS_DIR / "rules"
RULE_TESTS_DIR = PROMETHEUS_DIR / "tests"
DASHBOARDS_DIR = DEPLOY / "grafana" / "dashboards"
K8S_DIR = DEPLOY / "k8s"
TOPICS_FILE = DEPLOY / "kafka" / "topics.txt"
DEPLOY_README = DEPLOY / "README.md"
COMPOSE_FILE = ROOT / "docker-compose.yml"

# The services that are safe to run with more than one worker (requests forwarded to the
# worker owning their key: docs/architecture.md, "More than one worker of a service").
# Kubernetes runs these 2-4 replicas and admits their pods to each other; every other
# service runs exactly one. Add a service here when it is wired, and the tests then ask
# for its manifests, its compose service and deploy/README.md to follow.
SCALABLE = ("certificates", "realestate", "tax", "power")

# Grafana variables and their stand-ins when an expression is checked or run outside Grafana.
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "1m",
    "$__range": "1h",
    "$job": "govshare-.+",
}


def tool(name: str) -> str:
    """The path of a required command-line tool; fail (never skip) when it is missing."""
    path = shutil.which(name)
    assert path, f"{name} is not installed: `make debian-tools` installs it (Debian `prometheus`)"
    return path


def run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_yaml_docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yml"))


def rule_groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for path in rule_files():
        groups += load_yaml(path)["groups"]
    return groups


def alert_rules() -> list[dict[str, Any]]:
    return [r for g in rule_groups() for r in g["rules"] if "alert" in r]


def recording_rule_names() -> set[str]:
    return {r["record"] for g in rule_groups() for r in g["rules"] if "record" in r}


# --- dashboards -------------------------------------------------------------------------


def dashboards() -> dict[str, dict[str, Any]]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(DASHBOARDS_DIR.glob("*.json"))
    }


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # collapsed rows hold their panels


def substitute(expr: str) -> str:
    """A dashboard expression with Grafana's variables replaced by plain PromQL."""
    for name in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(name, GRAFANA_VARIABLES[name])
    assert "$" not in expr, f"unknown Grafana variable in {expr!r}"
    return expr


def dashboard_queries() -> list[tuple[str, str, str]]:
    """(dashboard file, panel title, PromQL with variables substituted) of every target."""
    found = []
    for name, board in dashboards().items():
        for panel in panels(board):
            for target in panel.get("targets", []):
                found.append((name, panel["title"], substitute(target["expr"])))
    return found


# --- PromQL ------------------------------------------------------------------------------

_METRIC = re.compile(r"\bgovshare_[a-z0-9_]+")
_HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def metric_names(expr: str) -> set[str]:
    """The govshare_* metric families an expression reads (histogram suffixes removed).

    Recording rules (`govshare:...`) are not matched: their names hold colons."""
    names = set()
    for name in _METRIC.findall(expr):
        for suffix in _HISTOGRAM_SUFFIXES:
            if name.endswith(suffix) and not name.endswith("_total"):
                name = name.removesuffix(suffix)
                break
        names.add(name)
    return names


def check_promql(expressions: Iterable[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    """`promtool check rules` on the expressions as recording rules: parses each one."""
    rules = [{"record": f"check:expr{i}:parse", "expr": e} for i, e in enumerate(expressions)]
    path = workdir / "expressions.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "check", "rules": rules}]}))
    return run([tool("promtool"), "check", "rules", str(path)])


# --- metrics: exported now, or promised in deploy/README.md -------------------------------


@cache
def exported_metrics() -> dict[str, frozenset[str]]:
    """Metric families the services register today -> their label names (importing every
    service's wiring, as its process does)."""
    import importlib

    from prometheus_client import REGISTRY

    for service in SERVICES:
        importlib.import_module(f"services.{service}.app")
    found: dict[str, frozenset[str]] = {}
    for collector in list(REGISTRY._collector_to_names):  # no public listing
        describe = getattr(collector, "describe", None)
        for metric in (describe() if describe else None) or collector.collect():
            if not metric.name.startswith("govshare_"):
                continue
            labels = getattr(collector, "_labelnames", None)
            if labels is None:  # a custom collector: its samples say
                labels = {k for sample in collector.collect() for k in sample.samples[0].labels}
            name = metric.name + ("_total" if metric.type == "counter" else "")
            found[name] = frozenset(labels) - {"le"}
    return found


def exported_metric_names() -> frozenset[str]:
    return frozenset(exported_metrics())


def _readme_table(heading: str) -> dict[str, list[str]]:
    """Metric -> the other cells of its row, from the tables under `## heading`."""
    text = DEPLOY_README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`(govshare_[a-z0-9_]+)`", cells[0])
        if match:
            found[match.group(1)] = cells[1:]
    return found


def metrics_to_export() -> dict[str, str]:
    """Metric -> labels, from the tables under "## The lead must export" in deploy/README.md."""
    return {name: cells[0] for name, cells in _readme_table("The lead must export").items()}


def metrics_documented() -> dict[str, list[str]]:
    """Metric -> (type, labels, meaning), from "## Metrics exported now" in deploy/README.md."""
    return _readme_table("Metrics exported now")


# --- topics ------------------------------------------------------------------------------


def declared_topics() -> dict[str, tuple[str, str]]:
    """deploy/kafka/topics.txt: name -> (partitions, configs)."""
    found = {}
    for line in TOPICS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, partitions, configs = line.split()
        assert name not in found, f"{name} twice in {TOPICS_FILE}"
        found[name] = (partitions, configs)
    return found


def domain_topics() -> set[str]:
    """Every topic of services/kit/topics.py and its dead-letter topic."""
    return {n for t in TOPICS for n in (t.name, dlq_topic(t.name))}


@cache
def _faust_apps() -> dict[str, Any]:
    """Each service's Faust app, built (not started) as its process builds it."""
    import importlib

    settings = load_settings(env="test", topic_prefix="", kafka_bootstrap="")
    return {
        service: importlib.import_module(f"services.{service}.app").build(settings).faust
        for service in SERVICES
    }


def consumed_topics() -> dict[str, set[str]]:
    """service -> the topics its agents consume."""
    return {
        service: {t for agent in app.agents.values() for t in agent.channel.topics}
        for service, app in _faust_apps().items()
    }


def faust_internal_topics() -> dict[str, str]:
    """Topics the service processes' Faust apps create: name -> "changelog" or "leader"."""
    found = {}
    for app in _faust_apps().values():
        for table in app.tables.values():
            found[table.changelog_topic.get_topic_name()] = "changelog"
        found[f"{app.conf.id}-__assignor-__leader"] = "leader"
    return found
