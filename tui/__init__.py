"""The clinic terminal UI (Textual)."""
