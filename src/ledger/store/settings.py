"""The ledger's settings: each one's kind, default and Chinese label (values live in the file's settings table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ledger.domain.labels import SCORE_PROFILE, SETTING, Choice

if TYPE_CHECKING:  # sqlite-utils is imported when a command first writes
    pass

# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    kind: type  # int or str
    choice: Choice | None = None  # a closed list: stored as its code

    @property
    def label(self) -> str:
        return SETTING[self.key]


SETTINGS = {
    spec.key: spec
    for spec in (
        SettingSpec("small_days", "3", int),
        SettingSpec("big_days", "15", int),
        SettingSpec("severe_days", "5", int),
        SettingSpec("weight_reply", "30", int),
        SettingSpec("weight_resolve", "35", int),
        SettingSpec("weight_satisfaction", "35", int),
        SettingSpec("score_profile", "standard", str, SCORE_PROFILE),
        SettingSpec("weight_response", "10", int),
        SettingSpec("weight_solve", "50", int),
        SettingSpec("weight_hotline_satisfaction", "40", int),
        SettingSpec("rank_min_items", "5", int),
        SettingSpec("board_size", "3", int),
        SettingSpec("period_start_day", "1", int),
        SettingSpec("reporting_unit", "", str),
        SettingSpec("list_limit", "50", int),  # ledger list without --limit/--all; 0: all
        SettingSpec("repeat_days", "90", int),
    )
}
