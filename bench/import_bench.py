"""Import of a 100,000-row legacy .xlsx, side by side with plain openpyxl read-only iteration.

    LEDGER_NOW=2026-11-26T09:00:00 python bench/import_bench.py [--rows 100000] [--keep]

The legacy workbook looks like a subdistrict's real 台账: a merged title row, a 填报 line, a
header in everyday wording (反映时间, 群众姓名, 联系电话, 诉求内容, 承办单位, 办理结果 …),
Excel dates, phone numbers stored as numbers (landlines without their leading 0), every
status from 待分办 to 满意, and a 合计 row at the bottom. It is written once to bench/out/.

Measured, one after the other on the same file:
  baseline  openpyxl.load_workbook(read_only=True, data_only=True) and iter_rows(values_only=True)
            over every row — the least any importer built on openpyxl can do;
  import    ledger's import_items on a ledger holding the areas and units (set up untimed):
            read, check every row, recreate each item's history as events, write it all in
            one transaction, commit (synchronous=FULL).
The ratio import ÷ baseline is the figure (target ≤ 1.5).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("LEDGER_NOW", "2026-11-26T09:00:00")
os.environ.setdefault("LEDGER_ACTOR", "bench")

OUT = Path(__file__).resolve().parent / "out"
COMMUNITIES = [
    (f"街道{s:02d}", f"街道{s:02d}第{c}社区") for s in range(1, 11) for c in range(1, 31)
]
UNITS = [f"承办单位{i:02d}" for i in range(1, 61)]
WORDS = (
    "楼道灯不亮",
    "下水道堵塞",
    "路面破损",
    "车辆乱停",
    "垃圾清运不及时",
    "噪音扰民",
    "绿化缺失",
)
CATEGORIES = ("基础设施", "环境卫生", "物业管理", "停车", "绿化", "安全隐患", "其他")
STATUSES = ("待分办", "办理中", "已办结", "不予办理", "已回复", "满意", "已办结", "已办结")
HEADER = [
    *("序号", "反映时间", "所属社区", "群众姓名", "联系电话", "诉求内容", "问题类别", "来源"),
    *("承办单位", "办理时限", "办理结果", "办结日期", "答复日期", "满意度", "办理状态"),
]


def legacy_rows(rows: int, seed: int = 11) -> list[list[object]]:
    """The sheet's rows: title, 填报 line, header, data, 合计."""
    rng = random.Random(seed)
    table: list[list[object]] = [
        ["某区2026年居民诉求台账（汇总）"],
        ["填报单位：区社会治理中心    填报日期：2026年11月20日"],
        list(HEADER),
    ]
    first = date(2025, 12, 1)
    for n in range(1, rows + 1):
        _, community = COMMUNITIES[rng.randrange(len(COMMUNITIES))]
        raised = first + timedelta(days=rng.randint(0, 350))
        status = rng.choice(STATUSES)
        finished = status not in ("待分办", "办理中")
        done = raised + timedelta(days=rng.randint(0, 6))
        replied = done + timedelta(days=rng.randint(0, 2))
        phone = (
            13800000000 + rng.randrange(10**8)
            if rng.random() < 0.8
            else 5370000000 + rng.randrange(10**7)  # a landline that lost its 0
        )
        table.append(
            [
                n,
                raised,
                community,
                f"居民{n % 997}",
                phone,
                f"{rng.choice(WORDS)}（第{n}件），请尽快处理",
                rng.choice(CATEGORIES),
                rng.choice(("夜话", "说事", "走访", "12345热线")),
                None if status == "待分办" else rng.choice(UNITS),
                "3个工作日" if rng.random() < 0.5 else raised + timedelta(days=7),
                "已处理完毕" if finished else None,
                done if finished else None,
                replied if status in ("已回复", "满意") else None,
                "满意" if status == "满意" else None,
                status,
            ]
        )
    table.append(["合计", None, None, None, None, f"{rows}件"])
    return table


def legacy_workbook(path: Path, rows: int) -> None:
    """Write the workbook as Excel saves one: shared strings, a <dimension>, date-styled
    cells, a merged title. (openpyxl's write-only mode writes inline strings and no
    dimension, which no clerk's file has and which reads at a different speed.)"""
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    table = legacy_rows(rows)
    strings: dict[str, int] = {}
    epoch = date(1899, 12, 30)
    body: list[str] = []
    for r, values in enumerate(table, start=1):
        cells = []
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            ref = f"{get_column_letter(c)}{r}"
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{main}" '
        f'xmlns:r="{rel}"><dimension ref="A1:O{len(table)}"/><sheetData>{"".join(body)}'
        '</sheetData><mergeCells count="1"><mergeCell ref="A1:O1"/></mergeCells></worksheet>'
    )
    shared = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{main}" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{main}">'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    )
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{office}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{office}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{office}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": styles,
        "xl/sharedStrings.xml": shared,
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)


def baseline(path: Path) -> tuple[float, int]:
    """CPU seconds of openpyxl's read-only iteration over every row; the rows read."""
    import openpyxl

    start = time.process_time()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = 0
    for sheet in workbook.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            count += 1
    workbook.close()
    return time.process_time() - start, count


def prepared_ledger(path: Path) -> None:
    """A ledger with the 300 communities and 60 units the workbook names (untimed)."""
    from ledger.store.ledger_file import open_ledger

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    ledger = open_ledger(path, create=True, actor="bench")
    with ledger.transaction():
        from ledger.registry import areas, units

        for subdistrict, community in COMMUNITIES:
            areas.add_path(ledger, f"某区/{subdistrict}/{community}")
        for name in UNITS:
            units.add(ledger, name, "department")
    ledger.close()


def run_import(
    ledger_path: Path, workbook: Path, reader: str = "expat"
) -> tuple[float, dict[str, Any]]:
    """CPU seconds of import_items (the rows read by ``reader``); also when checking ended."""
    from ledger.io.importer import import_items, reading
    from ledger.store.ledger_file import open_ledger

    marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int | None) -> None:
        marks.setdefault(phase, time.process_time())

    reading.ROW_READER = reader
    start = time.process_time()
    try:
        ledger = open_ledger(ledger_path, actor="bench")
        report = import_items(ledger, workbook, progress=progress)
        ledger.close()
    finally:
        reading.ROW_READER = "expat"
    elapsed = time.process_time() - start
    checked = marks.get("写入", start + elapsed) - start  # the first batch written ends checking
    return elapsed, {
        "items": report.new,
        "events": report.events,
        "skipped": sum(report.skipped.values()),
        "check": checked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each is kept")
    parser.add_argument(
        "--openpyxl-rows",
        action="store_true",
        help="also time the import with its rows read by openpyxl's iter_rows",
    )
    parser.add_argument("--keep", action="store_true", help="keep the last ledger in bench/out/")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    workbook = OUT / f"legacy-{args.rows}.xlsx"
    if not workbook.exists():
        print(f"writing {workbook.name} …", file=sys.stderr)
        legacy_workbook(workbook, args.rows)
    ledger_path = OUT / f"import-{args.rows}.db"
    readers = ["expat", *(["openpyxl"] if args.openpyxl_rows else [])]
    # Rounds alternate baseline and imports, so that a busy machine slows them alike; the
    # best time of each is kept (the least disturbed run).
    base_times: list[float] = []
    runs: dict[str, list[tuple[float, dict[str, Any]]]] = {r: [] for r in readers}
    base_rows = 0
    for _ in range(args.repeat):
        seconds, base_rows = baseline(workbook)
        base_times.append(seconds)
        for reader in readers:
            prepared_ledger(ledger_path)
            runs[reader].append(run_import(ledger_path, workbook, reader))
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ledger_path}{suffix}").unlink(missing_ok=True)
    base_seconds = min(base_times)
    size = workbook.stat().st_size / (1 << 20)
    print(f"file: {workbook.name} ({size:.1f} MB, {base_rows} rows read), {args.repeat} rounds")
    print("CPU time (user + system of this process), each round baseline then import:")
    for reader in readers:
        label = "ledger import items" + ("" if reader == "expat" else " (openpyxl rows)")
        for number, (base, (seconds, counts)) in enumerate(
            zip(base_times, runs[reader], strict=True), start=1
        ):
            print(
                f"  round {number}: baseline {base:6.2f} s, {label} {seconds:6.2f} s "
                f"(checking {counts['check']:.2f} s, writing {seconds - counts['check']:.2f} s)"
                f"  ratio {seconds / base:.2f}"
            )
        seconds, counts = min(runs[reader], key=lambda run: run[0])
        print(
            f"best: baseline {base_seconds:.2f} s, {label} {seconds:.2f} s; {counts['items']} "
            f"items, {counts['events']} events, {counts['skipped']} rows skipped"
        )
        print(f"  ratio of the best times: {seconds / base_seconds:.2f}  (target ≤ 1.5)")


if __name__ == "__main__":
    main()
