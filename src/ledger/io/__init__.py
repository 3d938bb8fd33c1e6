"""Files in and out: import, export, backup, check, merge."""
