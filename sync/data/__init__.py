"""Name lexicons for de-identification (data files)."""
