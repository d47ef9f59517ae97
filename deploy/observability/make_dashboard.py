#!/usr/bin/env python3
"""Writes grafana-dashboard.json (Grafana 10+, import with a Prometheus data source). Run: python3 make_dashboard.py"""
import json

DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
panels = []


def panel(title, kind, exprs, unit="short", w=12, h=8, description=""):
    i = len(panels)
    panels.append({
        "id": i + 1,
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DS,
        "gridPos": {"x": (i % 2) * 12, "y": (i // 2) * h, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "right"}} if kind == "timeseries" else {},
        "targets": [{"refId": chr(65 + n), "datasource": DS, "expr": e, "legendFormat": l} for n, (e, l) in enumerate(exprs)],
    })


panel("Accounts by state", "timeseries", [("sum by (state) (wadashboard_accounts)", "{{state}}")],
      description="Every account's state, all servers together.")
panel("Accounts by server", "table", [("sum by (server, state) (wadashboard_accounts) > 0", "{{server}} {{state}}")])
panel("Disconnects by reason", "timeseries", [("sum by (reason) (increase(wadashboard_disconnects_total[$__rate_interval]))", "{{reason}}")])
panel("Disconnects by raw code", "timeseries", [("sum by (raw_code) (increase(wadashboard_disconnects_total[$__rate_interval]))", "{{raw_code}}")])
panel("Reconnect attempts by outcome", "timeseries", [
    ("sum by (outcome) (increase(wadashboard_reconnect_attempts_total[$__rate_interval]))", "{{outcome}}"),
    ("sum(increase(wadashboard_reconnect_started_total[$__rate_interval]))", "started")])
panel("Time to reconnect", "timeseries", [
    ("histogram_quantile(0.5, sum by (le) (rate(wadashboard_reconnect_duration_seconds_bucket[$__rate_interval])))", "p50"),
    ("histogram_quantile(0.95, sum by (le) (rate(wadashboard_reconnect_duration_seconds_bucket[$__rate_interval])))", "p95")], unit="s")
panel("Loop breaker", "timeseries", [
    ("sum(increase(wadashboard_loop_breaker_trips_total[$__rate_interval]))", "trips"),
    ("wadashboard_accounts_reconnect_paused", "accounts paused")])
panel("Linking", "timeseries", [
    ("sum by (kind) (increase(wadashboard_link_codes_shown_total[$__rate_interval]))", "{{kind}} shown"),
    ("sum(increase(wadashboard_link_completed_total[$__rate_interval]))", "links completed")])
panel("Outbox", "timeseries", [
    ("wadashboard_outbox_depth", "queued"),
    ("sum by (status) (wadashboard_outbox_waiting_for_person)", "waiting for a person: {{status}}")])
panel("Send outcomes", "timeseries", [("sum by (outcome) (rate(wadashboard_outbox_sends_total[$__rate_interval]))", "{{outcome}}")], unit="ops")
panel("Refusals", "timeseries", [
    ("sum(increase(wadashboard_guard_refusals_total[$__rate_interval]))", "sends refused at the engine boundary"),
    ("sum by (cause) (increase(wadashboard_webhooks_refused_total[$__rate_interval]))", "webhooks refused: {{cause}}")])
panel("Session storage findings", "timeseries", [("sum by (severity) (wadashboard_storage_findings)", "{{severity}}")])
panel("Database writes", "timeseries", [
    ("histogram_quantile(0.95, sum by (le, store) (rate(wadashboard_database_write_duration_seconds_bucket[$__rate_interval])))", "p95 {{store}}"),
    ("sum by (outcome) (rate(wadashboard_database_write_duration_seconds_count[$__rate_interval]))", "{{outcome}} /s")], unit="s")
panel("Database writable and gateway servers up", "timeseries", [
    ("wadashboard_database_writable", "database writable"),
    ("wadashboard_gateway_up", "{{server}} up")])
panel("HTTP requests (p95 by route)", "timeseries", [
    ("histogram_quantile(0.95, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket[$__rate_interval])))", "{{http_route}}")], unit="s")
panel("Process", "timeseries", [
    ("dotnet_process_memory_working_set_bytes", "working set"),
    ("dotnet_gc_last_collection_heap_size_bytes", "GC heap {{gc_heap_generation}}")], unit="bytes")

dashboard = {
    "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus"}],
    "title": "WaDashboard",
    "uid": "wadashboard",
    "tags": ["wadashboard", "whatsapp"],
    "timezone": "browser",
    "schemaVersion": 39,
    "version": 1,
    "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "templating": {"list": []},
    "panels": panels,
}
with open("grafana-dashboard.json", "w") as f:
    json.dump(dashboard, f, indent=2)
    f.write("\n")
