"""The bad-input corpus: every kind of file the offices may send, written by code, each with
the outcome it must have (tests/test_bad_inputs.py runs them all)."""

from __future__ import annotations

import io
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


def _text(rows, sep=",", spec=DOSSIERS) -> str:
    return frame(rows, spec).write_csv(separator=sep)


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _rows(rows, spec=DOSSIERS, sep=","):
    return lambda path: write_csv(path, rows, spec, sep=sep)


def _with_bad(bad: dict, spec=DOSSIERS, good=None):
    good = good or dossier(dossier_code="OK1")
    return _rows([good, bad], spec)


def _xlsx(rows, titles=(), units=False, numbers: dict | None = None, totals=None):
    def write(path: Path) -> None:
        data = frame(rows)
        with xlsxwriter.Workbook(path) as book:
            sheet = book.add_worksheet("Sheet1")
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
