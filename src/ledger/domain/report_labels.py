"""The labels of the monthly workbook and ``ledger stats`` (docs/figures.md): sheet names,
column titles, column groups and report texts."""

from __future__ import annotations

from ledger.domain.labels import FIELD

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
