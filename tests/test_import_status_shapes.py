"""``status.plan`` works out each row shape once (what decides the steps) and then only
checks and places each row's dates: it must say, row for row, what ``status.decide`` says
of that row alone — the plan, or the same refusal."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.io.importer import status

WORDS = ["待分办", "办理中", "已办结", "不予办理", "已回复", "已归档", "满意", "不满意", "结案"]
RESULTS = [
    None,
    "已办结",
    "办结",
    "正在协调，已进场",
    "修好了",
    "不予办理",
    "（原台账未填写办理结果）",
]

ROWS = st.lists(
    st.tuples(
        st.sampled_from([None, *WORDS, "看不懂"]),
        st.sampled_from([None, "satisfied", "basically", "unsatisfied"]),
        st.booleans(),
        st.sampled_from([None, 3, "新单位"]),
        st.sampled_from(RESULTS),
        st.sampled_from([None, "已电话告知"]),
        st.lists(st.none() | st.integers(-3, 9), min_size=4, max_size=4),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, columns=st.sets(st.integers(1, 4)))
def test_a_plan_by_shape_is_the_plan_of_the_row_alone(rows: list, columns: set[int]) -> None:
    raised = date(2026, 3, 2)
    for word, rating, told, unit, result, reply, offsets in rows:
        column = status.read(word, whole=True) if word else None
        dates = [
            (
                stage,
                status.STAGE_DATES[stage],
                None if offset is None else raised + timedelta(offset),
            )
            for stage, offset in zip((1, 2, 3, 4), offsets, strict=True)
            if stage in columns  # the dated columns the sheet has
        ]
        cells = {
            "column": column, "column_text": word, "rating": rating, "told": told,
            "unit": unit, "result": result, "reply_text": reply, "raised": raised,
            "dates": dates,
        }  # fmt: skip
        assert status.plan(**cells) == status.decide(**cells)
        assert status.plan(**cells) == status.decide(**cells)  # the second time by its shape
