"""Widgets of the visit workspace and dashboards."""
