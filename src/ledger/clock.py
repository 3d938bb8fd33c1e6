"""The clock, injectable: commands take ``now`` from here, tests set ``LEDGER_NOW``."""

from __future__ import annotations

import os
from datetime import datetime

NOW_VARIABLE = "LEDGER_NOW"


def now() -> datetime:
    """The current local time, to the second, or ``$LEDGER_NOW`` when set (tests, demos)."""
    fixed = os.environ.get(NOW_VARIABLE)
    if fixed:
        return datetime.fromisoformat(fixed).replace(microsecond=0)
    return datetime.now().replace(microsecond=0)
