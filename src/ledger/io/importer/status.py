"""An imported row's status, read the way the clerk who kept the sheet would read it.

One table of status words and phrases maps to the lifecycle. A 状态 cell is looked up whole
(and failing that, read for the words it contains); a 办理情况 / 办理结果 cell is read for the
words it contains (正在办理，已进场勘查 → 办理中, with the text kept as progress). Text with no
status word is a 办理结果 only when other cells show the item was finished (a 办结日期, a
reply, a rating); otherwise the item is still open and the text is its progress. How each
row's status was decided is one of :data:`RULES`, counted in the import's report.

A 不满意 rating sends the item back for 重办 (the ledger's own rule) unless the row says it
was then filed (已归档, 已结案).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ledger.domain.labels import STATUS
from ledger.io.importer import headers

STAGE = {"raised": 0, "assigned": 1, "resolved": 2, "declined": 2, "replied": 3, "closed": 4}
STAGE_DATES = ("raised_on", "assigned_on", "resolved_on", "replied_on", "rated_on")
STATUS_AT = ("raised", "assigned", "resolved", "replied", "closed")
NO_RESULT = "（原台账未填写办理结果）"
NO_REASON = "（原台账未填写不予办理理由）"
NO_REPLY = "（原台账未填写答复内容）"

# How a row's status was decided (codes; labels.IMPORT_RULE has the Chinese).
RULES = (
    "status_column",  # the 状态 column
    "result_word",  # a status word in the 办理情况 text
    "result_evidence",  # 办理结果 text, and a 办结日期 / reply / rating: 办结
    "result_open",  # 办理情况 text without a status word or proof of 办结: still open
    "dates",  # no status or result text: the dated columns, reply and rating
    "unit",  # only a 承办单位: 办理中
    "nothing",  # nothing but the matter itself: 待分办
    "reopen",  # rated 不满意 and not filed: sent back for 重办
)

# Status words, as clerks write them, by the status they mean. Words of two characters that
# also occur in ordinary sentences (解决, 完成, 回复 …) count only as a whole cell.
_WORDS = {
    "raised": "待分办 待办 未办 未办理 未处理 待处理 已受理 受理 登记 已登记 新登记 待交办 "
    "未交办 未开始 待派单",
    "assigned": "办理中 正在办理 处理中 正在处理 在办 已交办 已转办 交办 转办 跟进中 推进中 "
    "未办结 进行中 办理 待办结 已派单 整改中 协调中 正在协调 暂缓办理 暂缓 维修中 施工中 "
    "未完成 未解决 尚未解决 否",
    "resolved": "已办结 办结 已解决 已处理 已完成 完成 已落实 解决 已整改 办结待回复 已办理 "
    "已修复 处理完毕 办理完毕 已处理完毕 是",
    "declined": "不予办理 不予受理 无法办理 不属实 不予解决 不符合条件 已退回 退回",
    "replied": "已回复 已答复 已反馈 已告知 回复 答复 已回复待评价 待评价",
    "closed": "已归档 归档 已评价 已结案 结案 已关闭 关闭 办结归档 已回访",
}
_RATED = {
    "满意": "satisfied",
    "非常满意": "satisfied",
    "群众满意": "satisfied",
    "基本满意": "basically",
    "不满意": "unsatisfied",
}
_FILED = frozenset({"已归档", "归档", "已结案", "结案", "已关闭", "关闭", "办结归档"})
_SCAN_SHORT = frozenset({"待办", "未办", "在办", "暂缓", "办结", "满意"})
_PUNCTUATION = re.compile(r"[\s，,。.;；、:：!！()（）\[\]【】/-]+")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").lower()


# word → (status, rating)
WORDS: dict[str, tuple[str, str | None]] = {
    **{_key(label): (code, None) for code, label in STATUS.labels.items()},
    **{_key(w): (code, None) for code, words in _WORDS.items() for w in words.split()},
    **{w: ("closed", rating) for w, rating in _RATED.items()},
}
_SCAN = re.compile(
    "|".join(sorted((w for w in WORDS if len(w) >= 3 or w in _SCAN_SHORT), key=len, reverse=True))
)
CHOICES = "待分办、办理中、已办结、不予办理、已回复、已归档、满意 等"


@dataclass(frozen=True, slots=True)
class Reading:
    """What a cell says about the status: the furthest status it names (None: no word)."""

    status: str | None
    rating: str | None = None
    declined: bool = False
    filed: bool = False  # names the filing itself (已归档), not only a rating
    bare: bool = False  # nothing but status words: no result or progress to keep

    @property
    def key(self) -> tuple[str | None, str | None, bool, bool, bool]:
        return (self.status, self.rating, self.declined, self.filed, self.bare)


def read(text: str, *, whole: bool = False) -> Reading:
    """The status words in ``text``. With ``whole`` (a 状态 cell) the cell is first looked up
    as one word, so that short words (是, 办理, 回复) count there and nowhere else."""
    key = _key(text)
    if whole:
        exact = WORDS.get(key)
        if exact is None:  # codes are accepted too (resolved, closed …)
            exact = (key, None) if key in STAGE else None
        if exact is not None:
            return Reading(exact[0], exact[1], exact[0] == "declined", key in _FILED, True)
    found = [m.group(0) for m in _SCAN.finditer(key)]
    if not found:
        return Reading(None)
    meanings = [WORDS[w] for w in found]
    status = max((m[0] for m in meanings), key=lambda s: STAGE[s])
    ratings = [m[1] for m in meanings if m[1]]
    bare = not _PUNCTUATION.sub("", _SCAN.sub("", key))
    return Reading(
        status,
        ratings[-1] if ratings else None,
        any(m[0] == "declined" for m in meanings),
        any(w in _FILED for w in found),
        bare,
    )


@dataclass(slots=True)
class Plan:
    """The steps a row's item went through, from its status and dated columns."""

    stage: int
    status: str
    rule: str
    unit: int | str | None
    assigned: date | None
    progress: str | None
    finish: str | None  # resolve, decline
    finished: date | None
    result: str | None
    replied: date | None
    reply_text: str | None
    end: str | None  # rate, close (with reopen: the rating is 不满意 and the item reopens)
    closed: date | None
    rating: str | None
    reopen: bool
    note: str | None  # 办理情况 of an item nobody handles yet: kept on the registration
    filled: int  # 1 << stage for each step whose date came from a neighbouring step


def plan(
    column: Reading | None,
    column_text: str | None,
    rating: str | None,
    told: bool,
    unit: int | str | None,
    result: str | None,
    reply_text: str | None,
    raised: date,
    dates: list[tuple[int, str, date | None]],
) -> Plan | tuple[str, str]:
    """:func:`decide`, worked out once per row shape: rows alike in what decides the steps
    (the status cell's reading, rating, whether a unit, result and reply are filled, which
    stages are dated) go the same steps, so only their dates are checked and placed."""
    day_of: list[date | None] = [raised, None, None, None, None]
    for stage, _, found in dates:
        day_of[stage] = found
    read_result = column is None or column.status is None  # the result's words count
    key = (
        # the reading's fields (a dataclass's own hash and == are Python calls)
        None if column is None else column.key,
        rating,
        told,
        not unit,
        result if read_result else not result,
        not reply_text,
        day_of[1] is None,
        day_of[2] is None,
        day_of[3] is None,
        day_of[4] is None,
    )
    shape = _SHAPES.get(key)
    if shape is None:
        found = decide(column, column_text, raised, dates, rating, told, unit, result, reply_text)
        if type(found) is Plan and len(_SHAPES) < 10_000:  # refusals are worked out each time
            _SHAPES[key] = _Shape(found, day_of, unit, result, read_result)
        return found
    for before, after in shape.in_order:
        if day_of[after] < day_of[before]:  # type: ignore[operator]
            return decide(
                column, column_text, raised, dates, rating, told, unit, result, reply_text
            )
    kept = None if shape.drop_result else result
    stage = shape.stage
    source = shape.source
    return Plan(
        stage=stage,
        status=shape.status,
        rule=shape.rule,
        unit=unit if stage >= 1 else None,
        assigned=day_of[source[1]] if source[1] >= 0 else None,
        progress=kept if stage == 1 else None,
        finish=shape.finish,
        finished=day_of[source[2]] if source[2] >= 0 else None,
        result=(kept or shape.no_result) if stage >= 2 else None,
        replied=day_of[source[3]] if source[3] >= 0 else None,
        reply_text=(reply_text or NO_REPLY) if stage >= 3 else None,
        end=shape.end,
        closed=day_of[source[4]] if source[4] >= 0 else None,
        rating=shape.rating,
        reopen=shape.reopen,
        note=result if stage == 0 else None,
        filled=shape.filled,
    )


class _Shape:
    """What :func:`decide` made of one row, as it applies to every row of its shape."""

    __slots__ = (
        "drop_result",
        "end",
        "filled",
        "finish",
        "in_order",
        "no_result",
        "rating",
        "reopen",
        "rule",
        "source",
        "stage",
        "status",
    )

    def __init__(
        self,
        plan: Plan,
        day_of: list[date | None],
        unit: int | str | None,
        result: str | None,
        read_result: bool,
    ) -> None:
        stage = plan.stage
        self.stage, self.status, self.rule = stage, plan.status, plan.rule
        self.finish, self.end, self.rating = plan.finish, plan.end, plan.rating
        self.reopen, self.filled = plan.reopen, plan.filled
        self.no_result = NO_REASON if plan.finish == "decline" else NO_RESULT
        # A result text of nothing but status words (办结) is not kept: decided from the words,
        # so the shape holds the text itself (rows of another text are another shape).
        kept = plan.progress if stage == 1 else plan.result if stage >= 2 else result
        self.drop_result = read_result and kept != result
        steps = [0, *([1] if unit and stage >= 1 else []), *(s for s in (2, 3, 4) if s <= stage)]
        dated = [s for s in steps if day_of[s] is not None]
        self.in_order = list(itertools.pairwise(dated))  # each no earlier
        # The step each date comes from: its own, else the next dated one, else the one before.
        source = [-1] * 5
        for s in steps:
            later = [t for t in dated if t > s] if s > 1 else []
            source[s] = (
                s if s in dated else later[0] if later else source[steps[steps.index(s) - 1]]
            )
        self.source = source


_SHAPES: dict[tuple[object, ...], _Shape] = {}


def decide(
    column: Reading | None,
    column_text: str | None,
    raised: date,
    dates: list[tuple[int, str, date | None]],
    rating: str | None,
    told: bool,
    unit: int | str | None,
    result: str | None,
    reply_text: str | None,
) -> Plan | tuple[str, str]:
    """Which steps the item went through and on which dates; or the (field, message) saying
    why the row contradicts itself.

    The status column says how far it got; failing it, the status words of the 办理情况;
    dates, a reply and a rating are evidence too (a sheet whose status stays “已办结” after
    the resident rated it: the rating wins). An open status contradicted by a 办结日期 or a
    rating is reported, not guessed. 交办 without a date happened on the day raised; a later
    step without its date takes the next later date the row has, else the previous one.
    ``told``: the rating cell says the resident was answered (已答复，待回访).
    """
    label = headers.ITEMS.label
    known: dict[int, date] = {0: raised}
    evidence, evidence_field = 0, ""
    for stage, code, found in dates:
        if found is not None:
            known[stage] = found
            if stage > evidence:
                evidence, evidence_field = stage, code
    if rating and evidence < 4:
        evidence, evidence_field = 4, "rating"
    if (reply_text or told) and evidence < 3:
        evidence, evidence_field = 3, "reply_text" if reply_text else "rating"
    words = read(result) if result and (column is None or column.status is None) else None
    written = result  # as the sheet has it, for the note of an item still 待分办
    declined = filed = False
    if column is not None and column.status is not None:
        rule = "status_column"
        stage = STAGE[column.status]
        if (stage <= 1 and evidence >= 2) or (stage == 0 and (evidence >= 1 or unit)):
            what = label(evidence_field or "unit")
            return ("status", f"状态为“{column_text}”，但已填写了{what}；请核对状态")
        declined, filed = column.declined, column.filed
        rating = rating or column.rating
    elif words is not None and words.status is not None:
        rule = "result_word"
        stage = STAGE[words.status]
        if stage == 1 and not unit:
            stage = 0  # 协调中 with nobody named: still waiting for a 承办单位
        if stage <= 1 and evidence >= 2:
            return (
                "result",
                f"办理情况“{result}”表示尚未办结，但已填写了{label(evidence_field)}；请核对",
            )
        declined, filed = words.declined, words.filed
        rating = rating or words.rating
        if words.bare:
            result = None
        if words.rating and evidence < 4:
            evidence = 4
    elif result:
        rule = "result_evidence" if evidence >= 2 else "result_open"
        stage = 1 if unit else 0
    else:
        rule = "dates" if evidence else ("unit" if unit else "nothing")
        stage = 1 if unit else 0
    stage = max(stage, evidence)
    if stage == 1 and not unit:
        shown = column_text or STATUS.label("assigned")
        return ("unit", f"状态为“{shown}”，但没有填写承办单位")
    note = written if stage == 0 else None
    reopen = stage == 4 and rating == "unsatisfied" and not filed
    if reopen:
        if not unit:
            return (
                "rating",
                "评价为“不满意”，按台账规则应退回重办，但没有填写承办单位；"
                "请填写承办单位，或在状态中写明“已归档”",
            )
        rule = "reopen"
    steps = [0, *([1] if unit and stage >= 1 else []), *(s for s in (2, 3, 4) if s <= stage)]
    previous_stage = 0
    for s in steps[1:]:
        if s in known:
            if known[s] < known[previous_stage]:
                return (
                    STAGE_DATES[s],
                    f"{label(STAGE_DATES[s])} {known[s]} 早于"
                    f"{label(STAGE_DATES[previous_stage])} {known[previous_stage]}",
                )
            previous_stage = s
    when: dict[int, date] = {}
    filled = 0
    for s in steps:
        if s in known:
            when[s] = known[s]
            continue
        later = [known[t] for t in steps if t > s and t in known] if s > 1 else []
        when[s] = min(later) if later else when[max(t for t in when if t < s)]
        filled |= 1 << s
    return Plan(
        stage=stage,
        status="assigned" if reopen else (
            "declined" if declined and stage == 2 else STATUS_AT[stage]
        ),
        rule=rule,
        unit=unit if stage >= 1 else None,
        assigned=when.get(1),
        progress=result if stage == 1 else None,
        finish=("decline" if declined else "resolve") if stage >= 2 else None,
        finished=when.get(2),
        result=(result or (NO_REASON if declined else NO_RESULT)) if stage >= 2 else None,
        replied=when.get(3),
        reply_text=(reply_text or NO_REPLY) if stage >= 3 else None,
        end=("rate" if rating else "close") if stage >= 4 else None,
        closed=when.get(4),
        rating=rating if stage >= 4 else None,
        reopen=reopen,
        note=note,
        filled=filled,
    )  # fmt: skip
