"""Grafana provisioning and dashboards: valid JSON, PromQL that Prometheus parses."""

from __future__ import annotations

from tests.deploy.support import (
    COMPOSE_FILE,
    DASHBOARDS_DIR,
    DEPLOY,
    check_promql,
    dashboard_queries,
    dashboards,
    load_yaml,
    panels,
)

PROVISIONING = DEPLOY / "grafana" / "provisioning"
EXPECTED = {"platform-health.json", "service-delivery.json"}


def _datasource_uid() -> str:
    (source,) = load_yaml(PROVISIONING / "datasources" / "prometheus.yml")["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"  # the compose service
    return str(source["uid"])


def test_both_dashboards_exist_with_unique_uids_and_well_formed_panels():
    boards = dashboards()
    assert set(boards) == EXPECTED
    assert len({b["uid"] for b in boards.values()}) == len(boards)
    uid = _datasource_uid()
    for name, board in boards.items():
        assert board["title"].startswith("govshare / "), name
        ids = [p["id"] for p in panels(board)]
        assert len(ids) == len(set(ids)), f"{name}: duplicate panel ids"
        for panel in panels(board):
            grid = panel["gridPos"]
            assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, f"{name}: {panel['title']}"
            if panel["type"] == "row":
                continue
            assert panel["description"], f"{name}: {panel['title']} has no description"
            assert panel["datasource"]["uid"] == uid
            assert panel["targets"], f"{name}: {panel['title']} has no query"
            ref_ids = [t["refId"] for t in panel["targets"]]
            assert len(ref_ids) == len(set(ref_ids))
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == uid
                assert target["expr"].strip()
        for variable in board["templating"]["list"]:
            assert variable["datasource"]["uid"] == uid


def test_every_dashboard_query_parses_as_promql(tmp_path):
    queries = dashboard_queries()
    assert len(queries) >= 15
    result = check_promql([expr for _, _, expr in queries], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_promql_check_rejects_a_broken_expression(tmp_path):
    # the check above would be worthless if promtool accepted anything
    result = check_promql(["sum by (job) (rate(govshare_ready[5m])"], tmp_path)
    assert result.returncode != 0


def test_provisioning_points_at_the_dashboards_compose_mounts():
    (provider,) = load_yaml(PROVISIONING / "dashboards" / "govshare.yml")["providers"]
    grafana = load_yaml(COMPOSE_FILE)["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"] if v.startswith("./"))
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    assert (COMPOSE_FILE.parent / "deploy/grafana/dashboards").resolve() == DASHBOARDS_DIR
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == provider["options"]["path"] + "/platform-health.json"
