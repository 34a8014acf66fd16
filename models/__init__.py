"""Model catalog, offline install/verify, hardware probe and selection."""
