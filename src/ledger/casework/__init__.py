"""Casework: the clerk's actions on items and the one writer of their history (events)."""
