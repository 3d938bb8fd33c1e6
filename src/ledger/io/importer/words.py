"""The words clerks write for a rating, a source, a scale, a reply channel and a unit's kind,
each table keyed by its normalised words (status words are in ``status``)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ledger.domain.labels import CHANNEL, RATING, SCALE, SOURCE, UNIT_KIND
from ledger.io.importer.values import Bad


def _words(table: dict[str, Any]) -> dict[str, Any]:
    return {unicodedata.normalize("NFKC", word).lower(): code for word, code in table.items()}


RATING_WORDS = _words(
    {
        **{label: code for code, label in RATING.labels.items()},
        "非常满意": "satisfied",
        "很满意": "satisfied",
        "十分满意": "satisfied",
        "是": "satisfied",
        "比较满意": "basically",
        "较满意": "basically",
        "一般": "basically",
        "很不满意": "unsatisfied",
        "非常不满意": "unsatisfied",
        "否": "unsatisfied",
    }
)
NO_RATING = frozenset({"未评价", "未回访", "暂未评价", "待评价", "无法联系", "未联系上"})
# Rating words inside longer text (群众满意, 不满意，仍在滴水), longest first so that 不满意 is
# not read as 满意.
_RATING_IN_TEXT = re.compile(
    "|".join(
        sorted(
            [
                "非常不满意",
                "很不满意",
                "不太满意",
                "不满意",
                "基本满意",
                "比较满意",
                "较满意",
                "非常满意",
                "很满意",
                "十分满意",
                "群众满意",
                "居民满意",
                "满意",
                "一般",
            ],
            key=len,
            reverse=True,
        )
    )
)
_RATING_IN_TEXT_CODE = {"不太满意": "unsatisfied", "群众满意": "satisfied", "居民满意": "satisfied"}
_REPLY_IN_TEXT = re.compile("已答复|已回复|已反馈|已告知|已电话回复|已回电")
_PUNCTUATION = " ，,。.;；、:：()（）"


def read_rating(value: str) -> tuple[str | None, str | None, bool]:
    """A rating cell read as a clerk reads it: (rating, the rest as a note, replied).

    满意 / 群众满意 → satisfied; 不满意，仍在滴水 → unsatisfied with the note 仍在滴水;
    已答复，待回访 → no rating, but the resident was told; 未回访 → nothing. Text with
    no rating and no reply word raises :class:`Bad`.
    """
    key = unicodedata.normalize("NFKC", value).replace(" ", "").lower()
    exact = RATING_WORDS.get(key)
    if exact is not None:
        return exact, None, False
    if key in NO_RATING:
        return None, None, False
    found = _RATING_IN_TEXT.search(key)
    if found is not None:
        word_found = found.group(0)
        code = _RATING_IN_TEXT_CODE.get(word_found) or RATING_WORDS[word_found]
        rest = (key[: found.start()] + " " + key[found.end() :]).strip(_PUNCTUATION)
        return code, rest or None, bool(_REPLY_IN_TEXT.search(key))
    if _REPLY_IN_TEXT.search(key):
        return None, None, True
    if any(word in key for word in NO_RATING) or "待回访" in key:
        return None, None, False
    raise Bad(
        f"无法识别的评价“{value}”，可填：{RATING.describe()}（可带说明，如“不满意，仍在滴水”）"
    )


SOURCE_WORDS = _words(
    {
        **{label: code for code, label in SOURCE.labels.items()},
        **SOURCE.aliases,
        "楼长夜话": "night_talk",
        "夜话会": "night_talk",
        "说事会": "shuoshi",
        "拉呱说事会": "shuoshi",
        "入户走访": "visit",
        "上门走访": "visit",
        "网格员走访": "visit",
        "来访": "visit",
        "上门": "visit",
        "电话": "other",
        "来电": "other",
        "12345": "other",
        "12345热线": "other",
        "热线": "other",
        "市民热线": "other",
        "网络": "other",
        "微信": "other",
        "信访": "other",
    }
)
SCALE_WORDS = _words(
    {**{label: code for code, label in SCALE.labels.items()}, "一般": "small", "重大": "big"}
)
CHANNEL_WORDS = _words(
    {
        **{label: code for code, label in CHANNEL.labels.items()},
        **CHANNEL.aliases,
        "上门": "in_person",
        "入户": "in_person",
        "现场": "in_person",
        "电话回复": "phone",
        "微信群": "wechat",
        "夜话通报": "meeting",
        "说事通报": "meeting",
    }
)
UNIT_KIND_WORDS = _words(
    {
        **{label: code for code, label in UNIT_KIND.labels.items()},
        **UNIT_KIND.aliases,
        "政府部门": "department",
        "单位": "department",
        "居委会": "community",
        "村委会": "community",
        "网格": "community",
        "物业公司": "property",
        "志愿服务队": "volunteer",
        "网格员": "person",
        "党员": "person",
    }
)


def word(table: dict[str, Any], value: str, what: str, choices: str) -> Any:
    """Look ``value`` up in one of the tables above, or say what was expected."""
    key = unicodedata.normalize("NFKC", value).replace(" ", "").lower()
    found = table.get(key)
    if found is None:
        # Codes are accepted too (satisfied, night_talk …).
        for code in table.values():
            if isinstance(code, str) and key == code:
                return code
        raise Bad(f"无法识别的{what}“{value}”，可填：{choices}")
    return found


def guess_unit_kind(name: str) -> str:
    """A unit's kind from its name, for units a sheet names that the ledger does not know."""
    if "物业" in name:
        return "property"
    if any(w in name for w in ("志愿", "维修队", "服务队", "宣讲队")):
        return "volunteer"
    if any(w in name for w in ("社区", "居委会", "村委", "网格", "自管")):
        return "community"
    if name.startswith(("楼长", "网格员", "党员")) or (
        re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) and not name.endswith(("局", "办", "所", "站"))
    ):
        return "person"
    return "department"


# --- years for dates written without one ------------------------------------------------
