"""Opening what a clerk hands over: every kind of file that is refused (one clear line, the
ledger untouched), CSV in every encoding Excel saves, and the .xlsx row reader giving
exactly what openpyxl's read-only iteration gives."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from typer.testing import Result

from cli_helpers import refused
from import_fixtures import count, csv_file, items, prepare, xlsx
from ledger.domain.errors import LedgerError
from ledger.io.importer import import_items, reading
from ledger.io.importer import sheet_xml as xml_reader
from ledger.store.ledger_file import Ledger

Run = Callable[..., Result]
Snapshot = Callable[[Path], dict[str, object]]

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GOOD_ROWS = [
    ["序号", "反映时间", "社区", "问题描述"],
    [1, datetime(2026, 3, 5), "铁塔寺社区", "楼道灯不亮"],
]


def refused_import(run: Run, *args: object) -> str:
    """`ledger import items ARGS…` refused with one line; returns it."""
    return refused(run("import", "items", *args))


@pytest.fixture
def ready(ledger: Ledger, db_path: Path, snapshot: Snapshot) -> Callable[[], None]:
    """A prepared ledger; call the result to check the file was left exactly as it was."""
    prepare(ledger)
    ledger.close()
    before = snapshot(db_path)

    def unchanged() -> None:
        assert snapshot(db_path) == before

    return unchanged


# --- refused files ------------------------------------------------------------------------


def test_old_xls_is_refused(run: Run, tmp_path: Path, ready: Callable[[], None]) -> None:
    # An Excel 97–2003 workbook is an OLE compound file holding a "Workbook" stream.
    path = tmp_path / "台账.xls"
    path.write_bytes(OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1000)
    line = refused_import(run, path)
    assert line == (
        "错误: “台账.xls”是旧版 Excel（.xls）或 WPS（.et）格式，"
        "请在 Excel 或 WPS 中打开，另存为 .xlsx（Excel 工作簿）后再导入"
    )
    ready()


def test_password_protected_workbook_is_refused(
    run: Run, tmp_path: Path, ready: Callable[[], None]
) -> None:
    # Excel stores an encrypted .xlsx inside an OLE file with an EncryptionInfo stream.
    path = tmp_path / "加密台账.xlsx"
    body = b"\x00" * 2048 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 4096
    path.write_bytes(OLE + body)
    line = refused_import(run, path)
    assert line.startswith("错误: “加密台账.xlsx”设有打开密码，无法读取")
    ready()


def test_zip_with_encrypted_members_is_refused(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "t.xlsx", GOOD_ROWS)
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit in every local and central directory header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            data[found + offset] |= 0x01
            start = found + 4
    path.write_bytes(bytes(data))
    with pytest.raises(LedgerError, match="设有密码"):
        reading.open_source(path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "扫描件.xlsx",
            b"%PDF-1.7\n...",
            "“扫描件.xlsx”是PDF 文件，不是表格文件（可导入 .xlsx 或 .csv）",
        ),
        (
            "照片.csv",
            b"\x89PNG\r\n\x1a\n....",
            "“照片.csv”是图片，不是表格文件（可导入 .xlsx 或 .csv）",
        ),
        ("社区台账.db", b"SQLite format 3\x00....", "“社区台账.db”是SQLite 数据库"),
        ("二进制.csv", b"a,b\x00\x01\x02\n", "“二进制.csv”不是表格文件（可导入 .xlsx 或 .csv）"),
        ("空.xlsx", b"", "“空.xlsx”是空文件"),
        ("乱码.csv", b"a,b\n\xff\x80\n", "“乱码.csv”的文字编码无法识别"),
    ],
)
def test_not_a_spreadsheet(
    run: Run,
    tmp_path: Path,
    ready: Callable[[], None],
    name: str,
    content: bytes,
    expected: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert refused_import(run, path).startswith("错误: " + expected)
    ready()


def test_web_page_saved_as_xls(run: Run, tmp_path: Path, ready: Callable[[], None]) -> None:
    # Many systems "export to Excel" as an HTML table named .xls.
    path = tmp_path / "系统导出.xls"
    path.write_text("<html><body><table><tr><td>问题描述</td></tr></table></body></html>")
    assert "网页格式的表格" in refused_import(run, path)
    ready()


def test_word_document_and_plain_zip(run: Run, tmp_path: Path, ready: Callable[[], None]) -> None:
    word = tmp_path / "情况说明.docx"
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "“情况说明.docx”是 Word 文档，不是 Excel 表格" in refused_import(run, word)
    other = tmp_path / "材料.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert "“材料.zip”是压缩包，不是 Excel 表格" in refused_import(run, other)
    ready()


def test_truncated_workbook(run: Run, tmp_path: Path, ready: Callable[[], None]) -> None:
    path = xlsx(tmp_path / "坏了.xlsx", GOOD_ROWS)
    path.write_bytes(path.read_bytes()[:400])
    assert refused_import(run, path) == "错误: “坏了.xlsx”已损坏，无法作为 .xlsx 读取"
    ready()


def test_missing_file(run: Run, tmp_path: Path, ready: Callable[[], None]) -> None:
    assert (
        refused_import(run, tmp_path / "没有.xlsx") == f"错误: 找不到文件“{tmp_path / '没有.xlsx'}”"
    )
    ready()


def test_zip_bomb_is_refused_before_parsing(
    run: Run, tmp_path: Path, ready: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real workbook plus a 100 MiB member of zeros (packs to about 100 KB: 1000 : 1).
    path = xlsx(tmp_path / "炸弹.xlsx", GOOD_ROWS)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/padding.bin", "w") as member,
    ):
        block = bytes(1 << 20)
        for _ in range(100):
            member.write(block)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not be reached")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    line = refused_import(run, path)
    assert line.startswith("错误: “炸弹.xlsx”解压后异常庞大（xl/media/padding.bin 压缩比 ")
    assert line.endswith("100 MB），疑似恶意文件，已拒绝读取")
    ready()


def test_unpacked_total_over_the_limit(
    run: Run, tmp_path: Path, ready: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = xlsx(tmp_path / "大.xlsx", GOOD_ROWS)
    total = sum(m.file_size for m in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", total - 1)
    assert "解压后达" in refused_import(run, path) and "已拒绝读取" in refused_import(run, path)
    ready()


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _with_part(path: Path, part: str, change: Callable[[str], str]) -> None:
    """Rewrite one XML part of a workbook."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = change(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("reader", ["expat", "openpyxl"])
def test_entity_bomb_in_a_sheet_is_refused(
    run: Run,
    tmp_path: Path,
    ready: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    reader: str,
) -> None:
    monkeypatch.setattr(reading, "ROW_READER", reader)
    path = xlsx(tmp_path / "实体.xlsx", GOOD_ROWS)
    _with_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: (
            BOMB
            + xml.replace(
                "</sheetData>",
                '<row r="9"><c r="A9" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData>',
            )
        ),
    )
    assert (
        refused_import(run, path)
        == "错误: “实体.xlsx”含有不安全的 XML 内容（实体定义或外部引用），已拒绝读取"
    )
    ready()


def test_entity_bomb_in_shared_strings_is_refused(
    run: Run, tmp_path: Path, ready: Callable[[], None]
) -> None:
    # openpyxl parses the workbook parts through defusedxml: the entities are refused.
    path = tmp_path / "共享.xlsx"
    workbook = Workbook()
    workbook.active.append(["问题描述", "反映时间"])
    workbook.save(path)
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol3;</t></si></sst>'
    )
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", BOMB + sst)
    _with_part(
        path,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    _with_part(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            "</Relationships>",
            '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        ),
    )
    assert "含有不安全的 XML 内容" in refused_import(run, path)
    ready()


# --- CSV encodings ------------------------------------------------------------------------

CSV_ROWS = [
    ["反映时间", "社区", "反映人", "问题描述"],
    ["2026-03-05", "铁塔寺社区", "𠮷祥", "楼道灯不亮，老人夜里上下楼不便"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_excel_saves(ledger: Ledger, tmp_path: Path, encoding: str) -> None:
    # 𠮷 is outside GBK: only GB18030 (GBK's superset, what Chinese Excel saves) has it.
    prepare(ledger)
    path = csv_file(tmp_path / f"{encoding}.csv", CSV_ROWS, encoding)
    report = import_items(ledger, path)
    assert report.new == 1
    [item] = items(ledger)
    assert (item["reporter"], item["title"]) == ("𠮷祥", "楼道灯不亮，老人夜里上下楼不便")


def test_csv_in_gbk(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    rows = [["反映时间", "社区", "问题描述"], ["2026-03-05", "铁塔寺社区", "下水道返味"]]
    path = csv_file(tmp_path / "gbk.csv", rows, "gbk")
    assert import_items(ledger, path).new == 1
    assert items(ledger)[0]["title"] == "下水道返味"


def test_unicode_text_tab_separated(ledger: Ledger, tmp_path: Path) -> None:
    # Excel's "Unicode 文本 (*.txt)": UTF-16 with a BOM, tab-separated.
    prepare(ledger)
    text = "反映时间\t社区\t问题描述\r\n2026-03-05\t铁塔寺社区\t路灯不亮，有安全隐患\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    assert import_items(ledger, path).new == 1
    assert items(ledger)[0]["title"] == "路灯不亮，有安全隐患"


# --- the .xlsx row reader -----------------------------------------------------------------


def test_row_reader_gives_what_openpyxl_gives(tmp_path: Path) -> None:
    """Every kind of cell, sparse rows and columns, merged cells, rich and inline text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "标题"
    sheet.merge_cells("A1:D1")
    sheet["A3"] = 1
    sheet["B3"] = 2.5
    sheet["C3"] = -7
    sheet["D3"] = 1.5e-7
    sheet["E3"] = True
    sheet["F3"] = False
    sheet["G3"] = datetime(2026, 3, 5, 14, 30)
    sheet["H3"] = time(20, 0)
    sheet["I3"] = "=SUM(A3:C3)"  # no cached value: None with data_only
    sheet["J3"] = "#N/A"
    sheet["J3"].data_type = "e"
    sheet["K3"] = CellRichText("加粗", TextBlock(InlineFont(b=True), "的字"))
    sheet["AB3"] = "远处的列"
    sheet["B7"] = 46090
    sheet["B7"].number_format = "yyyy/m/d"
    sheet["C7"] = 13812345678
    sheet["D7"] = " 前后有空格 "
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    # And a write-only workbook: inline strings instead of the shared string table.
    inline = Workbook(write_only=True)
    other = inline.create_sheet("inline")
    other.append(["内联", 3, None, datetime(2026, 5, 1)])
    other.append([])
    other.append([None, None, "第三行"])
    inline_path = tmp_path / "inline.xlsx"
    inline.save(inline_path)

    for file in (path, inline_path):
        seen = {}
        for reader in ("openpyxl", "expat"):
            reading.ROW_READER = reader
            try:
                with reading.open_source(file) as source:
                    rows = list(source.sheets[0].rows())
            finally:
                reading.ROW_READER = "expat"
            # Both readers skip rows without cells; openpyxl may pad a row with Nones.
            seen[reader] = {
                number: tuple(v for v in row) + (None,) * (40 - len(row))
                for number, row in rows
                if any(v is not None for v in row)
            }
        assert seen["expat"] == seen["openpyxl"], file.name
    assert seen["expat"][1][0] == "内联"


def test_merged_ranges_are_found(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "m.xlsx",
        [["标题"], ["a", "b"], ["c"], ["d"]],
        merges=["A1:H1", "A3:A4", "B2:C2"],
    )
    with reading.open_source(path) as source:
        assert sorted(source.sheets[0].merges) == [(1, 1, 1, 8), (2, 2, 2, 3), (3, 1, 4, 1)]


def test_nothing_written_when_refused(ledger: Ledger, tmp_path: Path) -> None:
    prepare(ledger)
    path = tmp_path / "x.xls"
    path.write_bytes(OLE + b"\x00" * 600)
    with pytest.raises(LedgerError):
        import_items(ledger, path)
    assert count(ledger, "items") == 0


def test_row_reader_refuses_a_dtd_itself() -> None:
    """openpyxl (through defusedxml) already refuses a sheet with entities when it opens the
    workbook; the row reader refuses any DTD on its own too, should it ever be reached."""
    import io
    from types import SimpleNamespace

    sheet_xml = (
        BOMB + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    archive = SimpleNamespace(open=lambda path: io.BytesIO(sheet_xml))
    workbook = SimpleNamespace(
        _archive=archive, _date_formats=set(), _timedelta_formats=set(), epoch=None
    )
    worksheet = SimpleNamespace(_shared_strings=[], _worksheet_path="xl/worksheets/sheet1.xml")
    with pytest.raises(xml_reader.UnsafeXML):
        list(xml_reader.expat_rows(workbook, worksheet))


def test_shared_strings_read_as_openpyxl_reads_them() -> None:
    """Plain, rich text (runs), phonetic guides (left out), kept spaces, escapes, an empty
    string, a prefixed namespace: the same list as openpyxl's own reader."""
    import io

    from openpyxl.reader.strings import read_string_table

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="6" uniqueCount="6">'
        "<si><t>楼道灯不亮</t></si>"
        '<si><r><rPr><b/></rPr><t>3号楼</t></r><r><t xml:space="preserve"> 漏水 </t></r></si>'
        '<si><t>铁塔寺</t><rPh sb="0" eb="3"><t>てつとうじ</t></rPh></si>'
        "<si><t>A &amp; B &lt;1&gt; _x005F_x000D_</t></si>"
        "<si><t/></si>"
        "<si><t>第一行\n第二行</t></si>"
        '<si><t xml:space="preserve">  前后有空格\t </t></si>'
        "<si><t>回车换行\r\n之后</t></si>"  # a parser makes it one line end
        "<si><t>a_x005F_x0041_b</t></si>"
        "</sst>"
    ).encode()
    expected = list(read_string_table(io.BytesIO(xml)))
    assert xml_reader.shared_strings(io.BytesIO(xml)) == expected
    assert expected[6:8] == ["  前后有空格\t ", "回车换行\n之后"]
    # Another declared encoding: read by the parser, never taken for UTF-8.
    latin = xml.replace(b"UTF-8", b"ISO-8859-1").replace(
        "楼道灯不亮".encode(), "café".encode("latin-1")
    )
    assert xml_reader.shared_strings(io.BytesIO(latin)) == list(
        read_string_table(io.BytesIO(latin))
    )
    assert xml_reader.shared_strings(io.BytesIO(latin))[0] == "café"
    assert expected[1] == "3号楼 漏水 " and expected[2] == "铁塔寺"  # as a clerk reads them
    prefixed = xml.replace(b"<si>", b"<x:si>").replace(b"</si>", b"</x:si>")
    prefixed = prefixed.replace(b"<t", b"<x:t").replace(b"</t>", b"</x:t>")
    prefixed = prefixed.replace(b"<sst ", f'<sst xmlns:x="{main}" '.encode())
    assert xml_reader.shared_strings(io.BytesIO(prefixed)) == expected


@pytest.mark.parametrize("rows_by", ["expat", "openpyxl"])
def test_hidden_columns_are_blank_for_both_row_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows_by: str
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["问题描述", "旧电话", "联系电话", "备用"])
    sheet.append(["楼道灯不亮", "13900000001", "13812345678", "x"])
    sheet.column_dimensions["B"].hidden = True
    sheet.column_dimensions["D"].hidden = True
    path = tmp_path / "隐藏列.xlsx"
    workbook.save(path)
    monkeypatch.setattr(reading, "ROW_READER", rows_by)
    with reading.open_source(path) as source:
        found = list(source.sheets[0].rows())
    assert [row[:4] + (None,) * (4 - len(row)) for _, row in found] == [
        ("问题描述", None, "联系电话", None),
        ("楼道灯不亮", None, "13812345678", None),
    ]


def _excel_like(path: Path) -> Path:
    """A workbook as Excel saves one (shared strings, styles, r then s then t), with rows of
    plain cells read directly and rows expat must read (a formula, an inline string, a
    boolean, spaces between cells, a self-closing row), and a hidden column."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rows = (
        '<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="E1" t="s"><v>3</v></c></row>'
        '<row r="2"><c r="A2" s="1"><v>46086</v></c><c r="B2" t="s"><v>4</v></c>'
        '<c r="C2"><v>13812345678</v></c><c r="D2"><v>9</v></c><c r="E2" t="n"><v>2.5</v></c></row>'
        '<row r="3"/>'
        '<row r="4"><c r="A4" s="1"><v>46087.5</v></c><c r="B4" s="2"/><c r="C4" t="s"><v>5</v></c></row>'
        '<row r="5"><c r="A5" s="1"><v>46088</v></c><c r="B5" t="str"><f>A1</f><v>算出</v></c>'
        '<c r="C5" t="inlineStr"><is><t>行内</t></is></c><c r="E5" t="b"><v>1</v></c></row>'
        '<row r="7"> <c r="A7" t="s"><v>4</v></c> <c r="C7"><v>1E3</v></c></row>'
    )
    files = {
        "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{office}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{office}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
        '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}">'
        '<fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>",
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="6" uniqueCount="6">'
        "<si><t>反映时间</t></si><si><t>问题描述</t></si><si><t>联系电话</t></si><si><t>备注</t></si>"
        "<si><t>楼道灯不亮</t></si><si><r><t>路灯</t></r><r><t>不亮</t></r></si></sst>",
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
        f'<cols><col min="4" max="4" width="3" hidden="1" customWidth="1"/></cols><sheetData>{rows}</sheetData></worksheet>',
    }  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_plain_rows_read_directly_as_expat_and_openpyxl_read_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    from datetime import datetime

    path = _excel_like(tmp_path / "台账.xlsx")

    def rows(reader: str) -> list[tuple[int, tuple[object, ...]]]:
        monkeypatch.setattr(reading, "ROW_READER", reader)
        with reading.open_source(path) as source:
            found = list(source.sheets[0].rows())
        return [(n, tuple(row) + (None,) * (5 - len(row))) for n, row in found]

    direct = rows("expat")
    monkeypatch.setattr(xml_reader, "_PLAIN_ROW", re.compile(rb"(?!)"))  # expat for every row
    assert rows("expat") == direct
    assert rows("openpyxl") == [(n, r) for n, r in direct]
    # As a clerk reads the sheet (column D hidden): written out by hand.
    assert direct == [
        (1, ("反映时间", "问题描述", "联系电话", None, "备注")),
        (2, (datetime(2026, 3, 5), "楼道灯不亮", 13812345678, None, 2.5)),
        (4, (datetime(2026, 3, 6, 12, 0), None, "路灯不亮", None, None)),
        (5, (datetime(2026, 3, 7), "算出", "行内", None, True)),
        (7, ("楼道灯不亮", None, 1000.0, None, None)),
    ]


def test_rows_of_one_shape_read_by_their_own_values_and_styles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plain rows are worked out once per shape: rows alike but for a date style, an empty
    <v>, a cell written twice, a hidden column, or their numbers read as expat reads
    each of them."""
    import io
    import re
    from datetime import datetime
    from types import SimpleNamespace

    rows = (
        '<row r="1"><c r="A1" s="1"><v>46086</v></c><c r="B1" t="s"><v>0</v></c></row>'
        '<row r="2"><c r="A2" s="2"><v>46086</v></c><c r="B2" t="s"><v>1</v></c></row>'
        '<row r="3"><c r="A3" s="1"><v>46087</v></c><c r="B3" t="s"><v></v></c></row>'
        '<row r="4"><c r="A4"><v>1.5</v></c><c r="B4" t="s"><v>1</v></c><c r="A4"><v>7</v></c></row>'
        '<row r="5"><c r="A5"><v>2.5</v></c><c r="B5" t="s"><v>0</v></c><c r="C5"><v>8</v></c></row>'
        '<row r="6"><c r="A6"><v>3</v></c><c r="C6"/><c r="E6" t="n"><v>1E3</v></c></row>'
        '<row r="7"><c r="C7"><v>9</v></c></row>'
        '<row r="8"><c r="B8" t="s"><v>1</v></c><c r="A8" s="1"><v>46088</v></c></row>'
        # the shape of row 2 without its digits, but no plain row (a digit in a name)
        '<row r="9"><c r="A9" s="2"><v>46086</v></c><c r="B9" t="s"><v1>0</v1></c></row>'
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
        f'formats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()
    workbook = SimpleNamespace(
        _archive=SimpleNamespace(open=lambda path: io.BytesIO(sheet)),
        _date_formats={1},
        _timedelta_formats=set(),
        epoch=datetime(1899, 12, 30),
    )
    worksheet = SimpleNamespace(_shared_strings=["甲", "乙"], _worksheet_path="s.xml")
    hidden = frozenset({3})  # column C
    direct = list(xml_reader.expat_rows(workbook, worksheet, hidden))
    monkeypatch.setattr(xml_reader, "_SHAPES", 1)  # past the first shape, none kept
    monkeypatch.setattr(xml_reader, "_REMEMBERED", 1)  # each value forgotten at once
    assert list(xml_reader.expat_rows(workbook, worksheet, hidden)) == direct
    monkeypatch.setattr(xml_reader, "_PLAIN_ROW", re.compile(rb"(?!)"))  # expat for every row
    assert list(xml_reader.expat_rows(workbook, worksheet, hidden)) == direct
    assert direct == [
        (1, (datetime(2026, 3, 5), "甲")),
        (2, (46086, "乙")),
        (3, (datetime(2026, 3, 6), None)),
        (4, (7, "乙")),
        (5, (2.5, "甲")),
        (6, (3, None, None, None, 1000.0)),
        (8, (datetime(2026, 3, 7), "乙")),
        (9, (46086, None)),
    ]
