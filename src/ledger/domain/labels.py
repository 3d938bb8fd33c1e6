"""Every user-facing label in one place: codes ↔ Chinese, column titles, choice lists.

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

# Scoring profiles (考核口径), chosen with ``ledger config score_profile …`` (metrics.PROFILES).
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


# --- REPORT: the monthly workbook and ``ledger stats`` (docs/figures.md) -------------------

# Sheet names (≤ 31 characters, no []:*?/\).
REPORT_SHEET = {
    "summary": "汇总",
    "summary_more": "结转与会议",
    "detail": "问题台账（登记与交办）",
    "detail_handling": "问题台账（办理与回复）",
    "overdue": "超期督办",
    "units": "承办单位",
    "categories": "分类统计",
    "meetings": "会议记录",
    "ranking": "街道排名",
    "chart": "图表",
    "honor": "红黑榜",
    "hot": "热点问题",
    "followup": "上期跟踪",
}

# Column titles, by the key the report rows use.
REPORT_COLUMN = {
    # figures (汇总, 街道排名, stats)
    "community": "社区",
    "subdistrict": "街道",
    "raised": "受理数",
    "src_night_talk": "夜话",
    "src_shuoshi": "说事",
    "src_visit": "走访",
    "src_other": "其他",
    "finished": "办结数",
    "declined": "其中不予办理",
    "finish_rate": "办结率",
    "on_time": "按时办结数",
    "on_time_rate": "按时办结率",
    "replied": "回复数",
    "reply_rate": "回复率",
    "rated": "评价数",
    "satisfied": "满意数",
    "unsatisfied": "不满意数",
    "satisfaction_rate": "满意率",
    "overdue": "超期未办结",
    "repeats": "重复反映",
    "repeat_rate": "重复率",
    "carried": "结转",
    "carried_finished": "结转办结",
    "carried_overdue": "结转超期",
    "mt_night_talk": "夜话场次",
    "att_night_talk": "夜话人次",
    "mt_shuoshi": "说事场次",
    "att_shuoshi": "说事人次",
    "meeting_items": "会上提出问题",
    "score": "综合得分",
    "responded": "已响应",
    "response_rate": "响应率",
    "solved": "已解决",
    "solve_rate": "解决率",
    "basically": "基本满意",
    "hotline_satisfaction_rate": "热线满意率",
    "visits": "有效回访",
    "rank": "排名",
    "remark": "备注",
    # detail (问题台账, 超期督办): the item fields under their usual names
    "seq": "序号",
    "meeting_date": "会议日期",
    **{
        key: FIELD[key]
        for key in (
            "number",
            "place",
            "source",
            "raised_on",
            "reporter",
            "phone",
            "title",
            "category",
            "scale",
            "unit",
            "assigned_on",
            "due_on",
            "resolved_on",
            "result",
            "replied_on",
            "reply_channel",
            "rating",
            "status",
        )
    },
    "is_overdue": "是否超期",
    "belongs": "统计归属",
    "repeat_of": "重复反映（原编号）",
    "workdays_overdue": "超期工作日",
    "level": "督办等级",
    "remind_count": "催办次数",
    "last_progress": "最新进展",
    # 承办单位
    "dispatched": "派单数",
    "unit_on_time": "按时办结",
    "unit_late": "超时办结",
    "unit_open": "未办结",
    "close_rate": "结案率",
    "close_on_time_rate": "按时结案率",
    "unsatisfied_rate": "不满意率",
    # 分类统计
    "share": "占比",
    # 会议记录
    "meeting_number": "会议编号",
    "held_on": "会议日期",
    "kind": "类型",
    "host": "主持人",
    "attendees": "参与人次",
    "items": "提出问题",
    "items_finished": "已办结",
    "items_replied": "已回复",
    "note": "会议记录",
    # cards (超期督办, 承办单位)
    "card": "督办牌",
    "yellow_cards": "黄牌",
    "red_cards": "红牌",
    # the county 通报
    "board": "榜单",
    "reasons": "说明（与全县比较）",
    "fully_satisfied": "满意",
    "hot_rank": "位次",
    "previous": "上期受理",
    "change": "增减",
    "change_rate": "环比",
    "top_subdistrict": "反映最多的街道",
    "prev_open": "上期未办结",
    "open_finished": "本期办结",
    "open_still": "仍未办结",
    "open_overdue": "其中超期",
    "prev_unsatisfied": "上期不满意",
    "unsat_refinished": "重办办结",
    "unsat_satisfied": "重办后满意",
    "unsat_still": "仍未办结",
    "still_numbers": "仍未办结的问题（编号 社区）",
}

# Column groups (the upper header row of 汇总).
REPORT_GROUP = {
    "by_source": "受理来源",
    "meetings": "会议",
    "carry": "期初结转",
    "cards": "督办牌（截止时）",
    "prev_open": "上期未办结的问题",
    "prev_unsatisfied": "上期评价不满意的问题",
}

REPORT_TEXT = {
    "total": "合计",
    "no_unit": "（未交办）",
    "self_handled": "（社区自办）",
    "none": "—",  # a rate whose denominator is 0
    "yes": "是",
    "no": "否",
    "open_overdue": "超期未办结",
    "finished_late": "超期办结",
    "raised_here": "本期受理",
    "carried_in": "结转",
    "reopened": "本期重办",
    "month_kind": "问题台账月报",
    "year_kind": "问题台账年报",
    "range_kind": "问题台账报表",
    "summary_kind": "汇总",
    "reporting_unit": "填报单位",
    "period": "统计期间",
    "cutoff": "统计截止",
    "generated": "生成时间",
    "chart_title": "各社区受理与办结",
    "score_chart": "各街道综合得分（排名）",
    "hot_chart": "热点问题：本期与上期受理数",
    "red_board": "红榜",
    "black_board": "黑榜",
    "no_weak_point": "各项比率均不低于全县，得分差距来自其他街道更高",
    "no_strong_point": "各项比率与全县持平",
    "not_ranked": "受理不足{n}件，不参与排名",
    "no_score": "无可计算的比率",
    "score_note": (
        "考核口径：{profile}。综合得分 = {formula}（权重之和折算为 100，可用 ledger config set 修改；"
        "某项比率分母为 0 时不计，其余权重按比例折算）；受理数少于 {n} 件的街道列出但不参与排名。"
    ),
    "profile_standard": (
        "标准口径：回复率 = 回复数 / 受理数；办结率 = 办结数（含不予办理）/ 受理数；"
        "满意率 = （满意 + 基本满意）/ 评价数，按最近一次评价计。"
        "另有 12345 热线口径（ledger config set score_profile 12345）：响应率 10、解决率 50、满意率 40。"
    ),
    "profile_12345": (
        "12345 热线口径：响应率 = 已响应（统计截止时已交办或已办结、不予办理）/ 受理数；"
        "有效回访数 = 统计截止时有评价的问题；解决率 = 有效回访中已办结（不含不予办理）的 / 有效回访数；"
        "满意率 = （满意 + 基本满意×0.9）/ 有效回访数，按最近一次评价计。"
        "另有标准口径（ledger config set score_profile standard）：回复率 30、办结率 35、满意率 35。"
    ),
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
}


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
