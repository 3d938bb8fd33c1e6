"""Write the two messy legacy ledgers that ``ledger demo`` imports (run from the repo root):

    python sample_data/make_legacy.py

- 铁塔寺社区台账.xlsx — kept by the community clerk in Excel, one sheet per month (3月–5月)
  and a 填表说明 sheet: a merged title row and a 填报 line above the header; dates typed
  every which way (date cells, 2026年3月5日, 3.12, a bare serial number); phone numbers
  that Excel turned into numbers (a landline without its leading 0); a 小区 cell merged
  over two rows; template rows that only hold a 序号; a 合计 row and a 填表人 footer.
- 财工街社区台账.csv — exported by the subdistrict's system and saved by Excel as CSV in GBK:
  a title line and a blank line above the header, other column names (登记日期, 群众姓名,
  诉求内容, 办理结果, 评价 …), dates as 2026/3/18 and 2026.4.2, 财工街 without 社区, an
  address column the ledger does not keep, and one row entered twice.

The places, people and units are the demo's (sample_data/demo.json); the matters are from
March to May 2026, all settled by the end of May, so the demo's later months are unchanged.
The rows are fixed data (no randomness): the files are the same every time.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
XLSX = HERE / "铁塔寺社区台账.xlsx"
CSV = HERE / "财工街社区台账.csv"
EXCEL_DAY_ZERO = date(1899, 12, 30)

TITLE = "铁塔寺社区居民诉求办理台账（2026年{month}月）"
HEADER = [
    *("序号", "反映时间", "反映人", "联系电话", "小区", "楼栋", "问题描述", "问题类别"),
    *("来源", "责任单位", "办理时限", "办理情况", "办结日期", "答复日期", "满意度", "状态"),
]

# One tuple per row, in HEADER order after 序号. A date is written as a date cell; "serial"
# dates become the bare number Excel shows when a cell lost its date format.
TIETASI: dict[int, list[tuple[object, ...]]] = {
    3: [
        (
            date(2026, 3, 3),
            "王秀兰",
            13812345678,
            "铁塔寺小区",
            "1号楼",
            "1号楼单元门禁损坏，外来人员随意进出",
            "安全隐患",
            "夜话",
            "铁塔寺小区红色物业",
            "3个工作日",
            "更换门禁主板，恢复刷卡",
            date(2026, 3, 5),
            date(2026, 3, 6),
            "满意",
            "已办结",
        ),
        (
            "2026年3月5日",
            "赵德明",
            13905371234,
            "铁塔寺小区",
            "2号楼",
            "2号楼前下水道返味，夏天蚊虫多",
            "环境卫生",
            "夜话",
            "任城区城管局",
            date(2026, 3, 10),
            "疏通管道并投放药剂",
            "2026年3月9日",
            "2026年3月10日",
            "基本满意",
            "已办结",
        ),
        (
            "3.9",
            "孙立华",
            5372256789,
            "铁塔寺小区",
            "3号楼",
            "3号楼楼道堆放杂物，存在消防隐患",
            "安全隐患",
            "走访",
            "铁塔寺社区居委会",
            "即时",
            "当天组织志愿者清理",
            "3.9",
            "3.10",
            "满意",
            "满意",
        ),
        (
            "serial",
            date(2026, 3, 12),
            "李凤金",
            15866231234,
            None,
            None,
            "小区北门路灯不亮",
            "基础设施",
            "夜话",
            "国网济宁供电公司",
            "5个工作日",
            "更换灯头两处",
            date(2026, 3, 16),
            date(2026, 3, 17),
            "满意",
            "已办结",
        ),
        (
            date(2026, 3, 16),
            "刘桂芳",
            "0537-2278901",
            "铁塔寺小区2号楼",
            None,
            "楼上空调外机滴水，影响楼下晾衣",
            "邻里纠纷",
            "走访",
            "楼长王秀英",
            "3个工作日",
            "楼长上门协调，加装接水管",
            date(2026, 3, 18),
            date(2026, 3, 18),
            "满意",
            "已回复",
        ),
        (
            date(2026, 3, 20),
            "周建国",
            13705379876,
            "铁塔寺小区",
            "1号楼",
            "申请安装电动车充电桩",
            "基础设施",
            "夜话",
            "任城区住建局",
            "15个工作日",
            "小区无独立电源，暂不具备安装条件，已向居民说明",
            date(2026, 3, 27),
            date(2026, 3, 30),
            None,
            "不予办理",
        ),
    ],
    4: [
        (
            date(2026, 4, 1),
            "王秀兰",
            13812345678,
            "铁塔寺小区",
            "1号楼",
            "小区广场舞音响声音过大，影响老人休息",
            "噪音扰民",
            "夜话",
            "铁塔寺社区居委会",
            "3个工作日",
            "与舞队约定音量和结束时间",
            date(2026, 4, 3),
            date(2026, 4, 3),
            "满意",
            "已办结",
        ),
        (
            "2026年4月8日",
            "陈玉梅",
            13563712345,
            "铁塔寺小区",
            "3号楼",
            "3号楼屋顶漏雨，顶楼住户墙面发霉",
            "物业管理",
            "夜话",
            "铁塔寺小区红色物业",
            date(2026, 4, 24),
            "重做防水层",
            date(2026, 4, 22),
            date(2026, 4, 23),
            "基本满意",
            "已办结",
        ),
        (
            "4.10",
            "马德胜",
            5372231234,
            "铁塔寺小区",
            "2号楼",
            "咨询老旧小区改造是否包含加装电梯",
            "政策咨询",
            "走访",
            "任城区住建局",
            "3个工作日",
            "已告知今年改造范围及加装电梯申请流程",
            "4.13",
            "4.13",
            "满意",
            "已归档",
        ),
        (
            "serial",
            date(2026, 4, 15),
            "孙立华",
            5372256789,
            "铁塔寺小区",
            "3号楼",
            "楼道声控灯又坏了",
            "基础设施",
            "夜话",
            "古槐街道城管中队",
            "3个工作日",
            "更换声控开关",
            date(2026, 4, 16),
            None,
            None,
            "办结",
        ),
        (
            date(2026, 4, 22),
            "赵德明",
            13905371234,
            "铁塔寺小区",
            "2号楼",
            "小区内共享单车乱停乱放",
            "停车",
            "夜话",
            "铁塔寺小区红色物业",
            "3个工作日",
            "划定单车停放区并联系运营企业清运",
            date(2026, 4, 24),
            date(2026, 4, 27),
            "满意",
            "已办结",
        ),
    ],
    5: [
        (
            date(2026, 5, 6),
            "周建国",
            13705379876,
            "铁塔寺小区",
            "1号楼",
            "绿化带杂草丛生，蚊虫多",
            "绿化",
            "夜话",
            "铁塔寺小区红色物业",
            "3个工作日",
            "集中除草并喷药",
            date(2026, 5, 8),
            date(2026, 5, 8),
            "满意",
            "已办结",
        ),
        (
            "2026年5月12日",
            "陈玉梅",
            13563712345,
            "铁塔寺小区",
            "3号楼",
            "夜间有人在小区内烧烤，油烟扰民",
            "噪音扰民",
            "走访",
            "任城区城管局",
            "3个工作日",
            "劝离并加强夜间巡查",
            "2026年5月13日",
            "2026年5月14日",
            "不满意",
            "已办结",
        ),
        (
            "5.18",
            "刘桂芳",
            "0537-2278901",
            "铁塔寺小区",
            "2号楼",
            "为行动不便的老人代办高龄补贴申请",
            "为民代办",
            "走访",
            "铁塔寺社区居委会",
            "即时",
            "网格员上门代办，已受理",
            "5.20",
            "5.21",
            "满意",
            "满意",
        ),
        (
            date(2026, 5, 25),
            "马德胜",
            None,
            "铁塔寺小区",
            None,
            "小区监控有盲区，电动车被盗",
            "治安",
            "夜话",
            "铁塔寺小区红色物业",
            "5个工作日",
            "新增监控探头4个",
            date(2026, 5, 29),
            None,
            None,
            "已办结",
        ),
    ],
}

CAIGONGJIE_HEADER = [
    *("编号", "登记日期", "所属社区", "群众姓名", "电话", "地址", "诉求内容", "类别"),
    *("承办单位", "办理结果", "办结时间", "回复时间", "回复方式", "评价", "办理状态", "备注"),
]
CAIGONGJIE = [
    ("CG-0301", "2026/3/2", "财工街社区", "张凤元", "13953712345", "新兴小区西区3排",
     "西区主干道路面坑洼，雨天积水", "基础设施", "任城区住建局",
     "路面修补完成", "2026/3/20", "2026/3/21", "会议通报", "满意", "已解决", ""),
    ("CG-0302", "2026/3/4", "财工街", "刘玉兰", "5372231234", "机床厂宿舍5号楼",
     "楼顶水箱老化，水压不足", "基础设施", "扈师傅维修队",
     "更换水箱阀门", "2026/3/6", "2026/3/6", "当面", "满意", "已回复", "志愿队当天上门"),
    ("CG-0303", "2026/3/11", "财工街社区", "王建军", "0537-2231234", "桑园街12号",
     "门前商户占道经营，出行不便", "停车", "任城区城管局",
     "已劝导商户退店经营", "2026/3/13", "2026/3/16", "电话", "基本满意", "已回复", ""),
    ("CG-0304", "2026.3.18", "财工街社区", "李秀英", "139 5371 2346", "协议街平房片区",
     "平房区化粪池外溢", "环境卫生", "新兴小区自管委员会",
     "联系吸污车清掏", "2026.3.19", "2026.3.20", "电话", "满意", "完成", ""),
    ("CG-0305", "2026.3.25", "财工街社区", "赵宏", "13656371234", "新兴小区西区7排",
     "咨询居住证办理材料", "政策咨询", "小板凳宣讲队",
     "已讲解办理流程", "2026.3.25", "2026.3.25", "当面", "满意", "已答复", ""),
    ("CG-0401", "2026/4/2", "财工街社区", "张凤元", "13953712345", "新兴小区西区3排",
     "西区垃圾桶数量不足，垃圾外溢", "环境卫生", "任城区城管局",
     "增设垃圾桶6个", "2026/4/7", "2026/4/8", "会议通报", "满意", "已解决", ""),
    ("CG-0402", "2026/4/9", "财工街社区", "孙桂兰", "15853712345", "机床厂宿舍2号楼",
     "楼道扶手松动，老人上下楼危险", "安全隐患", "扈师傅维修队",
     "加固扶手", "2026/4/10", "2026/4/10", "当面", "满意", "已回复", ""),
    ("CG-0403", "4月16日", "财工街社区", "陈立新", "13805371111", "桑园街8号",
     "要求拆除邻居私搭的棚子", "邻里纠纷", "新兴小区自管委员会",
     "属私人产权纠纷，建议通过司法途径解决，已调解未果", "4月20日", "4月21日", "电话", "",
     "不予受理", ""),
    ("CG-0404", "2026/4/23", "财工街社区", "刘玉兰", "5372231234", "机床厂宿舍5号楼",
     "申请楼道加装照明", "基础设施", "国网济宁供电公司",
     "加装照明线路", "2026/4/30", "2026/5/6", "电话", "一般", "已回复", ""),
    ("CG-0501", "2026-05-06", "财工街社区", "王建军", "0537-2231234", "桑园街12号",
     "雨水篦子被堵，路口积水", "基础设施", "任城区城管局",
     "清掏雨水篦子", "2026-05-07", "2026-05-08", "电话", "满意", "已解决", ""),
    ("CG-0502", "2026-05-13", "财工街社区", "李秀英", "139 5371 2346", "协议街平房片区",
     "平房区电线私拉乱接", "安全隐患", "国网济宁供电公司",
     "规范线路并张贴安全提示", "2026-05-18", "2026-05-19", "微信", "满意", "已解决", ""),
    # The same matter entered a second time (a clerk's double entry): imported once.
    ("CG-0503", "2026-05-13", "财工街社区", "李秀英", "139 5371 2346", "协议街平房片区",
     "平房区电线私拉乱接", "安全隐患", "国网济宁供电公司",
     "规范线路并张贴安全提示", "2026-05-18", "2026-05-19", "微信", "满意", "已解决", "重复登记"),
    ("CG-0504", "2026-05-20", "财工街社区", "赵宏", "13656371234", "新兴小区西区7排",
     "小区健身器材损坏", "基础设施", "新兴小区自管委员会",
     "联系厂家更换配件", "2026-05-27", "2026-05-28", "电话", "满意", "已回复", ""),
]  # fmt: skip


def write_xlsx(path: Path = XLSX) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    notes = workbook.active
    notes.title = "填表说明"
    for line in (
        "填表说明",
        "1. 每月一张表，居民在夜话、走访中反映的问题当天登记。",
        "2. 办理时限按工作日计，小事3个工作日，大事15个工作日。",
        "3. 办结后及时答复群众并回访满意度。",
    ):
        notes.append([line])
    for month, rows in TIETASI.items():
        sheet = workbook.create_sheet(f"{month}月")
        sheet.append([TITLE.format(month=month)])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        sheet["A1"].font = Font(size=16, bold=True)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append(
            ["填报单位：铁塔寺社区居委会", *[None] * 8, f"填报日期：2026年{month + 1}月1日"]
        )
        sheet.append(HEADER)
        for number, values in enumerate(rows, start=1):
            cells: list[object] = [number]
            serial = values[0] == "serial"
            for value in values[1:] if serial else values:
                if isinstance(value, date) and serial and not cells[1:]:
                    cells.append((value - EXCEL_DAY_ZERO).days)  # a date cell that lost its format
                elif isinstance(value, date):
                    cells.append(datetime.combine(value, datetime.min.time()))
                else:
                    cells.append(value)
            sheet.append(cells)
            for column in (2, 11, 13, 14):
                cell = sheet.cell(sheet.max_row, column)
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy/m/d"
        # Two neighbouring rows of the same compound: the clerk merged the 小区 cells.
        sheet.merge_cells(start_row=4, start_column=5, end_row=5, end_column=5)
        sheet.append([])
        for number in range(len(rows) + 1, len(rows) + 4):  # a template's numbered empty rows
            sheet.append([number])
        sheet.append(["合计", *[None] * 5, f"共 {len(rows)} 件"])
        sheet.append(["填表人：李建忠", *[None] * 8, "审核人：刘书记"])
        for letter, width in zip("ABCDEFGHIJKLMNOP", (6, 12, 8, 14, 12, 8, 36, 10), strict=False):
            sheet.column_dimensions[letter].width = width
    # Stable file contents: no "modified now" stamp.
    stamp = datetime(2026, 6, 1, 9, 0, 0)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.save(path)


def write_csv(path: Path = CSV) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["财工街社区2026年群众诉求登记台账"])
    writer.writerow([])
    writer.writerow(CAIGONGJIE_HEADER)
    writer.writerows(CAIGONGJIE)
    path.write_bytes(buffer.getvalue().encode("gbk"))  # what Excel in China saves as CSV


def main() -> None:
    write_xlsx()
    write_csv()
    print(f"wrote {XLSX.name} and {CSV.name} in {HERE}")


if __name__ == "__main__":
    main()
