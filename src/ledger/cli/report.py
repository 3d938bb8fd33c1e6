"""``ledger report monthly`` (the Excel 街道月报) and ``ledger stats`` (the same figures here).

Both take their figures from :mod:`ledger.views.figures`; the workbook code (and openpyxl) is only
imported when a workbook is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ledger.cli import figures_view, output
from ledger.cli.context import given, open_for
from ledger.cli.errors import guarded
from ledger.cli.options import DbOption, JsonOption, SubdistrictOption, WideOption
from ledger.domain.errors import LedgerError
from ledger.domain.report_labels import REPORT_COLUMN, REPORT_TEXT
from ledger.store.ledger_file import Ledger

if TYPE_CHECKING:  # the figures are imported by the functions that compute (not at start-up)
    from ledger.views.coverage import Lookups, Period, Scope
    from ledger.views.figures import Figures, Tally
    from ledger.views.ranking import Standing

app = typer.Typer(help="报表：按街道生成 Excel 月报（问题台账月报）。", no_args_is_help=True)
commands = typer.Typer()

MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month",
        help="月份：2026-06、2026年6月、6月、上月、本月（默认：上月）",
        show_default=False,
    ),
]
ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="结束月份：与 --month 连用，统计连续多个月（如 --month 2025-12 --to 2026-11）",
        show_default=False,
    ),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        "--year", help="整年：2026（即 --month 2026-01 --to 2026-12）", show_default=False
    ),
]


def _period(ledger: Ledger, month: str | None, to: str | None, year: str | None) -> Period:
    from ledger.views import coverage

    for option, value in (("--month", month), ("--to", to), ("--year", year)):
        given(value, option)
    return coverage.parse_period(month, to, year, ledger.now(), ledger.setting("period_start_day"))


def _running_notice(period: Period) -> None:
    """Say the figures may still change; only once the input is known good (one error line)."""
    if not period.complete:
        output.notice(
            f"提示：{period.label}尚未结束，数字截至 {period.as_of:%Y-%m-%d %H:%M}，"
            "期满后重新生成为准"
        )


def _scopes(ledger: Ledger, subdistrict: str | None, period: Period) -> list[Scope]:
    from ledger.views import coverage

    chosen = coverage.scopes(ledger, subdistrict, as_of=period.cutoff_at)  # names as then
    if not chosen:
        raise LedgerError(
            "台账中还没有街道；请先用 ledger area add 添加区划，例如 任城区/古槐街道/铁塔寺社区"
        )
    return chosen


def figures_line(name: str, figures: Figures) -> str:
    """One line per subdistrict: the figures a superior looks at first."""
    p = figures_view.percent
    return (
        f"{name}：受理 {figures.raised}，办结 {figures.finished}（{p(figures.finish_rate)}），"
        f"按时办结率 {p(figures.on_time_rate)}，回复率 {p(figures.reply_rate)}，"
        f"满意率 {p(figures.satisfaction_rate)}，超期未办结 {figures.overdue}，"
        f"结转 {figures.carried}（办结 {figures.carried_finished}）"
    )


@app.command(
    "monthly",
    short_help="按街道生成 Excel 月报（每个街道一份，可另加区县排名汇总）。",
    help=(
        "按街道生成 Excel 月报：汇总、问题台账、超期督办、承办单位、分类统计、会议记录。"
        "数字按月末截止时点计算，什么时候生成都一样。默认每个有数据的街道一份；"
        "--summary 另按区县生成街道排名汇总；联系电话默认隐去中间四位。"
    ),
)
@guarded
def monthly_command(
    month: MonthOption = None,
    to: ToOption = None,
    year: YearOption = None,
    subdistrict: SubdistrictOption = None,
    out: Annotated[Path, typer.Option("--out", help="输出文件夹（不存在则创建）")] = Path("."),
    summary: Annotated[
        bool, typer.Option("--summary", help="另生成区县汇总：每个街道一行，按综合得分排名")
    ] = False,
    unmask: Annotated[
        bool, typer.Option("--unmask", help="显示完整联系电话（默认隐去中间四位）")
    ] = False,
    db: DbOption = None,
) -> None:
    from ledger.reports import monthly

    ledger = open_for(db)
    period = _period(ledger, month, to, year)
    chosen = _scopes(ledger, subdistrict, period)
    folder = monthly.prepare_folder(out)
    _running_notice(period)
    with output.progress(len(chosen), f"生成{period.label}{period.report_kind}") as bar:
        written = monthly.write_reports(
            ledger,
            period,
            chosen,
            folder,
            unmask=unmask,
            summary=summary,
            keep_empty=subdistrict is not None,
            advance=bar.advance,
        )
    if not written:
        output.say(f"{period.label}各街道都没有问题或会议记录，未生成文件。")
        return
    output.say(
        f"已生成 {len(written)} 个文件（{period.label}，统计截止 {period.cutoff_label}）：",
        "green",
    )
    for item in written:
        if item.figures is not None:
            output.say("  " + figures_line(item.title, item.figures))
        else:
            output.say(f"  {item.title}：通报（红黑榜、街道排名、热点问题、上期跟踪）")
        output.say(f"    {item.path}", "dim")


# --- ledger stats -----------------------------------------------------------------------

_RANK_COLUMNS = [
    ("rank", "rank", "int"),
    ("subdistrict", "subdistrict", "text"),
    ("raised", "raised", "int"),
    ("finished", "finished", "int"),
    ("finish_rate", "finish_rate", "rate"),
    ("on_time_rate", "on_time_rate", "rate"),
    ("reply_rate", "reply_rate", "rate"),
    ("satisfaction_rate", "satisfaction_rate", "rate"),
    ("overdue", "overdue", "int"),
    ("carried", "carried", "int"),
    ("carried_finished", "carried_finished", "int"),
    ("score", "score", "score"),
]
# The 12345 profile's figures replace the standard rates in the ranking table.
_RANK_COLUMNS_12345 = [
    *_RANK_COLUMNS[:3],
    ("response_rate", "response_rate", "rate"),
    ("rated", "visits", "int"),
    ("solve_rate", "solve_rate", "rate"),
    ("hotline_satisfaction_rate", "hotline_satisfaction_rate", "rate"),
    ("overdue", "overdue", "int"),
    ("score", "score", "score"),
]
_COMMUNITY_COLUMNS = [
    ("community", "community", "text"),
    *_RANK_COLUMNS[2:-1],
    ("declined", "declined", "int"),
    ("rated", "rated", "int"),
    ("unsatisfied", "unsatisfied", "int"),
    ("repeats", "repeats", "int"),
    ("repeat_rate", "repeat_rate", "rate"),
]
_UNIT_COLUMNS = [
    ("unit", "unit", "text"),
    ("dispatched", "dispatched", "int"),
    ("unit_on_time", "unit_on_time", "int"),
    ("unit_late", "unit_late", "int"),
    ("unit_open", "unit_open", "int"),
    ("close_rate", "close_rate", "rate"),
    ("close_on_time_rate", "close_on_time_rate", "rate"),
    ("unsatisfied", "unsatisfied", "int"),
    ("unsatisfied_rate", "unsatisfied_rate", "rate"),
    ("repeats", "repeats", "int"),
    ("repeat_rate", "repeat_rate", "rate"),
]


# On a narrow screen (80 columns) these columns leave first, in this order; --wide shows all.
_RANK_DROP = {"carried_finished": 1, "carried": 2, "on_time_rate": 3, "finished": 4}
_COMMUNITY_DROP = {
    "carried_finished": 1,
    "carried": 2,
    "declined": 3,
    "rated": 4,
    "unsatisfied": 5,
    "on_time_rate": 6,
}
_UNIT_DROP = {"unit_late": 1, "unsatisfied": 2, "unit_on_time": 3}


def _titled(columns: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [(key, REPORT_COLUMN[label], kind) for key, label, kind in columns]


def _standings(
    ledger: Ledger, period: Period, chosen: list[Scope], lookups: Lookups
) -> tuple[dict[int, Tally], list[tuple[str, list[Standing]]]]:
    """Tallies of the chosen subdistricts, and each of their counties ranked."""
    from ledger.views import coverage, figures, ranking

    every = coverage.scopes(ledger, as_of=period.cutoff_at)
    wanted = {scope.county_id for scope in chosen}
    tallies: dict[int, Tally] = {}
    counties: list[tuple[str, list[Standing]]] = []
    members: dict[int | None, list[Scope]] = {}
    for scope in every:
        if scope.county_id in wanted:
            members.setdefault(scope.county_id, []).append(scope)
    for group in members.values():
        for scope in group:
            tallies[scope.id] = figures.compute(ledger, period, scope, lookups)
        ranked = ranking.rank(ledger, [(scope, tallies[scope.id].total) for scope in group])
        counties.append((group[0].county, ranked))
    return tallies, counties


@commands.command(
    "stats",
    short_help="在终端查看月报的数字（各街道排名，或一个街道的各社区）。",
    help=(
        "在终端查看月报的数字（与 Excel 月报同一套计算）：不指定街道时各街道按综合得分排名；"
        "指定街道时按社区列出，并列出承办单位。"
    ),
)
@guarded
def stats_command(
    month: MonthOption = None,
    to: ToOption = None,
    year: YearOption = None,
    subdistrict: SubdistrictOption = None,
    as_json: JsonOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    from ledger.views import coverage, figures, ranking

    ledger = open_for(db)
    period = _period(ledger, month, to, year)
    chosen = _scopes(ledger, subdistrict, period)
    _running_notice(period)
    lookups = coverage.Lookups(ledger, period.cutoff_at)
    tallies, counties = _standings(ledger, period, chosen, lookups)
    chosen_ids = {scope.id for scope in chosen}
    if as_json:
        output.emit_json(_stats_json(ledger, period, counties, tallies, chosen_ids, lookups))
        return
    output.say(f"{period.label}（统计截止 {period.cutoff_label}）", "bold")
    dropped: list[str] = []
    if subdistrict is None:
        for county, standings in counties:
            rows = [_standing_row(standing) for standing in standings]
            total = figures.Figures()
            for standing in standings:
                total.merge(standing.figures)
            columns = (
                _RANK_COLUMNS_12345 if ranking.profile(ledger).code == "12345" else _RANK_COLUMNS
            )
            dropped += figures_view.figures_table(
                f"{county} 各街道",
                _titled(columns),
                rows,
                {"subdistrict": REPORT_TEXT["total"], **total.as_dict()},
                drop=_RANK_DROP,
                wide=wide,
            )
            for standing in standings:
                if standing.remark:
                    output.say(f"  {standing.scope.name}：{standing.remark}", "dim")
        output.say(ranking.score_note(ledger), "dim")
        output.narrow_hint(dropped, "ledger stats")
        return
    scope = chosen[0]
    tally = tallies[scope.id]
    names = dict(scope.communities)
    dropped += figures_view.figures_table(
        f"{scope.name} 各社区",
        _titled(_COMMUNITY_COLUMNS),
        [{"community": names[cid], **f.as_dict()} for cid, f in tally.communities.items()],
        {"community": REPORT_TEXT["total"], **tally.total.as_dict()},
        drop=_COMMUNITY_DROP,
        wide=wide,
    )
    if tally.units:
        dropped += figures_view.figures_table(
            f"{scope.name} 承办单位",
            _titled(_UNIT_COLUMNS),
            [unit.as_dict() for unit in tally.unit_rows()],
            tally.unit_total().as_dict(),
            drop=_UNIT_DROP,
            wide=wide,
        )
    for county, standings in counties:
        for standing in standings:
            if standing.scope.id == scope.id:
                where = (
                    f"在{county} {len(standings)} 个街道中排第 {standing.rank} 名"
                    if standing.rank
                    else standing.remark
                )
                score = "—" if standing.score is None else f"{standing.score:.1f}"
                output.say(f"综合得分 {score}，{where}")
    output.say(figures_line(scope.name, tally.total))
    output.narrow_hint(dropped, "ledger stats")


def _standing_row(standing: Standing) -> dict[str, Any]:
    return {
        "rank": standing.rank,
        "subdistrict": standing.scope.name,
        **standing.figures.as_dict(),
        "score": standing.score,
    }


def _stats_json(
    ledger: Ledger,
    period: Period,
    counties: list[tuple[str, list[Standing]]],
    tallies: dict[int, Tally],
    chosen_ids: set[int],
    lookups: Lookups,
) -> dict[str, Any]:
    from ledger.views import ranking

    subdistricts = []
    for county, standings in counties:
        for standing in standings:
            if standing.scope.id not in chosen_ids:
                continue
            tally = tallies[standing.scope.id]
            names = dict(standing.scope.communities)
            total = tally.total
            subdistricts.append(
                {
                    "county": county,
                    "subdistrict": standing.scope.name,
                    "figures": total.as_dict(),
                    "score": standing.score,
                    "rank": standing.rank,
                    "remark": standing.remark or None,
                    "communities": [
                        {"community": names[cid], **f.as_dict()}
                        for cid, f in tally.communities.items()
                    ],
                    "units": [unit.as_dict() for unit in tally.unit_rows()],
                    "categories": [c.as_dict(total.raised) for c in tally.category_rows(lookups)],
                }
            )
    return {
        "period": period.as_dict(),
        "profile": ranking.profile(ledger).code,
        "weights": ranking.weights(ledger),
        "rank_min_items": ledger.setting("rank_min_items"),
        "subdistricts": subdistricts,
    }
