"""clinical layer."""
