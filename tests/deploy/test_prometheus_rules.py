"""The Prometheus configuration and alert rules pass promtool, and every alert is unit-tested."""

from __future__ import annotations

import re

from devtools.launcher import SERVICES
from tests.deploy.support import (
    DEPLOY_README,
    PROMETHEUS_DIR,
    RULE_TESTS_DIR,
    alert_rules,
    load_yaml,
    rule_files,
    run,
    tool,
)

CONFIGS = ("prometheus.yml", "prometheus.local.yml")
JOBS = {f"govshare-{s}" for s in SERVICES}


def test_promtool_check_config_accepts_both_configs_and_their_rule_files():
    for config in CONFIGS:
        result = run([tool("promtool"), "check", "config", config], cwd=PROMETHEUS_DIR)
        assert result.returncode == 0, result.stdout + result.stderr
        # the rule glob must have matched: an empty glob passes silently otherwise
        assert f"SUCCESS: {len(rule_files())} rule files found" in result.stdout, result.stdout


def test_promtool_check_rules_accepts_every_rule_file():
    assert rule_files(), "no rule files"
    result = run([tool("promtool"), "check", "rules", *map(str, rule_files())])
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_of_the_rules_pass():
    tests = sorted(RULE_TESTS_DIR.glob("*.yml"))
    assert tests, "no promtool unit tests"
    result = run([tool("promtool"), "test", "rules", *map(str, tests)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(tests), result.stdout


def test_every_alert_has_a_unit_test_that_sees_it_fire_and_every_rule_file_is_tested():
    fired: set[str] = set()
    tested_files: set[str] = set()
    for path in RULE_TESTS_DIR.glob("*.yml"):
        spec = load_yaml(path)
        tested_files |= {(path.parent / f).resolve().name for f in spec["rule_files"]}
        for case in spec["tests"]:
            for check in case.get("alert_rule_test", []):
                if check.get("exp_alerts"):
                    fired.add(check["alertname"])
    alerts = {r["alert"] for r in alert_rules()}
    assert alerts - fired == set(), "alerts no promtool test sees firing"
    assert {p.name for p in rule_files()} - tested_files == set(), "rule files without tests"


def test_every_alert_says_how_bad_what_and_where_its_runbook_is():
    readme = DEPLOY_README.read_text(encoding="utf-8")
    headings = {
        re.sub(r"[^a-z0-9-]", "", h.strip().lower().replace(" ", "-"))
        for h in re.findall(r"^#{2,4} (.+)$", readme, re.MULTILINE)
    }
    for rule in alert_rules():
        name = rule["alert"]
        assert rule["labels"]["severity"] in {"page", "ticket"}, name
        assert rule["annotations"]["summary"], name
        assert rule["annotations"]["description"], name
        runbook = rule["annotations"]["runbook"]
        assert runbook.startswith("deploy/README.md#"), name
        assert runbook.split("#", 1)[1] in headings, f"{name}: no section for {runbook}"


def test_the_scrape_jobs_are_the_ones_the_rules_expect():
    compose = load_yaml(PROMETHEUS_DIR / "prometheus.yml")
    compose_jobs = {j["job_name"] for j in compose["scrape_configs"]}
    assert compose_jobs >= JOBS
    local = load_yaml(PROMETHEUS_DIR / "local-targets.yml")
    assert {t["labels"]["job"] for t in local} == JOBS
    absent = next(r for r in alert_rules() if r["alert"] == "ServiceAbsent")["expr"]
    assert set(re.findall(r'absent\(up\{job="([^"]+)"\}\)', absent)) == JOBS
