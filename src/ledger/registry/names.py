"""Names as clerks type them: the one resolver for communities, compounds, units and
categories (used by :func:`ledger.registry.areas.find`, :func:`ledger.registry.units.find` and
:func:`ledger.registry.categories.parse`, so by every command that takes such a name).

Tried in order, the first rule that matches anything decides:

1. the full name (the callers try it first, with their own path rules), then a name the
   place or unit had before a rename, exactly (the callers, from :mod:`ledger.registry.edits`:
   住建局 renamed 区住建局 is still 住建局, not "a unit whose name contains 住建局");
   then, for a place, its parent's name and its own written together without a slash:
   古槐街道铁塔寺社区 for 古槐街道/铁塔寺社区 (exactly; two places written so are listed);
2. the name without its suffix: 铁塔寺 for 铁塔寺社区, 古槐 for 古槐街道, 2 for 2号楼;
3. a part of the name, of two characters or more without its suffix: 城管局 for
   任城区城管局 (but 村社区 is not a part of 新村社区);
4. pinyin, initials or full, of the name or of its suffix-less form: tts / ttssq /
   tietasi / tietasishequ for 铁塔寺社区 (pypinyin is imported only here, when a name typed
   did not match exactly, so no other command pays for it);
5. a part of those: hswy for 铁塔寺小区红色物业.

When a rule matches more than one name, they are listed; when none matches, the callers try
rules 2–5 on former names too, and then the closest names are suggested (您是不是要找 …).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ledger.domain.errors import Ambiguous

T = TypeVar("T")

# Longest first: 街道办事处 before 办事处.
SUFFIXES = ("街道办事处", "居委会", "办事处", "社区", "小区", "街道", "区县", "镇", "乡", "村")
SUFFIXES += ("号楼", "楼")  # a building by its number: 2 for 2号楼 (sheets and --building)


def stem(name: str) -> str:
    """The name without a known suffix (铁塔寺社区 → 铁塔寺); the name itself if none."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _pinyin_forms(name: str) -> set[str]:
    from pypinyin import Style, lazy_pinyin

    forms: set[str] = set()
    for form in {name, stem(name)}:
        syllables = lazy_pinyin(form, style=Style.NORMAL, errors="ignore")
        if syllables:
            forms.add("".join(syllables).lower())
            forms.add("".join(s[0] for s in syllables if s).lower())
    return forms


def _rules(typed: str) -> list[Callable[[str], bool]]:
    rules: list[Callable[[str], bool]] = [
        lambda name: stem(name) == typed or stem(name) == stem(typed),
    ]
    part = stem(typed)
    if len(part) >= 2:  # one character (or 村社区: 村 and a suffix) is no name's part
        rules.append(lambda name: part in name)
    compact = typed.replace(" ", "").replace("'", "").lower()
    if compact.isascii() and compact.isalpha():
        rules.append(lambda name: compact in _pinyin_forms(name))
        # then a part of them: hswy for 铁塔寺小区红色物业 (ttsxqhswy)
        rules.append(lambda name: any(compact in form for form in _pinyin_forms(name)))
    return rules


def match(
    typed: str,
    items: Sequence[T],
    name_of: Callable[[T], str],
    qualified: Callable[[T], str] | None = None,
) -> list[T]:
    """The items the first matching rule (after the full name) finds; [] when none does.

    ``qualified``: an item's name after its parent's (古槐街道铁塔寺社区), for places."""
    typed = typed.strip()
    if not typed:
        return []
    if qualified is not None:
        written_together = [item for item in items if qualified(item) == typed]
        if written_together:
            return written_together
    for rule in _rules(typed):
        found = [item for item in items if rule(name_of(item))]
        if found:
            return found
    return []


def suggest(typed: str, names: Sequence[str], limit: int = 3) -> list[str]:
    """The names closest to what was typed (compared without suffixes), best first."""
    from rapidfuzz import fuzz, process

    stems = {name: stem(name) for name in names}
    scored = process.extract(
        stem(typed.strip()), stems, scorer=fuzz.ratio, score_cutoff=50, limit=limit
    )
    return [name for _stem, _score, name in scored]


def resolve(
    typed: str,
    items: Sequence[T],
    name_of: Callable[[T], str],
    what: str,
    *,
    shown: Callable[[T], str] | None = None,
    qualified: Callable[[T], str] | None = None,
) -> T | None:
    """The one item a typed name means beyond its full name; None when nothing matches.

    Several matches are refused with the list (:class:`Ambiguous`). ``qualified``: see
    :func:`match`.
    """
    found = match(typed, items, name_of, qualified)
    if len(found) == 1:
        return found[0]
    if found:
        listed = "、".join((shown or name_of)(item) for item in found[:8])
        more = f"等 {len(found)} 个" if len(found) > 8 else ""
        raise Ambiguous(f"“{typed}”可以指 {listed}{more}，请写出完整的{what}名称")
    return None


def did_you_mean(typed: str, names: Sequence[str]) -> str:
    """ "；您是不是要找：铁塔寺社区？" or "" when nothing is close."""
    close = suggest(typed, names)
    return f"；您是不是要找：{'、'.join(close)}？" if close else ""
