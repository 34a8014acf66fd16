"""Entry point of the one-file clinic-PC client (TUI + LAN client, no models, no store)."""

from appliance.cli import entrypoint

if __name__ == "__main__":
    entrypoint()
