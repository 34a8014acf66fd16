"""Mentor-hospital sync: de-identification, bundles, agent, hub."""
