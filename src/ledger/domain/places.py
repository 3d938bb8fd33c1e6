"""The path of a 区划: 区县/街道/社区/小区/楼栋, each level's name after its parent's."""

from __future__ import annotations


def below_community(path: str | None) -> tuple[str, ...]:
    """The names below the community in a place's path: its 小区 and 楼栋 (none for a
    community or above, or no path)."""
    return tuple(path.split("/")[3:]) if path else ()
