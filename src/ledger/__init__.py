"""ledger — 问题台账: a command-line case ledger for neighborhood clerks."""

__version__ = "0.1.0"
