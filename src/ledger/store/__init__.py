"""The store: the ledger file, settings, migrations and the full-text index."""
