"""Every user-facing label in one place: codes ↔ Chinese, column titles, choice lists.

Codes are what the ledger stores and what ``--json`` prints; labels are what clerks and
superiors read. Every choice accepts its code, its label and a few everyday aliases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.errors import LedgerError


@dataclass(frozen=True)
class Choice:
    """A closed list of values, each with a code and a Chinese label."""

    what: str
    labels: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)

    def parse(self, text: str) -> str:
        """Return the code for a code, a label or an alias; refuse anything else."""
        value = text.strip()
        if value in self.labels:
            return value
        lowered = value.lower()
        for code, label in self.labels.items():
            if value == label or lowered == code.lower():
                return code
        if value in self.aliases:
            return self.aliases[value]
        raise LedgerError(f"未知的{self.what}“{value}”，可选：{self.describe()}")

    def label(self, code: str | None) -> str:
        """The Chinese label of a code (the code itself when unknown, '' for None)."""
        if code is None:
            return ""
        return self.labels.get(code, code)

    def describe(self) -> str:
        """All choices as 'label(code)' for help and error texts."""
        return "、".join(f"{label}({code})" for code, label in self.labels.items())

    @property
    def codes(self) -> list[str]:
        return list(self.labels)


SOURCE = Choice(
    "来源",
    {"night_talk": "每周夜话", "shuoshi": "拉呱说事", "visit": "走访", "other": "其他"},
    {"夜话": "night_talk", "说事": "shuoshi", "拉呱": "shuoshi"},
)
SOURCE_SHORT = {"night_talk": "夜话", "shuoshi": "说事", "visit": "走访", "other": "其他"}

MEETING_KIND = Choice(
    "会议类型",
    {"night_talk": "每周夜话", "shuoshi": "拉呱说事"},
    {"夜话": "night_talk", "说事": "shuoshi", "拉呱": "shuoshi"},
)

STATUS = Choice(
    "状态",
    {
        "raised": "待分办",
        "assigned": "办理中",
        "resolved": "已办结",
        "declined": "不予办理",
        "replied": "已回复",
        "closed": "已归档",
    },
    {"办结": "resolved", "办理": "assigned", "回复": "replied", "归档": "closed", "分办": "raised"},
)

SCALE = Choice("规模", {"small": "小事", "big": "大事"})

UNIT_KIND = Choice(
    "单位类型",
    {
        "department": "职能部门",
        "community": "社区",
        "property": "物业",
        "volunteer": "志愿队",
        "person": "个人",
    },
    {"部门": "department", "志愿者": "volunteer", "楼长": "person"},
)

RATING = Choice(
    "评价",
    {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"},
)
SATISFIED_RATINGS = ("satisfied", "basically")

CHANNEL = Choice(
    "答复方式",
    {"in_person": "当面", "phone": "电话", "wechat": "微信", "meeting": "会议通报"},
    {"面谈": "in_person", "会议": "meeting", "短信": "phone"},
)

AREA_LEVEL = Choice(
    "区划层级",
    {
        "county": "区县",
        "subdistrict": "街道",
        "community": "社区",
        "compound": "小区",
        "building": "楼栋",
    },
)
AREA_LEVELS = AREA_LEVEL.codes

# Built-in categories: (code, label). Clerks may add their own (code = label).
DEFAULT_CATEGORIES = [
    ("infrastructure", "基础设施"),
    ("sanitation", "环境卫生"),
    ("property", "物业管理"),
    ("greening", "绿化"),
    ("parking", "停车"),
    ("dispute", "邻里纠纷"),
    ("hazard", "安全隐患"),
    ("security", "治安"),
    ("policy", "政策咨询"),
    ("proxy", "为民代办"),
    ("other", "其他"),
]

ACTION = {
    "add": "登记",
    "assign": "交办",
    "progress": "进展",
    "extend": "延期",
    "escalate": "升级",
    "resolve": "办结",
    "decline": "不予办理",
    "reply": "答复",
    "rate": "评价",
    "reopen": "重办",
    "close": "归档",
    "edit": "更正",
    "remind": "催办",
}

# Overdue levels (DESIGN.md §4).
LEVEL = {"warning": "预警", "overdue": "超期", "severe": "严重超期"}

# Item fields as clerks read them (show, edit messages, reports).
FIELD = {
    "number": "编号",
    "uid": "唯一编号",
    "title": "问题描述",
    "status": "状态",
    "source": "来源",
    "category": "类别",
    "scale": "规模",
    "community": "社区",
    "place": "小区/楼栋",
    "meeting": "会议",
    "reporter": "反映人",
    "phone": "联系电话",
    "unit": "承办单位",
    "raised_on": "反映日期",
    "assigned_on": "交办日期",
    "due_on": "办理时限",
    "resolved_on": "办结日期",
    "result": "办理结果",
    "replied_on": "答复日期",
    "reply_channel": "答复方式",
    "reply_text": "答复内容",
    "rating": "评价",
    "closed_on": "归档日期",
    "reopen_count": "重办次数",
    "extend_count": "延期次数",
    "percent": "进度",
    "remind_count": "催办次数",
    "last_progress": "最新进展",
}

SETTING = {
    "small_days": "小事办理时限（工作日）",
    "big_days": "大事办理时限（工作日）",
    "weight_reply": "排名权重：回复率",
    "weight_resolve": "排名权重：办结率",
    "weight_satisfaction": "排名权重：满意率",
    "rank_min_items": "参与排名的最少受理数",
    "reporting_unit": "填报单位",
}
