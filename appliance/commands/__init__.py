"""CLI command modules, one per area; each exposes ``register(cli)``. See appliance/cli.py."""
