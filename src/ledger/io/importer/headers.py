"""Column headings as clerks write them, mapped to the ledger's fields — as data.

Each field lists the wordings found in real 台账 (问题描述 / 反映问题 / 诉求内容 …). A heading
is compared after normalising (full-width → half-width, spaces, ``*`` marks and a trailing
colon removed, a parenthesised note like “联系电话（手机）” dropped); failing an exact match,
a short heading that contains a known wording is taken by the longest wording it contains
(“反映人联系电话” → 联系电话). ``--map 列名=字段`` overrides or completes the table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ledger.domain.errors import LedgerError
from ledger.domain.labels import AREA_LEVEL, FIELD, IMPORT_FIELD

IGNORE = "ignore"  # a column mapped here is read by nobody
CONTAINS_MAX = 12  # longer cells are titles or data, never headings


@dataclass(frozen=True)
class Field:
    """A field a column can feed: its code (for --map), its label and the headings meaning it."""

    code: str
    label: str
    synonyms: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # other names --map accepts


def _field(code: str, label: str, words: str, aliases: str = "") -> Field:
    return Field(code, label, tuple(words.split()), tuple(aliases.split()))


# field → (the headings meaning it, other names --map accepts); labels from domain.labels
_ITEM_WORDS: dict[str, tuple[str, str]] = {
    "title": (
        "问题描述 反映问题 诉求内容 问题内容 反映内容 诉求事项 群众诉求 居民诉求 具体问题 主要问题 问题及诉求 诉求 问题 事项 事由 问题简述 来电内容 工单内容 "
        "内容 反映事项",
        "",
    ),
    "reporter": (
        "反映人 群众姓名 居民姓名 反映群众 诉求人 来电人 姓名 反映人姓名 当事人 提出人",
        "by",
    ),
    "phone": ("联系电话 电话 手机 手机号 手机号码 联系方式 电话号码 反映人电话 来电号码", ""),
    "community": ("社区 所属社区 社区名称 村居 村社区 社区村 所在社区", ""),
    "compound": ("小区 所在小区 小区名称 小区片区 片区", ""),
    "building": ("楼栋 楼号 楼座 楼栋号 所在楼栋", ""),
    "unit": (
        "责任单位 承办单位 办理单位 责任部门 承办部门 交办单位 处置单位 责任主体 牵头单位 承办人 责任人",
        "",
    ),
    "category": ("类别 问题类别 问题类型 诉求类别 诉求类型 问题分类 分类 类型", ""),
    "source": ("来源 问题来源 诉求来源 反映渠道 渠道 来源渠道 受理渠道", ""),
    "scale": ("规模 大事小事 大小事 事项规模 小事大事", ""),
    "status": ("状态 办理状态 处理状态 办结状态 是否办结 当前状态 进展状态", ""),
    "raised_on": (
        "反映时间 登记日期 反映日期 登记时间 受理时间 受理日期 提出时间 提出日期 来电时间 日期 时间 收集时间",
        "raised date",
    ),
    "assigned_on": ("交办日期 交办时间 派单时间 派单日期 转办日期 转办时间 分办日期", "assigned"),
    "due_on": ("办结时限 办理时限 时限 完成时限 办理期限 承诺时限 限办日期", "due"),
    "resolved_on": (
        "办结日期 办结时间 完成时间 完成日期 解决时间 处理时间 办理完成时间",
        "resolved",
    ),
    "result": (
        "办理情况 办理结果 处理结果 处理情况 解决情况 落实情况 办理进展 整改情况 办理结果及进展 处置情况",
        "",
    ),
    "replied_on": (
        "答复日期 回复日期 回复时间 答复时间 反馈时间 反馈日期 回访时间 回访日期",
        "replied",
    ),
    "reply_text": ("答复内容 回复内容 答复情况 回复情况 反馈情况 答复 回复 反馈 反馈内容", "reply"),
    "reply_channel": ("答复方式 回复方式 反馈方式", "channel"),
    "rating": ("满意度 评价 群众评价 满意度评价 评价结果 是否满意 群众满意度 回访评价 测评", ""),
    "rated_on": ("评价日期 评价时间 测评时间", "rated"),
    "note": ("备注 说明", ""),
    "number": ("序号 编号 序 no 序列号", ""),
}
ITEM_FIELDS: tuple[Field, ...] = tuple(
    _field(code, IMPORT_FIELD.get(code) or FIELD[code], words, aliases)
    for code, (words, aliases) in _ITEM_WORDS.items()
)

_AREA_WORDS = {
    "county": "区县 县市区 县区 区 县 区县名称 县市 所属区县",
    "subdistrict": "街道 镇街 街道镇 乡镇街道 乡镇 镇 街道名称 所属街道 街镇",
    "community": "社区 村居 社区村 村社区 村 社区名称 居委会 所属社区",
    "compound": "小区 小区名称 网格小区 小区片区",
    "building": "楼栋 楼号 楼座 楼栋号 楼",
}
AREA_FIELDS: tuple[Field, ...] = (
    *(_field(code, AREA_LEVEL.label(code), words) for code, words in _AREA_WORDS.items()),
    _field("number", IMPORT_FIELD["number"], "序号 编号 序 no"),
    _field("note", IMPORT_FIELD["note"], "备注 说明"),
)

UNIT_FIELDS: tuple[Field, ...] = (
    _field(
        "name",
        IMPORT_FIELD["unit_name"],
        "单位名称 承办单位 责任单位 单位 名称 部门 部门名称 责任人 单位或个人 承办单位名称 "
        "单位部门",
    ),
    _field("kind", IMPORT_FIELD["unit_kind"], "类型 单位类型 性质 单位性质 类别"),
    _field("phone", FIELD["phone"], "联系电话 电话 手机 办公电话 联系方式 手机号"),
    _field("contact", IMPORT_FIELD["contact"], "联系人 负责人 联络员"),
    _field("area", IMPORT_FIELD["area"], "所属区划 区划 所属区域 区域 服务范围 所属"),
    _field("county", AREA_LEVEL.label("county"), "区县 县市区 所属区县"),
    _field("subdistrict", AREA_LEVEL.label("subdistrict"), "街道 所属街道 镇街 乡镇"),
    _field("community", AREA_LEVEL.label("community"), "社区 所属社区 村居"),
    _field("number", IMPORT_FIELD["number"], "序号 编号 序 no"),
    _field("note", IMPORT_FIELD["note"], "备注 说明"),
)

# Fields that may come from more than one column without a clash.
REPEATABLE = {"number", "note", IGNORE}

_PARENTHESES = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_DROP = re.compile(r"[\s*※:：#]")


def normalise(text: object) -> str:
    """A heading as compared: half-width, lower case, without spaces, marks or notes."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    value = _DROP.sub("", value).lower()
    stripped = _PARENTHESES.sub("", value)
    return stripped or re.sub(r"[()\[\]【】]", "", value)


class Vocabulary:
    """One kind's fields, indexed for matching headings and --map targets."""

    def __init__(self, fields: tuple[Field, ...]) -> None:
        self.fields = {f.code: f for f in fields}
        self._exact: dict[str, str] = {}
        for f in fields:
            for word in f.synonyms:
                self._exact.setdefault(normalise(word), f.code)
        # Longest first, so that 办结日期 wins over 日期 inside “实际办结日期”.
        self._by_length = sorted(
            ((w, c) for w, c in self._exact.items() if len(w) >= 2), key=lambda p: -len(p[0])
        )

    def match(self, heading: object, *, exact_only: bool = False) -> str | None:
        """The field a heading means, or None."""
        key = normalise(heading)
        if not key:
            return None
        found = self._exact.get(key)
        if found or exact_only or len(key) > CONTAINS_MAX or not isinstance(heading, str):
            return found
        for word, code in self._by_length:
            if word in key:
                return code
        return None

    def label(self, code: str) -> str:
        return self.fields[code].label if code in self.fields else IMPORT_FIELD.get(code, code)

    def target(self, text: str) -> str:
        """The field named on the right of --map: a code, an alias, a label or a heading."""
        value = text.strip()
        lowered = value.lower()
        if lowered in (IGNORE, "-", "忽略", "不导入"):
            return IGNORE
        for f in self.fields.values():
            if lowered == f.code or lowered in f.aliases or value == f.label:
                return f.code
        found = self.match(value, exact_only=True)
        if found:
            return found
        choices = "、".join(f"{f.code}（{f.label}）" for f in self.fields.values())
        raise LedgerError(f"--map 的字段“{value}”无法识别，可用：{choices}、ignore（不导入）")


ITEMS = Vocabulary(ITEM_FIELDS)
AREAS = Vocabulary(AREA_FIELDS)
UNITS = Vocabulary(UNIT_FIELDS)


def parse_overrides(pairs: list[str] | None, vocabulary: Vocabulary) -> dict[str, str]:
    """``--map 列名=字段`` options → {normalised heading: field code}."""
    overrides: dict[str, str] = {}
    for pair in pairs or []:
        text = unicodedata.normalize("NFKC", pair)
        heading, sep, target = text.partition("=")
        if not sep or not heading.strip() or not target.strip():
            raise LedgerError(f"--map 应写成 列名=字段，例如 --map 反映问题=title，收到“{pair}”")
        overrides[normalise(heading)] = vocabulary.target(target)
    return overrides
