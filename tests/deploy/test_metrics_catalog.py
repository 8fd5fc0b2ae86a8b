"""Rules and dashboards read only metrics that exist, or that deploy/README.md promises.

A rule on a metric nobody exports is silent forever; the list under "The lead must export"
keeps such rules honest: it names each one, and it shrinks as the services export them.
"""

from __future__ import annotations

from tests.deploy.support import (
    DEPLOY_README,
    dashboard_queries,
    dashboards,
    exported_metric_names,
    exported_metrics,
    metric_names,
    metrics_documented,
    metrics_to_export,
    panels,
    recording_rule_names,
    rule_groups,
    substitute,
)

NOT_EXPORTED = "NOT EXPORTED YET"


def _rule_metrics() -> dict[str, set[str]]:
    return {
        r.get("alert") or r["record"]: metric_names(r["expr"])
        for g in rule_groups()
        for r in g["rules"]
    }


def test_the_export_list_is_parsed_and_names_only_govshare_metrics():
    assert "## The lead must export\n" in DEPLOY_README.read_text(encoding="utf-8")
    assert len(metrics_documented()) > 20, "the catalog table was not found"
    listed = metrics_to_export()  # empty once everything is exported
    for name, labels in listed.items():
        assert labels, f"{name}: no labels column"
        assert "_id" not in labels, f"{name}: identifiers never become labels"


def test_every_metric_a_rule_or_dashboard_reads_is_exported_or_listed_for_export():
    known = exported_metric_names() | set(metrics_to_export())
    used = {m for ms in _rule_metrics().values() for m in ms}
    used |= {m for _, _, expr in dashboard_queries() for m in metric_names(expr)}
    assert used - known == set(), "neither exported nor in deploy/README.md 'The lead must export'"


def test_exported_metrics_that_rules_or_dashboards_read_are_in_the_catalog_table():
    used = {m for ms in _rule_metrics().values() for m in ms}
    used |= {m for _, _, expr in dashboard_queries() for m in metric_names(expr)}
    documented = metrics_documented()
    missing = (used & exported_metric_names()) - set(documented)
    assert not missing, f"add {sorted(missing)} to 'Metrics exported now' in deploy/README.md"
    stale = set(documented) - exported_metric_names()
    assert not stale, f"{sorted(stale)} are documented as exported but no service exports them"
    for name, (_kind, labels, *_) in documented.items():
        written = {label.strip() for label in labels.split(",")} - {"(none)", ""}
        assert written == exported_metrics()[name], f"{name}: labels in deploy/README.md"


def test_listed_metrics_are_not_exported_yet():
    exported_now = set(metrics_to_export()) & exported_metric_names()
    assert not exported_now, (
        f"{sorted(exported_now)} are exported now: move them from 'The lead must export' to "
        "'Metrics exported now' in deploy/README.md, and drop the NOT EXPORTED YET notes of "
        "their dashboard panels"
    )


def test_panels_say_whether_their_metrics_exist():
    pending = set(metrics_to_export())
    for board in dashboards().values():
        for panel in panels(board):
            if panel["type"] == "row":
                continue
            read = {m for t in panel["targets"] for m in metric_names(substitute(t["expr"]))}
            waiting = read & pending
            says = NOT_EXPORTED in panel.get("description", "")
            assert says == bool(waiting), (
                f"{board['title']} / {panel['title']}: reads {sorted(waiting)} not exported"
                if waiting
                else f"{board['title']} / {panel['title']}: says {NOT_EXPORTED} but all exist"
            )
            for metric in waiting:
                assert metric in panel["description"], f"{panel['title']}: name {metric}"


def test_recording_rules_the_dashboards_read_exist():
    import re

    read = {
        name
        for _, _, expr in dashboard_queries()
        for name in re.findall(r"\bgovshare:[a-z0-9_:]+", expr)
    }
    assert read, "the SLO panel reads the recording rules"
    assert read - recording_rule_names() == set()
