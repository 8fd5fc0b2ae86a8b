#!/usr/bin/env python3
"""Regenerate the two Kubernetes files that copy another source of truth.

    .venv/bin/python deploy/k8s/render.py

- prometheusrule.yaml: deploy/prometheus/rules/*.yml as one Prometheus Operator
  PrometheusRule (the rule files stay the source: promtool tests them).
- kafka/topics.yaml: deploy/kafka/topics.txt as Strimzi KafkaTopic resources, with
  replication factor 3, min.insync.replicas 2 and "P" = PARTITIONS.

tests/deploy fails when either file no longer matches its source.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEPLOY = HERE.parent
PARTITIONS = 4  # = GOVSHARE_TOPIC_PARTITIONS in settings.yaml
REPLICAS = 3
MIN_INSYNC_REPLICAS = 2
KAFKA_CLUSTER = "govshare"  # the Strimzi Kafka resource

RULE_HEADER = """\
# GENERATED from deploy/prometheus/rules/*.yml by deploy/k8s/render.py: edit the rule
# files (and their promtool tests), then regenerate. Your Prometheus must select this
# object (ruleSelector / ruleNamespaceSelector of its Prometheus resource).
"""
TOPIC_HEADER = """\
# GENERATED from deploy/kafka/topics.txt by deploy/k8s/render.py: edit topics.txt, then
# regenerate. A Strimzi KafkaTopic for every govshare topic; apply in the namespace of the
# Strimzi cluster `govshare` (kafka/kustomization.yaml: `kafka`). Replication factor 3 with
# min.insync.replicas 2: a write is acknowledged by two brokers, and one broker may be down
# without stopping producers. Partitions must equal GOVSHARE_TOPIC_PARTITIONS
# (settings.yaml). Faust's leader topics have names Kubernetes refuses, hence spec.topicName.
"""


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def _dump_all(docs: list[dict[str, Any]]) -> str:
    return "---\n".join(
        yaml.dump(d, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True) for d in docs
    )


def prometheus_rule() -> dict[str, Any]:
    groups: list[Any] = []
    for path in sorted((DEPLOY / "prometheus" / "rules").glob("*.yml")):
        groups += yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "govshare", "labels": {"app.kubernetes.io/part-of": "govshare"}},
        "spec": {"groups": groups},
    }


def _value(text: str) -> int | str:
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def kafka_topics() -> list[dict[str, Any]]:
    docs = []
    for line in (DEPLOY / "kafka" / "topics.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, partitions, configs = line.split()
        config: dict[str, int | str] = {"min.insync.replicas": MIN_INSYNC_REPLICAS}
        if configs != "-":
            for pair in configs.split(","):
                key, _, value = pair.partition("=")
                config[key] = _value(value)
        resource = re.sub(r"[^a-z0-9.-]+", "-", name.replace("__", "")).strip("-.")
        spec: dict[str, Any] = {"topicName": name} if resource != name else {}
        spec |= {
            "partitions": PARTITIONS if partitions == "P" else int(partitions),
            "replicas": REPLICAS,
            "config": config,
        }
        docs.append(
            {
                "apiVersion": "kafka.strimzi.io/v1beta2",
                "kind": "KafkaTopic",
                "metadata": {
                    "name": resource,
                    "labels": {
                        "strimzi.io/cluster": KAFKA_CLUSTER,
                        "app.kubernetes.io/part-of": "govshare",
                    },
                },
                "spec": spec,
            }
        )
    return docs


def main() -> None:
    (HERE / "prometheusrule.yaml").write_text(
        RULE_HEADER + _dump_all([prometheus_rule()]), encoding="utf-8"
    )
    (HERE / "kafka" / "topics.yaml").write_text(
        TOPIC_HEADER + _dump_all(kafka_topics()), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
