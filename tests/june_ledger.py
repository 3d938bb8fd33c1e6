"""A small ledger for the report tests, built through the core with the clock moved by hand.

June 2026 in 任城区/古槐街道 (communities 铁塔寺社区 and 南池社区). Working days: June 19 is the
端午 holiday, so small items (3 working days) raised on 06-10 are due 06-15 and big ones
(15 working days) raised on 06-01 are due 06-23.

    no.  raised  where    source  category  what happens (dates in 2026)
    1    05-20   铁塔寺   夜话    基础设施  assigned 05-20, due 05-25; resolved 06-03  → 结转, 结转办结
    2    05-28   南池     走访    其他      resolved 05-29, replied 06-02            → not in June at all
    3    05-28   铁塔寺   走访    安全隐患  big, due 06-18, assigned, open all June  → 结转, 结转超期 (7 wd)
    4    06-01   铁塔寺   夜话    基础设施  settled on the spot, replied, 满意      (edited to 环境卫生 07-05)
    5    06-01   铁塔寺   夜话    停车      "=1+1"; late, 不满意 → 重办 (due 06-15), resolved 06-12, 满意
    6    06-01   铁塔寺   夜话    安全隐患  big, due 06-23, open at the cut-off    → 超期 5 wd (resolved 07-10)
    7    06-10   南池     说事    环境卫生  due 06-15; resolution typed on 07-02, dated 06-15 (backdated)
    8    06-10   南池     说事    政策咨询  declined 06-11, replied, closed without a rating
    9    06-22   南池     走访    物业管理  due 06-25, open at the cut-off           → 超期 3 wd (resolved 07-01)
    10   06-29   铁塔寺   走访    基础设施  not assigned, due 07-02                  → open, not overdue
    11   06-24   铁塔寺   其他    绿化      due 06-29, resolved 06-30 (late), replied 07-01
    12   06-02   南池     走访    治安      resolved on time, replied, 不满意 and filed (--close)
    13   06-15   财工街 (济阳街道)          another subdistrict
    14   07-01   铁塔寺   走访    其他      raised after the cut-off (added in the "later" phase)

Meetings: 1 = 夜话 06-01 at 铁塔寺 (23 people), 2 = 说事 06-10 at 南池 (40), 3 = 夜话 05-20 (15).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ledger.casework import actions
from ledger.registry import areas, meetings, units
from ledger.store.ledger_file import Ledger

PHASE_A_NOW = "2026-07-01T09:00:00"  # the June report made on 1 July
PHASE_B_NOW = "2026-07-02T10:00:00"  # the backdated resolution is typed in
LATER_NOW = "2026-11-26T09:00:00"  # months later, after more events


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def build_june(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """Phases A and B: everything up to the backdated resolution of item 7."""
    monkeypatch.setenv("LEDGER_NOW", PHASE_A_NOW)
    for path in (
        "任城区/古槐街道/铁塔寺社区/铁塔寺小区/A8楼",
        "任城区/古槐街道/南池社区",
        "任城区/济阳街道/财工街社区/新兴小区西区",
        "曲阜市/鲁城街道/礼乐社区",
    ):
        areas.add_path(ledger, path)
    units.add(ledger, "住建局", "department", phone="0537-1234567")
    units.add(ledger, "市住建局", "职能部门")
    units.add(ledger, "扈师傅维修队", "志愿队")
    meetings.add(
        ledger, kind="夜话", held_on=date(2026, 6, 1), community="铁塔寺社区",
        compound="铁塔寺小区", host="李建忠", attendees=23, note="楼道、停车",
    )  # fmt: skip
    meetings.add(
        ledger, kind="说事", held_on=date(2026, 6, 10), community="南池社区", attendees=40,
        note="=SUM(A1:A9) 说事必回",
    )  # fmt: skip
    meetings.add(
        ledger, kind="夜话", held_on=date(2026, 5, 20), community="铁塔寺社区", attendees=15
    )

    # 1: carried into June, resolved late in June
    actions.add(ledger, "路灯不亮", meeting=3, category="基础设施")
    actions.assign(ledger, 1, "住建局", at=at("2026-05-20T10:00"))
    actions.resolve(ledger, 1, "已更换", at=at("2026-06-03T16:00"))
    # 2: finished in May: not part of June
    actions.add(ledger, "垃圾桶破损", community="南池社区", raised_on=date(2026, 5, 28))
    actions.resolve(ledger, 2, "已更换", at=at("2026-05-29T10:00"))
    actions.reply(ledger, 2, "已告知", at=at("2026-06-02T10:00"))
    # 3: big, carried in, overdue at the cut-off
    actions.add(
        ledger, "3号楼外墙脱落", community="铁塔寺社区", category="安全隐患", scale="大事",
        raised_on=date(2026, 5, 28),
    )  # fmt: skip
    actions.assign(ledger, 3, "市住建局", at=at("2026-05-28T15:00"))
    # 4: settled on the spot at the 夜话 (小事马上办)
    actions.add(
        ledger, "1号楼楼道灯坏", meeting=1, compound="铁塔寺小区", building="A8楼",
        category="基础设施", reporter="王秀兰", phone="13812345678",
    )  # fmt: skip
    actions.resolve(ledger, 4, "楼长当晚更换灯泡", at=at("2026-06-01T21:30"))
    actions.reply(ledger, 4, "已当面告知", channel="当面", at=at("2026-06-02T09:00"))
    actions.rate(ledger, 4, "满意", at=at("2026-06-03T09:00"))
    # 5: a formula-looking description; late, 不满意 → 重办 → on time → 满意
    actions.add(ledger, "=1+1", meeting=1, category="停车", reporter="李四", phone="13900001111")
    actions.assign(ledger, 5, "扈师傅维修队", at=at("2026-06-02T08:00"))
    actions.resolve(ledger, 5, "已划线", at=at("2026-06-08T10:00"))
    actions.reply(ledger, 5, "已电话告知", at=at("2026-06-09T10:00"))
    actions.rate(ledger, 5, "不满意", at=at("2026-06-10T10:00"))  # new due date 06-15
    actions.resolve(ledger, 5, "重新划线", at=at("2026-06-12T10:00"))
    actions.reply(ledger, 5, "已电话告知", at=at("2026-06-15T10:00"))
    actions.rate(ledger, 5, "满意", at=at("2026-06-16T10:00"))
    # 6: big, open at the cut-off
    actions.add(ledger, "外墙保温层脱落", meeting=1, category="安全隐患", scale="大事")
    actions.assign(ledger, 6, "住建局", at=at("2026-06-02T09:00"))
    # 7: raised at the 说事, its resolution comes later (phase B)
    actions.add(ledger, "小区垃圾清运不及时", meeting=2, category="环境卫生")
    actions.assign(ledger, 7, "扈师傅维修队", at=at("2026-06-10T20:00"))
    # 8: declined, replied, filed without a rating
    actions.add(ledger, "申请增设公交站", meeting=2, category="政策咨询")
    actions.decline(ledger, 8, "不属于社区职责", at=at("2026-06-11T10:00"))
    actions.reply(ledger, 8, "已说明", channel="微信", at=at("2026-06-12T10:00"))
    actions.close(ledger, 8, "居民已搬离", at=at("2026-06-20T10:00"))
    # 9: open and overdue at the cut-off; a landline
    actions.add(
        ledger, "物业费公示", community="南池社区", category="物业管理", reporter="赵六",
        phone="0537-2212345", raised_on=date(2026, 6, 22),
    )  # fmt: skip
    actions.assign(ledger, 9, "住建局", at=at("2026-06-22T10:00"))
    # 10: raised on the 29th, not yet due
    actions.add(
        ledger, "单元门禁损坏", community="铁塔寺社区", category="基础设施",
        raised_on=date(2026, 6, 29),
    )  # fmt: skip
    # 11: source 其他, resolved a day late
    actions.add(
        ledger, "绿地被占", community="铁塔寺社区", source="其他", category="绿化",
        raised_on=date(2026, 6, 24),
    )  # fmt: skip
    actions.assign(ledger, 11, "市住建局", at=at("2026-06-24T10:00"))
    actions.resolve(ledger, 11, "已清理", at=at("2026-06-30T17:00"))
    # 12: resolved on time, 不满意 and filed with the verdict
    actions.add(
        ledger, "夜间噪音", community="南池社区", category="治安", raised_on=date(2026, 6, 2)
    )
    actions.assign(ledger, 12, "住建局", at=at("2026-06-02T10:00"))
    actions.resolve(ledger, 12, "已劝导", at=at("2026-06-04T10:00"))
    actions.reply(ledger, 12, "已电话告知", at=at("2026-06-05T10:00"))
    actions.rate(ledger, 12, "不满意", close=True, at=at("2026-06-08T10:00"))
    # 13: another subdistrict
    actions.add(ledger, "下水道堵塞", community="财工街社区", raised_on=date(2026, 6, 15))
    return ledger


def phase_b(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    """On 2 July the clerk types in item 7's resolution, dated 15 June (its due day)."""
    monkeypatch.setenv("LEDGER_NOW", PHASE_B_NOW)
    actions.resolve(ledger, 7, "已协调环卫加密清运", at=at("2026-06-15T18:00"))
    actions.reply(ledger, 7, "已告知", at=at("2026-07-02T09:00"))


def phase_later(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    """Months later: events after the cut-off that must not change June's figures."""
    monkeypatch.setenv("LEDGER_NOW", LATER_NOW)
    actions.resolve(ledger, 9, "已公示", at=at("2026-07-01T10:00"))
    actions.reply(ledger, 11, "已告知", at=at("2026-07-01T11:00"))
    actions.edit(ledger, 4, category="环境卫生", at=at("2026-07-05T10:00"))
    actions.resolve(ledger, 6, "已修复", at=at("2026-07-10T10:00"))
    actions.assign(ledger, 10, "住建局", at=at("2026-07-01T10:00"))
    actions.resolve(ledger, 3, "已修复", at=at("2026-07-20T10:00"))
    actions.reply(ledger, 3, "已告知", at=at("2026-07-21T10:00"))
    actions.rate(ledger, 3, "不满意", at=at("2026-07-22T10:00"))
    actions.add(ledger, "楼道堆物", community="铁塔寺社区", raised_on=date(2026, 7, 1))
    actions.edit(ledger, 12, community="财工街社区", at=at("2026-08-01T10:00"))  # moved away
