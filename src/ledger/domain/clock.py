"""The clock, injectable: commands take ``now`` from here, tests set ``LEDGER_NOW``.

The ledger's time is China time whatever the machine's time zone: a clerk's laptop set to
UTC, or a server abroad, records the same moments as a terminal in Jining.
"""

from __future__ import annotations

import os
from datetime import datetime

from ledger.domain.dates import CHINA, china_time

NOW_VARIABLE = "LEDGER_NOW"


def now() -> datetime:
    """The current China time, to the second, without an offset; or ``$LEDGER_NOW`` when set
    (tests, demos), converted to China time when it carries an offset."""
    fixed = os.environ.get(NOW_VARIABLE)
    if fixed:
        return china_time(datetime.fromisoformat(fixed)).replace(microsecond=0)
    return datetime.now(CHINA).replace(tzinfo=None, microsecond=0)
