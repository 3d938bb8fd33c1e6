"""Errors the core raises; their text is the Chinese message a clerk reads.

The CLI maps every ``LedgerError`` to one line ``错误: …`` on stderr and exit code 1.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Something the user asked for cannot be done; the message says why, in Chinese."""


class NotFound(LedgerError):
    """An item, meeting, place or unit that does not exist."""


class Ambiguous(LedgerError):
    """A name that matches more than one place or unit."""


class TransitionRefused(LedgerError):
    """An action not allowed from the item's current status."""


class NotALedger(LedgerError):
    """A file that is not a ledger, or comes from a newer version of the program."""
