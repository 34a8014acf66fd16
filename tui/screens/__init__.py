"""Screens of the clinic app (one module per area)."""
