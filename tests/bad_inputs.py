"""The bad-input corpus: every kind of file the offices may send, written by code, each with
the outcome it must have (tests/test_bad_inputs.py runs them all)."""

from __future__ import annotations

import gzip
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from pipelines.generate.export import to_cp1258_form
from schemas.dossiers import SPEC as DOSSIERS
from schemas.engagement import SPEC as ENGAGEMENT
from schemas.feedback import SPEC as FEEDBACK
from schemas.models import SPEC as MODELS
from schemas.procedures import SPEC as PROCEDURES
from schemas.welfare import SPEC as WELFARE
from tests.helpers import dossier, frame, procedure, write_csv
from tests.test_sources import activity, event, item, model


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # under the landing folder
    write: Callable[[Path], object]
    outcome: str  # accepted / quarantined / rejected / unmatched
    fragment: str = ""  # in the rejection message or the quarantine reason
    rows: int = 1  # rows loaded (accepted) or quarantined (quarantined)
    column: str = ""  # the column the quarantine names
    code: str = ""  # the reason code of the rejection or of the first quarantined row
    row: int = 0  # the row number of the first quarantined row, as Excel or an editor shows it


def _text(rows, sep=",", spec=DOSSIERS) -> str:
    return frame(rows, spec).write_csv(separator=sep)


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _rows(rows, spec=DOSSIERS, sep=","):
    return lambda path: write_csv(path, rows, spec, sep=sep)


def _with_bad(bad: dict, spec=DOSSIERS, good=None):
    good = good or dossier(dossier_code="OK1")
    return _rows([good, bad], spec)


def _xlsx(
    rows,
    titles=(),
    units=False,
    numbers: dict | None = None,
    totals=None,
    spec=DOSSIERS,
    before=None,
):
    """A workbook with the rows on `Sheet1`; `before(book)` adds sheets in front of it."""

    def write(path: Path) -> None:
        data = frame(rows, spec)
        with xlsxwriter.Workbook(path) as book:
            if before is not None:
                before(book)
            sheet = book.add_worksheet("Sheet1")
            sheet.activate()
            row = 0
            for title in titles:
                sheet.write_string(row, 0, title)
                row += 1
            sheet.write_row(row, 0, data.columns)
            row += 1
            if units:
                sheet.write_row(row, 0, [f"({i + 1})" for i in range(data.width)])
                row += 1
            for values in data.iter_rows():
                for col, value in enumerate(values):
                    header = data.columns[col]
                    if numbers and header in numbers and value is not None:
                        sheet.write_number(row, col, numbers[header](value))
                    elif value is not None:
                        sheet.write_string(row, col, value)
                row += 1
            if totals:
                sheet.write_row(row, 0, totals)

    return write


def _truncated_xlsx(path: Path) -> None:
    _xlsx([dossier()])(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _tcvn3(path: Path) -> None:
    text = _text([dossier()])
    data = text.encode("utf-8")
    for letter, legacy in (
        ("ệ", b"\xd6"),
        ("ồ", b"\xb5"),
        ("ỉ", b"\xab"),
        ("ơ", b"\xcb"),
        ("ế", b"\xd5"),
        ("ạ", b"\xb9"),
    ):
        data = data.replace(letter.encode(), legacy)
    path.write_bytes(data)


def _vni(path: Path) -> None:
    text = _text([dossier()])
    data = text.encode("utf-8")
    for letter, legacy in (
        ("ỉ", b"i\xe6"),
        ("ồ", b"o\xe0"),
        ("ơ", b"\xf4"),
        ("ệ", b"e\xe4"),
        ("ế", b"e\xe1"),
        ("ạ", b"a\xef"),
    ):
        data = data.replace(letter.encode(), legacy)
    path.write_bytes(data)


def _welfare_totals(path: Path) -> None:
    write_csv(path, [activity()], WELFARE)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('Tổng cộng,,,,,100,"99.000.000",\n')


def _blank_rows(path: Path) -> None:
    header, first = _text([dossier()]).splitlines()
    second = _text([dossier(dossier_code="H2")]).splitlines()[1]
    path.write_text("\n".join([header, first, "", ",,,,,,,,,,,,", second]) + "\n", encoding="utf-8")


def _huge_line(path: Path) -> None:
    header, first = _text([dossier()]).splitlines()
    path.write_text("\n".join([header, first, "x" * 3_000_000]) + "\n", encoding="utf-8")


def _not_a_zip_with_pk(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "không phải bảng tính")
    path.write_bytes(buffer.getvalue())


D = "dossiers/ho_so_2024-01"
CASES: tuple[Case, ...] = (
    Case("empty file", f"{D}.csv", _bytes(b""), "rejected", "the file is empty"),
    Case("only spaces", f"{D}.csv", _bytes(b"  \n \n"), "rejected", "the file is empty"),
    Case(
        "header only",
        f"{D}.csv",
        lambda p: p.write_text(_text([dossier()]).splitlines()[0] + "\n"),
        "accepted",
        rows=0,
    ),
    Case(
        "wrong delimiter",
        f"{D}.csv",
        lambda p: p.write_text(_text([dossier()], sep="|")),
        "rejected",
        "no header row",
    ),
    Case(
        "missing required column",
        f"{D}.csv",
        lambda p: p.write_text(_text([dossier()]).replace("Ngày hẹn trả", "Hẹn")),
        "rejected",
        "missing required column(s): 'Ngày hẹn trả'",
    ),
    Case(
        "duplicated column",
        f"{D}.csv",
        lambda p: p.write_text(_text([dossier()]).replace("Mã cơ quan", "Mã hồ sơ", 1)),
        "rejected",
        "appears twice",
    ),
    Case(
        "extra columns",
        f"{D}.csv",
        lambda p: p.write_text(
            _text([dossier()]).replace("\n", ",Ghi chú\n", 1).rstrip("\n") + ",x\n"
        ),
        "accepted",
        "ignored extra columns: Ghi chú",
    ),
    Case(
        "UTF-16 from Excel",
        f"{D}.csv",
        lambda p: p.write_bytes(_text([dossier()], sep="\t").encode("utf-16")),
        "accepted",
    ),
    Case(
        "Windows-1258",
        f"{D}.csv",
        lambda p: p.write_bytes(to_cp1258_form(_text([dossier()], sep=";")).encode("cp1258")),
        "accepted",
    ),
    Case("TCVN3 text", f"{D}.csv", _tcvn3, "rejected", "TCVN3/VNI"),
    Case("VNI text", f"{D}.csv", _vni, "rejected", "TCVN3/VNI"),
    Case(
        "NFD text",
        f"{D}.csv",
        lambda p: p.write_text(__import__("unicodedata").normalize("NFD", _text([dossier()]))),
        "accepted",
    ),
    Case(
        "BOM, semicolons, CRLF",
        f"{D}.csv",
        lambda p: p.write_bytes(
            b"\xef\xbb\xbf" + _text([dossier()], sep=";").replace("\n", "\r\n").encode()
        ),
        "accepted",
    ),
    Case(
        "quoted delimiter and newline",
        f"{D}.csv",
        _rows([dossier(procedure_name="Cấp phiếu, bản sao\nlý lịch")]),
        "accepted",
    ),
    Case(
        "title rows in a CSV",
        f"{D}.csv",
        lambda p: p.write_text("ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN\n\n" + _text([dossier()])),
        "accepted",
    ),
    Case("blank rows between data", f"{D}.csv", _blank_rows, "accepted", rows=2),
    Case(
        "mixed date formats in one column",
        f"{D}.csv",
        _rows(
            [
                dossier(dossier_code="A", received_at="05/01/2024"),
                dossier(dossier_code="B", received_at="2024-01-05 08:00:00"),
                dossier(dossier_code="C", received_at="20240105080000"),
                dossier(dossier_code="D", received_at="45296"),
            ]
        ),
        "accepted",
        rows=4,
    ),
    Case(
        "Excel serial dates in numeric cells",
        f"{D}.xlsx",
        _xlsx(
            [dossier(received_at="45296.3333", due_at="45301.7", finished_at="45300.4")],
            numbers={"Ngày tiếp nhận": float, "Ngày hẹn trả": float, "Ngày kết thúc xử lý": float},
        ),
        "accepted",
    ),
    Case(
        "xlsx with titles, units and totals rows",
        f"{D}.xlsx",
        _xlsx([dossier()], titles=["ỦY BAN", "BÁO CÁO"], units=True, totals=["Tổng cộng", "1"]),
        "accepted",
    ),
    Case(
        "date in the future",
        "dossiers/ho_so_2027-01.csv",
        _rows([dossier(received_at="05/01/2027", due_at="10/01/2027", finished_at="")]),
        "quarantined",
        "a date in the future",
        column="received_at",
    ),
    Case(
        "finished before received",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", finished_at="01/01/2024")),
        "quarantined",
        "is before Ngày tiếp nhận",
        column="finished_at",
    ),
    Case(
        "due before received",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", due_at="01/01/2024")),
        "quarantined",
        "due_at) is before",
        column="due_at",
    ),
    Case(
        "received outside the month",
        f"{D}.csv",
        _with_bad(
            dossier(dossier_code="X", received_at="05/03/2024", due_at="10/03/2024", finished_at="")
        ),
        "quarantined",
        "outside the file's period",
        column="received_at",
    ),
    Case(
        "both separators in a number",
        f"{D}.csv",
        _rows([dossier(supplement_wait_days="1.234,5")]),
        "accepted",
    ),
    Case(
        "ambiguous number",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", supplement_wait_days="1,234")),
        "quarantined",
        "Số ngày chờ bổ sung: the cell is not a number",
        column="supplement_wait_days",
    ),
    Case(
        "negative count",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", supplement_count="-2")),
        "quarantined",
        "must be ≥ 0",
        column="supplement_count",
    ),
    Case(
        "unknown status label",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", status_code="Chờ ký")),
        "quarantined",
        "Trạng thái: the cell is not one of",
        column="status_code",
    ),
    Case(
        "blank required value",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", level="")),
        "quarantined",
        "Cấp thực hiện is required",
        column="level",
    ),
    Case(
        "unknown unit code",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", admin_unit_code="99999")),
        "quarantined",
        "unknown unit code",
        column="admin_unit_code",
    ),
    Case(
        "unit merged before the date",
        "dossiers/ho_so_2024-12.csv",
        _with_bad(
            dossier(
                dossier_code="X",
                admin_unit_code="22939",
                received_at="05/12/2024",
                due_at="10/12/2024",
                finished_at="09/12/2024",
            ),
            good=dossier(
                dossier_code="OK1",
                received_at="05/12/2024",
                due_at="10/12/2024",
                finished_at="09/12/2024",
            ),
        ),
        "quarantined",
        "not in force on 2024-12-05",
        column="admin_unit_code",
    ),
    Case(
        "same key, different content",
        f"{D}.csv",
        _rows(
            [dossier(dossier_code="K", status_code="4", finished_at=""), dossier(dossier_code="K")]
        ),
        "quarantined",
        "different content (row 3 kept)",
        column="dossier_code",
    ),
    Case("truncated xlsx", f"{D}.xlsx", _truncated_xlsx, "rejected", "not a readable .xlsx"),
    Case(
        "text file named .xlsx",
        f"{D}.xlsx",
        _bytes("Mã hồ sơ,Mã TTHC\n".encode()),
        "rejected",
        "not a readable .xlsx",
    ),
    Case(
        "zip that is no workbook",
        f"{D}.xlsx",
        _not_a_zip_with_pk,
        "rejected",
        "not a readable .xlsx",
    ),
    Case(
        "a huge line",
        f"{D}.csv",
        _huge_line,
        "quarantined",
        "is required but empty",
        column="procedure_code",
    ),
    Case(
        "formula injection kept as text",
        f"{D}.csv",
        _rows([dossier(procedure_name='=HYPERLINK("http://x.invalid","bấm")')]),
        "accepted",
    ),
    Case(
        "spaces in the file name",
        "dossiers/ho so 2024-01.csv",
        _rows([dossier()]),
        "unmatched",
        "does not match the dossiers pattern",
    ),
    Case(
        "Vietnamese letters in the file name",
        "dossiers/hồ_sơ_2024-01.csv",
        _rows([dossier()]),
        "unmatched",
        "does not match the dossiers pattern",
    ),
    Case(
        "dots in the file name",
        "dossiers/ho_so_2024-01..csv",
        _rows([dossier()]),
        "unmatched",
        "does not match",
    ),
    Case("hidden file", "dossiers/.ho_so_2024-01.csv", _rows([dossier()]), "unmatched", "hidden"),
    Case(
        "unsupported extension",
        "dossiers/ho_so_2024-01.xls",
        _rows([dossier()]),
        "unmatched",
        "unsupported file type",
    ),
    Case(
        "not in a source folder",
        "ho_so_2024-01.csv",
        _rows([dossier()]),
        "unmatched",
        "not in a known source folder",
    ),
    Case(
        "catalogue: duplicate code",
        "procedures/danh_muc_tthc_2024-12-31.csv",
        _rows([procedure(procedure_name="cũ"), procedure()], PROCEDURES),
        "quarantined",
        "different content",
        column="procedure_code",
    ),
    Case(
        "engagement: resolved above raised",
        "engagement/tiep_dan_doi_thoai_2024-Q1.csv",
        _with_bad(event(event_date="16/01/2024", opinions_resolved="9"), ENGAGEMENT, event()),
        "quarantined",
        "exceeds Số ý kiến",
        column="opinions_resolved",
    ),
    Case(
        "feedback: handled before received",
        "feedback/pakn_2024-01.csv",
        _with_bad(item(feedback_code="P2", handled_at="01/01/2024"), FEEDBACK, item()),
        "quarantined",
        "handled_at) is before",
        column="handled_at",
    ),
    Case(
        "models: year out of range",
        "models/dan_van_kheo_2024.csv",
        _with_bad(model(model_name="Khác", registered_year="2035"), MODELS, model()),
        "quarantined",
        "must be ≤ 2030",
        column="registered_year",
    ),
    Case(
        "welfare: unknown district",
        "welfare/an_sinh_HND_2024-Q1.csv",
        _with_bad(activity(admin_unit="Quận 1"), WELFARE, activity(row_label="2")),
        "quarantined",
        "names no single unit in force",
        column="admin_unit",
    ),
    Case(
        "welfare: gift worth 10^15 VND",
        "welfare/an_sinh_HND_2024-Q1.csv",
        _with_bad(activity(value_vnd="1.000.000.000.000.000"), WELFARE, activity(row_label="2")),
        "quarantined",
        "must be ≤",
        column="value_vnd",
    ),
    Case(
        "welfare: zero quantity",
        "welfare/an_sinh_HND_2024-Q1.csv",
        _with_bad(activity(quantity="0"), WELFARE, activity(row_label="2")),
        "quarantined",
        "must be > 0",
        column="quantity",
    ),
    Case(
        "welfare: amounts with đ and dots",
        "welfare/an_sinh_HND_2024-Q1.csv",
        _rows([activity(value_vnd="350.000 đ")], WELFARE),
        "accepted",
    ),
    Case(
        "welfare: totals row disagrees",
        "welfare/an_sinh_HND_2024-Q1.csv",
        _welfare_totals,
        "accepted",
        "Tổng cộng row says 99,000,000",
    ),
)


# ---------------------------------------------------------------- what happens on the way here
# Mail gateways, zip tools, Windows, Excel and copy-paste: each class has several cases.


def _compressed(kind: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        text = _text([dossier()]).encode()
        if kind == "gzip":
            path.write_bytes(gzip.compress(text))
        elif kind == "zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("ho_so_2024-01.csv", text)
            path.write_bytes(buffer.getvalue())
        else:  # the signature of a 7z archive: no library writes one here
            path.write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + text)

    return write


def _old_xls(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))


def _workbook_as_csv(path: Path) -> None:
    _xlsx([dossier()])(path)


def _dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "gone_away.csv")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _utf16_without_bom(path: Path) -> None:
    path.write_bytes(_text([dossier()], sep="\t").encode("utf-16-le"))


def _cr_lines(path: Path) -> None:
    path.write_bytes(_text([dossier(), dossier(dossier_code="H2")]).replace("\n", "\r").encode())


def _invisible_headers(path: Path) -> None:
    text = _text([dossier()])
    header, rest = text.split("\n", 1)
    header = (
        header.replace("Mã hồ sơ", "\ufeffMã\u00a0hồ sơ")
        .replace("Mã TTHC", "Mã TTHC\u200b")
        .replace("Trạng thái", "\u200bTrạng thái\u00a0")
    )
    path.write_text(header + "\n" + rest, encoding="utf-8")


def _footer(path: Path) -> None:
    write_csv(path, [dossier()])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nNgười lập biểu,,,,,,,,,,\n(Ký, ghi rõ họ tên),,,,,,,,,,\n")
        handle.write("Nguyễn Văn Thử - ĐT: 0912345678,,,,,,,,,,\n")


def _old_mtime(path: Path) -> None:
    """Unzip sets a file's time to the archive's, often 1980-01-01 for a bad archiver."""
    _rows([dossier()])(path)
    os.utime(path, (315532800, 315532800))


def _hidden_draft(book) -> None:
    draft = book.add_worksheet("Nháp")
    data = frame([dossier(dossier_code="D1"), dossier(dossier_code="D2")])
    draft.write_row(0, 0, data.columns)
    for number, values in enumerate(data.iter_rows(), start=1):
        draft.write_row(number, 0, values)
    draft.hide()


def _instructions(book) -> None:
    sheet = book.add_worksheet("Hướng dẫn")
    for number, line in enumerate(["Hướng dẫn nhập liệu", "Mã hồ sơ: ghi theo hệ thống", "Xem"]):
        sheet.write_string(number, 0, line)


def _chart_first(book) -> None:
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Sheet1!$N$2:$N$2"})
    book.add_chartsheet("Biểu đồ").set_chart(chart)


def _only_hidden(path: Path) -> None:
    with xlsxwriter.Workbook(path) as book:
        notes = book.add_worksheet("Ghi chú")
        notes.write_string(0, 0, "Số liệu ở trang sau")
        notes.activate()
        _hidden_draft(book)


def _two_row_header(path: Path) -> None:
    """Dates under a group header merged across them, the other headers merged down."""
    data = frame([dossier()])
    dates = ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý")
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Sheet1")
        at = [data.columns.index(d) for d in dates]
        for col, header in enumerate(data.columns):
            if col not in at:
                sheet.merge_range(0, col, 1, col, header)
        sheet.merge_range(0, at[0], 0, at[-1], "Ngày")
        for col, header in zip(at, ("tiếp nhận", "hẹn trả", "kết thúc xử lý"), strict=True):
            sheet.write_string(1, col, header)
        for col, value in enumerate(next(data.iter_rows())):
            sheet.write_string(2, col, value)


def _formula_cells(formula: str, value, column: str, without_value=False):
    """The second data row's `column` a formula: its cached `value`, or none at all."""

    def write(path: Path) -> None:
        numbers = {"supplement_count": "0", "supplement_wait_days": "0"}
        data = frame([dossier(dossier_code="OK1", **numbers), dossier(dossier_code="X", **numbers)])
        target = data.columns.index(column)
        with xlsxwriter.Workbook(path) as book:
            sheet = book.add_worksheet("Sheet1")
            sheet.write_row(0, 0, data.columns)
            for number, values in enumerate(data.iter_rows(), start=1):
                sheet.write_row(number, 0, values)
            sheet.write_formula(2, target, formula, None, value)
        if without_value:  # as a tool that does not calculate (or Excel on manual) saves it
            _rewrite_sheet(path, lambda xml: re.sub(r"</f><v>[^<]*</v>", "</f>", xml))

    return write


def _rewrite_sheet(path: Path, change: Callable[[str], str]) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


def _merged(spec, rows, column: str):
    """`column` of the first two data rows merged into one cell (Excel keeps the top text)."""

    def write(path: Path) -> None:
        data = frame(rows, spec)
        at = data.columns.index(spec.label(column))
        with xlsxwriter.Workbook(path) as book:
            sheet = book.add_worksheet("Sheet1")
            sheet.write_row(0, 0, data.columns)
            for number, values in enumerate(data.iter_rows(), start=1):
                for col, value in enumerate(values):
                    if col != at and value is not None:
                        sheet.write_string(number, col, value)
            sheet.merge_range(1, at, 2, at, data.row(0)[at])

    return write


W = "welfare/an_sinh_HND_2024-Q1"
_US = dict(due_at="01/20/2024 17:00", finished_at="01/19/2024 10:00")
_ID = "060123456789"

CASES += (
    # -- the file name, as people and tools leave it
    Case(
        "export stamp not a date-time",
        f"{D}__20241345250000.csv",
        _rows([dossier()]),
        "unmatched",
        "not a real date-time",
        code="name_bad_stamp",
    ),
    Case(
        "export stamp on 30 February",
        f"{D}__20240230120000.csv",
        _rows([dossier()]),
        "unmatched",
        "not a real date-time",
        code="name_bad_stamp",
    ),
    Case(
        "name in Windows-1258 bytes (unzip)",
        os.fsdecode(b"dossiers/h\xf4_s\xd5_2024-01.csv"),
        _bytes(_text([dossier()]).encode()),  # polars cannot open such a path
        "unmatched",
        "not UTF-8",
        code="name_bad_encoding",
    ),
    Case(
        "name in CP437 bytes (unzip)",
        os.fsdecode(b"dossiers/b\x87o_c\x87o_2024-01.csv"),
        _bytes(_text([dossier()]).encode()),  # polars cannot open such a path
        "unmatched",
        "not UTF-8",
        code="name_bad_encoding",
    ),
    Case(
        "Excel's lock file beside an open workbook",
        "dossiers/~$ho_so_2024-01.xlsx",
        _bytes(b"\x0bNguyen Van A" + bytes(150)),
        "unmatched",
        "a lock file of a workbook open while it was copied",
        code="name_temporary",
    ),
    Case(
        "Windows' thumbnail cache",
        "dossiers/Thumbs.db",
        _bytes(b"\xd0\xcf\x11\xe0" + bytes(100)),
        "unmatched",
        "not a delivery",
        code="name_temporary",
    ),
    Case(
        "a link to a file that is gone",
        "dossiers/ho_so_2024-03.csv",
        _dangling_link,
        "unmatched",
        "cannot be opened",
        code="file_unreadable",
    ),
    Case(
        "a pipe named like a delivery",
        "dossiers/ho_so_2024-03.csv",
        _fifo,
        "unmatched",
        "not a regular file",
        code="file_unreadable",
    ),
    # -- what is inside is not what the name says
    Case(
        "gzip renamed .csv",
        f"{D}.csv",
        _compressed("gzip"),
        "rejected",
        "compressed gzip archive",
        code="file_compressed",
    ),
    Case(
        "zip renamed .csv",
        f"{D}.csv",
        _compressed("zip"),
        "rejected",
        "compressed zip archive (1 file(s) inside)",
        code="file_compressed",
    ),
    Case(
        "7z renamed .xlsx",
        f"{D}.xlsx",
        _compressed("7z"),
        "rejected",
        "compressed 7z archive",
        code="file_compressed",
    ),
    Case(
        "zip of a CSV renamed .xlsx",
        f"{D}.xlsx",
        _compressed("zip"),
        "rejected",
        "compressed zip archive",
        code="file_compressed",
    ),
    Case(".xls renamed .xlsx", f"{D}.xlsx", _old_xls, "rejected", "97-2003", code="file_old_xls"),
    Case(".xls renamed .csv", f"{D}.csv", _old_xls, "rejected", "97-2003", code="file_old_xls"),
    Case(
        "workbook named .csv",
        f"{D}.csv",
        _workbook_as_csv,
        "rejected",
        "Excel workbook named .csv",
        code="file_bad_csv",
    ),
    Case("empty .xlsx", f"{D}.xlsx", _bytes(b""), "rejected", "empty", code="file_empty"),
    Case(
        "truncated workbook: its code",
        f"{D}.xlsx",
        _truncated_xlsx,
        "rejected",
        "damaged or truncated",
        code="file_bad_workbook",
    ),
    # -- encodings and line endings
    Case("UTF-16 without a BOM", f"{D}.csv", _utf16_without_bom, "accepted"),
    Case("old Mac line endings (CR)", f"{D}.csv", _cr_lines, "accepted", rows=2),
    Case("headers with invisible characters", f"{D}.csv", _invisible_headers, "accepted"),
    Case(
        "invisible characters in a key: one dossier",
        f"{D}.csv",
        _rows([dossier(dossier_code="K1\u200b"), dossier(dossier_code="\u00a0K1")]),
        "accepted",
        rows=1,
    ),
    Case(
        "no-break space in a unit code and a label",
        f"{D}.csv",
        _rows([dossier(admin_unit_code="60\u00a0", level="Tỉnh\u200b")]),
        "accepted",
    ),
    Case(
        "headers typed without accents",
        f"{D}.csv",
        lambda p: p.write_text(
            _text([dossier()])
            .replace("Mã hồ sơ", "Ma ho so")
            .replace("Ngày hẹn trả", "Ngay hen tra")
        ),
        "rejected",
        "found 'Ma ho so' for 'Mã hồ sơ', 'Ngay hen tra' for 'Ngày hẹn trả'",
        code="file_missing_column",
    ),
    Case(
        "all headers typed without accents",
        f"{D}.csv",
        lambda p: p.write_text(__import__("schemas.text").text.without_accents(_text([dossier()]))),
        "rejected",
        "typed without their accents",
        code="file_no_header",
    ),
    Case(
        "a PDF named .csv",
        f"{D}.csv",
        _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        "rejected",
        "a PDF document, not a table",
        code="file_not_a_table",
    ),
    Case(
        "an image named .xlsx",
        f"{D}.xlsx",
        _bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)),
        "rejected",
        "a PNG image",
        code="file_not_a_table",
    ),
    Case(
        "binary bytes named .csv",
        f"{D}.csv",
        _bytes(bytes(range(256)) * 8),
        "rejected",
        "a binary file",
        code="file_not_a_table",
    ),
    # -- Excel as people use it
    Case(
        "hidden draft sheet before the data",
        f"{D}.xlsx",
        _xlsx([dossier()], before=_hidden_draft),
        "accepted",
        rows=1,
    ),
    Case(
        "instruction sheet before the data",
        f"{D}.xlsx",
        _xlsx([dossier()], before=_instructions),
        "accepted",
    ),
    Case(
        "chart sheet before the data",
        f"{D}.xlsx",
        _xlsx([dossier()], before=_chart_first),
        "accepted",
    ),
    Case(
        "headers only on a hidden sheet",
        f"{D}.xlsx",
        _only_hidden,
        "rejected",
        "only on a hidden sheet",
        code="file_no_sheet",
    ),
    Case("two-row merged header", f"{D}.xlsx", _two_row_header, "accepted"),
    Case(
        "formula saved without its value",
        f"{D}.xlsx",
        _formula_cells("=1+1", None, "Số lần bổ sung", without_value=True),
        "quarantined",
        "formula saved without its calculated value",
        column="supplement_count",
        code="formula_no_value",
        row=3,
    ),
    Case(
        "#N/A in a number cell",
        f"{D}.xlsx",
        _formula_cells("=NA()", "#N/A", "Số ngày chờ bổ sung"),
        "quarantined",
        "Excel error value",
        column="supplement_wait_days",
        code="excel_error",
        row=3,
    ),
    Case(
        "#REF! in a code cell",
        f"{D}.xlsx",
        _formula_cells("=#REF!", "#REF!", "Mã cơ quan"),
        "quarantined",
        "Excel error value",
        column="agency_code",
        code="excel_error",
        row=3,
    ),
    Case(
        "#N/A typed into a CSV code cell",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", agency_code="#N/A")),
        "quarantined",
        "Excel error #N/A",
        column="agency_code",
        code="excel_error",
        row=3,
    ),
    Case(
        "welfare: unit merged over its activities",
        f"{W}.xlsx",
        _merged(WELFARE, [activity(), activity(row_label="2", quantity="5")], "admin_unit"),
        "accepted",
        rows=2,
    ),
    Case(
        "dossiers: a merged level is not filled down",
        f"{D}.xlsx",
        _merged(DOSSIERS, [dossier(), dossier(dossier_code="H2")], "level"),
        "quarantined",
        "Cấp thực hiện is required",
        column="level",
        code="required_empty",
        row=3,
    ),
    Case(
        "row numbers under title rows, as Excel shows them",
        f"{D}.xlsx",
        _xlsx([dossier(), dossier(dossier_code="X", level="")], titles=["ỦY BAN", "BÁO CÁO"]),
        "quarantined",
        "Cấp thực hiện is required",
        column="level",
        code="required_empty",
        row=5,
    ),
    Case(
        "row numbers after a cell of two lines, as an editor shows them",
        f"{D}.csv",
        _with_bad(dossier(dossier_code="X", level=""), good=dossier(procedure_name="Cấp\nphiếu")),
        "quarantined",
        "Cấp thực hiện is required",
        column="level",
        code="required_empty",
        row=4,
    ),
    Case(
        "a file in the reference folder the pipeline does not read",
        "reference/agencies.xlsx",
        _xlsx([dossier()]),
        "unmatched",
        "not a reference file the pipeline reads (agencies.csv)",
    ),
    Case(
        "signature footer with a name and a phone",
        f"{D}.csv",
        _footer,
        "accepted",
    ),
    # -- values
    Case(
        "US-locale dates (m/d/yyyy)",
        f"{D}.csv",
        _rows(
            [
                dossier(received_at="01/15/2024 08:00", **_US),
                dossier(dossier_code="H2", received_at="01/05/2024 08:00", **_US),
            ]
        ),
        "accepted",
        "month/day/year",
        rows=2,
    ),
    Case(
        "US-locale dates with a 12-hour clock",
        f"{D}.csv",
        _rows(
            [
                dossier(
                    received_at="1/15/2024 8:00 AM",
                    due_at="1/20/2024 5:00 PM",
                    finished_at="1/19/2024 10:00:05 AM",
                )
            ]
        ),
        "accepted",
        "month/day/year",
    ),
    Case(
        "a Vietnamese-locale 12-hour clock (SA/CH)",
        f"{D}.csv",
        _rows([dossier(received_at="05/01/2024 8:00 SA", due_at="10/01/2024 5:00 CH")]),
        "accepted",
    ),
    Case(
        "day/month files stay day/month",
        f"{D}.csv",
        _rows([dossier(received_at="05/01/2024 08:00"), dossier(dossier_code="H2")]),
        "accepted",
        rows=2,
    ),
    Case(
        "both orders in one file: never mixed",
        f"{D}.csv",
        _with_bad(
            dossier(dossier_code="X", received_at="01/16/2024 08:00", **_US),
            good=dossier(received_at="15/01/2024", due_at="20/01/2024", finished_at="19/01/2024"),
        ),
        "quarantined",
        "the cell is not a date",
        column="received_at",
        code="not_a_date",
        row=3,
    ),
    Case(
        "one ID number written five ways",
        f"{D}.csv",
        _rows(
            [
                dossier(dossier_code=f"H{i}", applicant_key=key)
                for i, key in enumerate(
                    [_ID, "60123456789", "'060123456789", "060 123 456 789", "60123456789.0"]
                )
            ]
        ),
        "accepted",
        rows=5,
    ),
    Case(
        "an ID number in scientific notation",
        f"{D}.csv",
        _rows([dossier(applicant_key="6.01235E+10")]),
        "accepted",
        "scientific notation",
    ),
    Case(
        "a 1980 file time (unzip) is no export date",
        f"{D}.csv",
        _old_mtime,
        "accepted",
    ),
    Case(
        "stamp says 2024, received date in 2025",
        f"{D}__20240131235959.csv",
        _with_bad(
            dossier(
                dossier_code="X",
                received_at="05/01/2025",
                due_at="10/01/2025",
                finished_at="",
                status_code="4",
            )
        ),
        "quarantined",
        "outside the file's period",
        column="received_at",
        code="outside_period",
        row=3,
    ),
)
