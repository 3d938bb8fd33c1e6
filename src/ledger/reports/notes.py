"""The text around the report's tables: each sheet's note (说明), set above the table, and
the info line under every title (填报单位, period, cut-off, when the book was made)."""

from __future__ import annotations

from datetime import datetime

from ledger.domain.report_labels import REPORT_TEXT
from ledger.store.ledger_file import Ledger
from ledger.views.coverage import Period

SUMMARY_NOTE = (
    "说明：受理数为本期反映的问题，按来源分列；办结含不予办理；按时办结以最近一次办结时有效的办理时限为准"
    "（当天办结算按时）；回复数为统计截止时已答复（含已归档）的问题；满意数含基本满意，按最近一次评价计；"
    "超期未办结为统计截止时未办结且已过办理时限的本期问题；"
    "重复反映为本期受理、截至统计截止时登记为以前某件问题的重复反映（同人或同地、同一件事）的问题，"
    "重复率 = 重复反映 / 受理数；"
    "结转为期初尚未办结的以前问题。所有数字按统计截止时点的办理记录计算，日后补出的报表数字相同；"
    "社区、小区、承办单位的名称和会议信息也按统计截止时的记录显示（此后的更名、更正不改变本表）。"
    "“—”表示分母为 0。"
)
DETAIL_NOTE = (
    "说明：本表列出本期受理的问题和期初结转的问题，内容为统计截止时的状态；联系电话已部分隐去。"
    "“重复反映（原编号）”为该问题重复反映的原问题编号。"
)
DETAIL_NOTE_UNMASKED = (
    "说明：本表列出本期受理的问题和期初结转的问题，内容为统计截止时的状态；本表含完整联系电话，请妥善保管。"
    "“重复反映（原编号）”为该问题重复反映的原问题编号。"
)
SUMMARY_MORE_NOTE = (
    "说明：结转为期初（本期第一天 0 时）尚未办结的以前问题，结转办结为其中到统计截止时已办结的，"
    "结转超期为其中统计截止时仍未办结且已过办理时限的；会议为本期召开的每周夜话、拉呱说事，"
    "会上提出问题为本期会议上登记的问题数。"
)
DETAIL_HANDLING_NOTE = (
    "说明：与“问题台账（登记与交办）”按编号一一对应；内容为统计截止时的状态。"
    "是否超期：超期未办结 = 统计截止时未办结且已过办理时限；超期办结 = 办结晚于当时有效的办理时限。"
)
OVERDUE_NOTE = (
    "说明：统计截止时未办结且已过办理时限的问题（含结转），超期天数按工作日计；"
    "{severe_rule}。督办牌：到期前 1 个工作日起亮黄牌，"
    "超过办理时限后的第 1 个工作日起亮红牌（按法定节假日和调休计算工作日）。"
)
UNITS_NOTE = (
    "说明：本期受理的问题按统计截止时的承办单位统计，社区自行办结或不予办理的计入“社区自办”；"
    "评价数、不满意数按居民评价时承办该问题的单位计；结案率 = (按时办结 + 超时办结) / 派单数；"
    "不满意率 = 不满意数 / 评价数；重复反映为本期受理的重复反映中，原问题在统计截止时由该单位承办的件数，"
    "重复率 = 重复反映 / 派单数（原问题可能早于本期，故可超过 100%）。黄牌、红牌为统计截止时仍未办结的问题所亮的督办牌："
    "到期前 1 个工作日起亮黄牌，超过办理时限后的第 1 个工作日起亮红牌。"
)
HOT_NOTE = (
    "说明：热点问题为本期受理数最多的问题类别（并列时按类别顺序），占比 = 该类受理数 / 全部受理数；"
    "上期为紧接本期之前、同样长度的统计期间；环比 = (本期 − 上期) / 上期，上期为 0 时记“—”。"
)
FOLLOWUP_NOTE = (
    "说明：跟踪上期受理、在上期统计截止时尚未办结或评价为不满意的问题，到本期统计截止时的办理情况。"
    "重办办结 = 不满意后重新办理并已办结；重办后满意 = 重新办理后再次评价为满意或基本满意。"
)
VOIDED_NOTE = "本期登记后作废（误登、重复登记）{count} 件，不计入以上任何数字。"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def info_line(ledger: Ledger, period: Period, unit: str) -> str:
    """填报单位, period, cut-off and when the book was made, for the second row of each sheet."""
    reporting = ledger.setting("reporting_unit") or unit
    running = "" if period.complete else "（本期尚未结束）"
    return (
        f"{REPORT_TEXT['reporting_unit']}：{reporting}　　"
        f"{REPORT_TEXT['period']}：{period.first.isoformat()} 至 {period.last.isoformat()}　　"
        f"{REPORT_TEXT['cutoff']}：{period.cutoff_label}{running}　　"
        f"{REPORT_TEXT['generated']}：{_stamp(ledger.now())}"
    )
