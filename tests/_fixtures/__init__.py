"""Shared fixtures per area, auto-loaded by tests/conftest.py."""
