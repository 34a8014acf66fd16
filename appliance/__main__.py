from appliance.cli import entrypoint

entrypoint()
