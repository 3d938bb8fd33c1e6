"""Every user-facing label in one place (with :mod:`ledger.domain.report_labels` for the
workbooks): codes ↔ Chinese, column titles, choice lists.

Codes are what the ledger stores and what ``--json`` prints; labels are what clerks and
superiors read. Every choice accepts its code, its label and a few everyday aliases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.domain.errors import LedgerError


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
        "voided": "已作废",
    },
    {
        "办结": "resolved",
        "办理": "assigned",
        "回复": "replied",
        "归档": "closed",
        "分办": "raised",
        "作废": "voided",
    },
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

# Each channel is stored as itself: a 短信 is not a 电话 (说事必回 offices answer all of these).
CHANNEL = Choice(
    "答复方式",
    {
        "in_person": "当面",
        "phone": "电话",
        "sms": "短信",
        "wechat": "微信",
        "home_visit": "上门",
        "letter": "书面",
        "meeting": "会议通报",
        "notice_board": "公示栏",
    },
    {
        "面谈": "in_person",
        "当面答复": "in_person",
        "电话答复": "phone",
        "入户": "home_visit",
        "上门/入户": "home_visit",
        "走访": "home_visit",
        "书面答复": "letter",
        "信函": "letter",
        "会议": "meeting",
        "微信群": "wechat",
        "公开栏": "notice_board",
        "公告栏": "notice_board",
    },
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
    "void": "作废",
    "link": "关联重复反映",
    "unlink": "取消重复关联",
    "undo": "撤销",
    "redo": "恢复",
}

# Scoring profiles (考核口径), chosen with ``ledger config score_profile …`` (views.ranking.PROFILES).
SCORE_PROFILE = Choice(
    "考核口径",
    {"standard": "标准", "12345": "12345热线"},
    {"标准口径": "standard", "12345": "12345", "热线": "12345", "hotline": "12345"},
)

# Overdue levels (docs/domain.md, "Deadlines").
LEVEL = {"warning": "预警", "overdue": "超期", "severe": "严重超期"}

# Cards before and after the deadline (docs/domain.md, deadlines.card).
CARD = Choice("督办牌", {"yellow": "黄牌", "red": "红牌"}, {"黄": "yellow", "红": "red"})

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
    "repeat_of": "重复反映（原问题）",
}

SETTING = {
    "small_days": "小事办理时限（工作日）",
    "big_days": "大事办理时限（工作日）",
    "severe_days": "严重超期：超期达到的工作日数（含本数）",
    "weight_reply": "排名权重：回复率",
    "weight_resolve": "排名权重：办结率",
    "weight_satisfaction": "排名权重：满意率",
    "score_profile": "考核口径（standard 标准 / 12345 热线）",
    "weight_response": "12345口径权重：响应率",
    "weight_solve": "12345口径权重：解决率",
    "weight_hotline_satisfaction": "12345口径权重：满意率",
    "rank_min_items": "参与排名的最少受理数",
    "board_size": "红榜、黑榜各列几名",
    "period_start_day": "统计月份起始日（1 自然月 / 19 上月19日至本月18日）",
    "reporting_unit": "填报单位",
    "list_limit": "ledger list 默认显示条数（0 为全部）",
    "repeat_days": "重复反映：与多少天内的问题比对（天）",
}


# --- export, backup, check, merge (ledger export / backup / check / merge) ---------------

EXPORT_FORMAT = Choice(
    "导出格式",
    {"json": "JSON", "csv": "CSV", "xlsx": "Excel"},
    {"excel": "xlsx", "表格": "xlsx", "EXCEL": "xlsx", "XLSX": "xlsx"},
)

# Tables as they are named in exports (sheet names, CSV file names) and reports.
TABLE = {
    "settings": "设置",
    "categories": "问题类别",
    "areas": "区划",
    "units": "承办单位",
    "meetings": "会议",
    "items": "问题",
    "events": "办理记录",
    "import_keys": "导入记录",
}

# Column headers of the raw tables in CSV/Excel exports (a column without one keeps its code).
COLUMN = {
    "id": "内部ID",
    "uid": "唯一编号",
    "parent_id": "上级区划ID",
    "level": "层级",
    "name": "名称",
    "path": "完整路径",
    "created_at": "创建时间",
    "kind": "类型",
    "phone": "电话",
    "contact": "联系人",
    "area_id": "区划ID",
    "number": "编号",
    "held_on": "会议日期",
    "community_id": "社区ID",
    "place_id": "小区/楼栋ID",
    "meeting_id": "会议ID",
    "unit_id": "承办单位ID",
    "item_id": "问题ID",
    "host": "主持人",
    "attendees": "参与人次",
    "note": "备注",
    "actor": "记录人",
    "action": "动作",
    "at": "发生时间",
    "recorded_at": "记录时间",
    "changes": "变更内容",
    "key": "设置项",
    "value": "值",
    "code": "代码",
    "label": "名称",
    "builtin": "内置",
    "position": "顺序",
    "last_event_at": "最后办理时间",
    "origin": "来源记录",
    "origin_number": "原编号",
    "origin_ledger": "原台账",
    **{key: value for key, value in FIELD.items() if key not in ("community", "place", "unit")},
    # table.column: where a column name means something else in that table
    "import_keys.key": "行内容指纹",
    "import_keys.source": "来源位置",
    "import_keys.imported_at": "导入时间",
}

# What ``ledger check`` verifies, in the order it reports.
CHECK = {
    "integrity": "文件完整性（integrity_check）",
    "foreign_keys": "关联完整性（foreign_key_check）",
    "numbers": "编号唯一",
    "state": "问题当前状态与办理记录一致",
    "last_event": "最后办理时间与办理记录一致",
    "search": "全文检索索引与问题内容一致",
    "registry": "区划、单位、会议与修改记录一致",
}
# What a clerk can do about a problem a check found, shown on its own line below it (a
# command is never cut at a space on a narrow screen).
CHECK_HINT = {"search": "可用 ledger check --repair 重建索引"}


# --- IMPORT: ``ledger import`` of existing spreadsheets ----------------------------------

# Field labels the import needs beyond FIELD (items), AREA_LEVEL (areas) and UNIT_KIND.
IMPORT_FIELD = {
    "compound": "小区",
    "building": "楼栋",
    "rated_on": "评价日期",
    "note": "备注",
    "number": "序号",
    "unit_name": "单位名称",
    "unit_kind": "单位类型",
    "contact": "联系人",
    "area": "所属区划",
    "county": "区县",
    "subdistrict": "街道",
    "ignore": "不导入",
}
IMPORT_KIND = {"items": "问题", "areas": "区划", "units": "承办单位"}
# How an imported row's status was decided (importer/status.py), in the import summary.
IMPORT_RULE = {
    "status_column": "按状态列",
    "result_word": "按办理情况中的状态词",
    "result_evidence": "办理结果，且有办结日期、答复或评价 → 已办结",
    "result_open": "办理情况无状态词，也无办结日期、答复、评价 → 未办结，记为进展",
    "dates": "按办结日期、答复日期或评价",
    "unit": "只填了承办单位 → 办理中",
    "nothing": "没有办理情况 → 待分办",
    "reopen": "评价不满意且未写明归档 → 退回重办",
}

# Registry history (ledger unit/area/meeting show): what was changed, and the fields.
REGISTRY_ACTION = {"rename": "更名", "edit": "修改"}
REGISTRY_FIELD = {
    "name": "名称",
    "kind": "类型",
    "phone": "电话",
    "contact": "联系人",
    "held_on": "日期",
    "place_id": "小区",
    "host": "主持人",
    "attendees": "参与人次",
    "note": "记录",
}
